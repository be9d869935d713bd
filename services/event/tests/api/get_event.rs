use circle_proto::event::v1::{EventStatus, GetEventRequest};
use tonic::{Code, Request};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_argument, assert_refused, new_event, service, user};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn its_owner_and_services_read_a_draft() {
    let app = TestApp::spawn().await;
    let owner = user();
    let created = app.create_event(&owner, new_event("Draft")).await.unwrap();

    for reader in [owner, service("edge")] {
        let read = app.get_event(&reader, &created.id).await.unwrap();
        assert_eq!(read, created);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn others_may_not_read_a_draft() {
    let app = TestApp::spawn().await;
    let created = app.create_event(&user(), new_event("Draft")).await.unwrap();

    let result = app.get_event(&user(), &created.id).await;
    assert_refused(result, Code::PermissionDenied, "DRAFT_EVENT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anyone_reads_an_event_past_its_draft() {
    let app = TestApp::spawn().await;
    let created = app
        .create_event(&user(), new_event("Published"))
        .await
        .unwrap();
    let sql = app.db.admin_client().await;

    for (word, status) in [
        ("SCHEDULED", EventStatus::Scheduled),
        ("IN_PROGRESS", EventStatus::InProgress),
        ("COMPLETED", EventStatus::Completed),
        ("CANCELLED", EventStatus::Cancelled),
    ] {
        sql.execute(
            "UPDATE events.events SET status = $1 WHERE id = $2",
            &[&word, &Uuid::parse_str(&created.id).unwrap()],
        )
        .await
        .unwrap();
        let read = app.get_event(&user(), &created.id).await.unwrap();
        assert_eq!(read.status(), status);
        assert_eq!(read.id, created.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_event_is_not_found() {
    let app = TestApp::spawn().await;
    let result = app.get_event(&user(), &Uuid::new_v4().to_string()).await;
    assert_refused(result, Code::NotFound, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_or_missing_event_id_is_refused() {
    let app = TestApp::spawn().await;
    for event_id in ["", "not-a-uuid", "12345"] {
        assert_invalid_argument(app.get_event(&user(), event_id).await, "event_id");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_calls_without_a_verified_identity() {
    let app = TestApp::spawn().await;
    let owner = user();
    let created = app.create_event(&owner, new_event("Draft")).await.unwrap();

    let result = app
        .client
        .clone()
        .get_event(Request::new(GetEventRequest {
            event_id: created.id,
        }))
        .await
        .map(|response| response.into_inner().event.unwrap());
    assert_refused(result, Code::Unauthenticated, "MISSING_IDENTITY");
}
