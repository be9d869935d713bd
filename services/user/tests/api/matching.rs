//! MatchingService: the opted-in, ACTIVE people with what matchmaking reads about them, for
//! services only, in pages by user id or by ids.

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::interest_service_client::InterestServiceClient;
use circle_proto::user::v1::matching_service_client::MatchingServiceClient;
use circle_proto::user::v1::personality_service_client::PersonalityServiceClient;
use circle_testkit::principal::service;
use tonic::transport::Channel;
use tonic::{Code, Status};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_field, assert_reason, spawn_app};

fn client(app: &TestApp) -> MatchingServiceClient<Channel> {
    MatchingServiceClient::new(app.channel.clone())
}

pub(crate) async fn list(
    app: &TestApp,
    who: &Principal,
    page_size: i32,
    page_token: &str,
) -> Result<pb::ListMatchingCandidatesResponse, Status> {
    let message = pb::ListMatchingCandidatesRequest {
        page_size,
        page_token: page_token.to_owned(),
    };
    client(app)
        .list_matching_candidates(app.request(who, message))
        .await
        .map(|response| response.into_inner())
}

pub(crate) async fn batch(
    app: &TestApp,
    who: &Principal,
    user_ids: Vec<String>,
) -> Result<Vec<pb::MatchingCandidate>, Status> {
    let message = pb::BatchGetMatchingCandidatesRequest { user_ids };
    client(app)
        .batch_get_matching_candidates(app.request(who, message))
        .await
        .map(|response| response.into_inner().candidates)
}

/// A signed-in person and their id.
async fn person(app: &TestApp, email: &str) -> (Principal, Uuid) {
    let (_, principal) = app.signed_in(email).await;
    let id = principal.user_id().expect("a person");
    (principal, id)
}

async fn opt_in(app: &TestApp, id: Uuid, opted_in: bool) {
    app.execute(
        "INSERT INTO users.matching_profiles \
         (user_id, latitude, longitude, communication_style, max_travel_km, opted_in) \
         VALUES ($1, 52.52, 13.40, 'DIRECT', 15, $2)",
        &[&id, &opted_in],
    )
    .await;
}

fn ids(candidates: &[pb::MatchingCandidate]) -> Vec<String> {
    candidates.iter().map(|c| c.user_id.clone()).collect()
}

pub(crate) fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_candidate_carries_everything_matchmaking_reads() {
    let app = spawn_app().await;
    let tribe = service("tribe");
    let (ana, ana_id) = person(&app, "ana@example.org").await;
    let (_, bob_id) = person(&app, "bob@example.org").await;
    let (_, cem_id) = person(&app, "cem@example.org").await;
    let (root, _) = person(&app, "root@example.org").await;
    app.execute(
        "UPDATE users.accounts SET role = 'ADMIN' WHERE email = 'root@example.org'",
        &[],
    )
    .await;
    opt_in(&app, ana_id, true).await;
    app.execute(
        "INSERT INTO users.internal_metrics (user_id, absentee_rating, events_attended, no_shows) \
         VALUES ($1, 0.75, 8, 2)",
        &[&ana_id],
    )
    .await;
    // Ana blocked Bob, and Cem blocked Ana: both are on Ana's avoid list.
    app.execute(
        "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2), ($3, $1)",
        &[&ana_id, &bob_id, &cem_id],
    )
    .await;

    let mut personality = PersonalityServiceClient::new(app.channel.clone());
    for scores in [[10; 5], [20, 30, 40, 50, 60]] {
        let [o, c, e, a, n] = scores.map(Some);
        let message = pb::CreatePersonalityAssessmentRequest {
            traits: Some(pb::PersonalityTraits {
                openness: o,
                conscientiousness: c,
                extraversion: e,
                agreeableness: a,
                neuroticism: n,
            }),
            request_id: String::new(),
        };
        personality
            .create_personality_assessment(app.request(&ana, message))
            .await
            .unwrap();
    }
    let mut interests = InterestServiceClient::new(app.channel.clone());
    for (name, category, level) in [
        (
            "Hiking",
            pb::InterestCategory::OutdoorAdventures,
            pb::InterestLevel::High,
        ),
        (
            "Board games",
            pb::InterestCategory::GamesEntertainment,
            pb::InterestLevel::Low,
        ),
    ] {
        let create = pb::CreateInterestRequest {
            name: name.into(),
            category: category.into(),
        };
        let interest = interests
            .create_interest(app.request(&root, create))
            .await
            .unwrap()
            .into_inner()
            .interest
            .unwrap();
        let add = pb::AddProfileInterestRequest {
            interest_id: interest.id,
            level: level.into(),
        };
        interests
            .add_profile_interest(app.request(&ana, add))
            .await
            .unwrap();
    }

    let candidates = batch(&app, &tribe, vec![ana_id.to_string()]).await.unwrap();
    assert_eq!(candidates.len(), 1);
    let ana = &candidates[0];
    assert_eq!(ana.user_id, ana_id.to_string());
    let traits = ana
        .personality
        .as_ref()
        .and_then(|p| p.traits.as_ref())
        .expect("the latest traits");
    assert_eq!(
        [
            traits.openness,
            traits.conscientiousness,
            traits.extraversion,
            traits.agreeableness,
            traits.neuroticism
        ],
        [Some(20), Some(30), Some(40), Some(50), Some(60)]
    );
    let picked: Vec<(&str, pb::InterestCategory, pb::InterestLevel)> = ana
        .interests
        .iter()
        .map(|i| (i.name.as_str(), i.category(), i.level()))
        .collect();
    assert_eq!(
        picked,
        [
            (
                "Board games",
                pb::InterestCategory::GamesEntertainment,
                pb::InterestLevel::Low
            ),
            (
                "Hiking",
                pb::InterestCategory::OutdoorAdventures,
                pb::InterestLevel::High
            ),
        ]
    );
    let location = ana.location.as_ref().expect("a position");
    assert_eq!((location.latitude, location.longitude), (52.52, 13.40));
    assert_eq!(ana.max_travel_km, Some(15));
    assert_eq!(ana.communication_style(), pb::CommunicationStyle::Direct);
    assert_eq!(
        ana.reliability,
        Some(pb::Reliability {
            absentee_rating: 0.75,
            events_attended: 8,
            no_shows: 2,
            late_arrivals: 0,
        })
    );
    assert_eq!(
        sorted(ana.avoid_user_ids.clone()),
        sorted(vec![bob_id.to_string(), cem_id.to_string()])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_opted_in_active_people_are_listed_in_pages_by_id() {
    let app = spawn_app().await;
    let tribe = service("tribe");
    let mut eligible = Vec::new();
    for i in 0..5 {
        let (_, id) = person(&app, &format!("in{i}@example.org")).await;
        opt_in(&app, id, true).await;
        eligible.push(id.to_string());
    }
    let (_, out) = person(&app, "out@example.org").await;
    opt_in(&app, out, false).await;
    let (_, silent) = person(&app, "silent@example.org").await;
    let (_, suspended) = person(&app, "suspended@example.org").await;
    opt_in(&app, suspended, true).await;
    app.execute(
        "UPDATE users.accounts SET status = 'SUSPENDED' WHERE id = $1",
        &[&suspended],
    )
    .await;

    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = list(&app, &tribe, 2, &token).await.unwrap();
        assert!(page.candidates.len() <= 2);
        seen.extend(ids(&page.candidates));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(seen, sorted(eligible.clone()), "every eligible one, by id");
    // Nobody without an explicit opt-in, nor a suspended account, even when asked for.
    let asked = [out, silent, suspended, Uuid::new_v4()].map(|id| id.to_string());
    let mut wanted = asked.to_vec();
    wanted.push(eligible[0].clone());
    wanted.push(eligible[0].clone());
    let got = batch(&app, &tribe, wanted).await.unwrap();
    assert_eq!(ids(&got), [eligible[0].clone()]);
    let fresh = &got[0];
    assert!(fresh.personality.is_none());
    assert!(fresh.interests.is_empty());
    assert!(fresh.avoid_user_ids.is_empty());
    assert!(fresh.connect_again_user_ids.is_empty());
    assert_eq!(
        fresh.reliability.as_ref().map(|r| r.absentee_rating),
        Some(1.0)
    );

    let status = list(&app, &tribe, 2, "bogus").await.unwrap_err();
    assert_invalid_field(&status, "page_token");
    let status = list(&app, &tribe, -1, "").await.unwrap_err();
    assert_invalid_field(&status, "page_size");
    let status = batch(&app, &tribe, vec![eligible[0].clone(), "nope".into()])
        .await
        .unwrap_err();
    assert_invalid_field(&status, "user_ids[1]");
    let too_many = (0..1001).map(|_| Uuid::new_v4().to_string()).collect();
    let status = batch(&app, &tribe, too_many).await.unwrap_err();
    assert_invalid_field(&status, "user_ids");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_may_not_call_matching() {
    let app = spawn_app().await;
    let (ana, ana_id) = person(&app, "ana@example.org").await;
    opt_in(&app, ana_id, true).await;
    let status = list(&app, &ana, 0, "").await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let status = batch(&app, &ana, vec![ana_id.to_string()])
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
}
