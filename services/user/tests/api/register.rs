use std::time::Duration;

use circle_core::auth::Role;
use circle_proto::user::v1 as pb;
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{CODE_TTL, PASSWORD, assert_invalid_field, assert_reason, edge, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_creates_a_pending_user_with_a_normalized_email() {
    let app = spawn_app().await;

    let user = app
        .register("  Ada.Lovelace@Example.ORG ", PASSWORD)
        .await
        .unwrap();

    assert!(Uuid::parse_str(&user.id).is_ok());
    assert_eq!(user.email, "ada.lovelace@example.org");
    assert_eq!(user.status(), pb::UserStatus::Pending);
    assert_eq!(user.role(), pb::UserRole::User);
    assert!(user.create_time.is_some());
    assert!(user.email_verify_time.is_none());
    let stored = app
        .db
        .admin_client()
        .await
        .query_one(
            "SELECT password_hash, status FROM users.accounts WHERE id = $1",
            &[&Uuid::parse_str(&user.id).unwrap()],
        )
        .await
        .unwrap();
    let hash: String = stored.get(0);
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains(PASSWORD));
    assert_eq!(stored.get::<_, String>(1), "PENDING");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_refuses_malformed_emails() {
    let app = spawn_app().await;
    for email in [
        "",
        "no-at-sign.example.org",
        "ada@",
        "ada@localhost",
        "a b@example.org",
    ] {
        let status = app.register(email, PASSWORD).await.unwrap_err();
        assert_invalid_field(&status, "email");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_refuses_weak_passwords() {
    let app = spawn_app().await;
    let too_long = "x1".repeat(65);
    for password in [
        "",
        "short1!",
        "nine-char",
        too_long.as_str(),
        "GRACE.HOPPER-rocks",
        "zzzzzzzzzzzz",
    ] {
        let status = app
            .register("grace.hopper@example.org", password)
            .await
            .unwrap_err();
        assert_invalid_field(&status, "password");
    }
    let count: i64 = app
        .db
        .admin_client()
        .await
        .query_one("SELECT count(*) FROM users.accounts", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(count, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_refuses_a_taken_email_in_any_case() {
    let app = spawn_app().await;
    app.register("ada@example.org", PASSWORD).await.unwrap();

    let status = app
        .register(" ADA@example.org", "another good password")
        .await
        .unwrap_err();

    assert_reason(&status, Code::AlreadyExists, "EMAIL_TAKEN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_is_for_services_not_people() {
    let app = spawn_app().await;
    let person = circle_core::auth::Principal::User {
        id: Uuid::new_v4(),
        role: Role::Admin,
        session_id: Uuid::new_v4(),
    };
    let request = pb::RegisterRequest {
        email: "ada@example.org".to_owned(),
        password: PASSWORD.to_owned(),
    };

    let status = app
        .client()
        .register(app.request(&person, request))
        .await
        .unwrap_err();

    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_registrations_of_one_email_create_one_account() {
    let app = spawn_app().await;
    let calls = (0..20).map(|i| {
        let mut client = app.client();
        let request = app.request(
            &edge(),
            pb::RegisterRequest {
                email: if i % 2 == 0 {
                    "race@example.org"
                } else {
                    "RACE@example.org"
                }
                .to_owned(),
                password: PASSWORD.to_owned(),
            },
        );
        tokio::spawn(async move { client.register(request).await })
    });
    let outcomes = futures::future::join_all(calls).await;

    let mut created = 0;
    for outcome in outcomes {
        match outcome.unwrap() {
            Ok(_) => created += 1,
            Err(status) => assert_reason(&status, Code::AlreadyExists, "EMAIL_TAKEN"),
        }
    }
    assert_eq!(created, 1);
    let client = app.db.admin_client().await;
    for table in ["accounts", "email_verification_codes", "outbox"] {
        let count: i64 = client
            .query_one(&format!("SELECT count(*) FROM users.{table}"), &[])
            .await
            .unwrap()
            .get(0);
        assert_eq!(count, 1, "rows in {table}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_writes_the_code_to_the_outbox_and_only_its_hash_to_the_account() {
    let app = spawn_app().await;
    let before = std::time::SystemTime::now();

    let user = app.register("ada@example.org", PASSWORD).await.unwrap();

    let row = app
        .db
        .admin_client()
        .await
        .query_one(
            "SELECT consumer, topic, aggregate_id, delivered_at IS NULL FROM users.outbox",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "notification");
    assert_eq!(
        row.get::<_, String>(1),
        user_service::VERIFICATION_CODE_ISSUED
    );
    assert_eq!(row.get::<_, String>(2), user.id);
    assert!(
        row.get::<_, bool>(3),
        "nothing listens, so nothing is delivered"
    );

    let fact = app.issued_code(&user.id).await;
    assert_eq!(fact.user_id, user.id);
    assert_eq!(fact.email, "ada@example.org");
    assert_eq!(fact.code.len(), 6);
    assert!(fact.code.bytes().all(|b| b.is_ascii_digit()));
    let expire = fact.expire_time.expect("an expiry");
    let expire = std::time::UNIX_EPOCH + Duration::from_secs(expire.seconds as u64);
    let ttl = expire.duration_since(before).unwrap();
    assert!(
        ttl > CODE_TTL - Duration::from_secs(5) && ttl <= CODE_TTL + Duration::from_secs(1),
        "{ttl:?}"
    );

    let stored: String = app
        .db
        .admin_client()
        .await
        .query_one("SELECT code_hash FROM users.email_verification_codes", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(stored.len(), 64);
    assert!(!stored.contains(&fact.code));
    // The code in the fact is the one the account accepts.
    let verified = app
        .verify_email("ada@example.org", &fact.code)
        .await
        .unwrap();
    assert_eq!(verified.status(), pb::UserStatus::Active);
}
