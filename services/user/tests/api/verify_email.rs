use circle_proto::user::v1 as pb;
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{PASSWORD, TestApp, assert_invalid_field, assert_reason, edge, spawn_app};

const EMAIL: &str = "ada@example.org";

/// A registered, unverified user and the code it was sent.
async fn pending(app: &TestApp) -> (pb::User, String) {
    let user = app.register(EMAIL, PASSWORD).await.unwrap();
    let code = app.issued_code(&user.id).await.code;
    (user, code)
}

/// A six-digit code that is not `code`.
fn wrong(code: &str) -> String {
    let value: u32 = code.parse().unwrap();
    format!("{:06}", (value + 1) % 1_000_000)
}

async fn attempts(app: &TestApp, user: &pb::User) -> i32 {
    app.db
        .admin_client()
        .await
        .query_one(
            "SELECT attempts FROM users.email_verification_codes WHERE user_id = $1",
            &[&Uuid::parse_str(&user.id).unwrap()],
        )
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_right_code_activates_the_account_once() {
    let app = spawn_app().await;
    let (user, code) = pending(&app).await;

    let verified = app.verify_email(" ADA@example.org ", &code).await.unwrap();

    assert_eq!(verified.id, user.id);
    assert_eq!(verified.status(), pb::UserStatus::Active);
    assert!(verified.email_verify_time.is_some());
    let consumed: bool = app
        .db
        .admin_client()
        .await
        .query_one(
            "SELECT consumed_at IS NOT NULL FROM users.email_verification_codes",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert!(consumed);
    let again = app.verify_email(EMAIL, &code).await.unwrap_err();
    assert_reason(&again, Code::FailedPrecondition, "ALREADY_VERIFIED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_email_is_not_found() {
    let app = spawn_app().await;
    pending(&app).await;

    let status = app
        .verify_email("nobody@example.org", "123456")
        .await
        .unwrap_err();

    assert_eq!(status.code(), Code::NotFound, "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_code_is_refused_and_counted() {
    let app = spawn_app().await;
    let (user, code) = pending(&app).await;

    let status = app.verify_email(EMAIL, &wrong(&code)).await.unwrap_err();

    assert_invalid_field(&status, "code");
    assert_reason(&status, Code::InvalidArgument, "CODE_MISMATCH");
    assert_eq!(attempts(&app, &user).await, 1);
    let verified = app.verify_email(EMAIL, &code).await.unwrap();
    assert_eq!(verified.status(), pb::UserStatus::Active);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_code_names_the_field_and_costs_no_attempt() {
    let app = spawn_app().await;
    let (user, _) = pending(&app).await;

    for code in ["", "12345", "abcdef", "1234567"] {
        let status = app.verify_email(EMAIL, code).await.unwrap_err();
        assert_invalid_field(&status, "code");
    }
    let status = app
        .verify_email("not-an-email", "123456")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "email");
    assert_eq!(attempts(&app, &user).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_wrong_codes_exhaust_the_code() {
    let app = spawn_app().await;
    let (user, code) = pending(&app).await;

    for _ in 0..user_service::MAX_CODE_ATTEMPTS {
        let status = app.verify_email(EMAIL, &wrong(&code)).await.unwrap_err();
        assert_reason(&status, Code::InvalidArgument, "CODE_MISMATCH");
    }
    let status = app.verify_email(EMAIL, &code).await.unwrap_err();

    assert_reason(&status, Code::FailedPrecondition, "CODE_EXHAUSTED");
    assert_eq!(attempts(&app, &user).await, 5);
    let status: String = app
        .db
        .admin_client()
        .await
        .query_one("SELECT status FROM users.accounts", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "PENDING");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_code_is_refused() {
    let app = spawn_app().await;
    let (_, code) = pending(&app).await;
    app.execute(
        "UPDATE users.email_verification_codes SET expires_at = now() - interval '1 second'",
        &[],
    )
    .await;

    let status = app.verify_email(EMAIL, &code).await.unwrap_err();

    assert_reason(&status, Code::FailedPrecondition, "CODE_EXPIRED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_verifications_consume_the_code_once() {
    let app = spawn_app().await;
    let (_, code) = pending(&app).await;

    let calls = (0..10).map(|_| {
        let mut client = app.client();
        let request = app.request(
            &edge(),
            pb::VerifyEmailRequest {
                email: EMAIL.to_owned(),
                code: code.clone(),
            },
        );
        tokio::spawn(async move { client.verify_email(request).await })
    });
    let outcomes = futures::future::join_all(calls).await;

    let mut verified = 0;
    for outcome in outcomes {
        match outcome.unwrap() {
            Ok(_) => verified += 1,
            Err(status) => assert_reason(&status, Code::FailedPrecondition, "ALREADY_VERIFIED"),
        }
    }
    assert_eq!(verified, 1);
}
