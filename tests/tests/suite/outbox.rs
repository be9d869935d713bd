//! Facts survive a consumer that is down: the verification code reaches the person after the
//! notification service comes back, exactly once.

use std::time::Duration;

use circle_e2e::Suite;
use circle_proto::edge::v1::RegisterRequest;

async fn count(client: &tokio_postgres::Client, sql: &str) -> i64 {
    client.query_one(sql, &[]).await.expect(sql).get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_issued_while_notifications_are_down_arrives_once_after_they_return() {
    let mut suite = Suite::start().await;
    let notification_addr = suite.addr("notification");
    suite.stop("notification").await;

    let email = "patient@example.com";
    suite
        .edge()
        .register(RegisterRequest {
            email: email.into(),
            password: "correct horse battery staple".into(),
        })
        .await
        .expect("registration does not need the notification service");

    let (admin, connection) = tokio_postgres::connect(&suite.db.admin_url(), tokio_postgres::NoTls)
        .await
        .expect("admin connection");
    tokio::spawn(connection);
    // The relay has tried and failed at least twice before the consumer comes back.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while count(
        &admin,
        "SELECT coalesce(max(attempts), 0)::bigint FROM users.outbox",
    )
    .await
        < 2
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the relay never retried"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(suite.mails_to(email).is_empty());

    suite.start_notification(notification_addr).await;
    let code = suite
        .verification_code(email, Duration::from_secs(20))
        .await;
    assert_eq!(code.len(), 6);

    // Let the relay run a few more passes; nothing is delivered twice.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    while count(
        &admin,
        "SELECT count(*) FROM users.outbox WHERE delivered_at IS NULL",
    )
    .await
        > 0
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the fact was never marked delivered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(suite.mails_to(email).len(), 1);
    assert_eq!(
        count(&admin, "SELECT count(*) FROM notifications.notifications").await,
        1
    );
    assert_eq!(
        count(&admin, "SELECT count(*) FROM notifications.processed_facts").await,
        1
    );
}
