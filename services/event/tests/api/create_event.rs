use circle_core::auth::IdentityKey;
use circle_proto::event::v1::{CreateEventRequest, EventStatus};
use tonic::{Code, Request};
use uuid::Uuid;

use crate::helpers::{
    START, TestApp, assert_invalid_argument, assert_refused, at, new_event, service, user, user_id,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_a_draft_owned_by_the_caller() {
    let app = TestApp::spawn().await;
    let alice = user();

    let event = app
        .create_event(
            &alice,
            CreateEventRequest {
                title: "  Picnic in the park ".to_owned(),
                description: "Bring a blanket.\nAnd fruit.".to_owned(),
                ..new_event("")
            },
        )
        .await
        .expect("the event is created");

    assert!(Uuid::parse_str(&event.id).is_ok(), "{}", event.id);
    assert_eq!(event.title, "Picnic in the park");
    assert_eq!(event.description, "Bring a blanket.\nAnd fruit.");
    assert_eq!(event.status(), EventStatus::Draft);
    assert_eq!(event.owner_id, user_id(&alice).to_string());
    assert_eq!(event.start_time, at(START));
    assert_eq!(event.end_time, at(START + 7200));
    let created = event.create_time.expect("a create time").seconds;
    assert!((chrono::Utc::now().timestamp() - created).abs() < 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_end_time_is_optional() {
    let app = TestApp::spawn().await;
    let event = app
        .create_event(
            &user(),
            CreateEventRequest {
                end_time: None,
                ..new_event("Open end")
            },
        )
        .await
        .expect("the event is created");
    assert_eq!(event.start_time, at(START));
    assert_eq!(event.end_time, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_are_kept_to_the_microsecond() {
    let app = TestApp::spawn().await;
    let event = app
        .create_event(
            &user(),
            CreateEventRequest {
                start_time: Some(prost_types::Timestamp {
                    seconds: START,
                    nanos: 123_456_789,
                }),
                ..new_event("Precise")
            },
        )
        .await
        .expect("the event is created");
    assert_eq!(event.start_time.unwrap().nanos, 123_456_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepts_titles_and_descriptions_up_to_their_limits_in_characters() {
    let app = TestApp::spawn().await;
    let event = app
        .create_event(
            &user(),
            CreateEventRequest {
                title: "é".repeat(120),
                description: "ü".repeat(5000),
                ..new_event("")
            },
        )
        .await
        .expect("the event is created");
    assert_eq!(event.title.chars().count(), 120);
    assert_eq!(event.description.chars().count(), 5000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_bad_title() {
    let app = TestApp::spawn().await;
    for title in [
        String::new(),
        " \t ".to_owned(),
        "t".repeat(121),
        "two\nlines".to_owned(),
        "nul\0byte".to_owned(),
    ] {
        let result = app.create_event(&user(), new_event(&title)).await;
        assert_invalid_argument(result, "title");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_bad_description() {
    let app = TestApp::spawn().await;
    for description in ["d".repeat(5001), "nul\0byte".to_owned()] {
        let result = app
            .create_event(
                &user(),
                CreateEventRequest {
                    description,
                    ..new_event("Talk")
                },
            )
            .await;
        assert_invalid_argument(result, "description");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requires_a_start_time() {
    let app = TestApp::spawn().await;
    let result = app
        .create_event(
            &user(),
            CreateEventRequest {
                start_time: None,
                end_time: None,
                ..new_event("Someday")
            },
        )
        .await;
    assert_invalid_argument(result, "start_time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_timestamps_outside_the_contract() {
    let app = TestApp::spawn().await;
    let year_10000 = 253_402_300_800;
    let bad_times = [
        Some(prost_types::Timestamp {
            seconds: START,
            nanos: -1,
        }),
        Some(prost_types::Timestamp {
            seconds: START,
            nanos: 1_000_000_000,
        }),
        at(year_10000),
    ];
    for bad in bad_times {
        let result = app
            .create_event(
                &user(),
                CreateEventRequest {
                    start_time: bad,
                    end_time: None,
                    ..new_event("Out of range")
                },
            )
            .await;
        assert_invalid_argument(result, "start_time");
        let result = app
            .create_event(
                &user(),
                CreateEventRequest {
                    end_time: bad,
                    ..new_event("Out of range")
                },
            )
            .await;
        assert_invalid_argument(result, "end_time");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_an_end_not_after_the_start() {
    let app = TestApp::spawn().await;
    for end in [START, START - 1, START - 86_400] {
        let result = app
            .create_event(
                &user(),
                CreateEventRequest {
                    end_time: at(end),
                    ..new_event("Backwards")
                },
            )
            .await;
        assert_invalid_argument(result, "end_time");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_malformed_request_id() {
    let app = TestApp::spawn().await;
    let result = app
        .create_event(
            &user(),
            CreateEventRequest {
                request_id: "not-a-uuid".to_owned(),
                ..new_event("Talk")
            },
        )
        .await;
    assert_invalid_argument(result, "request_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_create_nothing() {
    let app = TestApp::spawn().await;
    let result = app
        .create_event(
            &user(),
            CreateEventRequest {
                end_time: at(START),
                ..new_event("Backwards")
            },
        )
        .await;
    assert_invalid_argument(result, "end_time");
    assert_eq!(
        app.db
            .count("SELECT count(*) FROM events.events", &[])
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_services_which_are_not_people() {
    let app = TestApp::spawn().await;
    let result = app.create_event(&service("edge"), new_event("Bots")).await;
    assert_refused(result, Code::PermissionDenied, "USER_REQUIRED");
    assert_eq!(
        app.db
            .count("SELECT count(*) FROM events.events", &[])
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_calls_without_a_verified_identity() {
    let app = TestApp::spawn().await;

    let anonymous = app
        .client
        .clone()
        .create_event(Request::new(new_event("Anonymous")))
        .await
        .map(|response| response.into_inner().event.unwrap());
    assert_refused(anonymous, Code::Unauthenticated, "MISSING_IDENTITY");

    let forger = IdentityKey::new("a-forged-secret-that-is-long-enough-as-well");
    let forged = app
        .client
        .clone()
        .create_event(forger.outgoing(&user(), new_event("Forged")))
        .await
        .map(|response| response.into_inner().event.unwrap());
    assert_refused(forged, Code::Unauthenticated, "INVALID_IDENTITY");

    assert_eq!(
        app.db
            .count("SELECT count(*) FROM events.events", &[])
            .await,
        0
    );
}
