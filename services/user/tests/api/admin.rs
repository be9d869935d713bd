//! AdminService: role and status changes (audited with the old and the new value, never on
//! one's own account), and the audit log queried by person and by resource.

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::admin_service_client::AdminServiceClient;
use circle_testkit::principal::{service, user_id};
use tonic::{Code, Status};
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, assert_invalid_field, assert_reason, spawn_app};
use crate::moderation::{admin, audited};

fn client(app: &TestApp) -> AdminServiceClient<tonic::transport::Channel> {
    AdminServiceClient::new(app.channel.clone())
}

async fn change_role(
    app: &TestApp,
    caller: &Principal,
    user: &str,
    role: pb::UserRole,
) -> Result<pb::User, Status> {
    client(app)
        .change_user_role(app.request(
            caller,
            pb::ChangeUserRoleRequest {
                user_id: user.to_owned(),
                role: role.into(),
            },
        ))
        .await
        .map(|response| response.into_inner().user.expect("a user"))
}

async fn change_status(
    app: &TestApp,
    caller: &Principal,
    user: &str,
    status: pb::UserStatus,
) -> Result<pb::User, Status> {
    client(app)
        .change_user_status(app.request(
            caller,
            pb::ChangeUserStatusRequest {
                user_id: user.to_owned(),
                status: status.into(),
                reason: "terms of service".to_owned(),
            },
        ))
        .await
        .map(|response| response.into_inner().user.expect("a user"))
}

async fn audit(
    app: &TestApp,
    caller: &Principal,
    request: pb::ListAuditEntriesRequest,
) -> Result<pb::ListAuditEntriesResponse, Status> {
    client(app)
        .list_audit_entries(app.request(caller, request))
        .await
        .map(|response| response.into_inner())
}

fn metadata(entry: &pb::AuditEntry, key: &str) -> String {
    match entry
        .metadata
        .as_ref()
        .and_then(|fields| fields.fields.get(key))
    {
        Some(prost_types::Value {
            kind: Some(prost_types::value::Kind::StringValue(value)),
        }) => value.clone(),
        other => panic!("{key} in {entry:?}: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_changes_are_audited_and_never_the_admins_own() {
    let app = spawn_app().await;
    let boss = admin(&app, "boss@example.org").await;
    let bob = app.active_user("bob@example.org").await;

    let changed = change_role(&app, &boss, &bob.id, pb::UserRole::TribeCreator)
        .await
        .unwrap();
    assert_eq!(changed.role, pb::UserRole::TribeCreator as i32);
    change_role(&app, &boss, &bob.id, pb::UserRole::TribeCreator)
        .await
        .unwrap();
    let rows = audited(&app, "ROLE_CHANGED", &bob.id).await;
    assert_eq!(rows.len(), 1, "an unchanged role is not a change");
    assert_eq!(rows[0]["old"], "USER");
    assert_eq!(rows[0]["new"], "TRIBE_CREATOR");

    let boss_id = user_id(&boss).to_string();
    let status = change_role(&app, &boss, &boss_id, pb::UserRole::User)
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "OWN_ACCOUNT");
    let status = change_status(&app, &boss, &boss_id, pb::UserStatus::Suspended)
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "OWN_ACCOUNT");

    let status = change_role(&app, &boss, &bob.id, pb::UserRole::Unspecified)
        .await
        .unwrap_err();
    assert_invalid_field(&status, "role");
    assert_invalid_field(
        &change_role(&app, &boss, "x", pb::UserRole::User)
            .await
            .unwrap_err(),
        "user_id",
    );
    let status = change_role(&app, &boss, &Uuid::new_v4().to_string(), pb::UserRole::User)
        .await
        .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_demoted_admin_loses_admin_rights_at_once() {
    let app = spawn_app().await;
    let boss = admin(&app, "boss@example.org").await;
    let deputy = admin(&app, "deputy@example.org").await;

    change_role(
        &app,
        &boss,
        &user_id(&deputy).to_string(),
        pb::UserRole::User,
    )
    .await
    .unwrap();

    let status = change_role(
        &app,
        &deputy,
        &user_id(&boss).to_string(),
        pb::UserRole::User,
    )
    .await
    .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn suspension_ends_sessions_and_refuses_login_until_reactivated() {
    let app = spawn_app().await;
    let boss = admin(&app, "boss@example.org").await;
    let (login, bob) = app.signed_in("bob@example.org").await;
    let bob_id = login.user.unwrap().id;

    let suspended = change_status(&app, &boss, &bob_id, pb::UserStatus::Suspended)
        .await
        .unwrap();
    assert_eq!(suspended.status, pb::UserStatus::Suspended as i32);
    let status = app.get_user(&bob, &bob_id).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let status = app.login("bob@example.org", PASSWORD).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_SUSPENDED");

    change_status(&app, &boss, &bob_id, pb::UserStatus::Active)
        .await
        .unwrap();
    app.login("bob@example.org", PASSWORD).await.unwrap();
    let rows = audited(&app, "STATUS_CHANGED", &bob_id).await;
    let changes: Vec<(&str, &str)> = rows
        .iter()
        .map(|row| (row["old"].as_str().unwrap(), row["new"].as_str().unwrap()))
        .collect();
    assert_eq!(changes, [("ACTIVE", "SUSPENDED"), ("SUSPENDED", "ACTIVE")]);
    assert_eq!(rows[0]["reason"], "terms of service");

    let status = change_status(&app, &boss, &bob_id, pb::UserStatus::Pending)
        .await
        .unwrap_err();
    assert_invalid_field(&status, "status");
    change_status(&app, &boss, &bob_id, pb::UserStatus::Deleted)
        .await
        .unwrap();
    let status = change_status(&app, &boss, &bob_id, pb::UserStatus::Active)
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "ACCOUNT_DELETED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspended_person_is_refused_on_their_next_call() {
    let app = spawn_app().await;
    let (login, bob) = app.signed_in("bob@example.org").await;
    let bob_id = login.user.unwrap().id;
    app.get_user(&bob, &bob_id).await.unwrap();

    // Suspended behind the service's back: the session stands, the status alone refuses.
    let id: Uuid = bob_id.parse().unwrap();
    app.execute(
        "UPDATE users.accounts SET status = 'SUSPENDED' WHERE id = $1",
        &[&id],
    )
    .await;

    let status = app.get_user(&bob, &bob_id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_SUSPENDED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_query_the_audit_log_by_person_and_by_resource_newest_first() {
    let app = spawn_app().await;
    let boss = admin(&app, "boss@example.org").await;
    let (login, _) = app.signed_in("bob@example.org").await;
    let bob_id = login.user.unwrap().id;
    change_role(&app, &boss, &bob_id, pb::UserRole::TribeCreator)
        .await
        .unwrap();
    change_status(&app, &boss, &bob_id, pb::UserStatus::Inactive)
        .await
        .unwrap();

    let by_person = |page_token: &str| pb::ListAuditEntriesRequest {
        user_id: bob_id.clone(),
        page_size: 2,
        page_token: page_token.to_owned(),
        ..Default::default()
    };
    let first = audit(&app, &boss, by_person("")).await.unwrap();
    let second = audit(&app, &boss, by_person(&first.next_page_token))
        .await
        .unwrap();
    assert!(second.next_page_token.is_empty());
    let actions: Vec<&str> = first
        .entries
        .iter()
        .chain(&second.entries)
        .map(|entry| entry.action.as_str())
        .collect();
    // Bob's own login (he acted), then the admin's two changes (he was the subject).
    assert_eq!(actions, ["STATUS_CHANGED", "ROLE_CHANGED", "LOGIN"]);
    let status_change = &first.entries[0];
    assert_eq!(status_change.actor_id, user_id(&boss).to_string());
    assert_eq!(status_change.subject_id, bob_id);
    assert_eq!(metadata(status_change, "old"), "ACTIVE");
    assert_eq!(metadata(status_change, "new"), "INACTIVE");

    let by_boss = audit(
        &app,
        &boss,
        pb::ListAuditEntriesRequest {
            user_id: user_id(&boss).to_string(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        by_boss.entries.len(),
        3,
        "the admin's login and two changes"
    );

    let by_resource = audit(
        &app,
        &boss,
        pb::ListAuditEntriesRequest {
            resource_type: "account".into(),
            resource_id: bob_id.clone(),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let actions: Vec<&str> = by_resource
        .entries
        .iter()
        .map(|entry| entry.action.as_str())
        .collect();
    assert_eq!(actions, ["STATUS_CHANGED", "ROLE_CHANGED"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_admins_manage_accounts_or_read_the_audit_log() {
    let app = spawn_app().await;
    let (login, ana) = app.signed_in("ana@example.org").await;
    let ana_id = login.user.unwrap().id;
    let bob = app.active_user("bob@example.org").await;
    for caller in [ana.clone(), service("tribe")] {
        let refusals = [
            change_role(&app, &caller, &bob.id, pb::UserRole::Admin)
                .await
                .map(|_| ()),
            change_status(&app, &caller, &bob.id, pb::UserStatus::Suspended)
                .await
                .map(|_| ()),
            audit(
                &app,
                &caller,
                pb::ListAuditEntriesRequest {
                    user_id: ana_id.clone(),
                    ..Default::default()
                },
            )
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
    }

    let boss = admin(&app, "boss@example.org").await;
    let missing = audit(&app, &boss, pb::ListAuditEntriesRequest::default()).await;
    assert_invalid_field(&missing.unwrap_err(), "user_id");
    let half = audit(
        &app,
        &boss,
        pb::ListAuditEntriesRequest {
            resource_type: "account".into(),
            ..Default::default()
        },
    )
    .await;
    assert_invalid_field(&half.unwrap_err(), "resource_id");
}
