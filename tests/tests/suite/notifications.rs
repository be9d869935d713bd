//! Notifications of matchmaking end to end: an admin starts a run through the edge, the tribe
//! service's relay delivers its invitations to the notification service, and every invited
//! person finds theirs in ListNotifications at the edge; when four accept, each is told the
//! tribe is active. Relays are asynchronous, so the inbox is polled with a bounded wait.

use std::time::Duration;

use circle_e2e::{SignedIn, Suite};
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::interest_service_client::InterestServiceClient;
use circle_proto::edge::v1::matchmaking_service_client::MatchmakingServiceClient;
use circle_proto::edge::v1::{InterestCategory, MatchmakingRunStatus, NotificationType};

use crate::matchmaking::{admin, invitations, opt_in};

/// Waits (up to 20 s) until `person` has a notification of type `kind` at the edge.
async fn notified(
    suite: &Suite,
    person: &SignedIn,
    kind: NotificationType,
) -> edge::InboxNotification {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let inbox = suite
            .edge()
            .list_notifications(person.call(edge::ListNotificationsRequest::default()))
            .await
            .expect("one's own notifications")
            .into_inner();
        let mut found = inbox
            .notifications
            .into_iter()
            .filter(|notification| notification.r#type() == kind);
        if let Some(notification) = found.next() {
            assert!(
                found.next().is_none(),
                "{} told twice of {kind:?}",
                person.email
            );
            return notification;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} got no {kind:?} notification",
            person.email
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everyone_a_run_invites_is_notified_at_the_edge_and_told_when_the_tribe_is_active() {
    let suite = Suite::start().await;
    let root = suite.sign_up("root@notify.test").await;
    let root = admin(&suite, &root).await;
    let interest = InterestServiceClient::new(suite.channel("edge"))
        .create_interest(root.call(edge::CreateInterestRequest {
            name: "climbing".into(),
            category: InterestCategory::SportsFitness.into(),
        }))
        .await
        .expect("an interest")
        .into_inner()
        .interest
        .expect("an interest");
    let mut people = Vec::new();
    for (n, name) in ["ana", "ben", "cleo", "dan"].iter().enumerate() {
        let person = suite.sign_up(&format!("{name}@notify.test")).await;
        opt_in(
            &suite,
            &person,
            n as i32,
            std::slice::from_ref(&interest.id),
        )
        .await;
        people.push(person);
    }

    let run = MatchmakingServiceClient::new(suite.channel("edge"))
        .start_matchmaking_run(root.call(edge::StartMatchmakingRunRequest {}))
        .await
        .expect("an admin starts a run")
        .into_inner()
        .run
        .expect("a run");
    assert_eq!(run.status(), MatchmakingRunStatus::Succeeded);
    assert_eq!((run.placed_count, run.group_count), (4, 1));

    let mut tribe_id = String::new();
    for person in &people {
        let invitation = invitations(&suite, person).await;
        let tribe = invitation[0].tribe.clone().expect("the tribe");
        let notification = notified(&suite, person, NotificationType::TribeInvitation).await;
        assert!(
            notification.title.contains(&tribe.name),
            "{:?} names {:?}",
            notification.title,
            tribe.name
        );
        assert!(
            notification.body.contains("accept"),
            "{}",
            notification.body
        );
        assert!(
            notification.body.contains("decline"),
            "{}",
            notification.body
        );
        tribe_id = tribe.id;
    }

    for person in &people {
        MatchmakingServiceClient::new(suite.channel("edge"))
            .accept_match_invitation(person.call(edge::AcceptMatchInvitationRequest {
                tribe_id: tribe_id.clone(),
            }))
            .await
            .expect("accepted");
    }
    for person in &people {
        let active = notified(&suite, person, NotificationType::TribeActive).await;
        assert!(active.title.ends_with("is now active"), "{}", active.title);
    }
}
