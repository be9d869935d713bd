//! Achievements through the edge: an admin keeps the catalog, people read it and refused to
//! change it, a service inside awards (once), and people read their own awards and points.

use std::time::Duration;

use circle_core::auth::IdentityKey;
use circle_e2e::{IDENTITY_SECRET, SignedIn, Suite};
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::AchievementCategory as Category;
use circle_proto::edge::v1::achievement_service_client::AchievementServiceClient;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::achievement_service_client::AchievementServiceClient as InternalClient;
use circle_testkit::principal::service;
use circle_testkit::status::{assert_invalid_field, assert_reason};
use prost_types::{FieldMask, Struct, Value, value::Kind};
use tonic::Code;
use tonic::transport::Channel;

fn achievements(suite: &Suite) -> AchievementServiceClient<Channel> {
    AchievementServiceClient::new(suite.channel("edge"))
}

fn criteria(key: &str, count: f64) -> Struct {
    Struct {
        fields: [(
            key.to_owned(),
            Value {
                kind: Some(Kind::NumberValue(count)),
            },
        )]
        .into(),
    }
}

fn new_achievement(name: &str, points: i32) -> edge::CreateAchievementRequest {
    edge::CreateAchievementRequest {
        request_id: uuid::Uuid::new_v4().to_string(),
        name: name.into(),
        description: format!("How to earn {name}"),
        category: Category::Participation.into(),
        points,
        icon_url: "https://cdn.example.org/badge.png".into(),
        criteria: Some(criteria("events_attended", 1.0)),
    }
}

/// Awards as the event service would, straight to the user service.
async fn award(
    suite: &Suite,
    person: &SignedIn,
    achievement_id: &str,
) -> user::AwardAchievementResponse {
    let message = user::AwardAchievementRequest {
        user_id: person.user_id.clone(),
        achievement_id: achievement_id.into(),
        metadata: None,
    };
    InternalClient::new(suite.channel("user"))
        .award_achievement(IdentityKey::new(IDENTITY_SECRET).outgoing(&service("event"), message))
        .await
        .expect("awarded")
        .into_inner()
}

async fn awards_of(
    suite: &Suite,
    reader: &SignedIn,
    owner: &SignedIn,
    page_token: &str,
) -> Result<edge::ListUserAchievementsResponse, tonic::Status> {
    achievements(suite)
        .list_user_achievements(reader.call(edge::ListUserAchievementsRequest {
            user_id: owner.user_id.clone(),
            page_size: 1,
            page_token: page_token.into(),
        }))
        .await
        .map(|response| response.into_inner())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_keeps_the_catalog_and_people_read_it() {
    let suite = Suite::start().await;
    let root = suite.sign_up("root@x.test").await;
    suite.make_admin(&root).await;
    let ana = suite.sign_up("ana@x.test").await;
    let mut client = achievements(&suite);

    let request = new_achievement("Trailblazer", 10);
    let created = client
        .create_achievement(root.call(request.clone()))
        .await
        .expect("created")
        .into_inner()
        .achievement
        .expect("an achievement");
    let retried = client
        .create_achievement(root.call(request))
        .await
        .expect("a retry")
        .into_inner()
        .achievement
        .expect("an achievement");
    assert_eq!(retried.id, created.id);

    let updated = client
        .update_achievement(root.call(edge::UpdateAchievementRequest {
            achievement: Some(edge::Achievement {
                points: 15,
                criteria: Some(criteria("events_attended", 3.0)),
                ..created.clone()
            }),
            update_mask: Some(FieldMask {
                paths: vec!["points".into(), "criteria".into()],
            }),
        }))
        .await
        .expect("updated")
        .into_inner()
        .achievement
        .expect("an achievement");
    assert_eq!(updated.points, 15);
    assert_eq!(updated.criteria, Some(criteria("events_attended", 3.0)));

    let got = client
        .get_achievement(ana.call(edge::GetAchievementRequest {
            achievement_id: created.id.clone(),
        }))
        .await
        .expect("anyone signed in reads an entry")
        .into_inner()
        .achievement
        .expect("an achievement");
    assert_eq!(got, updated);
    let listed = client
        .list_achievements(ana.call(edge::ListAchievementsRequest {
            category: Category::Participation.into(),
            page_size: 10,
            page_token: String::new(),
        }))
        .await
        .expect("the catalog")
        .into_inner();
    assert_eq!(listed.achievements, std::slice::from_ref(&updated));

    // A person may not keep the catalog; bad values are refused by name; names are unique.
    let refused = client
        .create_achievement(ana.call(new_achievement("Mine", 1)))
        .await
        .unwrap_err();
    assert_reason(&refused, Code::PermissionDenied, "PERMISSION_DENIED");
    let refused = client
        .update_achievement(ana.call(edge::UpdateAchievementRequest {
            achievement: Some(updated.clone()),
            update_mask: Some(FieldMask {
                paths: vec!["points".into()],
            }),
        }))
        .await
        .unwrap_err();
    assert_reason(&refused, Code::PermissionDenied, "PERMISSION_DENIED");
    let refused = client
        .create_achievement(root.call(edge::CreateAchievementRequest {
            criteria: None,
            ..new_achievement("No criteria", 1)
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&refused, "criteria");
    let refused = client
        .create_achievement(root.call(edge::CreateAchievementRequest {
            points: -3,
            ..new_achievement("Negative", 1)
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&refused, "points");
    let refused = client
        .create_achievement(root.call(new_achievement("trailblazer", 1)))
        .await
        .unwrap_err();
    assert_reason(&refused, Code::AlreadyExists, "ACHIEVEMENT_EXISTS");
    let refused = client
        .list_achievements(edge::ListAchievementsRequest {
            category: 0,
            page_size: 10,
            page_token: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(refused.code(), Code::Unauthenticated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_read_their_awards_and_points_and_no_one_else_does() {
    let suite = Suite::start().await;
    let root = suite.sign_up("root@x.test").await;
    suite.make_admin(&root).await;
    let ana = suite.sign_up("ana@x.test").await;
    let bob = suite.sign_up("bob@x.test").await;
    let mut client = achievements(&suite);
    let mut ids = Vec::new();
    for (name, points) in [("First event", 10), ("Fifth event", 30)] {
        let created = client
            .create_achievement(root.call(new_achievement(name, points)))
            .await
            .expect("created")
            .into_inner()
            .achievement
            .expect("an achievement");
        ids.push(created.id);
    }
    assert!(award(&suite, &ana, &ids[0]).await.newly_awarded);
    assert!(award(&suite, &ana, &ids[1]).await.newly_awarded);
    assert!(!award(&suite, &ana, &ids[1]).await.newly_awarded);

    let first = awards_of(&suite, &ana, &ana, "").await.expect("my awards");
    assert_eq!(first.total_points, 40);
    assert_eq!(first.user_achievements.len(), 1);
    assert_eq!(
        first.user_achievements[0]
            .achievement
            .as_ref()
            .unwrap()
            .name,
        "Fifth event"
    );
    let second = awards_of(&suite, &ana, &ana, &first.next_page_token)
        .await
        .expect("the next page");
    assert_eq!(
        second.user_achievements[0]
            .achievement
            .as_ref()
            .unwrap()
            .name,
        "First event"
    );
    assert!(second.next_page_token.is_empty());

    let by_admin = awards_of(&suite, &root, &ana, "")
        .await
        .expect("an admin reads");
    assert_eq!(by_admin.total_points, 40);
    let refused = awards_of(&suite, &bob, &ana, "").await.unwrap_err();
    assert_reason(&refused, Code::PermissionDenied, "PERMISSION_DENIED");

    // The facts of the two first awards reach the notification service.
    let admin = suite.db.admin_client().await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let delivered: i64 = admin
            .query_one(
                "SELECT count(*) FROM users.outbox \
                 WHERE topic = 'user.achievement_awarded' AND delivered_at IS NOT NULL",
                &[],
            )
            .await
            .expect("outbox count")
            .get(0);
        if delivered == 2 {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the award facts were not delivered ({delivered} of 2)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
