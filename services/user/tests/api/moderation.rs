//! Reports and the moderation queue: filing, listing oldest first, resolving once with an
//! action against the reported account, and everyone but admins refused.

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::moderation_service_client::ModerationServiceClient;
use circle_proto::user::v1::report_service_client::ReportServiceClient;
use circle_testkit::principal::{service, user_id};
use tonic::{Code, Status};
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, assert_invalid_field, assert_reason, spawn_app};

/// A signed-in admin.
pub async fn admin(app: &TestApp, email: &str) -> Principal {
    let (_, principal) = app.signed_in(email).await;
    app.execute(
        "UPDATE users.accounts SET role = 'ADMIN' WHERE id = $1",
        &[&user_id(&principal)],
    )
    .await;
    principal
}

pub async fn report(
    app: &TestApp,
    caller: &Principal,
    reported: &str,
    category: pb::ReportCategory,
    comments: &str,
    request_id: &str,
) -> Result<pb::Report, Status> {
    ReportServiceClient::new(app.channel.clone())
        .report_user(app.request(
            caller,
            pb::ReportUserRequest {
                reported_user_id: reported.to_owned(),
                category: category.into(),
                comments: comments.to_owned(),
                request_id: request_id.to_owned(),
            },
        ))
        .await
        .map(|response| response.into_inner().report.expect("a report"))
}

async fn queue(
    app: &TestApp,
    caller: &Principal,
    status: pb::ReportStatus,
    page_size: i32,
    page_token: &str,
) -> Result<pb::ListReportsResponse, Status> {
    ModerationServiceClient::new(app.channel.clone())
        .list_reports(app.request(
            caller,
            pb::ListReportsRequest {
                status: status.into(),
                page_size,
                page_token: page_token.to_owned(),
            },
        ))
        .await
        .map(|response| response.into_inner())
}

pub async fn resolve(
    app: &TestApp,
    caller: &Principal,
    report_id: &str,
    action: pb::ModerationAction,
) -> Result<pb::Report, Status> {
    ModerationServiceClient::new(app.channel.clone())
        .resolve_report(app.request(
            caller,
            pb::ResolveReportRequest {
                report_id: report_id.to_owned(),
                outcome: "reviewed the messages".to_owned(),
                action: action.into(),
            },
        ))
        .await
        .map(|response| response.into_inner().report.expect("a report"))
}

/// The metadata of the audit rows with `action` about `subject`, oldest first.
pub async fn audited(app: &TestApp, action: &str, subject: &str) -> Vec<serde_json::Value> {
    let subject: Uuid = subject.parse().unwrap();
    app.db
        .admin_client()
        .await
        .query(
            "SELECT metadata::text FROM users.audit_log WHERE action = $1 AND subject_id = $2 \
             ORDER BY created_at, id",
            &[&action, &subject],
        )
        .await
        .unwrap()
        .into_iter()
        .map(|row| serde_json::from_str(row.get::<_, &str>(0)).unwrap())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspending_resolution_suspends_the_account_ends_its_sessions_and_happens_once() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (bob_login, bob) = app.signed_in("bob@example.org").await;
    let bob_id = bob_login.user.unwrap().id;
    let moderator = admin(&app, "mod@example.org").await;

    let filed = report(
        &app,
        &ana,
        &bob_id,
        pb::ReportCategory::Harassment,
        "rude",
        "",
    )
    .await
    .unwrap();
    assert_eq!(filed.status, pb::ReportStatus::Open as i32);
    assert_eq!(filed.reporter_id, user_id(&ana).to_string());
    let open = queue(&app, &moderator, pb::ReportStatus::Unspecified, 0, "")
        .await
        .unwrap();
    assert_eq!(open.reports, vec![filed.clone()]);

    let resolved = resolve(&app, &moderator, &filed.id, pb::ModerationAction::Suspend)
        .await
        .unwrap();
    assert_eq!(resolved.status, pb::ReportStatus::Resolved as i32);
    assert_eq!(resolved.action, pb::ModerationAction::Suspend as i32);
    assert_eq!(resolved.resolver_id, user_id(&moderator).to_string());
    assert!(resolved.resolve_time.is_some());

    let status = app.get_user(&bob, &bob_id).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let status = app.login("bob@example.org", PASSWORD).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_SUSPENDED");

    let status = resolve(&app, &moderator, &filed.id, pb::ModerationAction::None)
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "REPORT_ALREADY_RESOLVED");

    let queues = (
        queue(&app, &moderator, pb::ReportStatus::Open, 0, "")
            .await
            .unwrap(),
        queue(&app, &moderator, pb::ReportStatus::Resolved, 0, "")
            .await
            .unwrap(),
    );
    assert!(queues.0.reports.is_empty());
    assert_eq!(queues.1.reports, vec![resolved]);

    let resolutions = audited(&app, "REPORT_RESOLVED", &bob_id).await;
    assert_eq!(resolutions.len(), 1);
    assert_eq!(resolutions[0]["action"], "SUSPEND");
    let changes = audited(&app, "STATUS_CHANGED", &bob_id).await;
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0]["old"], "ACTIVE");
    assert_eq!(changes[0]["new"], "SUSPENDED");
    assert_eq!(changes[0]["report_id"], filed.id.as_str());
    assert_eq!(audited(&app, "REPORT_FILED", &bob_id).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ban_deletes_the_account_for_good() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let bob = app.active_user("bob@example.org").await;
    let moderator = admin(&app, "mod@example.org").await;
    let first = report(&app, &ana, &bob.id, pb::ReportCategory::FakeProfile, "", "")
        .await
        .unwrap();
    let second = report(&app, &ana, &bob.id, pb::ReportCategory::Spam, "again", "")
        .await
        .unwrap();

    resolve(&app, &moderator, &first.id, pb::ModerationAction::Ban)
        .await
        .unwrap();
    let account = app.get_user(&moderator, &bob.id).await.unwrap();
    assert_eq!(account.status, pb::UserStatus::Deleted as i32);
    let status = app.login("bob@example.org", PASSWORD).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_DELETED");

    // A later suspension of a banned account resolves the report and changes nothing else.
    resolve(&app, &moderator, &second.id, pb::ModerationAction::Suspend)
        .await
        .unwrap();
    let account = app.get_user(&moderator, &bob.id).await.unwrap();
    assert_eq!(account.status, pb::UserStatus::Deleted as i32);
    assert_eq!(audited(&app, "STATUS_CHANGED", &bob.id).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_are_checked_field_by_field_and_retries_return_the_first() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let bob = app.active_user("bob@example.org").await;
    let ana_id = user_id(&ana).to_string();
    use pb::ReportCategory::{Other, Spam, Unspecified};

    let refusals = [
        (
            report(&app, &ana, &ana_id, Spam, "", "").await,
            "reported_user_id",
        ),
        (
            report(&app, &ana, "nope", Spam, "", "").await,
            "reported_user_id",
        ),
        (
            report(&app, &ana, &bob.id, Unspecified, "", "").await,
            "category",
        ),
        (
            report(&app, &ana, &bob.id, Spam, &"x".repeat(2001), "").await,
            "comments",
        ),
        (
            report(&app, &ana, &bob.id, Spam, "a\0b", "").await,
            "comments",
        ),
    ];
    for (result, field) in refusals {
        assert_invalid_field(&result.unwrap_err(), field);
    }
    let status = report(&app, &ana, &Uuid::new_v4().to_string(), Spam, "", "")
        .await
        .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");

    let first = report(&app, &ana, &bob.id, Spam, "ads", "retry-1")
        .await
        .unwrap();
    let again = report(&app, &ana, &bob.id, Spam, "ads", "retry-1")
        .await
        .unwrap();
    assert_eq!(again, first);
    let status = report(&app, &ana, &bob.id, Other, "ads", "retry-1")
        .await
        .unwrap_err();
    assert_reason(&status, Code::InvalidArgument, "REQUEST_ID_REUSED");
    let moderator = admin(&app, "mod@example.org").await;
    let open = queue(&app, &moderator, pb::ReportStatus::Open, 0, "")
        .await
        .unwrap();
    assert_eq!(open.reports, vec![first]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_queue_is_oldest_first_page_by_page() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let bob = app.active_user("bob@example.org").await;
    let moderator = admin(&app, "mod@example.org").await;
    let mut filed = Vec::new();
    for comments in ["one", "two", "three"] {
        let report = report(&app, &ana, &bob.id, pb::ReportCategory::Other, comments, "")
            .await
            .unwrap();
        filed.push(report.id);
    }
    let first = queue(&app, &moderator, pb::ReportStatus::Open, 2, "")
        .await
        .unwrap();
    assert!(!first.next_page_token.is_empty());
    let second = queue(
        &app,
        &moderator,
        pb::ReportStatus::Open,
        2,
        &first.next_page_token,
    )
    .await
    .unwrap();
    assert!(second.next_page_token.is_empty());
    let seen: Vec<String> = first
        .reports
        .into_iter()
        .chain(second.reports)
        .map(|report| report.id)
        .collect();
    assert_eq!(seen, filed);
    let status = queue(&app, &moderator, pb::ReportStatus::Open, -1, "")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_size");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_admins_moderate() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let bob = app.active_user("bob@example.org").await;
    let filed = report(&app, &ana, &bob.id, pb::ReportCategory::Spam, "", "")
        .await
        .unwrap();
    for caller in [ana.clone(), service("tribe")] {
        let status = queue(&app, &caller, pb::ReportStatus::Open, 0, "")
            .await
            .unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
        let status = resolve(&app, &caller, &filed.id, pb::ModerationAction::Suspend)
            .await
            .unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    }
    let moderator = admin(&app, "mod@example.org").await;
    let status = resolve(
        &app,
        &moderator,
        &filed.id,
        pb::ModerationAction::Unspecified,
    )
    .await
    .unwrap_err();
    assert_invalid_field(&status, "action");
    let status = resolve(
        &app,
        &moderator,
        &Uuid::new_v4().to_string(),
        pb::ModerationAction::None,
    )
    .await
    .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    let account = app.get_user(&moderator, &bob.id).await.unwrap();
    assert_eq!(
        account.status,
        pb::UserStatus::Active as i32,
        "nothing happened to Bob"
    );
}
