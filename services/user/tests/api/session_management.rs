//! SessionService: listing and revoking one's own sessions, changing one's password.

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::session_service_client::SessionServiceClient;
use circle_testkit::principal::service;
use circle_testkit::status::assert_refused;
use tonic::Code;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, assert_invalid_field, assert_reason, spawn_app};

const NEW_PASSWORD: &str = "a brand new passphrase";

fn sessions(app: &TestApp) -> SessionServiceClient<Channel> {
    SessionServiceClient::new(app.channel.clone())
}

fn session_of(principal: &Principal) -> String {
    match principal {
        Principal::User { session_id, .. } => session_id.to_string(),
        Principal::Service { .. } => panic!("a person"),
    }
}

async fn list(
    app: &TestApp,
    caller: &Principal,
    page_size: i32,
    page_token: &str,
) -> Result<pb::ListSessionsResponse, tonic::Status> {
    let request = pb::ListSessionsRequest {
        page_size,
        page_token: page_token.to_owned(),
    };
    sessions(app)
        .list_sessions(app.request(caller, request))
        .await
        .map(|response| response.into_inner())
}

async fn revoke(app: &TestApp, caller: &Principal, session_id: &str) -> Result<(), tonic::Status> {
    let request = pb::RevokeSessionRequest {
        session_id: session_id.to_owned(),
    };
    sessions(app)
        .revoke_session(app.request(caller, request))
        .await
        .map(drop)
}

async fn change_password(
    app: &TestApp,
    caller: &Principal,
    current: &str,
    new: &str,
) -> Result<i32, tonic::Status> {
    let request = pb::ChangePasswordRequest {
        current_password: current.to_owned(),
        new_password: new.to_owned(),
    };
    sessions(app)
        .change_password(app.request(caller, request))
        .await
        .map(|response| response.into_inner().revoked_count)
}

/// Another login of an existing account: a second session.
async fn another_session(app: &TestApp, email: &str) -> (pb::LoginResponse, Principal) {
    let login = app.login(email, PASSWORD).await.expect("logged in");
    let principal = app.principal_of(login.tokens.as_ref().unwrap());
    (login, principal)
}

async fn audit_actions(app: &TestApp, user_id: &str) -> Vec<String> {
    let id: Uuid = user_id.parse().unwrap();
    app.db
        .admin_client()
        .await
        .query(
            "SELECT action FROM users.audit_log WHERE subject_id = $1 ORDER BY created_at, id",
            &[&id],
        )
        .await
        .unwrap()
        .into_iter()
        .map(|row| row.get(0))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_list_their_live_sessions_with_where_they_come_from() {
    let app = spawn_app().await;
    let (_, ada) = app.signed_in("ada@example.org").await;
    let (_, ada_phone) = another_session(&app, "ada@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;

    let listed = list(&app, &ada_phone, 0, "").await.unwrap();

    assert_eq!(listed.sessions.len(), 2, "only Ada's: {listed:?}");
    assert!(listed.next_page_token.is_empty());
    let current: Vec<&pb::Session> = listed.sessions.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].id, session_of(&ada_phone));
    // Newest first.
    assert_eq!(listed.sessions[1].id, session_of(&ada));
    let first = &listed.sessions[1];
    assert_eq!(first.device, "test-device");
    assert_eq!(first.client_address, "203.0.113.7");
    assert_eq!(first.user_agent, "circle-tests/1.0");
    assert!(first.create_time.is_some());
    assert!(first.last_use_time.is_some());

    let bobs = list(&app, &bob, 0, "").await.unwrap();
    assert_eq!(bobs.sessions.len(), 1);
    assert_eq!(bobs.sessions[0].id, session_of(&bob));

    // Revoked sessions are not listed.
    app.logout(&ada).await.unwrap();
    let listed = list(&app, &ada_phone, 0, "").await.unwrap();
    assert_eq!(listed.sessions.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn session_lists_are_paginated() {
    let app = spawn_app().await;
    let (_, ada) = app.signed_in("ada@example.org").await;
    another_session(&app, "ada@example.org").await;
    another_session(&app, "ada@example.org").await;

    let first = list(&app, &ada, 2, "").await.unwrap();
    assert_eq!(first.sessions.len(), 2);
    assert!(!first.next_page_token.is_empty());
    let second = list(&app, &ada, 2, &first.next_page_token).await.unwrap();
    assert_eq!(second.sessions.len(), 1);
    assert!(second.next_page_token.is_empty());
    let mut ids: Vec<String> = first
        .sessions
        .iter()
        .chain(&second.sessions)
        .map(|s| s.id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3, "every session exactly once");

    let status = list(&app, &ada, -1, "").await.unwrap_err();
    assert_invalid_field(&status, "page_size");
    let status = list(&app, &ada, 2, "not-a-token").await.unwrap_err();
    assert_invalid_field(&status, "page_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_records_when_the_session_was_last_used() {
    let app = spawn_app().await;
    let (login, ada) = app.signed_in("ada@example.org").await;
    let before = list(&app, &ada, 0, "").await.unwrap().sessions[0]
        .last_use_time
        .unwrap();

    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    app.refresh(&login.tokens.unwrap().refresh_token)
        .await
        .unwrap();

    let after = list(&app, &ada, 0, "").await.unwrap().sessions[0]
        .last_use_time
        .unwrap();
    assert!(
        (after.seconds, after.nanos) > (before.seconds, before.nanos),
        "{before:?} -> {after:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_session_is_refused_at_once() {
    let app = spawn_app().await;
    let (laptop_login, laptop) = app.signed_in("ada@example.org").await;
    let (_, phone) = another_session(&app, "ada@example.org").await;
    let ada_id = laptop_login.user.as_ref().unwrap().id.clone();

    revoke(&app, &phone, &session_of(&laptop)).await.unwrap();

    let status = app.get_user(&laptop, &ada_id).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let status = list(&app, &laptop, 0, "").await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let status = app
        .refresh(&laptop_login.tokens.unwrap().refresh_token)
        .await
        .unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    // The phone goes on; revoking again is harmless.
    app.get_user(&phone, &ada_id).await.unwrap();
    revoke(&app, &phone, &session_of(&laptop)).await.unwrap();
    assert_eq!(
        audit_actions(&app, &ada_id)
            .await
            .iter()
            .filter(|action| *action == "SESSION_REVOKED")
            .count(),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_revokes_someone_elses_session() {
    let app = spawn_app().await;
    let (bob_login, bob) = app.signed_in("bob@example.org").await;
    let (_, ada) = app.signed_in("ada@example.org").await;

    let status = revoke(&app, &ada, &session_of(&bob)).await.unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    assert_invalid_field_name(&status, "session_id");
    let status = revoke(&app, &ada, &Uuid::now_v7().to_string())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    let status = revoke(&app, &ada, "nope").await.unwrap_err();
    assert_invalid_field(&status, "session_id");
    let status = revoke(&app, &ada, "").await.unwrap_err();
    assert_invalid_field(&status, "session_id");

    // Bob's session stands.
    app.get_user(&bob, &bob_login.user.unwrap().id)
        .await
        .unwrap();
}

/// NOT_FOUND statuses carry the field that pointed at nothing as a BadRequest violation.
fn assert_invalid_field_name(status: &tonic::Status, field: &str) {
    use tonic_types::StatusExt;
    let violations = status
        .get_details_bad_request()
        .expect("BadRequest")
        .field_violations;
    assert_eq!(violations[0].field, field);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_the_other_sessions_keeps_the_current_one() {
    let app = spawn_app().await;
    let (login, laptop) = app.signed_in("ada@example.org").await;
    let (_, phone) = another_session(&app, "ada@example.org").await;
    let (_, tablet) = another_session(&app, "ada@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let ada_id = login.user.unwrap().id;

    let revoked = sessions(&app)
        .revoke_other_sessions(app.request(&phone, pb::RevokeOtherSessionsRequest {}))
        .await
        .unwrap()
        .into_inner()
        .revoked_count;

    assert_eq!(revoked, 2);
    for gone in [&laptop, &tablet] {
        let status = app.get_user(gone, &ada_id).await.unwrap_err();
        assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    }
    app.get_user(&phone, &ada_id).await.unwrap();
    let listed = list(&app, &phone, 0, "").await.unwrap();
    assert_eq!(listed.sessions.len(), 1);
    assert!(listed.sessions[0].current);
    assert_eq!(list(&app, &bob, 0, "").await.unwrap().sessions.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_checks_the_current_one_and_signs_out_elsewhere() {
    let app = spawn_app().await;
    let (login, laptop) = app.signed_in("ada@example.org").await;
    let (_, phone) = another_session(&app, "ada@example.org").await;
    let ada_id = login.user.unwrap().id;

    let status = change_password(&app, &laptop, "not my password", NEW_PASSWORD)
        .await
        .unwrap_err();
    assert_invalid_field(&status, "current_password");
    let status = change_password(&app, &laptop, "", NEW_PASSWORD)
        .await
        .unwrap_err();
    assert_invalid_field(&status, "current_password");
    for weak in ["short", "aaaaaaaaaaaaaa", "my ada password!", PASSWORD] {
        let status = change_password(&app, &laptop, PASSWORD, weak)
            .await
            .unwrap_err();
        assert_invalid_field(&status, "new_password");
    }
    // Nothing changed so far.
    app.get_user(&phone, &ada_id).await.unwrap();

    let revoked = change_password(&app, &laptop, PASSWORD, NEW_PASSWORD)
        .await
        .unwrap();

    assert_eq!(revoked, 1);
    let status = app.get_user(&phone, &ada_id).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    app.get_user(&laptop, &ada_id).await.unwrap();
    let status = app.login("ada@example.org", PASSWORD).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "INVALID_CREDENTIALS");
    app.login("ada@example.org", NEW_PASSWORD).await.unwrap();
    let actions = audit_actions(&app, &ada_id).await;
    assert_eq!(
        actions.iter().filter(|a| *a == "PASSWORD_CHANGED").count(),
        1,
        "{actions:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_have_no_sessions_to_manage() {
    let app = spawn_app().await;
    assert_refused(
        list(&app, &service("tribe"), 0, "").await,
        Code::PermissionDenied,
        "PERMISSION_DENIED",
    );
    assert_refused(
        change_password(&app, &service("edge"), PASSWORD, NEW_PASSWORD).await,
        Code::PermissionDenied,
        "PERMISSION_DENIED",
    );
}
