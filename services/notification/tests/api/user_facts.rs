//! The user service's achievement and erasure facts: an achievement tells its person; an
//! erasure deletes everything this service keeps about the person, and facts about them that
//! arrive afterwards (or meanwhile) write nothing.

use chrono::Utc;
use circle_proto::notification::v1::NotificationType;
use circle_proto::user::v1::{AchievementAwarded, UserErased};
use prost::Message;
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_code, assert_invalid_argument, fact, invitation_fact, service,
    verification_fact,
};

const ACHIEVEMENT_TOPIC: &str = "user.achievement_awarded";
const ERASED_TOPIC: &str = "user.erased";

fn achievement(user_id: Uuid, name: &str, points: i32) -> AchievementAwarded {
    AchievementAwarded {
        user_id: user_id.to_string(),
        achievement_id: Uuid::new_v4().to_string(),
        user_achievement_id: Uuid::new_v4().to_string(),
        name: name.to_owned(),
        points,
        award_time: Some(circle_core::wire::timestamp(Utc::now())),
    }
}

fn erasure_fact(user_id: Uuid) -> circle_proto::common::v1::Fact {
    let payload = UserErased {
        user_id: user_id.to_string(),
        erase_time: Some(circle_core::wire::timestamp(Utc::now())),
    };
    fact(ERASED_TOPIC, user_id, payload.encode_to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_achievement_tells_its_person_once() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let awarded = fact(
        ACHIEVEMENT_TOPIC,
        person,
        achievement(person, "First Hike", 50).encode_to_vec(),
    );

    assert!(app.deliver(awarded.clone()).await.unwrap().applied);
    assert!(!app.deliver(awarded).await.unwrap().applied);

    let inbox = app.inbox_of(person).await;
    assert_eq!(inbox.notifications.len(), 1);
    let notification = &inbox.notifications[0];
    assert_eq!(notification.r#type(), NotificationType::AchievementAwarded);
    assert_eq!(notification.title, "Achievement unlocked: First Hike");
    assert!(
        notification.body.contains("50 points"),
        "{}",
        notification.body
    );
    assert_eq!(app.count("deliveries").await, 1);
    assert!(app.mail_files().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn achievement_and_erasure_facts_come_only_from_the_user_service_and_well_formed() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();

    let mut forged = fact(
        ACHIEVEMENT_TOPIC,
        person,
        achievement(person, "First Hike", 50).encode_to_vec(),
    );
    forged.producer = "tribe".to_owned();
    assert_code(
        app.deliver_as(&service("tribe"), forged).await,
        Code::PermissionDenied,
    );
    let mut forged = erasure_fact(person);
    forged.producer = "tribe".to_owned();
    assert_code(
        app.deliver_as(&service("tribe"), forged).await,
        Code::PermissionDenied,
    );

    for (payload, field) in [
        (achievement(person, "", 50), "fact.payload.name"),
        (
            achievement(person, "First\u{7}Hike", 50),
            "fact.payload.name",
        ),
        (achievement(person, "First Hike", -1), "fact.payload.points"),
        (
            AchievementAwarded {
                user_id: "nobody".into(),
                ..achievement(person, "First Hike", 50)
            },
            "fact.payload.user_id",
        ),
    ] {
        let awarded = fact(ACHIEVEMENT_TOPIC, person, payload.encode_to_vec());
        assert_invalid_argument(app.deliver(awarded).await, field);
    }
    let erased = fact(
        ERASED_TOPIC,
        person,
        UserErased {
            user_id: "nobody".into(),
            erase_time: None,
        }
        .encode_to_vec(),
    );
    assert_invalid_argument(app.deliver(erased).await, "fact.payload.user_id");

    assert_eq!(app.count("notifications").await, 0);
    assert_eq!(app.count("erased_users").await, 0);
    assert_eq!(app.count("processed_facts").await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_deletes_the_persons_notifications_and_deliveries_and_nobody_elses() {
    let app = TestApp::spawn().await;
    let (person, other) = (Uuid::new_v4(), Uuid::new_v4());
    let tribe = Uuid::new_v4();
    for fact in [
        verification_fact(person, "ada@example.com", "123456"),
        verification_fact(other, "bob@example.com", "654321"),
    ] {
        app.deliver(fact).await.unwrap();
    }
    for fact in [
        invitation_fact(person, tribe),
        invitation_fact(other, tribe),
    ] {
        app.deliver_from_tribe(fact).await.unwrap();
    }
    let awarded = fact(
        ACHIEVEMENT_TOPIC,
        person,
        achievement(person, "First Hike", 50).encode_to_vec(),
    );
    app.deliver(awarded).await.unwrap();
    assert_eq!(app.inbox_of(person).await.notifications.len(), 3);
    let others_inbox = app.inbox_of(other).await;

    let erasure = erasure_fact(person);
    assert!(app.deliver(erasure.clone()).await.unwrap().applied);
    assert!(!app.deliver(erasure).await.unwrap().applied);

    assert!(app.inbox_of(person).await.notifications.is_empty());
    let left = app
        .query(&format!(
            "SELECT (SELECT count(*) FROM notifications.notifications WHERE user_id = '{person}'), \
                    (SELECT count(*) FROM notifications.deliveries d \
                       JOIN notifications.notifications n ON n.id = d.notification_id \
                      WHERE n.user_id = '{person}'), \
                    (SELECT count(*) FROM notifications.deliveries \
                      WHERE destination = 'ada@example.com')"
        ))
        .await;
    let left: (i64, i64, i64) = (left[0].get(0), left[0].get(1), left[0].get(2));
    assert_eq!(left, (0, 0, 0));
    // The other person's inbox and deliveries (email and in-app for the code, in-app for
    // the invitation) are untouched.
    assert_eq!(app.inbox_of(other).await, others_inbox);
    assert_eq!(app.count("notifications").await, 2);
    assert_eq!(app.count("deliveries").await, 3);

    // A fact about the person that arrives after the erasure writes nothing.
    assert!(
        app.deliver_from_tribe(invitation_fact(person, Uuid::new_v4()))
            .await
            .unwrap()
            .applied
    );
    assert!(app.inbox_of(person).await.notifications.is_empty());
    assert_eq!(app.count("notifications").await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn facts_racing_an_erasure_leave_nothing_about_the_person() {
    let app = TestApp::spawn().await;
    let person = Uuid::new_v4();
    let other = Uuid::new_v4();

    let mut calls = Vec::new();
    for n in 0..20 {
        let app_facts = app.facts.clone();
        let fact = if n == 10 {
            erasure_fact(person)
        } else {
            invitation_fact(person, Uuid::new_v4())
        };
        let producer = if n == 10 { "user" } else { "tribe" };
        let request = app.signed(
            &service(producer),
            circle_proto::common::v1::DeliverFactRequest { fact: Some(fact) },
        );
        let mut client = app_facts;
        calls.push(tokio::spawn(
            async move { client.deliver_fact(request).await },
        ));
    }
    app.deliver_from_tribe(invitation_fact(other, Uuid::new_v4()))
        .await
        .unwrap();
    for call in calls {
        assert!(
            call.await
                .unwrap()
                .expect("acknowledged")
                .into_inner()
                .applied
        );
    }

    assert!(app.inbox_of(person).await.notifications.is_empty());
    assert_eq!(
        app.count("notifications").await,
        1,
        "only the other person's"
    );
    assert_eq!(app.count("erased_users").await, 1);
}
