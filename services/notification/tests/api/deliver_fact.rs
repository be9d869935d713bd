use chrono::Utc;
use circle_proto::common::v1::DeliverFactRequest;
use circle_proto::notification::v1::NotificationType;
use prost::Message;
use tonic::{Code, Request};
use uuid::Uuid;

use crate::helpers::{
    TestApp, VERIFICATION_TOPIC, assert_code, assert_invalid_argument, fact, service, user_with_id,
    verification_fact, verification_payload,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verification_code_reaches_the_inbox_and_one_email() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let fact = verification_fact(person, "ada@example.com", "493817");

    let response = app.deliver(fact).await.unwrap();
    assert!(response.applied);

    let inbox = app.inbox_of(person).await;
    assert_eq!(inbox.notifications.len(), 1);
    let notification = &inbox.notifications[0];
    assert_eq!(notification.user_id, person.to_string());
    assert_eq!(notification.r#type(), NotificationType::EmailVerification);
    assert_eq!(notification.title, "Verify your email");
    assert!(
        notification.body.contains("493817"),
        "{}",
        notification.body
    );
    assert!(
        notification.body.contains("expires at"),
        "{}",
        notification.body
    );
    assert!(notification.create_time.is_some());
    assert_eq!(notification.read_time, None);
    assert_eq!(inbox.next_page_token, "");

    let emails = app.emails();
    assert_eq!(emails.len(), 1, "{emails:?}");
    let email = &emails[0];
    for header in [
        "From: Circle Tests <no-reply@tests.circle.local>\r\n",
        "To: ada@example.com\r\n",
        "Subject: Verify your email\r\n",
        "Content-Type: text/plain; charset=utf-8\r\n",
    ] {
        assert!(email.contains(header), "{header:?} missing in {email}");
    }
    assert!(
        email.contains("\r\nDate: ") || email.starts_with("Date: "),
        "{email}"
    );
    assert!(email.contains("Message-ID: <"), "{email}");
    let (_, body) = email
        .split_once("\r\n\r\n")
        .expect("headers, blank line, body");
    assert!(body.contains("493817"), "{body}");

    let deliveries = app
        .query(
            "SELECT channel, status, destination, attempts, sent_at IS NOT NULL AS sent \
             FROM notifications.deliveries ORDER BY channel",
        )
        .await;
    let deliveries: Vec<(String, String, Option<String>, i32, bool)> = deliveries
        .iter()
        .map(|row| (row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)))
        .collect();
    assert_eq!(
        deliveries,
        [
            (
                "EMAIL".into(),
                "SENT".into(),
                Some("ada@example.com".into()),
                1,
                true
            ),
            ("IN_APP".into(), "SENT".into(), None, 0, true),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_fact_is_applied_once() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let fact = verification_fact(person, "ada@example.com", "111222");

    assert!(app.deliver(fact.clone()).await.unwrap().applied);
    let first_email = app.emails();
    assert!(!app.deliver(fact.clone()).await.unwrap().applied);
    assert!(!app.deliver(fact).await.unwrap().applied);

    assert_eq!(app.inbox_of(person).await.notifications.len(), 1);
    assert_eq!(app.count("notifications").await, 1);
    assert_eq!(app.count("deliveries").await, 2);
    assert_eq!(app.emails(), first_email);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_deliveries_of_one_fact_apply_it_once() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let fact = verification_fact(person, "ada@example.com", "777888");

    let applied = app.deliver_concurrently("user", &fact, 10).await;

    assert_eq!(applied, 1);
    assert_eq!(app.inbox_of(person).await.notifications.len(), 1);
    assert_eq!(app.count("notifications").await, 1);
    let emails = app.emails();
    assert_eq!(emails.len(), 1);
    assert!(emails[0].contains("777888"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_services_deliver_facts() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();

    let status = assert_code(
        app.deliver_as(
            &user_with_id(person),
            verification_fact(person, "ada@example.com", "1"),
        )
        .await,
        Code::PermissionDenied,
    );
    assert!(!status.message().contains("internal"), "{status:?}");
    assert_eq!(app.count("notifications").await, 0);
    assert_eq!(app.count("processed_facts").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_delivers_only_its_own_facts() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();

    // The tribe service relaying a fact that claims to come from the user service.
    assert_code(
        app.deliver_as(
            &service("tribe"),
            verification_fact(person, "ada@example.com", "1"),
        )
        .await,
        Code::PermissionDenied,
    );
    // Or naming itself as the producer of the user service's topic.
    let mut forged = verification_fact(person, "ada@example.com", "1");
    forged.producer = "tribe".to_owned();
    assert_code(
        app.deliver_as(&service("tribe"), forged).await,
        Code::PermissionDenied,
    );
    assert_eq!(app.count("notifications").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_without_a_valid_identity_are_unauthenticated() {
    let app = TestApp::spawn().await;
    let fact = verification_fact(Uuid::new_v4(), "ada@example.com", "1");

    let unsigned = Request::new(DeliverFactRequest {
        fact: Some(fact.clone()),
    });
    assert_code(
        app.facts.clone().deliver_fact(unsigned).await,
        Code::Unauthenticated,
    );

    let forged = circle_core::auth::IdentityKey::new("a-different-secret-that-is-long-enough")
        .outgoing(&service("user"), DeliverFactRequest { fact: Some(fact) });
    assert_code(
        app.facts.clone().deliver_fact(forged).await,
        Code::Unauthenticated,
    );
    assert_eq!(app.count("notifications").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_facts_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let good = || verification_fact(person, "ada@example.com", "123456");

    let deliver = |fact| app.deliver(fact);
    assert_invalid_argument(
        app.facts
            .clone()
            .deliver_fact(app.signed(&service("user"), DeliverFactRequest { fact: None }))
            .await,
        "fact",
    );

    let mut fact = good();
    fact.id = "not-a-uuid".to_owned();
    assert_invalid_argument(deliver(fact).await, "fact.id");

    let mut fact = good();
    fact.id = String::new();
    assert_invalid_argument(deliver(fact).await, "fact.id");

    let mut fact = good();
    fact.topic = String::new();
    assert_invalid_argument(deliver(fact).await, "fact.topic");

    let mut fact = good();
    fact.producer = String::new();
    assert_invalid_argument(deliver(fact).await, "fact.producer");

    let mut fact = good();
    fact.payload = vec![0xff, 0xff, 0xff];
    assert_invalid_argument(deliver(fact).await, "fact.payload");

    let expires_at = Utc::now() + chrono::Duration::minutes(15);
    let with_payload = |payload: circle_proto::user::v1::VerificationCodeIssued| {
        crate::helpers::fact(VERIFICATION_TOPIC, person, payload.encode_to_vec())
    };
    let mut payload = verification_payload(person, "ada@example.com", "1", expires_at);
    payload.user_id = "nope".to_owned();
    assert_invalid_argument(deliver(with_payload(payload)).await, "fact.payload.user_id");

    let payload = verification_payload(
        person,
        "ada@example.com\r\nBcc: eve@example.com",
        "1",
        expires_at,
    );
    assert_invalid_argument(deliver(with_payload(payload)).await, "fact.payload.email");

    let payload = verification_payload(person, "ada@example.com", "", expires_at);
    assert_invalid_argument(deliver(with_payload(payload)).await, "fact.payload.code");

    let mut payload = verification_payload(person, "ada@example.com", "1", expires_at);
    payload.expire_time = None;
    assert_invalid_argument(
        deliver(with_payload(payload)).await,
        "fact.payload.expire_time",
    );

    assert_eq!(app.count("notifications").await, 0);
    assert_eq!(app.count("processed_facts").await, 0);
    assert!(app.mail_files().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fact_of_an_unknown_topic_is_acknowledged_without_effect() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();

    let response = app
        .deliver(fact(
            "user.profile_renamed",
            person,
            b"whatever it holds".to_vec(),
        ))
        .await
        .unwrap();

    assert!(!response.applied);
    assert_eq!(app.count("notifications").await, 0);
    assert_eq!(app.count("processed_facts").await, 0);
    assert!(app.mail_files().is_empty());
}
