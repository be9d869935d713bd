use circle_proto::event::v1::CreateEventRequest;
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{
    START, TestApp, assert_invalid_argument, assert_refused, at, new_event, user, user_id,
};

const EVENTS_OF: &str = "SELECT count(*) FROM events.events WHERE owner_id = $1";

fn keyed(title: &str, request_id: Uuid) -> CreateEventRequest {
    CreateEventRequest {
        request_id: request_id.to_string(),
        ..new_event(title)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_request_id_returns_the_event_created_first() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let first = app
        .create_event(&alice, keyed("Picnic", request_id))
        .await
        .unwrap();
    let again = app
        .create_event(&alice, keyed("Picnic", request_id))
        .await
        .unwrap();

    assert_eq!(again, first);
    assert_eq!(app.db.count(EVENTS_OF, &[&user_id(&alice)]).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_compared_after_trimming_and_to_the_microsecond() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();
    let precise = |nanos| {
        Some(prost_types::Timestamp {
            seconds: START,
            nanos,
        })
    };

    let first = CreateEventRequest {
        start_time: precise(5_000_100),
        ..keyed("Picnic", request_id)
    };
    let first = app.create_event(&alice, first).await.unwrap();
    let again = CreateEventRequest {
        title: " Picnic  ".to_owned(),
        start_time: precise(5_000_900),
        ..keyed("Picnic", request_id)
    };
    let again = app.create_event(&alice, again).await.unwrap();

    assert_eq!(again.id, first.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_different_request_with_the_same_request_id_is_refused() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();
    app.create_event(&alice, keyed("Picnic", request_id))
        .await
        .unwrap();

    let changes = [
        keyed("Barbecue", request_id),
        CreateEventRequest {
            description: "Other words".to_owned(),
            ..keyed("Picnic", request_id)
        },
        CreateEventRequest {
            start_time: at(START - 60),
            ..keyed("Picnic", request_id)
        },
        CreateEventRequest {
            end_time: at(START + 60),
            ..keyed("Picnic", request_id)
        },
        CreateEventRequest {
            end_time: None,
            ..keyed("Picnic", request_id)
        },
    ];
    for changed in changes {
        let result = app.create_event(&alice, changed).await;
        assert_refused(result, Code::FailedPrecondition, "REQUEST_ID_REUSED");
    }
    assert_eq!(app.db.count(EVENTS_OF, &[&user_id(&alice)]).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_belong_to_their_sender() {
    let app = TestApp::spawn().await;
    let request_id = Uuid::new_v4();

    let alices = app
        .create_event(&user(), keyed("Picnic", request_id))
        .await
        .unwrap();
    let bobs = app
        .create_event(&user(), keyed("Picnic", request_id))
        .await
        .unwrap();

    assert_ne!(alices.id, bobs.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_request_id_every_call_creates_an_event() {
    let app = TestApp::spawn().await;
    let alice = user();

    let first = app.create_event(&alice, new_event("Picnic")).await.unwrap();
    let second = app.create_event(&alice, new_event("Picnic")).await.unwrap();

    assert_ne!(first.id, second.id);
    assert_eq!(app.db.count(EVENTS_OF, &[&user_id(&alice)]).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_request_does_not_use_up_its_request_id() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let refused = CreateEventRequest {
        end_time: at(START),
        ..keyed("Picnic", request_id)
    };
    assert_invalid_argument(app.create_event(&alice, refused).await, "end_time");

    let event = app.create_event(&alice, keyed("Picnic", request_id)).await;
    assert_eq!(event.unwrap().end_time, at(START + 7200));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_with_one_request_id_make_one_event() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let results = futures::future::join_all(
        (0..20).map(|_| app.create_event(&alice, keyed("Picnic", request_id))),
    )
    .await;

    let ids: Vec<String> = results
        .into_iter()
        .map(|result| result.expect("every call succeeds").id)
        .collect();
    assert_eq!(ids.len(), 20);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(app.db.count(EVENTS_OF, &[&user_id(&alice)]).await, 1);
}
