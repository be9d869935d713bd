//! Matchmaking end to end: people sign up and set their matching profiles through the edge, an
//! admin starts a run, each person finds their invitation and answers it; the tribe turns
//! ACTIVE with its fourth acceptance, a decline frees the person for the next run, and only the
//! group reads why it was matched, without anyone's traits or position.

use circle_e2e::{PASSWORD, SignedIn, Suite};
use circle_proto::common::v1::GeoPoint;
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::interest_service_client::InterestServiceClient;
use circle_proto::edge::v1::matchmaking_service_client::MatchmakingServiceClient;
use circle_proto::edge::v1::personality_service_client::PersonalityServiceClient;
use circle_proto::edge::v1::profile_service_client::ProfileServiceClient;
use circle_proto::edge::v1::tribe_service_client::TribeServiceClient;
use circle_proto::edge::v1::{
    InterestCategory as Category, InterestLevel as Level, MatchmakingRunStatus, MembershipStatus,
    TribeStatus,
};
use circle_testkit::status::assert_reason;
use prost_types::FieldMask;
use tonic::Code;
use tonic::transport::Channel;

fn matchmaking(suite: &Suite) -> MatchmakingServiceClient<Channel> {
    MatchmakingServiceClient::new(suite.channel("edge"))
}

/// `person` promoted to admin, with a fresh login whose token carries the role.
pub(crate) async fn admin(suite: &Suite, person: &SignedIn) -> SignedIn {
    suite.make_admin(person).await;
    let login = suite
        .edge()
        .login(edge::LoginRequest {
            email: person.email.clone(),
            password: PASSWORD.into(),
            device: "e2e".into(),
        })
        .await
        .expect("login as admin")
        .into_inner();
    SignedIn {
        access_token: login.tokens.expect("tokens").access_token,
        ..person.clone()
    }
}

/// Sets what matching needs through the edge: personality, interests, position, travel
/// distance, and the opt-in.
pub(crate) async fn opt_in(suite: &Suite, person: &SignedIn, n: i32, interest_ids: &[String]) {
    PersonalityServiceClient::new(suite.channel("edge"))
        .create_personality_assessment(person.call(edge::CreatePersonalityAssessmentRequest {
            traits: Some(edge::PersonalityTraits {
                openness: Some(60 + n),
                conscientiousness: Some(55),
                extraversion: Some(45),
                agreeableness: Some(70),
                neuroticism: Some(30),
            }),
            request_id: String::new(),
        }))
        .await
        .expect("an assessment");
    let mut interests = InterestServiceClient::new(suite.channel("edge"));
    for interest_id in interest_ids {
        interests
            .add_profile_interest(person.call(edge::AddProfileInterestRequest {
                interest_id: interest_id.clone(),
                level: Level::High.into(),
            }))
            .await
            .expect("an interest");
    }
    ProfileServiceClient::new(suite.channel("edge"))
        .update_matching_profile(
            person.call(edge::UpdateMatchingProfileRequest {
                user_id: person.user_id.clone(),
                matching_profile: Some(edge::MatchingProfile {
                    communication_style: edge::CommunicationStyle::Supportive.into(),
                    position: Some(GeoPoint {
                        latitude: 52.52,
                        longitude: 13.40 + f64::from(n) * 0.002,
                    }),
                    max_travel_km: 20,
                    opted_in: true,
                    update_time: None,
                }),
                update_mask: Some(FieldMask {
                    paths: [
                        "communication_style",
                        "position",
                        "max_travel_km",
                        "opted_in",
                    ]
                    .map(String::from)
                    .to_vec(),
                }),
            }),
        )
        .await
        .expect("the matching profile");
}

pub(crate) async fn invitations(suite: &Suite, person: &SignedIn) -> Vec<edge::MatchInvitation> {
    matchmaking(suite)
        .list_match_invitations(person.call(edge::ListMatchInvitationsRequest::default()))
        .await
        .expect("the invitations")
        .into_inner()
        .invitations
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_matched_accept_and_read_why_through_the_edge() {
    let suite = Suite::start().await;
    let root = suite.sign_up("root@match.test").await;
    let root = admin(&suite, &root).await;
    let mut catalog = InterestServiceClient::new(suite.channel("edge"));
    let mut interest_ids = Vec::new();
    for (name, category) in [
        ("hiking", Category::OutdoorAdventures),
        ("board games", Category::GamesEntertainment),
    ] {
        let interest = catalog
            .create_interest(root.call(edge::CreateInterestRequest {
                name: name.into(),
                category: category.into(),
            }))
            .await
            .expect("an interest")
            .into_inner()
            .interest
            .expect("an interest");
        interest_ids.push(interest.id);
    }
    let mut people = Vec::new();
    for (n, name) in ["ana", "ben", "cleo", "dan", "eve"].iter().enumerate() {
        let person = suite.sign_up(&format!("{name}@match.test")).await;
        opt_in(&suite, &person, n as i32, &interest_ids).await;
        people.push(person);
    }

    assert_reason(
        &matchmaking(&suite)
            .start_matchmaking_run(people[0].call(edge::StartMatchmakingRunRequest {}))
            .await
            .unwrap_err(),
        Code::PermissionDenied,
        "ADMIN_ONLY",
    );
    let run = matchmaking(&suite)
        .start_matchmaking_run(root.call(edge::StartMatchmakingRunRequest {}))
        .await
        .expect("an admin starts a run")
        .into_inner()
        .run
        .expect("a run");
    assert_eq!(run.status(), MatchmakingRunStatus::Succeeded);
    assert_eq!(
        (run.input_count, run.placed_count, run.group_count),
        (5, 5, 1)
    );

    let mut tribe_id = String::new();
    for person in &people {
        let found = invitations(&suite, person).await;
        assert_eq!(found.len(), 1, "{} sees an invitation", person.email);
        let tribe = found[0].tribe.clone().expect("the tribe");
        assert_eq!(tribe.status(), TribeStatus::Forming);
        let names: Vec<&str> = tribe.interests.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, ["board games", "hiking"], "shared, primary first");
        tribe_id = tribe.id;
    }

    let mut last_status = TribeStatus::Unspecified;
    for person in &people[..4] {
        let accepted = matchmaking(&suite)
            .accept_match_invitation(person.call(edge::AcceptMatchInvitationRequest {
                tribe_id: tribe_id.clone(),
            }))
            .await
            .expect("accepted")
            .into_inner();
        assert_eq!(
            accepted.member.expect("a member").status(),
            MembershipStatus::Active
        );
        let tribe = accepted.tribe.expect("the tribe");
        last_status = tribe.status();
        if tribe.member_count < 4 {
            assert_eq!(last_status, TribeStatus::Forming);
        }
    }
    assert_eq!(last_status, TribeStatus::Active, "active with the fourth");
    let tribe = TribeServiceClient::new(suite.channel("edge"))
        .get_tribe(people[1].call(edge::GetTribeRequest {
            tribe_id: tribe_id.clone(),
        }))
        .await
        .expect("a member reads the tribe")
        .into_inner()
        .tribe
        .expect("a tribe");
    assert_eq!(tribe.creator_id, people[0].user_id, "the first to accept");

    let declined = matchmaking(&suite)
        .decline_match_invitation(people[4].call(edge::DeclineMatchInvitationRequest {
            tribe_id: tribe_id.clone(),
        }))
        .await
        .expect("declined")
        .into_inner();
    assert_eq!(
        declined.member.expect("a member").status(),
        MembershipStatus::Declined
    );
    assert!(invitations(&suite, &people[4]).await.is_empty());

    let reasons = matchmaking(&suite)
        .get_match_reasons(people[2].call(edge::GetMatchReasonsRequest {
            tribe_id: tribe_id.clone(),
        }))
        .await
        .expect("a member reads the reasons")
        .into_inner()
        .reasons
        .expect("reasons");
    assert_eq!(reasons.group_size, 5);
    assert_eq!(reasons.shared_interests.len(), 2);
    assert!(reasons.trait_closeness > 0.9 && reasons.trait_closeness <= 1.0);
    assert!((1..=20).contains(&reasons.farthest_travel_km));
    // Nothing of one person: the text of the answer holds no one's id, trait or position.
    let text = format!("{reasons:?}");
    for person in &people {
        assert!(!text.contains(&person.user_id), "{text}");
    }
    assert!(!text.contains("13.4"), "no positions: {text}");
    for denied in [&people[4], &root] {
        assert_reason(
            &matchmaking(&suite)
                .get_match_reasons(denied.call(edge::GetMatchReasonsRequest {
                    tribe_id: tribe_id.clone(),
                }))
                .await
                .unwrap_err(),
            Code::PermissionDenied,
            "NOT_A_MEMBER",
        );
    }

    // The one who declined is matched again by the next run; the four members are not.
    let runs = matchmaking(&suite)
        .list_matchmaking_runs(root.call(edge::ListMatchmakingRunsRequest::default()))
        .await
        .expect("the runs")
        .into_inner()
        .runs;
    assert_eq!(runs.len(), 1);
    let next = matchmaking(&suite)
        .start_matchmaking_run(root.call(edge::StartMatchmakingRunRequest {}))
        .await
        .expect("a second run")
        .into_inner()
        .run
        .expect("a run");
    assert_eq!((next.excluded_count, next.input_count), (4, 1), "{next:?}");
}
