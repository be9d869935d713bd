//! The tribe service's facts: invitations of matchmaking runs, tribes changing status,
//! removals. Each reaches the people it concerns, in the app only, once.

use circle_proto::notification::v1::NotificationType;
use circle_proto::tribe::v1::{MemberInvited, MembershipChanged, TribeStatus, TribeStatusChanged};
use circle_testkit::status::assert_reason;
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{
    INVITED_TOPIC, TestApp, assert_code, assert_invalid_argument, invitation_fact, service,
    tribe_fact,
};

fn status_change(tribe_id: Uuid, status: TribeStatus, members: &[Uuid]) -> TribeStatusChanged {
    TribeStatusChanged {
        tribe_id: tribe_id.to_string(),
        tribe_name: "Trail Walkers".to_owned(),
        status: status.into(),
        member_ids: members.iter().map(Uuid::to_string).collect(),
    }
}

fn membership(
    tribe_id: Uuid,
    user_id: Uuid,
    actor_id: Uuid,
    members: &[Uuid],
) -> MembershipChanged {
    MembershipChanged {
        tribe_id: tribe_id.to_string(),
        tribe_name: "Trail Walkers".to_owned(),
        user_id: user_id.to_string(),
        actor_id: actor_id.to_string(),
        member_ids: members.iter().map(Uuid::to_string).collect(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_tells_the_invitee_the_tribe_and_how_to_answer() {
    let app = TestApp::spawn().await;
    let (person, tribe) = (Uuid::new_v4(), Uuid::new_v4());

    let response = app
        .deliver_from_tribe(invitation_fact(person, tribe))
        .await
        .unwrap();
    assert!(response.applied);

    let inbox = app.inbox_of(person).await;
    assert_eq!(inbox.notifications.len(), 1);
    let invitation = &inbox.notifications[0];
    assert_eq!(invitation.r#type(), NotificationType::TribeInvitation);
    assert_eq!(invitation.user_id, person.to_string());
    assert!(
        invitation.title.contains("Trail Walkers"),
        "{}",
        invitation.title
    );
    for words in ["Trail Walkers", "accept", "decline"] {
        assert!(
            invitation.body.contains(words),
            "{words:?} in {}",
            invitation.body
        );
    }
    let deliveries = app
        .query("SELECT channel, status FROM notifications.deliveries")
        .await;
    let deliveries: Vec<(String, String)> = deliveries
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    assert_eq!(deliveries, [("IN_APP".into(), "SENT".into())]);
    assert!(app.mail_files().is_empty(), "no email for an invitation");
    let data = app
        .query("SELECT data->>'tribe_id' FROM notifications.notifications")
        .await;
    assert_eq!(data[0].get::<_, Option<String>>(0), Some(tribe.to_string()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_invitation_notifies_once() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let fact = invitation_fact(person, Uuid::new_v4());

    assert!(app.deliver_from_tribe(fact.clone()).await.unwrap().applied);
    assert!(!app.deliver_from_tribe(fact).await.unwrap().applied);

    assert_eq!(
        app.types_in_inbox_of(person).await,
        [NotificationType::TribeInvitation]
    );
    assert_eq!(app.count("notifications").await, 1);
    assert_eq!(app.count("deliveries").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_concurrent_deliveries_of_one_invitation_notify_once() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let fact = invitation_fact(person, Uuid::new_v4());

    let applied = app.deliver_concurrently("tribe", &fact, 20).await;

    assert_eq!(applied, 1);
    assert_eq!(app.inbox_of(person).await.notifications.len(), 1);
    assert_eq!(app.count("notifications").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tribe_becoming_active_at_risk_or_dissolved_tells_each_active_member_once() {
    let app = TestApp::spawn().await;
    let tribe = Uuid::new_v4();
    let members: Vec<Uuid> = (0..4).map(|_| Uuid::new_v4()).collect();
    let outsider = Uuid::new_v4();
    // A repeated id is still one person.
    let listed = [&members[..], &members[..1]].concat();

    for (topic, status, kind, title) in [
        (
            "tribe.active",
            TribeStatus::Active,
            NotificationType::TribeActive,
            "Trail Walkers is now active",
        ),
        (
            "tribe.at_risk",
            TribeStatus::AtRisk,
            NotificationType::TribeAtRisk,
            "Trail Walkers is at risk",
        ),
        (
            "tribe.dissolved",
            TribeStatus::Dissolved,
            NotificationType::TribeDissolved,
            "Trail Walkers was dissolved",
        ),
    ] {
        let fact = tribe_fact(topic, tribe, status_change(tribe, status, &listed));
        assert!(
            app.deliver_from_tribe(fact.clone()).await.unwrap().applied,
            "{topic}"
        );
        assert!(
            !app.deliver_from_tribe(fact).await.unwrap().applied,
            "{topic} again"
        );
        for member in &members {
            let inbox = app.inbox_of(*member).await;
            let newest = &inbox.notifications[0];
            assert_eq!(newest.r#type(), kind, "{topic}");
            assert_eq!(newest.title, title);
            assert!(newest.body.contains("Trail Walkers"), "{}", newest.body);
        }
    }

    for member in &members {
        assert_eq!(
            app.types_in_inbox_of(*member).await,
            [
                NotificationType::TribeDissolved,
                NotificationType::TribeAtRisk,
                NotificationType::TribeActive
            ]
        );
    }
    assert_eq!(app.count("notifications").await, 12);
    assert!(app.inbox_of(outsider).await.notifications.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_removed_member_is_told_and_joins_or_leaves_are_acknowledged_only() {
    let app = TestApp::spawn().await;
    let (tribe, creator, removed, joiner) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );

    let removal = tribe_fact(
        "tribe.member_removed",
        tribe,
        membership(tribe, removed, creator, &[creator]),
    );
    assert!(app.deliver_from_tribe(removal).await.unwrap().applied);
    let inbox = app.inbox_of(removed).await;
    assert_eq!(inbox.notifications.len(), 1);
    assert_eq!(
        inbox.notifications[0].r#type(),
        NotificationType::TribeRemoved
    );
    assert_eq!(
        inbox.notifications[0].title,
        "You were removed from Trail Walkers"
    );
    assert!(app.inbox_of(creator).await.notifications.is_empty());

    for topic in ["tribe.member_joined", "tribe.member_left", "tribe.formed"] {
        let fact = tribe_fact(
            topic,
            tribe,
            membership(tribe, joiner, joiner, &[creator, joiner]),
        );
        assert!(
            !app.deliver_from_tribe(fact).await.unwrap().applied,
            "{topic}"
        );
    }
    assert_eq!(app.count("notifications").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tribe_topics_come_only_from_the_tribe_service() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();

    // The user service naming itself the producer of a tribe topic.
    let mut forged = invitation_fact(person, Uuid::new_v4());
    forged.producer = "user".to_owned();
    let status = assert_code(
        app.deliver_as(&service("user"), forged).await,
        Code::PermissionDenied,
    );
    assert_reason(&status, Code::PermissionDenied, "FOREIGN_TOPIC");
    // The tribe service relaying as someone else.
    assert_reason(
        &app.deliver_as(&service("user"), invitation_fact(person, Uuid::new_v4()))
            .await
            .unwrap_err(),
        Code::PermissionDenied,
        "NOT_THE_PRODUCER",
    );

    assert_eq!(app.count("notifications").await, 0);
    assert_eq!(app.count("processed_facts").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_tribe_facts_are_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let (person, tribe) = (Uuid::new_v4(), Uuid::new_v4());
    let invited = |change: fn(&mut MemberInvited)| {
        let mut payload = MemberInvited {
            tribe_id: tribe.to_string(),
            tribe_name: "Trail Walkers".to_owned(),
            user_id: person.to_string(),
            run_id: Uuid::new_v4().to_string(),
        };
        change(&mut payload);
        tribe_fact(INVITED_TOPIC, tribe, payload)
    };

    type Change = fn(&mut MemberInvited);
    let cases: [(Change, &str); 5] = [
        (|p| p.user_id = "someone".into(), "fact.payload.user_id"),
        (|p| p.user_id = String::new(), "fact.payload.user_id"),
        (|p| p.tribe_id = "a tribe".into(), "fact.payload.tribe_id"),
        (|p| p.tribe_name = " ".into(), "fact.payload.tribe_name"),
        (
            |p| p.tribe_name = "Trail\nWalkers".into(),
            "fact.payload.tribe_name",
        ),
    ];
    for (change, field) in cases {
        assert_invalid_argument(app.deliver_from_tribe(invited(change)).await, field);
    }

    let mut garbage = invitation_fact(person, tribe);
    garbage.payload = vec![0xff, 0xff, 0xff];
    assert_invalid_argument(app.deliver_from_tribe(garbage).await, "fact.payload");

    let mut news = status_change(tribe, TribeStatus::Active, &[person]);
    news.member_ids.push("not-a-uuid".into());
    assert_invalid_argument(
        app.deliver_from_tribe(tribe_fact("tribe.active", tribe, news))
            .await,
        "fact.payload.member_ids[1]",
    );
    let removal = MembershipChanged {
        tribe_id: String::new(),
        ..membership(tribe, person, person, &[])
    };
    assert_invalid_argument(
        app.deliver_from_tribe(tribe_fact("tribe.member_removed", tribe, removal))
            .await,
        "fact.payload.tribe_id",
    );

    assert_eq!(app.count("notifications").await, 0);
    assert_eq!(app.count("processed_facts").await, 0);
}
