//! PersonalityService: recording OCEAN assessments, the current traits, the history, and who
//! may read them.

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::personality_service_client::PersonalityServiceClient;
use circle_testkit::principal::service;
use tonic::transport::Channel;
use tonic::{Code, Status};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_field, assert_reason, spawn_app};

fn traits(scores: [i32; 5]) -> pb::PersonalityTraits {
    let [o, c, e, a, n] = scores.map(Some);
    pb::PersonalityTraits {
        openness: o,
        conscientiousness: c,
        extraversion: e,
        agreeableness: a,
        neuroticism: n,
    }
}

fn scores(traits: &pb::PersonalityTraits) -> [Option<i32>; 5] {
    [
        traits.openness,
        traits.conscientiousness,
        traits.extraversion,
        traits.agreeableness,
        traits.neuroticism,
    ]
}

fn client(app: &TestApp) -> PersonalityServiceClient<Channel> {
    PersonalityServiceClient::new(app.channel.clone())
}

async fn assess(
    app: &TestApp,
    who: &Principal,
    traits: Option<pb::PersonalityTraits>,
    request_id: &str,
) -> Result<pb::PersonalityAssessment, Status> {
    let message = pb::CreatePersonalityAssessmentRequest {
        traits,
        request_id: request_id.to_owned(),
    };
    client(app)
        .create_personality_assessment(app.request(who, message))
        .await
        .map(|response| response.into_inner().assessment.expect("an assessment"))
}

async fn get(app: &TestApp, who: &Principal, user_id: &str) -> Result<pb::Personality, Status> {
    let message = pb::GetPersonalityRequest {
        user_id: user_id.to_owned(),
    };
    client(app)
        .get_personality(app.request(who, message))
        .await
        .map(|response| response.into_inner().personality.expect("a personality"))
}

async fn list(
    app: &TestApp,
    who: &Principal,
    user_id: &str,
    page_size: i32,
    page_token: &str,
) -> Result<pb::ListPersonalityAssessmentsResponse, Status> {
    let message = pb::ListPersonalityAssessmentsRequest {
        user_id: user_id.to_owned(),
        page_size,
        page_token: page_token.to_owned(),
    };
    client(app)
        .list_personality_assessments(app.request(who, message))
        .await
        .map(|response| response.into_inner())
}

fn id_of(principal: &Principal) -> String {
    principal.user_id().expect("a person").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_latest_assessment_is_current_and_history_is_kept() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let ana_id = id_of(&ana);

    let status = get(&app, &ana, &ana_id).await.unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");

    let first = assess(&app, &ana, Some(traits([10, 20, 30, 40, 50])), "")
        .await
        .unwrap();
    assert_eq!(first.user_id, ana_id);
    assert!(first.assess_time.is_some());
    let second = assess(&app, &ana, Some(traits([0, 100, 55, 45, 5])), "")
        .await
        .unwrap();

    let current = get(&app, &ana, &ana_id).await.unwrap();
    assert_eq!(current.assessment_id, second.id);
    assert_eq!(current.assess_time, second.assess_time);
    assert_eq!(
        scores(current.traits.as_ref().unwrap()),
        [Some(0), Some(100), Some(55), Some(45), Some(5)]
    );

    let history = list(&app, &ana, &ana_id, 0, "").await.unwrap();
    let ids: Vec<&str> = history.assessments.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, [second.id.as_str(), first.id.as_str()]);
    assert_eq!(history.next_page_token, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_pages_newest_first_and_refuses_foreign_tokens() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let ana_id = id_of(&ana);
    let mut created = Vec::new();
    for i in 0..5 {
        let assessment = assess(&app, &ana, Some(traits([i; 5])), "").await.unwrap();
        created.push(assessment.id);
    }
    created.reverse();

    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = list(&app, &ana, &ana_id, 2, &token).await.unwrap();
        assert!(page.assessments.len() <= 2);
        seen.extend(page.assessments.into_iter().map(|a| a.id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(seen, created);

    let status = list(&app, &ana, &ana_id, 2, "not-a-token")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_token");
    let status = list(&app, &ana, &ana_id, -1, "").await.unwrap_err();
    assert_invalid_field(&status, "page_size");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn out_of_range_or_missing_scores_are_refused_naming_the_trait() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;

    let cases = [
        ([101, 50, 50, 50, 50], "traits.openness"),
        ([50, -1, 50, 50, 50], "traits.conscientiousness"),
        ([50, 50, 1000, 50, 50], "traits.extraversion"),
        ([50, 50, 50, 200, 50], "traits.agreeableness"),
        ([50, 50, 50, 50, 101], "traits.neuroticism"),
    ];
    for (scores, field) in cases {
        let status = assess(&app, &ana, Some(traits(scores)), "")
            .await
            .unwrap_err();
        assert_invalid_field(&status, field);
    }
    let mut missing = traits([50; 5]);
    missing.agreeableness = None;
    let status = assess(&app, &ana, Some(missing), "").await.unwrap_err();
    assert_invalid_field(&status, "traits.agreeableness");
    let status = assess(&app, &ana, None, "").await.unwrap_err();
    assert_invalid_field(&status, "traits");
    let status = assess(&app, &ana, Some(traits([50; 5])), "nope")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "request_id");

    let stored = app
        .db
        .count("SELECT count(*) FROM users.personality_assessments", &[])
        .await;
    assert_eq!(stored, 0, "nothing refused was stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_id_replays_the_first_assessment_and_refuses_other_scores() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let request_id = Uuid::new_v4().to_string();

    let first = assess(&app, &ana, Some(traits([1, 2, 3, 4, 5])), &request_id)
        .await
        .unwrap();
    let again = assess(&app, &ana, Some(traits([1, 2, 3, 4, 5])), &request_id)
        .await
        .unwrap();
    assert_eq!(again, first);

    let status = assess(&app, &ana, Some(traits([1, 2, 3, 4, 6])), &request_id)
        .await
        .unwrap_err();
    assert_reason(&status, Code::InvalidArgument, "REQUEST_ID_REUSED");
    assert_invalid_field(&status, "request_id");

    // Keys are per person: another person's same key is a new assessment.
    let bobs = assess(&app, &bob, Some(traits([1, 2, 3, 4, 5])), &request_id)
        .await
        .unwrap();
    assert_ne!(bobs.id, first.id);

    let history = list(&app, &ana, &id_of(&ana), 0, "").await.unwrap();
    assert_eq!(history.assessments.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_person_admins_and_services_read_traits() {
    let app = spawn_app().await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let (_, root) = app.signed_in("root@example.org").await;
    app.execute(
        "UPDATE users.accounts SET role = 'ADMIN' WHERE email = 'root@example.org'",
        &[],
    )
    .await;
    let ana_id = id_of(&ana);
    assess(&app, &ana, Some(traits([60; 5])), "").await.unwrap();

    for reader in [&ana, &root, &service("tribe")] {
        let current = get(&app, reader, &ana_id).await.unwrap();
        assert_eq!(current.user_id, ana_id);
        let history = list(&app, reader, &ana_id, 0, "").await.unwrap();
        assert_eq!(history.assessments.len(), 1);
    }

    let status = get(&app, &bob, &ana_id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let status = list(&app, &bob, &ana_id, 0, "").await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    // Unknown people are refused the same way, so ids do not leak.
    let status = get(&app, &bob, &Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
    let status = get(&app, &bob, "not-a-uuid").await.unwrap_err();
    assert_invalid_field(&status, "user_id");

    // A service has no traits of its own to record.
    let status = assess(&app, &service("tribe"), Some(traits([1; 5])), "")
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
}
