//! Reports and moderation through the edge: a person reports another, an admin works the queue
//! and suspends or reactivates accounts, and a suspended person is refused from their next call.

use circle_e2e::{PASSWORD, SignedIn, Suite};
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::moderation_service_client::ModerationServiceClient;
use circle_proto::edge::v1::report_service_client::ReportServiceClient;
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::transport::Channel;
use tonic::{Code, Status};

fn moderation(suite: &Suite) -> ModerationServiceClient<Channel> {
    ModerationServiceClient::new(suite.channel("edge"))
}

async fn report(
    suite: &Suite,
    reporter: &SignedIn,
    reported: &str,
) -> Result<edge::FiledReport, Status> {
    ReportServiceClient::new(suite.channel("edge"))
        .report_user(reporter.call(edge::ReportUserRequest {
            reported_user_id: reported.into(),
            category: edge::ReportCategory::Harassment.into(),
            comments: "insults in the tribe chat".into(),
            request_id: String::new(),
        }))
        .await
        .map(|response| response.into_inner().report.expect("a report"))
}

async fn account(suite: &Suite, person: &SignedIn) -> Result<edge::Account, Status> {
    suite
        .edge()
        .get_account(person.call(edge::GetAccountRequest {}))
        .await
        .map(|response| response.into_inner().account.expect("an account"))
}

async fn login(suite: &Suite, email: &str) -> Result<edge::LoginResponse, Status> {
    suite
        .edge()
        .login(edge::LoginRequest {
            email: email.into(),
            password: PASSWORD.into(),
            device: "e2e".into(),
        })
        .await
        .map(|response| response.into_inner())
}

async fn set_status(
    suite: &Suite,
    admin: &SignedIn,
    user_id: &str,
    status: edge::AccountStatus,
) -> Result<edge::Account, Status> {
    moderation(suite)
        .change_user_status(admin.call(edge::ChangeUserStatusRequest {
            user_id: user_id.into(),
            status: status.into(),
            reason: "e2e".into(),
        }))
        .await
        .map(|response| response.into_inner().account.expect("an account"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_resolved_with_a_suspension_locks_the_reported_person_out() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@moderation.test").await;
    let bob = suite.sign_up("bob@moderation.test").await;
    let boss = suite.sign_up("boss@moderation.test").await;
    suite.make_admin(&boss).await;

    let filed = report(&suite, &ana, &bob.user_id).await.unwrap();
    assert_eq!(filed.reported_user_id, bob.user_id);
    assert_eq!(filed.category, edge::ReportCategory::Harassment as i32);

    let queue = moderation(&suite)
        .list_reports(boss.call(edge::ListReportsRequest {
            status: edge::ReportStatus::Open.into(),
            page_size: 10,
            page_token: String::new(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(queue.reports.len(), 1);
    let queued = &queue.reports[0];
    assert_eq!(queued.id, filed.id);
    assert_eq!(queued.reporter_id, ana.user_id);
    assert_eq!(queued.comments, "insults in the tribe chat");

    let resolve = edge::ResolveReportRequest {
        report_id: filed.id.clone(),
        outcome: "confirmed by the chat log".into(),
        action: edge::ModerationAction::Suspend.into(),
    };
    let resolved = moderation(&suite)
        .resolve_report(boss.call(resolve.clone()))
        .await
        .unwrap()
        .into_inner()
        .report
        .unwrap();
    assert_eq!(resolved.status, edge::ReportStatus::Resolved as i32);
    assert_eq!(resolved.action, edge::ModerationAction::Suspend as i32);

    let status = account(&suite, &bob).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let status = login(&suite, &bob.email).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_SUSPENDED");

    let status = moderation(&suite)
        .resolve_report(boss.call(resolve))
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "REPORT_ALREADY_RESOLVED");
    account(&suite, &ana)
        .await
        .expect("the reporter is untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_who_are_not_admins_cannot_moderate() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@moderation.test").await;
    let bob = suite.sign_up("bob@moderation.test").await;
    let filed = report(&suite, &ana, &bob.user_id).await.unwrap();
    let mut client = moderation(&suite);

    let refusals = [
        client
            .list_reports(ana.call(edge::ListReportsRequest::default()))
            .await
            .map(|_| ()),
        client
            .resolve_report(ana.call(edge::ResolveReportRequest {
                report_id: filed.id.clone(),
                outcome: "mine".into(),
                action: edge::ModerationAction::Ban.into(),
            }))
            .await
            .map(|_| ()),
        client
            .change_user_role(ana.call(edge::ChangeUserRoleRequest {
                user_id: ana.user_id.clone(),
                role: edge::AccountRole::Admin.into(),
            }))
            .await
            .map(|_| ()),
        set_status(&suite, &ana, &bob.user_id, edge::AccountStatus::Suspended)
            .await
            .map(|_| ()),
    ];
    for refusal in refusals {
        assert_reason(
            &refusal.unwrap_err(),
            Code::PermissionDenied,
            "PERMISSION_DENIED",
        );
    }
    assert_eq!(
        account(&suite, &ana).await.unwrap().role,
        edge::AccountRole::User as i32
    );
    account(&suite, &bob).await.expect("Bob is untouched");

    let status = report(&suite, &ana, &ana.user_id).await.unwrap_err();
    assert_invalid_field(&status, "reported_user_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_suspends_reactivates_and_promotes_but_not_themselves() {
    let suite = Suite::start().await;
    let bob = suite.sign_up("bob@moderation.test").await;
    let boss = suite.sign_up("boss@moderation.test").await;
    suite.make_admin(&boss).await;

    let suspended = set_status(&suite, &boss, &bob.user_id, edge::AccountStatus::Suspended)
        .await
        .unwrap();
    assert_eq!(suspended.status, edge::AccountStatus::Suspended as i32);
    assert_reason(
        &account(&suite, &bob).await.unwrap_err(),
        Code::Unauthenticated,
        "SESSION_REVOKED",
    );
    assert_reason(
        &login(&suite, &bob.email).await.unwrap_err(),
        Code::PermissionDenied,
        "ACCOUNT_SUSPENDED",
    );

    set_status(&suite, &boss, &bob.user_id, edge::AccountStatus::Active)
        .await
        .unwrap();
    let promoted = moderation(&suite)
        .change_user_role(boss.call(edge::ChangeUserRoleRequest {
            user_id: bob.user_id.clone(),
            role: edge::AccountRole::TribeCreator.into(),
        }))
        .await
        .unwrap()
        .into_inner()
        .account
        .unwrap();
    assert_eq!(promoted.role, edge::AccountRole::TribeCreator as i32);
    let back = login(&suite, &bob.email).await.expect("reactivated");
    assert_eq!(
        back.account.unwrap().role,
        edge::AccountRole::TribeCreator as i32
    );

    let status = set_status(&suite, &boss, &boss.user_id, edge::AccountStatus::Suspended)
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "OWN_ACCOUNT");
    let status = moderation(&suite)
        .change_user_role(boss.call(edge::ChangeUserRoleRequest {
            user_id: boss.user_id.clone(),
            role: edge::AccountRole::User.into(),
        }))
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "OWN_ACCOUNT");
    let status = set_status(
        &suite,
        &boss,
        &bob.user_id,
        edge::AccountStatus::Unspecified,
    )
    .await
    .unwrap_err();
    assert_invalid_field(&status, "status");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_suspended_while_signed_in_is_refused_on_the_next_call() {
    let suite = Suite::start().await;
    let bob = suite.sign_up("bob@moderation.test").await;
    account(&suite, &bob).await.expect("active");

    // Only the status changes: the session and the access token still stand.
    let id: uuid::Uuid = bob.user_id.parse().unwrap();
    suite
        .db
        .admin_client()
        .await
        .execute(
            "UPDATE users.accounts SET status = 'SUSPENDED' WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap();

    let status = account(&suite, &bob).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_SUSPENDED");
    let status = circle_proto::edge::v1::block_service_client::BlockServiceClient::new(
        suite.channel("edge"),
    )
    .list_blocks(bob.call(edge::ListBlocksRequest::default()))
    .await
    .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_SUSPENDED");
}
