//! The account flow through the edge: register, the emailed code, verify, log in, refresh,
//! log out, read the account, and every misuse the edge must refuse.

use std::time::Duration;

use circle_core::auth::{AccessTokenKey, Role};
use circle_e2e::{ACCESS_TOKEN_SECRET, Suite, bearer};
use circle_proto::edge::v1::account_service_client::AccountServiceClient;
use circle_proto::edge::v1::{
    AccountStatus, GetAccountRequest, ListNotificationsRequest, LoginRequest, LoginResponse,
    LogoutRequest, RefreshTokenRequest, RegisterRequest, VerifyEmailRequest,
};
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;

const PASSWORD: &str = "correct horse battery staple";
const MAIL_WAIT: Duration = Duration::from_secs(20);

fn reason(status: &Status) -> String {
    status
        .get_details_error_info()
        .map(|info| info.reason)
        .unwrap_or_default()
}

fn violated_fields(status: &Status) -> Vec<String> {
    status
        .get_details_bad_request()
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default()
}

async fn register(edge: &mut AccountServiceClient<Channel>, email: &str) {
    edge.register(RegisterRequest {
        email: email.into(),
        password: PASSWORD.into(),
    })
    .await
    .expect("registration");
}

async fn login(
    edge: &mut AccountServiceClient<Channel>,
    email: &str,
    password: &str,
) -> Result<LoginResponse, Status> {
    edge.login(LoginRequest {
        email: email.into(),
        password: password.into(),
        device: "e2e".into(),
    })
    .await
    .map(tonic::Response::into_inner)
}

/// Registers and verifies `email`, returning a fresh login.
async fn active_account(suite: &Suite, email: &str) -> LoginResponse {
    let mut edge = suite.edge();
    register(&mut edge, email).await;
    let code = suite.verification_code(email, MAIL_WAIT).await;
    edge.verify_email(VerifyEmailRequest {
        email: email.into(),
        code,
    })
    .await
    .expect("verification");
    login(&mut edge, email, PASSWORD).await.expect("login")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_account_flow_works_through_the_edge() {
    let suite = Suite::start().await;
    let mut edge = suite.edge();
    let email = "ada@example.com";

    let registered = edge
        .register(RegisterRequest {
            email: " Ada@Example.com ".into(),
            password: PASSWORD.into(),
        })
        .await
        .expect("registration")
        .into_inner()
        .account
        .expect("an account");
    assert_eq!(registered.email, email);
    assert_eq!(registered.status(), AccountStatus::Pending);

    let refused = login(&mut edge, email, PASSWORD).await.unwrap_err();
    assert_eq!(refused.code(), Code::FailedPrecondition);
    assert_eq!(reason(&refused), "EMAIL_NOT_VERIFIED");

    let code = suite.verification_code(email, MAIL_WAIT).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mismatch = edge
        .verify_email(VerifyEmailRequest {
            email: email.into(),
            code: wrong.into(),
        })
        .await
        .unwrap_err();
    assert_eq!(mismatch.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&mismatch), ["code"]);

    let verified = edge
        .verify_email(VerifyEmailRequest {
            email: email.into(),
            code,
        })
        .await
        .expect("verification")
        .into_inner()
        .account
        .expect("an account");
    assert_eq!(verified.status(), AccountStatus::Active);
    assert!(verified.email_verify_time.is_some());

    let wrong_password = login(&mut edge, email, "not the password at all")
        .await
        .unwrap_err();
    assert_eq!(wrong_password.code(), Code::Unauthenticated);

    let session = login(&mut edge, email, PASSWORD).await.expect("login");
    let tokens = session.tokens.expect("tokens");
    let account = edge
        .get_account(bearer(&tokens.access_token, GetAccountRequest {}))
        .await
        .expect("my account")
        .into_inner()
        .account
        .expect("an account");
    assert_eq!(account.id, registered.id);
    assert_eq!(account.status(), AccountStatus::Active);

    let inbox = edge
        .list_notifications(bearer(
            &tokens.access_token,
            ListNotificationsRequest {
                page_size: 10,
                page_token: String::new(),
            },
        ))
        .await
        .expect("my inbox")
        .into_inner();
    assert_eq!(inbox.notifications.len(), 1, "the verification notice");

    let refreshed = edge
        .refresh_token(RefreshTokenRequest {
            refresh_token: tokens.refresh_token.clone(),
        })
        .await
        .expect("refresh")
        .into_inner()
        .tokens
        .expect("tokens");
    assert_ne!(refreshed.refresh_token, tokens.refresh_token);
    edge.get_account(bearer(&refreshed.access_token, GetAccountRequest {}))
        .await
        .expect("the new access token works");

    edge.logout(bearer(&refreshed.access_token, LogoutRequest {}))
        .await
        .expect("logout");
    let after_logout = edge
        .get_account(bearer(&refreshed.access_token, GetAccountRequest {}))
        .await
        .unwrap_err();
    assert_eq!(after_logout.code(), Code::Unauthenticated);
    let refresh_after_logout = edge
        .refresh_token(RefreshTokenRequest {
            refresh_token: refreshed.refresh_token,
        })
        .await
        .unwrap_err();
    assert_eq!(refresh_after_logout.code(), Code::Unauthenticated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reusing_a_rotated_refresh_token_revokes_the_session() {
    let suite = Suite::start().await;
    let mut edge = suite.edge();
    let tokens = active_account(&suite, "grace@example.com")
        .await
        .tokens
        .expect("tokens");

    let rotated = edge
        .refresh_token(RefreshTokenRequest {
            refresh_token: tokens.refresh_token.clone(),
        })
        .await
        .expect("first refresh")
        .into_inner()
        .tokens
        .expect("tokens");
    let reuse = edge
        .refresh_token(RefreshTokenRequest {
            refresh_token: tokens.refresh_token,
        })
        .await
        .unwrap_err();
    assert_eq!(reuse.code(), Code::Unauthenticated);
    assert_eq!(reason(&reuse), "REFRESH_TOKEN_REUSED");

    let successor = edge
        .refresh_token(RefreshTokenRequest {
            refresh_token: rotated.refresh_token,
        })
        .await
        .unwrap_err();
    assert_eq!(
        successor.code(),
        Code::Unauthenticated,
        "the session is revoked"
    );
    let access = edge
        .get_account(bearer(&rotated.access_token, GetAccountRequest {}))
        .await
        .unwrap_err();
    assert_eq!(access.code(), Code::Unauthenticated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_registrations_name_the_field_or_the_conflict() {
    let suite = Suite::start().await;
    let mut edge = suite.edge();

    let malformed = edge
        .register(RegisterRequest {
            email: "not-an-email".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap_err();
    assert_eq!(malformed.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&malformed), ["email"]);

    let weak = edge
        .register(RegisterRequest {
            email: "weak@example.com".into(),
            password: "short".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(weak.code(), Code::InvalidArgument);
    assert_eq!(violated_fields(&weak), ["password"]);

    register(&mut edge, "twice@example.com").await;
    let duplicate = edge
        .register(RegisterRequest {
            email: "TWICE@example.com".into(),
            password: PASSWORD.into(),
        })
        .await
        .unwrap_err();
    assert_eq!(duplicate.code(), Code::AlreadyExists);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_refused() {
    let suite = Suite::start().await;
    let mut edge = suite.edge();
    let email = "late@example.com";
    register(&mut edge, email).await;
    let code = suite.verification_code(email, MAIL_WAIT).await;

    let (admin, connection) = tokio_postgres::connect(&suite.db.admin_url(), tokio_postgres::NoTls)
        .await
        .expect("admin connection");
    tokio::spawn(connection);
    let expired = admin
        .execute(
            "UPDATE users.email_verification_codes SET expires_at = now() - interval '1 minute'",
            &[],
        )
        .await
        .expect("expiring the code");
    assert_eq!(expired, 1);

    let status = edge
        .verify_email(VerifyEmailRequest {
            email: email.into(),
            code,
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::FailedPrecondition);
    assert_eq!(reason(&status), "CODE_EXPIRED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expired_and_tampered_tokens_are_unauthenticated() {
    let suite = Suite::start().await;
    let mut edge = suite.edge();
    let session = active_account(&suite, "tokens@example.com").await;
    let account_id = session.account.expect("account").id.parse().expect("uuid");
    let access = session.tokens.expect("tokens").access_token;

    let mut tampered = access.clone();
    let last = tampered.pop().expect("a token");
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let status = edge
        .get_account(bearer(&tampered, GetAccountRequest {}))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(reason(&status), "INVALID_TOKEN");

    let (expired, _) = AccessTokenKey::new(ACCESS_TOKEN_SECRET).issue(
        account_id,
        uuid::Uuid::new_v4(),
        Role::User,
        chrono_hours_ago(2),
        Duration::from_secs(900),
    );
    let status = edge
        .get_account(bearer(&expired, GetAccountRequest {}))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
    assert_eq!(reason(&status), "TOKEN_EXPIRED");

    let missing = edge.get_account(GetAccountRequest {}).await.unwrap_err();
    assert_eq!(missing.code(), Code::Unauthenticated);
}

fn chrono_hours_ago(hours: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::Utc::now() - chrono::Duration::hours(hours)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_attempts_are_rate_limited_per_account() {
    let suite = Suite::start().await;
    let mut edge = suite.edge();
    let email = "guess@example.com";
    register(&mut edge, email).await;

    let limit = edge_service::LoginRateLimits::default()
        .per_account_per_minute
        .get();
    for _ in 0..limit {
        let status = login(&mut edge, email, "wrong password guess")
            .await
            .unwrap_err();
        assert_ne!(status.code(), Code::ResourceExhausted);
    }
    let limited = login(&mut edge, email, PASSWORD).await.unwrap_err();
    assert_eq!(limited.code(), Code::ResourceExhausted);
    let retry = limited
        .get_details_retry_info()
        .and_then(|info| info.retry_delay)
        .expect("RetryInfo with a delay");
    assert!(retry > Duration::ZERO);
}
