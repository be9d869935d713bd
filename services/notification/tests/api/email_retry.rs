use std::path::Path;
use std::time::{Duration, Instant};

use uuid::Uuid;

use crate::helpers::{TestApp, verification_fact};

/// The email delivery as (status, attempts, has an error, has a send time).
async fn email_delivery(app: &TestApp) -> (String, i32, bool, bool) {
    let rows = app
        .query(
            "SELECT status, attempts, last_error IS NOT NULL, sent_at IS NOT NULL \
             FROM notifications.deliveries WHERE channel = 'EMAIL'",
        )
        .await;
    assert_eq!(rows.len(), 1);
    (
        rows[0].get(0),
        rows[0].get(1),
        rows[0].get(2),
        rows[0].get(3),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_email_that_could_not_be_written_is_sent_by_the_sweeper_once_it_can() {
    // The mail folder lies under a regular file, so it cannot be created until that file goes.
    let app = TestApp::spawn_with(
        Path::new("blocker/mail"),
        Duration::from_millis(100),
        |root| std::fs::write(root.join("blocker"), b"not a folder").unwrap(),
    )
    .await;
    let person = Uuid::new_v4();

    let response = app
        .deliver(verification_fact(person, "ada@example.com", "246810"))
        .await
        .unwrap();
    assert!(
        response.applied,
        "the fact is applied even if the email waits"
    );
    assert_eq!(app.inbox_of(person).await.notifications.len(), 1);
    let (status, attempts, has_error, sent) = email_delivery(&app).await;
    assert_eq!(status, "PENDING");
    assert!(attempts >= 1, "{attempts}");
    assert!(has_error);
    assert!(!sent);
    assert!(app.mail_files().is_empty());

    std::fs::remove_file(app.root.path().join("blocker")).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while email_delivery(&app).await.0 != "SENT" {
        assert!(
            Instant::now() < deadline,
            "the sweeper did not send the email"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let (_, _, has_error, sent) = email_delivery(&app).await;
    assert!(!has_error && sent);
    let emails = app.emails();
    assert_eq!(emails.len(), 1);
    assert!(emails[0].contains("246810"));
    // Later sweeps find nothing left to send.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(app.emails(), emails);
}
