//! Membership: joining, asking, inviting, approving, leaving, removing, handing over the
//! creator role, the capacity under concurrency, blocks, and the status that follows the count.

use circle_core::auth::Principal;
use circle_proto::tribe::v1::{
    ActivityType, ApproveMemberRequest, CreateTribeRequest, DeclineMemberRequest,
    InviteMemberRequest, LeaveTribeRequest, ListActivitiesRequest, ListMembersRequest, MemberRole,
    MembershipStatus, RemoveMemberRequest, TransferCreatorRoleRequest, Tribe, TribePrivacy,
    TribeStatus,
};
use tonic::Code;

use crate::helpers::{
    TestApp, assert_invalid_argument, assert_refused, client, join, new_tribe, tribe_with, user,
    user_id,
};

async fn private_tribe(app: &TestApp, creator: &Principal) -> Tribe {
    app.create_tribe(
        creator,
        CreateTribeRequest {
            privacy: TribePrivacy::Private.into(),
            ..new_tribe("Inner circle")
        },
    )
    .await
    .unwrap()
}

async fn members(app: &TestApp, viewer: &Principal, tribe: &Tribe) -> Vec<(String, i32, i32)> {
    client(app)
        .list_members(app.call(
            viewer,
            ListMembersRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .members
        .into_iter()
        .map(|m| (m.user_id, m.role, m.status))
        .collect()
}

async fn activity_types(app: &TestApp, viewer: &Principal, tribe: &Tribe) -> Vec<ActivityType> {
    client(app)
        .list_activities(app.call(
            viewer,
            ListActivitiesRequest {
                tribe_id: tribe.id.clone(),
                page_size: 100,
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .activities
        .iter()
        .map(|a| a.r#type())
        .collect()
}

fn id(person: &Principal) -> String {
    user_id(person).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn joining_a_public_tribe_makes_an_active_member_on_the_feed_and_in_the_outbox() {
    let app = TestApp::spawn().await;
    let (ana, ben) = (user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[]).await;
    assert_eq!(tribe.member_count, 1);

    let member = join(&app, &ben, &tribe.id).await.unwrap();
    assert_eq!(member.status(), MembershipStatus::Active);
    assert_eq!(member.role(), MemberRole::Member);

    let read = app.get_tribe(&ben, &tribe.id).await.unwrap();
    assert_eq!(read.member_count, 2);
    assert_eq!(
        members(&app, &ben, &tribe).await,
        vec![
            (
                id(&ana),
                MemberRole::Creator as i32,
                MembershipStatus::Active as i32
            ),
            (
                id(&ben),
                MemberRole::Member as i32,
                MembershipStatus::Active as i32
            ),
        ]
    );
    assert_eq!(
        activity_types(&app, &ben, &tribe).await,
        [ActivityType::MemberJoined, ActivityType::TribeCreated]
    );
    assert_eq!(
        app.outbox_topics().await,
        ["tribe.formed", "tribe.member_joined"]
    );

    let again = join(&app, &ben, &tribe.id).await;
    assert_refused(again, Code::FailedPrecondition, "ALREADY_MEMBER");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tribe_is_active_from_four_members_and_forming_below() {
    let app = TestApp::spawn().await;
    let (ana, ben, cleo, dan) = (user(), user(), user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben, &cleo]).await;
    assert_eq!(
        app.get_tribe(&ana, &tribe.id).await.unwrap().status(),
        TribeStatus::Forming
    );

    join(&app, &dan, &tribe.id).await.unwrap();
    let read = app.get_tribe(&ana, &tribe.id).await.unwrap();
    assert_eq!((read.status(), read.member_count), (TribeStatus::Active, 4));
    assert!(
        app.outbox_topics()
            .await
            .contains(&"tribe.active".to_owned())
    );

    let left = client(&app)
        .leave_tribe(app.call(
            &dan,
            LeaveTribeRequest {
                tribe_id: tribe.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .tribe
        .unwrap();
    assert_eq!(
        (left.status(), left.member_count),
        (TribeStatus::Forming, 3)
    );
    let feed = activity_types(&app, &ana, &tribe).await;
    assert_eq!(
        feed[..4],
        [
            ActivityType::MemberLeft,
            ActivityType::StatusChanged,
            ActivityType::MemberJoined,
            ActivityType::StatusChanged,
        ]
    );
    assert_eq!(
        app.outbox_topics().await.last().unwrap(),
        "tribe.member_left"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_racing_joins_fill_exactly_the_three_free_seats() {
    let app = TestApp::spawn().await;
    let creator = user();
    let tribe = tribe_with(&app, &creator, 4, &[]).await;

    let joiners: Vec<Principal> = (0..50).map(|_| user()).collect();
    let outcomes =
        futures::future::join_all(joiners.iter().map(|person| join(&app, person, &tribe.id))).await;

    let joined = outcomes.iter().filter(|outcome| outcome.is_ok()).count();
    assert_eq!(joined, 3, "{outcomes:?}");
    for refused in outcomes.into_iter().filter(Result::is_err) {
        assert_refused(refused, Code::FailedPrecondition, "TRIBE_FULL");
    }
    let read = app.get_tribe(&creator, &tribe.id).await.unwrap();
    assert_eq!(read.member_count, 4);
    let active = app
        .db
        .count(
            "SELECT count(*) FROM tribes.tribe_members WHERE tribe_id = $1 AND status = 'ACTIVE'",
            &[&uuid::Uuid::parse_str(&tribe.id).unwrap()],
        )
        .await;
    assert_eq!(active, 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn asking_to_join_a_private_tribe_waits_for_the_creator() {
    let app = TestApp::spawn().await;
    let (ana, ben, cleo) = (user(), user(), user());
    let tribe = private_tribe(&app, &ana).await;

    let asked = join(&app, &ben, &tribe.id).await.unwrap();
    assert_eq!(asked.status(), MembershipStatus::Pending);
    assert!(asked.invited_by.is_empty());
    assert_refused(
        join(&app, &ben, &tribe.id).await,
        Code::FailedPrecondition,
        "JOIN_PENDING",
    );
    // Pending is not in: the private tribe stays closed to Ben.
    assert_refused(
        app.get_tribe(&ben, &tribe.id).await,
        Code::PermissionDenied,
        "PRIVATE_TRIBE",
    );

    let approve = |approver: &Principal, who: &Principal| {
        let request = app.call(
            approver,
            ApproveMemberRequest {
                tribe_id: tribe.id.clone(),
                user_id: id(who),
            },
        );
        let mut c = client(&app);
        async move { c.approve_member(request).await }
    };
    assert_refused(
        approve(&ben, &ben).await,
        Code::PermissionDenied,
        "NOT_CREATOR",
    );
    let approved = approve(&ana, &ben).await.unwrap().into_inner();
    assert_eq!(approved.member.unwrap().status(), MembershipStatus::Active);
    assert_eq!(approved.tribe.unwrap().member_count, 2);
    assert_refused(
        approve(&ana, &ben).await,
        Code::FailedPrecondition,
        "NO_JOIN_REQUEST",
    );

    join(&app, &cleo, &tribe.id).await.unwrap();
    client(&app)
        .decline_member(app.call(
            &ana,
            DeclineMemberRequest {
                tribe_id: tribe.id.clone(),
                user_id: id(&cleo),
            },
        ))
        .await
        .unwrap();
    let listed = members(&app, &ana, &tribe).await;
    assert_eq!(listed.len(), 2);
    assert!(!listed.iter().any(|(user, _, _)| *user == id(&cleo)));
    assert_eq!(
        activity_types(&app, &ana, &tribe).await[..2],
        [ActivityType::JoinDeclined, ActivityType::JoinRequested]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_lets_someone_into_a_private_tribe() {
    let app = TestApp::spawn().await;
    let (ana, ben, stranger) = (user(), user(), user());
    let tribe = private_tribe(&app, &ana).await;
    let invite = |inviter: &Principal, invitee: &Principal| {
        let request = app.call(
            inviter,
            InviteMemberRequest {
                tribe_id: tribe.id.clone(),
                user_id: id(invitee),
            },
        );
        let mut c = client(&app);
        async move { c.invite_member(request).await }
    };

    assert_refused(
        invite(&stranger, &ben).await,
        Code::PermissionDenied,
        "NOT_A_MEMBER",
    );
    assert_invalid_argument(invite(&ana, &ana).await, "user_id");
    let invited = invite(&ana, &ben)
        .await
        .unwrap()
        .into_inner()
        .member
        .unwrap();
    assert_eq!(invited.status(), MembershipStatus::Pending);
    assert_eq!(invited.invited_by, id(&ana));
    assert_refused(
        invite(&ana, &ben).await,
        Code::FailedPrecondition,
        "ALREADY_PENDING",
    );

    let joined = join(&app, &ben, &tribe.id).await.unwrap();
    assert_eq!(joined.status(), MembershipStatus::Active);
    assert_eq!(
        app.get_tribe(&ben, &tribe.id).await.unwrap().member_count,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_creator_hands_the_role_over_before_leaving() {
    let app = TestApp::spawn().await;
    let (ana, ben, cleo) = (user(), user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben]).await;
    let leave = |who: &Principal| {
        let request = app.call(
            who,
            LeaveTribeRequest {
                tribe_id: tribe.id.clone(),
            },
        );
        let mut c = client(&app);
        async move { c.leave_tribe(request).await }
    };
    let transfer = |from: &Principal, to: &Principal| {
        let request = app.call(
            from,
            TransferCreatorRoleRequest {
                tribe_id: tribe.id.clone(),
                user_id: id(to),
            },
        );
        let mut c = client(&app);
        async move { c.transfer_creator_role(request).await }
    };

    assert_refused(
        leave(&ana).await,
        Code::FailedPrecondition,
        "CREATOR_MUST_TRANSFER",
    );
    assert_refused(
        transfer(&ben, &ana).await,
        Code::PermissionDenied,
        "NOT_CREATOR",
    );
    assert_invalid_argument(transfer(&ana, &ana).await, "user_id");
    assert_refused(transfer(&ana, &cleo).await, Code::NotFound, "NOT_FOUND");

    let handed = transfer(&ana, &ben)
        .await
        .unwrap()
        .into_inner()
        .tribe
        .unwrap();
    assert_eq!(handed.creator_id, id(&ben));
    let left = leave(&ana).await.unwrap().into_inner().tribe.unwrap();
    assert_eq!(left.member_count, 1);
    assert_eq!(
        members(&app, &ben, &tribe).await,
        vec![(
            id(&ben),
            MemberRole::Creator as i32,
            MembershipStatus::Active as i32
        )]
    );
    assert_refused(leave(&ana).await, Code::NotFound, "NOT_FOUND");
    // Someone who left may come back to a public tribe.
    join(&app, &ana, &tribe.id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_creator_removes_and_the_removed_need_an_invitation_back() {
    let app = TestApp::spawn().await;
    let (ana, ben, cleo) = (user(), user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben, &cleo]).await;
    let remove = |by: &Principal, who: &Principal| {
        let request = app.call(
            by,
            RemoveMemberRequest {
                tribe_id: tribe.id.clone(),
                user_id: id(who),
            },
        );
        let mut c = client(&app);
        async move { c.remove_member(request).await }
    };

    assert_refused(
        remove(&ben, &cleo).await,
        Code::PermissionDenied,
        "NOT_CREATOR",
    );
    assert_invalid_argument(remove(&ana, &ana).await, "user_id");
    let after = remove(&ana, &cleo)
        .await
        .unwrap()
        .into_inner()
        .tribe
        .unwrap();
    assert_eq!(after.member_count, 2);
    assert_eq!(
        app.outbox_topics().await.last().unwrap(),
        "tribe.member_removed"
    );
    assert_refused(remove(&ana, &cleo).await, Code::NotFound, "NOT_FOUND");

    assert_refused(
        join(&app, &cleo, &tribe.id).await,
        Code::FailedPrecondition,
        "MEMBER_REMOVED",
    );
    let invite = |by: &Principal| {
        let request = app.call(
            by,
            InviteMemberRequest {
                tribe_id: tribe.id.clone(),
                user_id: id(&cleo),
            },
        );
        let mut c = client(&app);
        async move { c.invite_member(request).await }
    };
    assert_refused(invite(&ben).await, Code::PermissionDenied, "NOT_CREATOR");
    invite(&ana).await.unwrap();
    assert_eq!(
        join(&app, &cleo, &tribe.id).await.unwrap().status(),
        MembershipStatus::Active
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_who_blocked_each_other_do_not_meet_in_a_tribe() {
    let app = TestApp::spawn().await;
    let (ana, ben, cleo, dan) = (user(), user(), user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben]).await;
    // Blocks in either direction count; a block between others does not.
    app.block(&ben, &cleo).await;
    app.block(&dan, &ana).await;

    for person in [&cleo, &dan] {
        assert_refused(
            join(&app, person, &tribe.id).await,
            Code::FailedPrecondition,
            "BLOCKED",
        );
    }
    assert_refused(
        client(&app)
            .invite_member(app.call(
                &ana,
                InviteMemberRequest {
                    tribe_id: tribe.id.clone(),
                    user_id: id(&cleo),
                },
            ))
            .await,
        Code::FailedPrecondition,
        "BLOCKED",
    );
    assert_eq!(
        app.get_tribe(&ana, &tribe.id).await.unwrap().member_count,
        2
    );
    join(&app, &user(), &tribe.id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outsiders_read_neither_members_nor_feed_of_a_private_tribe() {
    let app = TestApp::spawn().await;
    let (ana, outsider) = (user(), user());
    let tribe = private_tribe(&app, &ana).await;
    let list_members = client(&app)
        .list_members(app.call(
            &outsider,
            ListMembersRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            },
        ))
        .await;
    assert_refused(list_members, Code::PermissionDenied, "PRIVATE_TRIBE");
    let feed = client(&app)
        .list_activities(app.call(
            &outsider,
            ListActivitiesRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            },
        ))
        .await;
    assert_refused(feed, Code::PermissionDenied, "PRIVATE_TRIBE");
    assert_eq!(members(&app, &ana, &tribe).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn membership_calls_name_their_bad_fields() {
    let app = TestApp::spawn().await;
    let ana = user();
    assert_invalid_argument(join(&app, &ana, "nope").await, "tribe_id");
    let tribe = tribe_with(&app, &ana, 8, &[]).await;
    let bad_user = client(&app)
        .remove_member(app.call(
            &ana,
            RemoveMemberRequest {
                tribe_id: tribe.id.clone(),
                user_id: "42".to_owned(),
            },
        ))
        .await;
    assert_invalid_argument(bad_user, "user_id");
    let bad_page = client(&app)
        .list_members(app.call(
            &ana,
            ListMembersRequest {
                tribe_id: tribe.id.clone(),
                page_token: "garbage".to_owned(),
                ..Default::default()
            },
        ))
        .await;
    assert_invalid_argument(bad_page, "page_token");
    assert_refused(
        join(&app, &ana, &uuid::Uuid::new_v4().to_string()).await,
        Code::NotFound,
        "NOT_FOUND",
    );
}
