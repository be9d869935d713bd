//! Matchmaking against a real user service: runs (admins only, one at a time across
//! instances), the tribes and invitations they create, accepting and declining, and the
//! reasons members may read.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use circle_core::auth::{Principal, Role};
use circle_proto::tribe::v1::matchmaking_service_client::MatchmakingServiceClient;
use circle_proto::tribe::v1::{
    AcceptMatchInvitationRequest, DeclineMatchInvitationRequest, GetMatchReasonsRequest,
    GetMatchmakingRunRequest, ListMatchInvitationsRequest, ListMatchmakingRunsRequest,
    MatchInvitation, MatchmakingRun, MatchmakingRunStatus, MatchmakingTrigger, MemberRole,
    MembershipStatus, StartMatchmakingRunRequest, TribePrivacy, TribeStatus,
};
use circle_proto::user::v1::InterestCategory;
use tonic::transport::Channel;
use tonic::{Code, Status};
use uuid::Uuid;

use crate::helpers::{
    MATCHMAKING, TestApp, assert_invalid_argument, assert_refused, new_tribe, user, user_id,
};
use tribe_service::config::Matchmaking;

fn matchmaking(app: &TestApp) -> MatchmakingServiceClient<Channel> {
    MatchmakingServiceClient::new(circle_testkit::server::channel(app.addr))
}

fn admin() -> Principal {
    Principal::User {
        id: Uuid::new_v4(),
        role: Role::Admin,
        session_id: Uuid::new_v4(),
    }
}

/// What a person tells the user service for matching.
struct Profile {
    at: Option<(f64, f64)>,
    travel_km: i32,
    traits: [i16; 5],
    interests: &'static [(&'static str, &'static str, &'static str)],
    style: &'static str,
}

const HIKERS: &[(&str, &str, &str)] = &[
    ("hiking", "OUTDOOR_ADVENTURES", "HIGH"),
    ("chess", "GAMES_ENTERTAINMENT", "MEDIUM"),
];

/// Someone in Berlin, `n` hundred metres east of the centre, who likes hiking and chess.
fn berliner(n: u8) -> Profile {
    Profile {
        at: Some((52.52, 13.40 + f64::from(n) * 0.0015)),
        travel_km: 15,
        traits: [60 + i16::from(n), 55, 45, 70, 30],
        interests: HIKERS,
        style: "SUPPORTIVE",
    }
}

/// Writes an opted-in person with an ACTIVE account into the user service's tables.
async fn opted_in(app: &TestApp, profile: &Profile) -> Principal {
    let person = user();
    let id = user_id(&person);
    let db = app.db.admin_client().await;
    db.execute(
        "INSERT INTO users.accounts (id, email, password_hash, status) \
         VALUES ($1, $2, 'not-a-hash', 'ACTIVE')",
        &[&id, &format!("{id}@matching.test")],
    )
    .await
    .expect("an account");
    let (lat, lng) = profile.at.unzip();
    db.execute(
        "INSERT INTO users.matching_profiles \
         (user_id, latitude, longitude, communication_style, max_travel_km, opted_in) \
         VALUES ($1, $2, $3, $4, $5, true)",
        &[&id, &lat, &lng, &profile.style, &profile.travel_km],
    )
    .await
    .expect("a matching profile");
    let [o, c, e, a, n] = profile.traits;
    db.execute(
        "INSERT INTO users.personality_assessments (id, user_id, openness, conscientiousness, \
         extraversion, agreeableness, neuroticism) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[&Uuid::new_v4(), &id, &o, &c, &e, &a, &n],
    )
    .await
    .expect("an assessment");
    for (name, category, level) in profile.interests {
        db.execute(
            "INSERT INTO users.interests (id, name, category) VALUES ($1, $2, $3) \
             ON CONFLICT DO NOTHING",
            &[&Uuid::new_v4(), name, category],
        )
        .await
        .expect("an interest");
        db.execute(
            "INSERT INTO users.profile_interests (user_id, interest_id, level) \
             SELECT $1, id, $3 FROM users.interests WHERE name = $2",
            &[&id, name, level],
        )
        .await
        .expect("a profile interest");
    }
    person
}

async fn berliners(app: &TestApp, count: u8) -> Vec<Principal> {
    let mut people = Vec::new();
    for n in 0..count {
        people.push(opted_in(app, &berliner(n)).await);
    }
    people
}

/// Writes a RUNNING run started by `trigger`, as an instance in the middle of a run leaves it.
async fn running_run(app: &TestApp, trigger: &str) -> Uuid {
    let id = Uuid::new_v4();
    app.db
        .admin_client()
        .await
        .execute(
            "INSERT INTO tribes.matchmaking_runs (id, trigger, status) VALUES ($1, $2, 'RUNNING')",
            &[&id, &trigger],
        )
        .await
        .expect("a running run");
    id
}

async fn start(app: &TestApp, caller: &Principal) -> Result<MatchmakingRun, Status> {
    let response = matchmaking(app)
        .start_matchmaking_run(app.call(caller, StartMatchmakingRunRequest {}))
        .await?;
    Ok(response.into_inner().run.expect("a run"))
}

async fn invitations(app: &TestApp, person: &Principal) -> Vec<MatchInvitation> {
    matchmaking(app)
        .list_match_invitations(app.call(person, ListMatchInvitationsRequest::default()))
        .await
        .expect("the invitations")
        .into_inner()
        .invitations
}

/// The id of the tribe `person`'s first invitation is for.
async fn invited_tribe(app: &TestApp, person: &Principal) -> String {
    invitations(app, person).await[0]
        .tribe
        .clone()
        .expect("an invitation names its tribe")
        .id
}

async fn accept(
    app: &TestApp,
    person: &Principal,
    tribe_id: &str,
) -> Result<(MembershipStatus, TribeStatus, String), Status> {
    let response = matchmaking(app)
        .accept_match_invitation(app.call(
            person,
            AcceptMatchInvitationRequest {
                tribe_id: tribe_id.to_owned(),
            },
        ))
        .await?
        .into_inner();
    let member = response.member.expect("a member");
    let tribe = response.tribe.expect("a tribe");
    Ok((member.status(), tribe.status(), tribe.creator_id))
}

async fn decline(app: &TestApp, person: &Principal, tribe_id: &str) -> Result<i32, Status> {
    let response = matchmaking(app)
        .decline_match_invitation(app.call(
            person,
            DeclineMatchInvitationRequest {
                tribe_id: tribe_id.to_owned(),
            },
        ))
        .await?;
    Ok(response.into_inner().member.expect("a member").status)
}

async fn get(
    app: &TestApp,
    caller: &Principal,
    run_id: &str,
) -> Result<tonic::Response<circle_proto::tribe::v1::GetMatchmakingRunResponse>, Status> {
    let request = GetMatchmakingRunRequest {
        run_id: run_id.to_owned(),
    };
    matchmaking(app)
        .get_matchmaking_run(app.call(caller, request))
        .await
}

async fn list(
    app: &TestApp,
    caller: &Principal,
    page_token: String,
) -> Result<tonic::Response<circle_proto::tribe::v1::ListMatchmakingRunsResponse>, Status> {
    let request = ListMatchmakingRunsRequest {
        page_size: 1,
        page_token,
    };
    matchmaking(app)
        .list_matchmaking_runs(app.call(caller, request))
        .await
}

async fn reasons_of(
    app: &TestApp,
    person: &Principal,
    tribe_id: &str,
) -> Result<tonic::Response<circle_proto::tribe::v1::GetMatchReasonsResponse>, Status> {
    let request = GetMatchReasonsRequest {
        tribe_id: tribe_id.to_owned(),
    };
    matchmaking(app)
        .get_match_reasons(app.call(person, request))
        .await
}

#[tokio::test]
async fn a_run_forms_a_forming_tribe_and_invites_everyone_in_it() {
    let app = TestApp::spawn().await;
    let group = berliners(&app, 6).await;
    let unplaceable = opted_in(
        &app,
        &Profile {
            at: Some((48.85, 2.35)),
            ..berliner(9)
        },
    )
    .await;
    let without_location = opted_in(
        &app,
        &Profile {
            at: None,
            ..berliner(8)
        },
    )
    .await;

    let run = start(&app, &admin()).await.unwrap();
    assert_eq!(run.status(), MatchmakingRunStatus::Succeeded);
    assert_eq!(run.trigger(), MatchmakingTrigger::Admin);
    assert_eq!(
        (run.candidate_count, run.skipped_count, run.excluded_count),
        (8, 1, 0)
    );
    assert_eq!(
        (run.input_count, run.placed_count, run.group_count),
        (7, 6, 1)
    );
    assert!(run.objective > 0.0, "{run:?}");
    assert!(run.duration.is_some() && run.finish_time.is_some());

    let mut tribe_ids = HashSet::new();
    for person in &group {
        let found = invitations(&app, person).await;
        assert_eq!(found.len(), 1, "one invitation each");
        assert_eq!(found[0].run_id, run.id);
        let tribe = found[0].tribe.clone().expect("the tribe");
        assert_eq!(tribe.status(), TribeStatus::Forming);
        assert_eq!(tribe.privacy(), TribePrivacy::Private);
        assert_eq!(tribe.member_count, 0, "invitations hold no seat yet");
        assert_eq!(tribe.max_members, 8);
        assert_eq!(
            tribe.name, "Chess Tribe",
            "named after the primary interest"
        );
        let primary = &tribe.interests[0];
        assert!(
            primary.primary && primary.name == "chess",
            "most shared, then by name"
        );
        assert_eq!(tribe.interests.len(), 2, "the shared interests");
        assert!(tribe.interests[1..].iter().all(|i| !i.primary));
        let names: HashSet<_> = tribe.interests.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, HashSet::from(["hiking", "chess"]));
        let hiking = tribe.interests.iter().find(|i| i.name == "hiking").unwrap();
        assert_eq!(hiking.category(), InterestCategory::OutdoorAdventures);
        let meeting_point = tribe.location.expect("the meeting point");
        assert!((meeting_point.latitude - 52.52).abs() < 0.1);
        tribe_ids.insert(tribe.id);
    }
    assert_eq!(tribe_ids.len(), 1, "one tribe for the six");
    for outsider in [&unplaceable, &without_location] {
        assert!(invitations(&app, outsider).await.is_empty());
    }
    let topics = app.outbox_topics().await;
    let invited = topics
        .iter()
        .filter(|t| *t == "tribe.member_invited")
        .count();
    assert_eq!(invited, 6, "{topics:?}");
    assert!(topics.contains(&"tribe.formed".to_owned()));
}

#[tokio::test]
async fn four_acceptances_make_the_tribe_active_and_a_decline_frees_the_person() {
    let app = TestApp::spawn().await;
    let group = berliners(&app, 6).await;
    start(&app, &admin()).await.unwrap();
    let tribe_id = invited_tribe(&app, &group[0]).await;

    let (status, tribe_status, creator) = accept(&app, &group[0], &tribe_id).await.unwrap();
    assert_eq!(status, MembershipStatus::Active);
    assert_eq!(tribe_status, TribeStatus::Forming);
    assert_eq!(
        creator,
        user_id(&group[0]).to_string(),
        "the first to accept"
    );
    for person in &group[1..3] {
        let (_, tribe_status, _) = accept(&app, person, &tribe_id).await.unwrap();
        assert_eq!(tribe_status, TribeStatus::Forming);
    }
    let (_, tribe_status, creator) = accept(&app, &group[3], &tribe_id).await.unwrap();
    assert_eq!(tribe_status, TribeStatus::Active, "active with its fourth");
    assert_eq!(creator, user_id(&group[0]).to_string());
    let members = app.get_tribe(&group[0], &tribe_id).await.unwrap();
    assert_eq!(members.member_count, 4);
    assert!(
        app.outbox_topics()
            .await
            .contains(&"tribe.active".to_owned())
    );

    assert_refused(
        accept(&app, &group[0], &tribe_id).await,
        Code::FailedPrecondition,
        "NO_MATCH_INVITATION",
    );
    assert_eq!(
        decline(&app, &group[4], &tribe_id).await.unwrap(),
        i32::from(MembershipStatus::Declined)
    );
    assert!(invitations(&app, &group[4]).await.is_empty());
    assert_refused(
        accept(&app, &group[4], &tribe_id).await,
        Code::FailedPrecondition,
        "NO_MATCH_INVITATION",
    );

    // The next run leaves out the four members and the one still invited; the one who
    // declined is matched again (with newcomers nearby).
    let newcomers = [
        opted_in(&app, &berliner(20)).await,
        opted_in(&app, &berliner(21)).await,
        opted_in(&app, &berliner(22)).await,
    ];
    let run = start(&app, &admin()).await.unwrap();
    assert_eq!((run.candidate_count, run.excluded_count), (9, 5), "{run:?}");
    assert_eq!((run.input_count, run.placed_count), (4, 4), "{run:?}");
    let again = invitations(&app, &group[4]).await;
    assert_eq!(again.len(), 1);
    assert_ne!(again[0].tribe.as_ref().unwrap().id, tribe_id);
    for person in &newcomers {
        assert_eq!(invitations(&app, person).await.len(), 1);
    }
    assert_eq!(
        invitations(&app, &group[5]).await.len(),
        1,
        "still the first one"
    );
}

#[tokio::test]
async fn everyone_declining_dissolves_the_tribe() {
    let app = TestApp::spawn().await;
    let group = berliners(&app, 4).await;
    start(&app, &admin()).await.unwrap();
    let tribe_id = invited_tribe(&app, &group[0]).await;
    for person in &group {
        decline(&app, person, &tribe_id).await.unwrap();
    }
    let status: String = app
        .db
        .admin_client()
        .await
        .query_one(
            "SELECT status FROM tribes.tribes WHERE id = $1",
            &[&tribe_id.parse::<Uuid>().unwrap()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "DISSOLVED");
}

#[tokio::test]
async fn only_admins_start_and_read_runs() {
    let app = TestApp::spawn().await;
    let person = user();
    assert_refused(
        start(&app, &person).await,
        Code::PermissionDenied,
        "ADMIN_ONLY",
    );
    let service = crate::helpers::service("edge");
    assert_refused(
        start(&app, &service).await,
        Code::PermissionDenied,
        "ADMIN_ONLY",
    );

    let admin = admin();
    let first = start(&app, &admin).await.unwrap();
    let second = start(&app, &admin).await.unwrap();
    assert_eq!(first.candidate_count, 0);

    assert_refused(
        get(&app, &person, &first.id).await,
        Code::PermissionDenied,
        "ADMIN_ONLY",
    );
    let got = get(&app, &admin, &first.id)
        .await
        .unwrap()
        .into_inner()
        .run
        .unwrap();
    assert_eq!(got.id, first.id);
    assert_eq!(got.started_by, user_id(&admin).to_string());
    assert_invalid_argument(get(&app, &admin, "not-a-uuid").await, "run_id");
    let missing = get(&app, &admin, &Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);

    assert_refused(
        list(&app, &person, String::new()).await,
        Code::PermissionDenied,
        "ADMIN_ONLY",
    );
    let page = list(&app, &admin, String::new())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.runs.len(), 1);
    assert_eq!(page.runs[0].id, second.id, "newest first");
    let page = list(&app, &admin, page.next_page_token)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.runs[0].id, first.id);
    assert!(page.next_page_token.is_empty());
}

#[tokio::test]
async fn a_run_while_another_is_running_is_refused_and_an_abandoned_one_is_failed() {
    let app = TestApp::spawn().await;
    let db = app.db.admin_client().await;
    let running = running_run(&app, "SCHEDULE").await;
    let refused = assert_refused(
        start(&app, &admin()).await,
        Code::FailedPrecondition,
        "RUN_IN_PROGRESS",
    );
    assert!(refused.message().contains("in progress"), "{refused:?}");

    db.execute(
        "UPDATE tribes.matchmaking_runs SET started_at = now() - interval '1 hour' WHERE id = $1",
        &[&running],
    )
    .await
    .unwrap();
    start(&app, &admin())
        .await
        .expect("the abandoned run does not block");
    let status: String = db
        .query_one(
            "SELECT status FROM tribes.matchmaking_runs WHERE id = $1",
            &[&running],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "FAILED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_starts_on_two_instances_never_overlap_nor_invite_anyone_twice() {
    let app = TestApp::spawn().await;
    let other = app.another_instance().await;
    for n in 0..40 {
        opted_in(&app, &berliner(n)).await;
    }
    let admin = admin();
    let mut calls = Vec::new();
    for i in 0..6 {
        let mut client = if i % 2 == 0 {
            matchmaking(&app)
        } else {
            MatchmakingServiceClient::new(circle_testkit::server::channel(other.addr))
        };
        let request = app.call(&admin, StartMatchmakingRunRequest {});
        calls.push(tokio::spawn(async move {
            client.start_matchmaking_run(request).await
        }));
    }
    let succeeded = successes(calls, "RUN_IN_PROGRESS").await;
    assert!(succeeded >= 1);
    let db = app.db.admin_client().await;
    let overlapping = db
        .query_one(
            "SELECT count(*) FROM tribes.matchmaking_runs a JOIN tribes.matchmaking_runs b \
             ON a.id < b.id AND a.started_at < b.finished_at AND b.started_at < a.finished_at",
            &[],
        )
        .await
        .unwrap()
        .get::<_, i64>(0);
    assert_eq!(overlapping, 0, "two runs overlapped");
    let runs: i64 = db
        .query_one("SELECT count(*) FROM tribes.matchmaking_runs", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(runs, succeeded, "refused starts leave no run behind");
    let invited_twice: i64 = db
        .query_one(
            "SELECT count(*) FROM (SELECT user_id FROM tribes.tribe_members \
             WHERE status = 'PENDING' GROUP BY user_id HAVING count(*) > 1) twice",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(invited_twice, 0);
    let invited: i64 = db
        .query_one(
            "SELECT count(*) FROM tribes.tribe_members WHERE status = 'PENDING'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(invited, 40, "everyone placed once");
}

#[tokio::test]
async fn members_read_the_reasons_without_anyones_private_data() {
    let app = TestApp::spawn().await;
    let group = berliners(&app, 5).await;
    start(&app, &admin()).await.unwrap();
    let tribe_id = invited_tribe(&app, &group[0]).await;
    accept(&app, &group[0], &tribe_id).await.unwrap();

    for person in &group[..2] {
        let reasons = reasons_of(&app, person, &tribe_id)
            .await
            .expect("a member or invitee reads them")
            .into_inner()
            .reasons
            .unwrap();
        assert_eq!(reasons.group_size, 5);
        let shared: Vec<_> = reasons
            .shared_interests
            .iter()
            .map(|s| (s.name.as_str(), s.member_count))
            .collect();
        assert_eq!(shared, [("chess", 5), ("hiking", 5)]);
        assert!(reasons.trait_closeness > 0.9 && reasons.trait_closeness <= 1.0);
        assert_eq!(reasons.interest_overlap, 1.0);
        assert_eq!(reasons.style_agreement, 1.0);
        assert!(
            (1..=15).contains(&reasons.farthest_travel_km),
            "{reasons:?}"
        );
        assert!(reasons.score > 0.9);
    }

    assert_refused(
        reasons_of(&app, &user(), &tribe_id).await,
        Code::PermissionDenied,
        "NOT_A_MEMBER",
    );
    decline(&app, &group[4], &tribe_id).await.unwrap();
    assert_refused(
        reasons_of(&app, &group[4], &tribe_id).await,
        Code::PermissionDenied,
        "NOT_A_MEMBER",
    );
    assert_invalid_argument(reasons_of(&app, &group[0], "nope").await, "tribe_id");
    let own = app
        .create_tribe(&group[0], new_tribe("Made by hand"))
        .await
        .unwrap();
    assert_refused(
        reasons_of(&app, &group[0], &own.id).await,
        Code::FailedPrecondition,
        "NOT_MATCHED",
    );
}

#[tokio::test]
async fn invitations_are_answered_only_by_the_invited() {
    let app = TestApp::spawn().await;
    let group = berliners(&app, 4).await;
    start(&app, &admin()).await.unwrap();
    let tribe_id = invited_tribe(&app, &group[0]).await;
    let stranger = user();
    assert_refused(
        accept(&app, &stranger, &tribe_id).await,
        Code::FailedPrecondition,
        "NO_MATCH_INVITATION",
    );
    assert_refused(
        decline(&app, &stranger, &tribe_id).await,
        Code::FailedPrecondition,
        "NO_MATCH_INVITATION",
    );
    assert_invalid_argument(accept(&app, &group[0], "").await, "tribe_id");
    let missing = accept(&app, &group[0], &Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::NotFound);
    let (_, _, _) = accept(&app, &group[1], &tribe_id).await.unwrap();
    let members = app.get_tribe(&group[1], &tribe_id).await.unwrap();
    assert_eq!(members.creator_id, user_id(&group[1]).to_string());
    let role = crate::helpers::client(&app)
        .list_members(app.call(
            &group[1],
            circle_proto::tribe::v1::ListMembersRequest {
                tribe_id: tribe_id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .members
        .into_iter()
        .find(|m| m.user_id == user_id(&group[1]).to_string())
        .unwrap()
        .role();
    assert_eq!(role, MemberRole::Creator);
}

/// A thousand people spread over a city, written straight into the user service's tables.
async fn city(app: &TestApp, people: i32) {
    let db = app.db.admin_client().await;
    db.batch_execute("SELECT setseed(0.42)").await.unwrap();
    db.execute(
        "WITH people AS (
           INSERT INTO users.accounts (id, email, password_hash, status)
           SELECT gen_random_uuid(), 'p' || n || '@city.test', 'not-a-hash', 'ACTIVE'
           FROM generate_series(1, $1) n RETURNING id)
         INSERT INTO users.matching_profiles
           (user_id, latitude, longitude, communication_style, max_travel_km, opted_in)
         SELECT id, 52.40 + random() * 0.25, 13.20 + random() * 0.40,
           (ARRAY['DIRECT', 'THOUGHTFUL', 'SUPPORTIVE', 'ANALYTICAL', 'EXPRESSIVE'])
             [1 + floor(random() * 5)::int],
           10 + floor(random() * 15)::int, true
         FROM people",
        &[&people],
    )
    .await
    .unwrap();
    db.batch_execute(
        "INSERT INTO users.personality_assessments (id, user_id, openness, conscientiousness,
           extraversion, agreeableness, neuroticism)
         SELECT gen_random_uuid(), user_id, floor(random() * 101), floor(random() * 101),
           floor(random() * 101), floor(random() * 101), floor(random() * 101)
         FROM users.matching_profiles;
         INSERT INTO users.interests (id, name, category)
         SELECT gen_random_uuid(), name, category FROM (VALUES
           ('hiking', 'OUTDOOR_ADVENTURES'), ('climbing', 'OUTDOOR_ADVENTURES'),
           ('museums', 'ARTS_CULTURE'), ('cooking', 'FOOD_DINING'), ('running', 'SPORTS_FITNESS'),
           ('board games', 'GAMES_ENTERTAINMENT'), ('languages', 'LEARNING_EDUCATION'),
           ('yoga', 'WELLNESS_MINDFULNESS')) AS catalog (name, category);
         INSERT INTO users.profile_interests (user_id, interest_id, level)
         SELECT p.user_id, i.id, (ARRAY['LOW', 'MEDIUM', 'HIGH'])[1 + floor(random() * 3)::int]
         FROM users.matching_profiles p CROSS JOIN users.interests i WHERE random() < 0.3;",
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_people_in_a_city_are_grouped_in_one_run_within_the_time_limit() {
    let app = TestApp::spawn().await;
    city(&app, 1000).await;
    let run = start(&app, &admin()).await.unwrap();
    let duration = run.duration.expect("a duration");
    let seconds = duration.seconds as f64 + f64::from(duration.nanos) / 1e9;
    eprintln!(
        "1000 people: {} placed in {} groups, objective {:.1}, run {seconds:.2} s",
        run.placed_count, run.group_count, run.objective
    );
    assert_eq!(run.input_count, 1000);
    assert!(run.placed_count >= 990, "{run:?}");
    assert!(run.group_count >= run.placed_count / 8 && run.group_count <= run.placed_count / 4);
    let limit = crate::helpers::MATCHMAKING.time_limit.as_secs_f64();
    // A bound against a run that hangs, not a benchmark: writing the tribes comes on top of the
    // engine's limit, and test machines are shared.
    assert!(seconds < limit + 60.0, "{seconds} s");
    let db = app.db.admin_client().await;
    let invited: i64 = db
        .query_one(
            "SELECT count(DISTINCT user_id) FROM tribes.tribe_members WHERE status = 'PENDING'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(invited, i64::from(run.placed_count));
}

/// The first scheduled run that has finished, as (id, status, placed, groups, started by
/// nobody, started after `released` was released); waits for it up to a minute.
async fn first_finished_scheduled_run(
    db: &tokio_postgres::Client,
    released: Uuid,
) -> (Uuid, String, i32, i32, bool, bool) {
    for _ in 0..600 {
        let row = db
            .query_opt(
                "SELECT id, status, placed_count, group_count, started_by IS NULL, \
                 started_at >= (SELECT finished_at FROM tribes.matchmaking_runs WHERE id = $1) \
                 FROM tribes.matchmaking_runs WHERE trigger = 'SCHEDULE' AND status <> 'RUNNING' \
                 ORDER BY started_at LIMIT 1",
                &[&released],
            )
            .await
            .unwrap();
        if let Some(row) = row {
            return (
                row.get(0),
                row.get(1),
                row.get(2),
                row.get(3),
                row.get(4),
                row.get(5),
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no scheduled run finished within a minute");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schedule_skips_its_turns_while_a_run_is_going_then_runs_and_forms_groups() {
    let app = TestApp::spawn().await;
    let db = app.db.admin_client().await;
    let going = running_run(&app, "ADMIN").await;
    let group = berliners(&app, 5).await;
    let interval = Duration::from_millis(200);
    let _scheduled = app.scheduled_instance(interval).await;

    // Turns come while the run is going: each is refused by the one-RUNNING index, skipped and
    // logged, and leaves no run behind (neither a second RUNNING one nor a FAILED one).
    tokio::time::sleep(interval * 10).await;
    let runs: i64 = db
        .query_one("SELECT count(*) FROM tribes.matchmaking_runs", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(runs, 1, "a skipped turn records no run");
    assert!(invitations(&app, &group[0]).await.is_empty());

    db.execute(
        "UPDATE tribes.matchmaking_runs SET status = 'SUCCEEDED', finished_at = now(), \
         duration_ms = 0 WHERE id = $1",
        &[&going],
    )
    .await
    .unwrap();
    let (run_id, status, placed, groups, by_nobody, after_release) =
        first_finished_scheduled_run(&db, going).await;
    assert_eq!(status, "SUCCEEDED");
    assert_eq!((placed, groups), (5, 1));
    assert!(by_nobody, "the schedule starts runs as nobody");
    assert!(
        after_release,
        "no scheduled run started while the other was going"
    );
    for person in &group {
        let found = invitations(&app, person).await;
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].run_id, run_id.to_string());
    }
    let run = get(&app, &admin(), &run_id.to_string())
        .await
        .unwrap()
        .into_inner()
        .run
        .unwrap();
    assert_eq!(run.trigger(), MatchmakingTrigger::Schedule);
    assert!(run.started_by.is_empty());
    let failed: i64 = db
        .query_one(
            "SELECT count(*) FROM tribes.matchmaking_runs WHERE status = 'FAILED'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(failed, 0);
}

/// Someone in Paris, `n` hundred metres east of the centre, like [`berliner`] otherwise.
fn parisian(n: u8) -> Profile {
    Profile {
        at: Some((48.85, 2.35 + f64::from(n) * 0.0015)),
        ..berliner(n)
    }
}

/// Four Parisians are matched and all decline (the first, then the others, which frees them
/// all: nobody is left invited); declines `days_ago` days back; four newcomers join them; the
/// second run, and the four.
async fn declined_then_matched_again(days_ago: i32) -> (TestApp, MatchmakingRun, Vec<Principal>) {
    let app = TestApp::spawn().await;
    let mut first = Vec::new();
    for n in 0..4 {
        first.push(opted_in(&app, &parisian(n)).await);
    }
    start(&app, &admin()).await.unwrap();
    let tribe_id = invited_tribe(&app, &first[0]).await;
    for person in &first {
        decline(&app, person, &tribe_id).await.unwrap();
    }
    app.db
        .admin_client()
        .await
        .execute(
            "UPDATE tribes.tribe_members SET updated_at = now() - make_interval(days => $1) \
             WHERE status = 'DECLINED'",
            &[&days_ago],
        )
        .await
        .unwrap();
    for n in 4..8 {
        opted_in(&app, &parisian(n)).await;
    }
    let run = start(&app, &admin()).await.unwrap();
    assert_eq!(run.input_count, 8, "{run:?}");
    (app, run, first)
}

/// How many of `people` hold a pending invitation, and the tribes they are invited to.
async fn invited(app: &TestApp, people: &[Principal]) -> (usize, HashSet<String>) {
    let mut count = 0;
    let mut tribes = HashSet::new();
    for person in people {
        for invitation in invitations(app, person).await {
            count += 1;
            tribes.insert(invitation.tribe.unwrap().id);
        }
    }
    (count, tribes)
}

#[tokio::test]
async fn who_declined_a_matched_tribe_is_not_grouped_again_with_those_invited_with_them() {
    let (app, run, first) = declined_then_matched_again(1).await;
    // Eight people reaching each other can all be placed (one group of eight or two of four),
    // but only with two of the first four together again (see the next test). Kept apart, a
    // group holds at most one of them and three newcomers: the one group is the four
    // newcomers and one of the first four.
    assert_eq!((run.placed_count, run.group_count), (5, 1), "{run:?}");
    let (count, tribes) = invited(&app, &first).await;
    assert_eq!(count, 1, "one of the first four, in a group of newcomers");
    assert_eq!(tribes.len(), 1);
}

#[tokio::test]
async fn declines_older_than_the_decline_memory_no_longer_keep_people_apart() {
    let (app, run, first) = declined_then_matched_again(91).await;
    assert_eq!(run.placed_count, 8, "{run:?}");
    let (count, tribes) = invited(&app, &first).await;
    assert_eq!(count, 4);
    assert!(
        tribes.len() < count,
        "two of the first four are grouped together again: {tribes:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_acceptances_fill_the_seats_and_turn_the_tribe_active_once() {
    let app = TestApp::spawn().await;
    let group = berliners(&app, 6).await;
    start(&app, &admin()).await.unwrap();
    let tribe_id = invited_tribe(&app, &group[0]).await;
    let tribe_uuid: Uuid = tribe_id.parse().unwrap();
    let db = app.db.admin_client().await;
    // Five seats for six invitees.
    db.execute(
        "UPDATE tribes.tribes SET max_members = 5 WHERE id = $1",
        &[&tribe_uuid],
    )
    .await
    .unwrap();

    let mut calls = Vec::new();
    for person in &group {
        let mut client = matchmaking(&app);
        let request = app.call(
            person,
            AcceptMatchInvitationRequest {
                tribe_id: tribe_id.clone(),
            },
        );
        calls.push(tokio::spawn(async move {
            client.accept_match_invitation(request).await
        }));
    }
    let accepted = successes(calls, "TRIBE_FULL").await;
    assert_eq!(accepted, 5, "every seat taken, none twice");
    let row = db
        .query_one(
            "SELECT status, member_count, creator_id, \
             (SELECT count(*) FROM tribes.tribe_members m WHERE m.tribe_id = t.id \
              AND m.status = 'ACTIVE'), \
             (SELECT array_agg(user_id) FROM tribes.tribe_members m WHERE m.tribe_id = t.id \
              AND m.role = 'CREATOR') \
             FROM tribes.tribes t WHERE id = $1",
            &[&tribe_uuid],
        )
        .await
        .unwrap();
    assert_eq!(row.get::<_, String>(0), "ACTIVE");
    assert_eq!(row.get::<_, i16>(1), 5);
    assert_eq!(row.get::<_, i64>(3), 5);
    let creators: Vec<Uuid> = row.get(4);
    assert_eq!(creators.len(), 1, "one creator: the first to accept");
    assert_eq!(row.get::<_, Uuid>(2), creators[0]);
    let topics = app.outbox_topics().await;
    let active = topics.iter().filter(|t| *t == "tribe.active").count();
    assert_eq!(active, 1, "{topics:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_invitation_accepted_and_declined_at_once_is_answered_once() {
    let app = TestApp::spawn().await;
    let group = berliners(&app, 6).await;
    start(&app, &admin()).await.unwrap();
    let tribe_id = invited_tribe(&app, &group[0]).await;
    // Two accept first, so the tribe is never left empty (and dissolved) whoever wins below.
    for person in &group[..2] {
        accept(&app, person, &tribe_id).await.unwrap();
    }

    let mut races = Vec::new();
    for person in &group[2..] {
        let mut accepting = matchmaking(&app);
        let mut declining = matchmaking(&app);
        let acceptance = app.call(
            person,
            AcceptMatchInvitationRequest {
                tribe_id: tribe_id.clone(),
            },
        );
        let refusal = app.call(
            person,
            DeclineMatchInvitationRequest {
                tribe_id: tribe_id.clone(),
            },
        );
        let accepted = tokio::spawn(async move {
            accepting
                .accept_match_invitation(acceptance)
                .await
                .map(drop)
        });
        let declined =
            tokio::spawn(
                async move { declining.decline_match_invitation(refusal).await.map(drop) },
            );
        races.push((user_id(person), accepted, declined));
    }
    let db = app.db.admin_client().await;
    let mut members = 2;
    for (person, accepted, declined) in races {
        let (accepted, declined) = (accepted.await.unwrap(), declined.await.unwrap());
        let loser = match (&accepted, &declined) {
            (Ok(()), Err(loser)) | (Err(loser), Ok(())) => loser,
            _ => panic!("exactly one answer wins: {accepted:?} {declined:?}"),
        };
        circle_testkit::status::assert_reason(
            loser,
            Code::FailedPrecondition,
            "NO_MATCH_INVITATION",
        );
        let status: String = db
            .query_one(
                "SELECT status FROM tribes.tribe_members WHERE tribe_id = $1 AND user_id = $2",
                &[&tribe_id.parse::<Uuid>().unwrap(), &person],
            )
            .await
            .unwrap()
            .get(0);
        if accepted.is_ok() {
            assert_eq!(status, "ACTIVE");
            members += 1;
        } else {
            assert_eq!(status, "DECLINED");
        }
    }
    let tribe = app.get_tribe(&group[0], &tribe_id).await.unwrap();
    assert_eq!(tribe.member_count, members);
}

/// Awaits racing calls and counts those that succeeded; every other one must have been refused
/// with FAILED_PRECONDITION `reason`.
async fn successes<T>(
    calls: Vec<tokio::task::JoinHandle<Result<T, tonic::Status>>>,
    reason: &str,
) -> i64 {
    let mut succeeded = 0;
    for call in calls {
        match call.await.unwrap() {
            Ok(_) => succeeded += 1,
            Err(status) => {
                circle_testkit::status::assert_reason(&status, Code::FailedPrecondition, reason)
            }
        }
    }
    succeeded
}

/// What sets four of the Berliners of [`marked_per_tribe`] apart from the other four.
enum Mark {
    /// The others never showed up (an absentee rating of 0).
    ShowUp,
    /// They met and all want to meet one another again (mutual connect-again wishes).
    MetBefore,
}

/// Eight Berliners, alike but for one interest that each of four marked ones shares with one of
/// the others, so the default score pairs them across; `matchmaking` weighs the signal that
/// `mark` sets. Returns how many of the marked each tribe holds.
async fn marked_per_tribe(matchmaking: Matchmaking, mark: Mark) -> Vec<usize> {
    const SHARED: [&[(&str, &str, &str)]; 4] = [
        &[("chess", "GAMES_ENTERTAINMENT", "HIGH")],
        &[("hiking", "OUTDOOR_ADVENTURES", "HIGH")],
        &[("jazz", "ARTS_CULTURE", "HIGH")],
        &[("cooking", "FOOD_DINING", "HIGH")],
    ];
    let app = TestApp::spawn_with(matchmaking).await;
    let db = app.db.admin_client().await;
    let mut marked = Vec::new();
    let mut others = Vec::new();
    for (k, interests) in SHARED.into_iter().enumerate() {
        for list in [&mut marked, &mut others] {
            let profile = Profile {
                interests,
                traits: [60, 55, 45, 70, 30],
                ..berliner(k as u8)
            };
            list.push(opted_in(&app, &profile).await);
        }
    }
    match mark {
        Mark::ShowUp => {
            for person in &others {
                db.execute(
                    "INSERT INTO users.internal_metrics (user_id, absentee_rating, no_shows) \
                     VALUES ($1, 0, 3)",
                    &[&user_id(person)],
                )
                .await
                .unwrap();
            }
        }
        Mark::MetBefore => {
            for (i, one) in marked.iter().enumerate() {
                for (_, other) in marked.iter().enumerate().filter(|&(j, _)| j != i) {
                    db.execute(
                        "INSERT INTO users.connect_again (owner_id, connected_id, wants) \
                         VALUES ($1, $2, true)",
                        &[&user_id(one), &user_id(other)],
                    )
                    .await
                    .unwrap();
                }
            }
        }
    }
    let run = start(&app, &admin()).await.unwrap();
    assert_eq!(run.placed_count, 8, "{run:?}");
    let mut per_tribe: HashMap<String, usize> = HashMap::new();
    for person in &marked {
        let invitation = invitations(&app, person).await.remove(0);
        *per_tribe.entry(invitation.tribe.unwrap().id).or_default() += 1;
    }
    let mut counts: Vec<usize> = per_tribe.into_values().collect();
    counts.resize(2, 0);
    counts.sort_unstable();
    counts
}

#[tokio::test]
async fn the_reliability_weight_groups_people_who_show_up_together() {
    let weighing = |weight| Matchmaking {
        reliability_weight: weight,
        ..MATCHMAKING
    };
    assert_eq!(marked_per_tribe(weighing(0.0), Mark::ShowUp).await, [2, 2]);
    assert_eq!(marked_per_tribe(weighing(0.5), Mark::ShowUp).await, [0, 4]);
}

#[tokio::test]
async fn the_connect_again_weight_groups_people_who_want_to_meet_again() {
    let weighing = |weight| Matchmaking {
        connect_again_weight: weight,
        ..MATCHMAKING
    };
    assert_eq!(
        marked_per_tribe(weighing(0.0), Mark::MetBefore).await,
        [2, 2]
    );
    assert_eq!(
        marked_per_tribe(weighing(0.5), Mark::MetBefore).await,
        [0, 4]
    );
}
