//! AchievementService: the catalog admins keep (unique names whatever their case, idempotent
//! creates, masked updates, JSON criteria), awards made once by services, and each person's
//! awards with their points total.

use std::collections::BTreeMap;

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::achievement_service_client::AchievementServiceClient;
use circle_testkit::principal::service;
use prost::Message;
use prost_types::{FieldMask, Struct, Value, value::Kind};
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_field, assert_reason, spawn_app};

use pb::AchievementCategory as Category;

fn client(app: &TestApp) -> AchievementServiceClient<Channel> {
    AchievementServiceClient::new(app.channel.clone())
}

fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|path| path.to_string()).collect(),
    })
}

fn number(value: f64) -> Value {
    Value {
        kind: Some(Kind::NumberValue(value)),
    }
}

/// `{ key: value }` for numbers.
fn object(pairs: &[(&str, f64)]) -> Struct {
    Struct {
        fields: pairs
            .iter()
            .map(|(key, value)| (key.to_string(), number(*value)))
            .collect::<BTreeMap<_, _>>(),
    }
}

async fn admin(app: &TestApp, email: &str) -> Principal {
    let (_, principal) = app.signed_in(email).await;
    app.execute(
        "UPDATE users.accounts SET role = 'ADMIN' WHERE email = $1",
        &[&email],
    )
    .await;
    principal
}

fn new_achievement(name: &str, category: Category, points: i32) -> pb::CreateAchievementRequest {
    pb::CreateAchievementRequest {
        request_id: String::new(),
        name: name.to_owned(),
        description: format!("Earned by doing {name}"),
        category: category.into(),
        points,
        icon_url: "https://cdn.example.org/icons/badge.png".to_owned(),
        criteria: Some(object(&[("events_attended", 1.0)])),
    }
}

async fn create(
    app: &TestApp,
    who: &Principal,
    message: pb::CreateAchievementRequest,
) -> Result<pb::Achievement, Status> {
    client(app)
        .create_achievement(app.request(who, message))
        .await
        .map(|response| response.into_inner().achievement.expect("an achievement"))
}

async fn update(
    app: &TestApp,
    who: &Principal,
    achievement: pb::Achievement,
    paths: &[&str],
) -> Result<pb::Achievement, Status> {
    let message = pb::UpdateAchievementRequest {
        achievement: Some(achievement),
        update_mask: mask(paths),
    };
    client(app)
        .update_achievement(app.request(who, message))
        .await
        .map(|response| response.into_inner().achievement.expect("an achievement"))
}

async fn award(
    app: &TestApp,
    who: &Principal,
    user_id: &str,
    achievement_id: &str,
) -> Result<pb::AwardAchievementResponse, Status> {
    let message = pb::AwardAchievementRequest {
        user_id: user_id.to_owned(),
        achievement_id: achievement_id.to_owned(),
        metadata: Some(object(&[("event_number", 1.0)])),
    };
    client(app)
        .award_achievement(app.request(who, message))
        .await
        .map(|response| response.into_inner())
}

async fn awards_of(
    app: &TestApp,
    who: &Principal,
    user_id: &str,
    page_size: i32,
    page_token: &str,
) -> Result<pb::ListUserAchievementsResponse, Status> {
    let message = pb::ListUserAchievementsRequest {
        user_id: user_id.to_owned(),
        page_size,
        page_token: page_token.to_owned(),
    };
    client(app)
        .list_user_achievements(app.request(who, message))
        .await
        .map(|response| response.into_inner())
}

/// NOT_FOUND naming `field` in its BadRequest details.
#[track_caller]
fn assert_not_found_field(status: &Status, field: &str) {
    assert_reason(status, Code::NotFound, "NOT_FOUND");
    let fields: Vec<String> = status
        .get_details_bad_request()
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    assert_eq!(fields, [field], "{status:?}");
}

fn id_of(principal: &Principal) -> String {
    principal.user_id().expect("a person").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_keep_the_catalog_and_everyone_signed_in_reads_it() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;

    let first = create(
        &app,
        &root,
        new_achievement(" First steps ", Category::Participation, 10),
    )
    .await
    .unwrap();
    assert_eq!(first.name, "First steps");
    assert_eq!(first.category(), Category::Participation);
    assert_eq!(first.points, 10);
    assert_eq!(first.criteria, Some(object(&[("events_attended", 1.0)])));
    let social = create(
        &app,
        &root,
        new_achievement("Connector", Category::Social, 25),
    )
    .await
    .unwrap();
    create(&app, &root, new_achievement("Host", Category::Hosting, 0))
        .await
        .unwrap();

    // A person reads one entry and pages through the catalog, oldest first.
    let got = client(&app)
        .get_achievement(app.request(
            &ana,
            pb::GetAchievementRequest {
                achievement_id: social.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .achievement
        .unwrap();
    assert_eq!(got, social);
    let mut names = Vec::new();
    let mut token = String::new();
    loop {
        let page = client(&app)
            .list_achievements(app.request(
                &ana,
                pb::ListAchievementsRequest {
                    category: Category::Unspecified.into(),
                    page_size: 2,
                    page_token: token,
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert!(page.achievements.len() <= 2);
        names.extend(page.achievements.into_iter().map(|a| a.name));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(names, ["First steps", "Connector", "Host"]);
    let hosting = client(&app)
        .list_achievements(app.request(
            &ana,
            pb::ListAchievementsRequest {
                category: Category::Hosting.into(),
                page_size: 0,
                page_token: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(hosting.achievements.len(), 1);
    assert_eq!(hosting.achievements[0].name, "Host");

    // An admin changes only what the mask names.
    let changed = update(
        &app,
        &root,
        pb::Achievement {
            points: 40,
            description: "Met five people again".into(),
            name: "ignored, not in the mask".into(),
            criteria: Some(object(&[("connections", 5.0)])),
            ..social.clone()
        },
        &["points", "description", "criteria"],
    )
    .await
    .unwrap();
    assert_eq!(changed.name, "Connector");
    assert_eq!(changed.points, 40);
    assert_eq!(changed.description, "Met five people again");
    assert_eq!(changed.criteria, Some(object(&[("connections", 5.0)])));
    let renamed = update(
        &app,
        &root,
        pb::Achievement {
            name: "Super connector".into(),
            category: Category::Milestone.into(),
            icon_url: "https://cdn.example.org/icons/star.png".into(),
            ..changed.clone()
        },
        &["name", "category", "icon_url"],
    )
    .await
    .unwrap();
    assert_eq!(renamed.name, "Super connector");
    assert_eq!(renamed.category(), Category::Milestone);
    assert_eq!(renamed.icon_url, "https://cdn.example.org/icons/star.png");
    assert_eq!(renamed.points, 40);

    // People and services do not keep the catalog; nor do people signed out.
    for who in [&ana, &service("event")] {
        let refused = create(&app, who, new_achievement("Mine", Category::Social, 1))
            .await
            .unwrap_err();
        assert_reason(&refused, Code::PermissionDenied, "PERMISSION_DENIED");
        let refused = update(&app, who, renamed.clone(), &["points"])
            .await
            .unwrap_err();
        assert_reason(&refused, Code::PermissionDenied, "PERMISSION_DENIED");
    }
    let count = app
        .execute(
            "SELECT 1 FROM users.audit_log WHERE resource_type = 'achievement'",
            &[],
        )
        .await;
    assert_eq!(count, 5, "three creates and two updates are audited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_unique_whatever_their_case() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    create(
        &app,
        &root,
        new_achievement("Explorer", Category::Milestone, 5),
    )
    .await
    .unwrap();
    let twin = create(
        &app,
        &root,
        new_achievement("EXPLORER", Category::Social, 1),
    )
    .await
    .unwrap_err();
    assert_reason(&twin, Code::AlreadyExists, "ACHIEVEMENT_EXISTS");
    let other = create(
        &app,
        &root,
        new_achievement("Wanderer", Category::Social, 1),
    )
    .await
    .unwrap();
    let renamed = update(
        &app,
        &root,
        pb::Achievement {
            name: "explorer ".into(),
            ..other
        },
        &["name"],
    )
    .await
    .unwrap_err();
    assert_reason(&renamed, Code::AlreadyExists, "ACHIEVEMENT_EXISTS");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_create_returns_the_first_and_other_values_are_refused() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let request = pb::CreateAchievementRequest {
        request_id: Uuid::new_v4().to_string(),
        ..new_achievement("Regular", Category::Participation, 15)
    };
    let first = create(&app, &root, request.clone()).await.unwrap();
    let again = create(&app, &root, request.clone()).await.unwrap();
    assert_eq!(again.id, first.id);

    // Still the same retry after the entry was changed.
    update(
        &app,
        &root,
        pb::Achievement {
            points: 99,
            ..first.clone()
        },
        &["points"],
    )
    .await
    .unwrap();
    let later = create(&app, &root, request.clone()).await.unwrap();
    assert_eq!(later.id, first.id);
    assert_eq!(later.points, 99);

    let reused = create(
        &app,
        &root,
        pb::CreateAchievementRequest {
            points: 16,
            ..request.clone()
        },
    )
    .await
    .unwrap_err();
    assert_invalid_field(&reused, "request_id");
    assert_reason(&reused, Code::InvalidArgument, "REQUEST_ID_REUSED");

    let rows = app.execute("SELECT 1 FROM users.achievements", &[]).await;
    assert_eq!(rows, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_values_are_refused_naming_the_field() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let good = || new_achievement("Good", Category::Social, 1);
    let cases: Vec<(pb::CreateAchievementRequest, &str)> = vec![
        (
            pb::CreateAchievementRequest {
                name: "  ".into(),
                ..good()
            },
            "name",
        ),
        (
            pb::CreateAchievementRequest {
                name: "x".repeat(81),
                ..good()
            },
            "name",
        ),
        (
            pb::CreateAchievementRequest {
                description: String::new(),
                ..good()
            },
            "description",
        ),
        (
            pb::CreateAchievementRequest {
                category: Category::Unspecified.into(),
                ..good()
            },
            "category",
        ),
        (
            pb::CreateAchievementRequest {
                category: 42,
                ..good()
            },
            "category",
        ),
        (
            pb::CreateAchievementRequest {
                points: -1,
                ..good()
            },
            "points",
        ),
        (
            pb::CreateAchievementRequest {
                icon_url: "http://cdn.example.org/icon.png".into(),
                ..good()
            },
            "icon_url",
        ),
        (
            pb::CreateAchievementRequest {
                criteria: None,
                ..good()
            },
            "criteria",
        ),
        (
            pb::CreateAchievementRequest {
                criteria: Some(object(&[("ratio", f64::NAN)])),
                ..good()
            },
            "criteria",
        ),
        (
            pb::CreateAchievementRequest {
                criteria: Some(Struct {
                    fields: [("empty".to_owned(), Value { kind: None })].into(),
                }),
                ..good()
            },
            "criteria",
        ),
        (
            pb::CreateAchievementRequest {
                request_id: "not-a-uuid".into(),
                ..good()
            },
            "request_id",
        ),
    ];
    for (message, field) in cases {
        let refused = create(&app, &root, message).await.unwrap_err();
        assert_invalid_field(&refused, field);
    }

    // A criteria object may be empty, or nest lists and objects.
    let nested = Struct {
        fields: [
            (
                "all_of".to_owned(),
                Value {
                    kind: Some(Kind::ListValue(prost_types::ListValue {
                        values: vec![Value {
                            kind: Some(Kind::StructValue(object(&[("check_ins", 3.0)]))),
                        }],
                    })),
                },
            ),
            (
                "label".to_owned(),
                Value {
                    kind: Some(Kind::StringValue("tribe regular".into())),
                },
            ),
        ]
        .into(),
    };
    let created = create(
        &app,
        &root,
        pb::CreateAchievementRequest {
            criteria: Some(nested.clone()),
            ..good()
        },
    )
    .await
    .unwrap();
    assert_eq!(created.criteria, Some(nested));
    let empty = create(
        &app,
        &root,
        pb::CreateAchievementRequest {
            name: "Anything".into(),
            criteria: Some(Struct::default()),
            ..good()
        },
    )
    .await
    .unwrap();
    assert_eq!(empty.criteria, Some(Struct::default()));

    // Updates name the field inside the achievement, and their mask.
    for (changed, path, field) in [
        (
            pb::Achievement {
                points: -5,
                ..created.clone()
            },
            "points",
            "achievement.points",
        ),
        (
            pb::Achievement {
                icon_url: "ftp://x.example.org/i.png".into(),
                ..created.clone()
            },
            "icon_url",
            "achievement.icon_url",
        ),
        (
            pb::Achievement {
                criteria: None,
                ..created.clone()
            },
            "criteria",
            "achievement.criteria",
        ),
        (
            pb::Achievement {
                category: Category::Unspecified.into(),
                ..created.clone()
            },
            "category",
            "achievement.category",
        ),
        (created.clone(), "create_time", "update_mask"),
    ] {
        let refused = update(&app, &root, changed, &[path]).await.unwrap_err();
        assert_invalid_field(&refused, field);
    }
    let refused = update(&app, &root, created.clone(), &[]).await.unwrap_err();
    assert_invalid_field(&refused, "update_mask");
    let missing = update(
        &app,
        &root,
        pb::Achievement {
            id: Uuid::new_v4().to_string(),
            ..created.clone()
        },
        &["points"],
    )
    .await
    .unwrap_err();
    assert_not_found_field(&missing, "achievement.id");
    let unknown = client(&app)
        .get_achievement(app.request(
            &root,
            pb::GetAchievementRequest {
                achievement_id: Uuid::new_v4().to_string(),
            },
        ))
        .await
        .unwrap_err();
    assert_not_found_field(&unknown, "achievement_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_award_once_and_the_first_award_tells_the_person() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let badge = create(
        &app,
        &root,
        new_achievement("First event", Category::Participation, 10),
    )
    .await
    .unwrap();
    let event = service("event");

    let first = award(&app, &event, &id_of(&ana), &badge.id).await.unwrap();
    assert!(first.newly_awarded);
    let given = first.user_achievement.unwrap();
    assert_eq!(given.user_id, id_of(&ana));
    assert_eq!(given.achievement.as_ref().unwrap().id, badge.id);
    assert_eq!(given.points, 10);
    assert_eq!(given.metadata, Some(object(&[("event_number", 1.0)])));
    let second = award(&app, &event, &id_of(&ana), &badge.id).await.unwrap();
    assert!(!second.newly_awarded);
    assert_eq!(second.user_achievement.unwrap(), given);

    // One fact, for the first award only.
    let rows = app
        .db
        .admin_client()
        .await
        .query(
            "SELECT payload, consumer FROM users.outbox WHERE topic = 'user.achievement_awarded'",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, String>(1), "notification");
    let fact = pb::AchievementAwarded::decode(rows[0].get::<_, Vec<u8>>(0).as_slice()).unwrap();
    assert_eq!(fact.user_id, id_of(&ana));
    assert_eq!(fact.achievement_id, badge.id);
    assert_eq!(fact.user_achievement_id, given.id);
    assert_eq!(fact.name, "First event");
    assert_eq!(fact.points, 10);

    // People, admins included, do not award.
    for who in [&ana, &root] {
        let refused = award(&app, who, &id_of(&ana), &badge.id).await.unwrap_err();
        assert_reason(&refused, Code::PermissionDenied, "PERMISSION_DENIED");
    }
    let unknown = award(&app, &event, &id_of(&ana), &Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert_not_found_field(&unknown, "achievement_id");
    let nobody = award(&app, &event, &Uuid::new_v4().to_string(), &badge.id)
        .await
        .unwrap_err();
    assert_not_found_field(&nobody, "user_id");
    let garbled = award(&app, &event, "me", &badge.id).await.unwrap_err();
    assert_invalid_field(&garbled, "user_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_awards_make_one() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let badge = create(
        &app,
        &root,
        new_achievement("Racer", Category::Milestone, 7),
    )
    .await
    .unwrap();
    let event = service("event");
    let ana_id = id_of(&ana);
    let calls = (0..20).map(|_| award(&app, &event, &ana_id, &badge.id));
    let results = futures::future::join_all(calls).await;
    let replies: Vec<pb::AwardAchievementResponse> = results
        .into_iter()
        .map(|result| result.expect("every award call succeeds"))
        .collect();
    assert_eq!(
        replies.iter().filter(|reply| reply.newly_awarded).count(),
        1
    );
    let ids: std::collections::HashSet<String> = replies
        .iter()
        .map(|reply| reply.user_achievement.as_ref().unwrap().id.clone())
        .collect();
    assert_eq!(ids.len(), 1, "every reply is the one award");
    let awards = app
        .execute("SELECT 1 FROM users.user_achievements", &[])
        .await;
    assert_eq!(awards, 1);
    let facts = app
        .execute(
            "SELECT 1 FROM users.outbox WHERE topic = 'user.achievement_awarded'",
            &[],
        )
        .await;
    assert_eq!(facts, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_list_their_awards_newest_first_with_the_points_of_all() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let event = service("event");
    let mut badges = Vec::new();
    for (name, points) in [("One", 10), ("Two", 20), ("Three", 5)] {
        let badge = create(&app, &root, new_achievement(name, Category::Social, points))
            .await
            .unwrap();
        award(&app, &event, &id_of(&ana), &badge.id).await.unwrap();
        badges.push(badge);
    }
    // Points already earned keep their value when the catalog changes.
    update(
        &app,
        &root,
        pb::Achievement {
            points: 1000,
            ..badges[0].clone()
        },
        &["points"],
    )
    .await
    .unwrap();

    let first = awards_of(&app, &ana, &id_of(&ana), 2, "").await.unwrap();
    let names: Vec<&str> = first
        .user_achievements
        .iter()
        .map(|a| a.achievement.as_ref().unwrap().name.as_str())
        .collect();
    assert_eq!(names, ["Three", "Two"]);
    assert_eq!(first.total_points, 35, "the total is over every award");
    assert!(!first.next_page_token.is_empty());
    let rest = awards_of(&app, &ana, &id_of(&ana), 2, &first.next_page_token)
        .await
        .unwrap();
    assert_eq!(rest.user_achievements.len(), 1);
    let one = &rest.user_achievements[0];
    assert_eq!(one.achievement.as_ref().unwrap().name, "One");
    assert_eq!(one.points, 10);
    assert_eq!(one.achievement.as_ref().unwrap().points, 1000);
    assert_eq!(rest.total_points, 35);
    assert!(rest.next_page_token.is_empty());

    // Admins and services read anyone's; other people are refused.
    for who in [&root, &event] {
        let read = awards_of(&app, who, &id_of(&ana), 10, "").await.unwrap();
        assert_eq!(read.user_achievements.len(), 3);
    }
    let refused = awards_of(&app, &bob, &id_of(&ana), 10, "")
        .await
        .unwrap_err();
    assert_reason(&refused, Code::PermissionDenied, "PERMISSION_DENIED");
    let none = awards_of(&app, &bob, &id_of(&bob), 10, "").await.unwrap();
    assert!(none.user_achievements.is_empty());
    assert_eq!(none.total_points, 0);
    let unknown = awards_of(&app, &root, &Uuid::new_v4().to_string(), 10, "")
        .await
        .unwrap_err();
    assert_not_found_field(&unknown, "user_id");
    let bad_token = awards_of(&app, &ana, &id_of(&ana), 10, "zz")
        .await
        .unwrap_err();
    assert_invalid_field(&bad_token, "page_token");
    let negative = awards_of(&app, &ana, &id_of(&ana), -1, "")
        .await
        .unwrap_err();
    assert_invalid_field(&negative, "page_size");
}
