//! Tribes through the edge, end to end: creating, joining, asking and approving, inviting,
//! leaving, removing, handing over the creator role, dissolving, the feed, goals, blocks asked of
//! the real user service, capacity, privacy, and the facts relayed to the notification service.

use std::time::Duration;

use circle_e2e::{SignedIn, Suite};
use circle_proto::common::v1::GeoPoint;
use circle_proto::edge::v1::block_service_client::BlockServiceClient;
use circle_proto::edge::v1::tribe_service_client::TribeServiceClient;
use circle_proto::edge::v1::{
    ActivityType, ApproveMemberRequest, BlockUserRequest, CompleteGoalRequest, CreateGoalRequest,
    CreateTribeRequest, DissolveTribeRequest, GetTribeRequest, InterestCategory, JoinTribeRequest,
    LeaveTribeRequest, ListActivitiesRequest, ListGoalsRequest, ListMembersRequest,
    MembershipStatus, RemoveMemberRequest, TransferCreatorRoleRequest, Tribe, TribeInterest,
    TribePrivacy, TribeStatus, UnblockUserRequest,
};
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::transport::Channel;
use tonic::{Code, Request, Status};

fn tribes(suite: &Suite) -> TribeServiceClient<Channel> {
    TribeServiceClient::new(suite.channel("edge"))
}

async fn people(suite: &Suite, names: &[&str]) -> Vec<SignedIn> {
    let mut signed_in = Vec::new();
    for name in names {
        signed_in.push(suite.sign_up(&format!("{name}@tribes.test")).await);
    }
    signed_in
}

async fn create(suite: &Suite, creator: &SignedIn, request: CreateTribeRequest) -> Tribe {
    tribes(suite)
        .create_tribe(creator.call(request))
        .await
        .expect("the tribe is created")
        .into_inner()
        .tribe
        .expect("a tribe")
}

async fn join(suite: &Suite, person: &SignedIn, tribe: &Tribe) -> Result<MembershipStatus, Status> {
    let response = tribes(suite)
        .join_tribe(person.call(JoinTribeRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await?;
    Ok(response.into_inner().member.expect("a member").status())
}

fn hikers() -> CreateTribeRequest {
    CreateTribeRequest {
        name: "Sunday Hikers".into(),
        description: "We walk the Grunewald on Sundays.".into(),
        location_name: "Berlin".into(),
        location: Some(GeoPoint {
            latitude: 52.52,
            longitude: 13.405,
        }),
        interests: vec![TribeInterest {
            category: InterestCategory::OutdoorAdventures.into(),
            name: "hiking".into(),
            primary: true,
        }],
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tribe_forms_fills_and_dissolves_through_the_edge() {
    let suite = Suite::start().await;
    let p = people(&suite, &["ana", "ben", "cleo", "dan"]).await;
    let (ana, ben, cleo, dan) = (&p[0], &p[1], &p[2], &p[3]);

    let tribe = create(&suite, ana, hikers()).await;
    assert_eq!(tribe.status(), TribeStatus::Forming);
    assert_eq!(tribe.creator_id, ana.user_id);
    assert_eq!(tribe.interests.len(), 1);
    for person in [ben, cleo, dan] {
        assert_eq!(
            join(&suite, person, &tribe).await.unwrap(),
            MembershipStatus::Active
        );
    }
    let read = tribes(&suite)
        .get_tribe(dan.call(GetTribeRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .tribe
        .unwrap();
    assert_eq!((read.status(), read.member_count), (TribeStatus::Active, 4));

    // Goals: set by a member, completed by the tribe's creator.
    let goal = tribes(&suite)
        .create_goal(ben.call(CreateGoalRequest {
            tribe_id: tribe.id.clone(),
            title: "Walk 100 km together".into(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .goal
        .unwrap();
    let refused = tribes(&suite)
        .complete_goal(cleo.call(CompleteGoalRequest {
            goal_id: goal.id.clone(),
        }))
        .await
        .unwrap_err();
    assert_reason(&refused, Code::PermissionDenied, "NOT_GOAL_OWNER");
    tribes(&suite)
        .complete_goal(ana.call(CompleteGoalRequest {
            goal_id: goal.id.clone(),
        }))
        .await
        .unwrap();
    let goals = tribes(&suite)
        .list_goals(cleo.call(ListGoalsRequest {
            tribe_id: tribe.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .goals;
    assert!(goals[0].completed);

    // The creator hands over before leaving; the new creator removes someone.
    let refused = tribes(&suite)
        .leave_tribe(ana.call(LeaveTribeRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await
        .unwrap_err();
    assert_reason(&refused, Code::FailedPrecondition, "CREATOR_MUST_TRANSFER");
    tribes(&suite)
        .transfer_creator_role(ana.call(TransferCreatorRoleRequest {
            tribe_id: tribe.id.clone(),
            user_id: ben.user_id.clone(),
        }))
        .await
        .unwrap();
    let left = tribes(&suite)
        .leave_tribe(ana.call(LeaveTribeRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .tribe
        .unwrap();
    assert_eq!(
        (left.status(), left.member_count),
        (TribeStatus::Forming, 3)
    );
    let refused = tribes(&suite)
        .remove_member(cleo.call(RemoveMemberRequest {
            tribe_id: tribe.id.clone(),
            user_id: dan.user_id.clone(),
        }))
        .await
        .unwrap_err();
    assert_reason(&refused, Code::PermissionDenied, "NOT_CREATOR");
    tribes(&suite)
        .remove_member(ben.call(RemoveMemberRequest {
            tribe_id: tribe.id.clone(),
            user_id: dan.user_id.clone(),
        }))
        .await
        .unwrap();

    let members = tribes(&suite)
        .list_members(cleo.call(ListMembersRequest {
            tribe_id: tribe.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .members;
    let ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
    assert_eq!(ids, [ben.user_id.as_str(), cleo.user_id.as_str()]);

    let dissolved = tribes(&suite)
        .dissolve_tribe(ben.call(DissolveTribeRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await
        .unwrap()
        .into_inner()
        .tribe
        .unwrap();
    assert_eq!(dissolved.status(), TribeStatus::Dissolved);

    let feed: Vec<ActivityType> = tribes(&suite)
        .list_activities(cleo.call(ListActivitiesRequest {
            tribe_id: tribe.id.clone(),
            page_size: 100,
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .activities
        .iter()
        .map(|a| a.r#type())
        .collect();
    for expected in [
        ActivityType::TribeCreated,
        ActivityType::MemberJoined,
        ActivityType::StatusChanged,
        ActivityType::ChallengeCreated,
        ActivityType::ChallengeCompleted,
        ActivityType::CreatorTransferred,
        ActivityType::MemberLeft,
        ActivityType::MemberRemoved,
        ActivityType::TribeDissolved,
    ] {
        assert!(
            feed.contains(&expected),
            "{expected:?} missing from {feed:?}"
        );
    }
    assert_eq!(feed[0], ActivityType::TribeDissolved);

    // Every fact reaches the notification service.
    let admin = suite.db.admin_client().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let row = admin
            .query_one(
                "SELECT count(*) FILTER (WHERE delivered_at IS NULL), \
                 array_agg(DISTINCT topic ORDER BY topic) FROM tribes.outbox",
                &[],
            )
            .await
            .unwrap();
        let (pending, topics): (i64, Vec<String>) = (row.get(0), row.get(1));
        if pending == 0 {
            assert_eq!(
                topics,
                [
                    "tribe.active",
                    "tribe.dissolved",
                    "tribe.formed",
                    "tribe.member_joined",
                    "tribe.member_left",
                    "tribe.member_removed",
                ]
            );
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{pending} facts undelivered"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_tribe_is_its_members_only_and_joined_by_approval() {
    let suite = Suite::start().await;
    let p = people(&suite, &["ada", "bo", "cy"]).await;
    let (ada, bo, cy) = (&p[0], &p[1], &p[2]);
    let tribe = create(
        &suite,
        ada,
        CreateTribeRequest {
            privacy: TribePrivacy::Private.into(),
            ..hikers()
        },
    )
    .await;

    let outsider_reads: Vec<Status> = vec![
        tribes(&suite)
            .list_members(cy.call(ListMembersRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            }))
            .await
            .unwrap_err(),
        tribes(&suite)
            .list_activities(cy.call(ListActivitiesRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            }))
            .await
            .unwrap_err(),
        tribes(&suite)
            .list_goals(cy.call(ListGoalsRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            }))
            .await
            .unwrap_err(),
    ];
    for status in outsider_reads {
        assert_reason(&status, Code::PermissionDenied, "PRIVATE_TRIBE");
    }

    assert_eq!(
        join(&suite, bo, &tribe).await.unwrap(),
        MembershipStatus::Pending
    );
    let refused = tribes(&suite)
        .approve_member(bo.call(ApproveMemberRequest {
            tribe_id: tribe.id.clone(),
            user_id: bo.user_id.clone(),
        }))
        .await
        .unwrap_err();
    assert_reason(&refused, Code::PermissionDenied, "NOT_CREATOR");
    let approved = tribes(&suite)
        .approve_member(ada.call(ApproveMemberRequest {
            tribe_id: tribe.id.clone(),
            user_id: bo.user_id.clone(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(approved.member.unwrap().status(), MembershipStatus::Active);
    tribes(&suite)
        .list_members(bo.call(ListMembersRequest {
            tribe_id: tribe.id.clone(),
            ..Default::default()
        }))
        .await
        .expect("a member reads the members");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_blocked_by_a_member_cannot_join() {
    let suite = Suite::start().await;
    let p = people(&suite, &["eve", "fay", "gus"]).await;
    let (eve, fay, gus) = (&p[0], &p[1], &p[2]);
    let tribe = create(&suite, eve, hikers()).await;
    // Eve blocks Fay through the edge; the tribe service asks the user service about it.
    BlockServiceClient::new(suite.channel("edge"))
        .block_user(eve.call(BlockUserRequest {
            user_id: fay.user_id.clone(),
        }))
        .await
        .expect("the block");

    let refused = join(&suite, fay, &tribe).await.unwrap_err();
    assert_reason(&refused, Code::FailedPrecondition, "BLOCKED");
    assert_eq!(
        join(&suite, gus, &tribe).await.unwrap(),
        MembershipStatus::Active
    );

    // Lifted, the block no longer stands between them.
    BlockServiceClient::new(suite.channel("edge"))
        .unblock_user(eve.call(UnblockUserRequest {
            user_id: fay.user_id.clone(),
        }))
        .await
        .expect("the unblock");
    assert_eq!(
        join(&suite, fay, &tribe).await.unwrap(),
        MembershipStatus::Active
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn racing_joins_never_overfill_and_refusals_name_their_reason() {
    let suite = Suite::start().await;
    let p = people(&suite, &["h0", "h1", "h2", "h3", "h4", "h5", "h6"]).await;
    let tribe = create(
        &suite,
        &p[0],
        CreateTribeRequest {
            max_members: 4,
            ..hikers()
        },
    )
    .await;
    let outcomes =
        futures::future::join_all(p[1..].iter().map(|person| join(&suite, person, &tribe))).await;
    let admitted = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(admitted, 3, "{outcomes:?}");
    for outcome in outcomes.into_iter().filter(Result::is_err) {
        assert_reason(
            &outcome.unwrap_err(),
            Code::FailedPrecondition,
            "TRIBE_FULL",
        );
    }

    let bad = tribes(&suite)
        .create_tribe(p[1].call(CreateTribeRequest {
            max_members: 9,
            ..hikers()
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&bad, "max_members");
    let anonymous = tribes(&suite)
        .get_tribe(Request::new(GetTribeRequest {
            tribe_id: tribe.id.clone(),
        }))
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);
}
