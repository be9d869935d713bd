//! InternalMetricsService: attendance outcomes counted once per person and event (a correction
//! replaces the earlier one), the absentee rating computed from them and shared with matching,
//! and nobody but services reading or writing any of it.

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::internal_metrics_service_client::InternalMetricsServiceClient;
use circle_proto::user::v1::matching_service_client::MatchingServiceClient;
use circle_testkit::principal::service;
use tonic::transport::Channel;
use tonic::{Code, Status};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_field, assert_reason, spawn_app};
use crate::profiles::{make_admin, person};

fn metrics(app: &TestApp) -> InternalMetricsServiceClient<Channel> {
    InternalMetricsServiceClient::new(app.channel.clone())
}

async fn record(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
    event_id: Uuid,
    outcome: pb::AttendanceOutcome,
) -> Result<pb::InternalMetrics, Status> {
    let message = pb::RecordAttendanceOutcomeRequest {
        event_id: event_id.to_string(),
        user_id: user_id.to_owned(),
        outcome: outcome.into(),
    };
    metrics(app)
        .record_attendance_outcome(app.request(caller, message))
        .await
        .map(|response| response.into_inner().metrics.expect("metrics"))
}

async fn get(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
) -> Result<pb::InternalMetrics, Status> {
    let message = pb::GetInternalMetricsRequest {
        user_id: user_id.to_owned(),
    };
    metrics(app)
        .get_internal_metrics(app.request(caller, message))
        .await
        .map(|response| response.into_inner().metrics.expect("metrics"))
}

fn figures(metrics: &pb::InternalMetrics) -> (f64, i32, i32, i32) {
    (
        metrics.absentee_rating,
        metrics.events_attended,
        metrics.no_shows,
        metrics.late_arrivals,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outcomes_make_the_absentee_rating_that_matching_reads_too() {
    let app = spawn_app().await;
    let event_service = service("event");
    let (ana_id, _) = person(&app, "ana@example.org").await;

    let fresh = get(&app, &event_service, &ana_id).await.unwrap();
    assert_eq!(figures(&fresh), (1.0, 0, 0, 0));
    assert_eq!(fresh.update_time, None);
    assert_eq!(fresh.internal_attractiveness_rating, None);

    use pb::AttendanceOutcome::{Attended, Late, NoShow};
    let mut last = fresh;
    for outcome in [Attended, Late, NoShow, Attended] {
        last = record(&app, &event_service, &ana_id, Uuid::now_v7(), outcome)
            .await
            .unwrap();
    }
    // 1 - (1 no-show + 0.5 * 1 late) / 4 events.
    assert_eq!(figures(&last), (0.625, 3, 1, 1));
    assert!(last.update_time.is_some());
    assert_eq!(get(&app, &event_service, &ana_id).await.unwrap(), last);

    let ana_uuid: Uuid = ana_id.parse().unwrap();
    app.execute(
        "INSERT INTO users.matching_profiles \
         (user_id, latitude, longitude, communication_style, max_travel_km, opted_in) \
         VALUES ($1, 52.52, 13.40, 'DIRECT', 15, true)",
        &[&ana_uuid],
    )
    .await;
    app.execute(
        "UPDATE users.internal_metrics SET internal_attractiveness_rating = 0.42 WHERE user_id = $1",
        &[&ana_uuid],
    )
    .await;
    let candidates = MatchingServiceClient::new(app.channel.clone())
        .batch_get_matching_candidates(app.request(
            &service("tribe"),
            pb::BatchGetMatchingCandidatesRequest {
                user_ids: vec![ana_id.clone()],
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .candidates;
    assert_eq!(
        candidates[0].reliability,
        Some(pb::Reliability {
            absentee_rating: 0.625,
            events_attended: 3,
            no_shows: 1,
            late_arrivals: 1,
        })
    );
    let now = get(&app, &event_service, &ana_id).await.unwrap();
    assert_eq!(now.internal_attractiveness_rating, Some(0.42));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_report_counts_once_and_a_correction_replaces_it() {
    let app = spawn_app().await;
    let event_service = service("event");
    let (ana_id, _) = person(&app, "ana@example.org").await;
    let (bob_id, _) = person(&app, "bob@example.org").await;
    let dinner = Uuid::now_v7();

    use pb::AttendanceOutcome::{Attended, NoShow};
    for _ in 0..2 {
        let metrics = record(&app, &event_service, &ana_id, dinner, NoShow)
            .await
            .unwrap();
        assert_eq!(figures(&metrics), (0.0, 0, 1, 0));
    }
    let corrected = record(&app, &event_service, &ana_id, dinner, Attended)
        .await
        .unwrap();
    assert_eq!(figures(&corrected), (1.0, 1, 0, 0));
    // The same event counts for each person separately.
    let bob = record(&app, &event_service, &bob_id, dinner, NoShow)
        .await
        .unwrap();
    assert_eq!(figures(&bob), (0.0, 0, 1, 0));
    assert_eq!(
        figures(&get(&app, &event_service, &ana_id).await.unwrap()),
        (1.0, 1, 0, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_reports_about_one_person_all_count() {
    let app = spawn_app().await;
    let (ana_id, _) = person(&app, "ana@example.org").await;
    let reports = (0..20).map(|i| {
        let (app, ana_id) = (&app, &ana_id);
        let outcome = if i % 4 == 0 {
            pb::AttendanceOutcome::NoShow
        } else {
            pb::AttendanceOutcome::Attended
        };
        async move { record(app, &service("event"), ana_id, Uuid::now_v7(), outcome).await }
    });
    for result in futures::future::join_all(reports).await {
        result.expect("every report is recorded");
    }
    let metrics = get(&app, &service("event"), &ana_id).await.unwrap();
    assert_eq!(figures(&metrics), (0.75, 15, 5, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_refused_admins_and_the_person_themselves_included() {
    let app = spawn_app().await;
    let (ana_id, ana) = person(&app, "ana@example.org").await;
    let (root_id, root) = person(&app, "root@example.org").await;
    make_admin(&app, &root_id).await;
    for caller in [&ana, &root] {
        let status = get(&app, caller, &ana_id).await.unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
        let status = record(
            &app,
            caller,
            &ana_id,
            Uuid::now_v7(),
            pb::AttendanceOutcome::Attended,
        )
        .await
        .unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    }
    let metrics = get(&app, &service("event"), &ana_id).await.unwrap();
    assert_eq!(figures(&metrics), (1.0, 0, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_reports_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let event_service = service("event");
    let (ana_id, _) = person(&app, "ana@example.org").await;
    let status = record(
        &app,
        &event_service,
        &ana_id,
        Uuid::now_v7(),
        pb::AttendanceOutcome::Unspecified,
    )
    .await
    .unwrap_err();
    assert_invalid_field(&status, "outcome");
    let message = pb::RecordAttendanceOutcomeRequest {
        event_id: "tuesday".into(),
        user_id: ana_id.clone(),
        outcome: pb::AttendanceOutcome::Late.into(),
    };
    let status = metrics(&app)
        .record_attendance_outcome(app.request(&event_service, message))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "event_id");
    let message = pb::RecordAttendanceOutcomeRequest {
        event_id: Uuid::now_v7().to_string(),
        user_id: ana_id.clone(),
        outcome: 42,
    };
    let status = metrics(&app)
        .record_attendance_outcome(app.request(&event_service, message))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "outcome");
    let nobody = Uuid::now_v7().to_string();
    for status in [
        record(
            &app,
            &event_service,
            &nobody,
            Uuid::now_v7(),
            pb::AttendanceOutcome::Late,
        )
        .await
        .unwrap_err(),
        get(&app, &event_service, &nobody).await.unwrap_err(),
    ] {
        assert_reason(&status, Code::NotFound, "NOT_FOUND");
    }
    assert_invalid_field(&get(&app, &event_service, "").await.unwrap_err(), "user_id");
}
