use std::collections::HashSet;

use chrono::Utc;
use circle_proto::notification::v1::ListNotificationsRequest;
use prost::Message;
use tonic::{Code, Request};
use uuid::Uuid;

use crate::helpers::{
    TestApp, VERIFICATION_TOPIC, assert_code, assert_invalid_argument, fact, service, user_with_id,
    verification_fact, verification_payload,
};

fn page(page_size: i32, page_token: &str) -> ListNotificationsRequest {
    ListNotificationsRequest {
        user_id: String::new(),
        page_size,
        page_token: page_token.to_owned(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_run_newest_first_without_duplicates() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let someone_else = Uuid::new_v4();
    for i in 0..25 {
        let fact = verification_fact(person, "ada@example.com", &format!("code-{i:02}"));
        assert!(app.deliver(fact).await.unwrap().applied);
    }
    let fact = verification_fact(someone_else, "bob@example.com", "not-ada's");
    assert!(app.deliver(fact).await.unwrap().applied);

    let mut token = String::new();
    let mut sizes = Vec::new();
    let mut seen = Vec::new();
    loop {
        let response = app
            .list_as(&user_with_id(person), page(10, &token))
            .await
            .unwrap();
        sizes.push(response.notifications.len());
        seen.extend(response.notifications);
        if response.next_page_token.is_empty() {
            break;
        }
        token = response.next_page_token;
        assert!(sizes.len() < 5, "paging does not end");
    }

    assert_eq!(sizes, [10, 10, 5]);
    let ids: HashSet<&str> = seen.iter().map(|n| n.id.as_str()).collect();
    assert_eq!(ids.len(), 25);
    assert!(seen.iter().all(|n| n.user_id == person.to_string()));
    let codes: Vec<String> = seen
        .iter()
        .map(|n| {
            let start = n.body.find("code-").expect("the code in the body");
            n.body[start..start + 7].to_owned()
        })
        .collect();
    let newest_first: Vec<String> = (0..25).rev().map(|i| format!("code-{i:02}")).collect();
    assert_eq!(codes, newest_first);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_reads_only_their_own_inbox() {
    let app = TestApp::spawn().await;
    let (ada, bob) = (Uuid::new_v4(), Uuid::new_v4());
    let fact = verification_fact(bob, "bob@example.com", "424242");
    assert!(app.deliver(fact).await.unwrap().applied);

    let request = ListNotificationsRequest {
        user_id: bob.to_string(),
        ..page(0, "")
    };
    assert_code(
        app.list_as(&user_with_id(ada), request.clone()).await,
        Code::PermissionDenied,
    );
    assert!(app.inbox_of(ada).await.notifications.is_empty());

    // Naming oneself is the same as naming no one.
    let own = app.list_as(&user_with_id(bob), request).await.unwrap();
    assert_eq!(own.notifications.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_service_reads_the_inbox_it_names() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let fact = verification_fact(person, "ada@example.com", "135790");
    assert!(app.deliver(fact).await.unwrap().applied);

    assert_invalid_argument(app.list_as(&service("edge"), page(0, "")).await, "user_id");
    let request = ListNotificationsRequest {
        user_id: person.to_string(),
        ..page(0, "")
    };
    let inbox = app.list_as(&service("edge"), request).await.unwrap();
    assert_eq!(inbox.notifications.len(), 1);
    assert!(inbox.notifications[0].body.contains("135790"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let person = user_with_id(Uuid::new_v4());

    let request = ListNotificationsRequest {
        user_id: "not-a-uuid".to_owned(),
        ..page(0, "")
    };
    assert_invalid_argument(app.list_as(&person, request).await, "user_id");
    assert_invalid_argument(app.list_as(&person, page(-1, "")).await, "page_size");
    assert_invalid_argument(
        app.list_as(&person, page(10, "garbage")).await,
        "page_token",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_without_an_identity_is_unauthenticated() {
    let app = TestApp::spawn().await;
    assert_code(
        app.notifications
            .clone()
            .list_notifications(Request::new(page(0, "")))
            .await,
        Code::Unauthenticated,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_leaves_the_inbox_when_its_code_expires() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let expired = Utc::now() - chrono::Duration::minutes(1);
    let payload = verification_payload(person, "ada@example.com", "000111", expired);
    let fact = fact(VERIFICATION_TOPIC, person, payload.encode_to_vec());
    assert!(app.deliver(fact).await.unwrap().applied);
    assert!(
        app.deliver(verification_fact(person, "ada@example.com", "222333"))
            .await
            .unwrap()
            .applied
    );

    let inbox = app.inbox_of(person).await;
    assert_eq!(inbox.notifications.len(), 1);
    assert!(inbox.notifications[0].body.contains("222333"));
}
