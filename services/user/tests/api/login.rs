use circle_core::auth::Role;
use circle_proto::user::v1 as pb;
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{PASSWORD, assert_invalid_field, assert_reason, spawn_app};

const EMAIL: &str = "ada@example.org";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_opens_a_session_with_a_token_pair() {
    let app = spawn_app().await;
    let user = app.active_user(EMAIL).await;

    let login = app.login(" Ada@Example.org", PASSWORD).await.unwrap();

    let logged_in = login.user.clone().unwrap();
    assert_eq!(logged_in.id, user.id);
    assert_eq!(logged_in.status(), pb::UserStatus::Active);
    let tokens = login.tokens.unwrap();
    let claims = app.access_key.verify(&tokens.access_token).unwrap();
    assert_eq!(claims.sub.to_string(), user.id);
    assert_eq!(claims.role, Role::User);
    assert_eq!(tokens.access_token_expire_time.unwrap().seconds, claims.exp);
    assert_eq!(tokens.refresh_token.len(), 64);
    assert!(tokens.refresh_token_expire_time.is_some());

    let client = app.db.admin_client().await;
    let session = client
        .query_one(
            "SELECT user_id, ip_address, user_agent, device, revoked_at IS NULL \
             FROM users.sessions WHERE id = $1",
            &[&claims.sid],
        )
        .await
        .unwrap();
    assert_eq!(session.get::<_, Uuid>(0).to_string(), user.id);
    assert_eq!(
        session.get::<_, Option<String>>(1).as_deref(),
        Some("203.0.113.7")
    );
    assert_eq!(
        session.get::<_, Option<String>>(2).as_deref(),
        Some("circle-tests/1.0")
    );
    assert_eq!(
        session.get::<_, Option<String>>(3).as_deref(),
        Some("test-device")
    );
    assert!(session.get::<_, bool>(4));
    let stored: String = client
        .query_one(
            "SELECT token_hash FROM users.refresh_tokens WHERE session_id = $1",
            &[&claims.sid],
        )
        .await
        .unwrap()
        .get(0);
    assert_ne!(stored, tokens.refresh_token, "only the hash is stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_and_an_unknown_email_look_the_same() {
    let app = spawn_app().await;
    app.active_user(EMAIL).await;

    let wrong_password = app.login(EMAIL, "not the password").await.unwrap_err();
    let unknown_email = app.login("nobody@example.org", PASSWORD).await.unwrap_err();

    assert_reason(
        &wrong_password,
        Code::Unauthenticated,
        "INVALID_CREDENTIALS",
    );
    assert_reason(&unknown_email, Code::Unauthenticated, "INVALID_CREDENTIALS");
    assert_eq!(wrong_password.message(), unknown_email.message());
    let sessions: i64 = app
        .db
        .admin_client()
        .await
        .query_one("SELECT count(*) FROM users.sessions", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(sessions, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_before_verification_is_refused() {
    let app = spawn_app().await;
    app.register(EMAIL, PASSWORD).await.unwrap();

    let status = app.login(EMAIL, PASSWORD).await.unwrap_err();

    assert_reason(&status, Code::FailedPrecondition, "EMAIL_NOT_VERIFIED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspended_account_cannot_log_in() {
    let app = spawn_app().await;
    app.active_user(EMAIL).await;
    app.execute("UPDATE users.accounts SET status = 'SUSPENDED'", &[])
        .await;

    let status = app.login(EMAIL, PASSWORD).await.unwrap_err();

    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_SUSPENDED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_names_a_malformed_field() {
    let app = spawn_app().await;

    let status = app.login("not-an-email", PASSWORD).await.unwrap_err();
    assert_invalid_field(&status, "email");
    let status = app.login(EMAIL, "").await.unwrap_err();
    assert_invalid_field(&status, "password");
}
