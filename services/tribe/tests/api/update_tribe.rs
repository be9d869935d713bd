//! Changing a tribe with a field mask, dissolving it, and where it meets and what it is about.

use circle_proto::common::v1::GeoPoint;
use circle_proto::tribe::v1::{
    ActivityType, CreateTribeRequest, DissolveTribeRequest, ListActivitiesRequest, Tribe,
    TribeInterest, TribePrivacy, TribeStatus, UpdateTribeRequest,
};
use circle_proto::user::v1::InterestCategory;
use tonic::Code;

use crate::helpers::{
    TestApp, assert_invalid_argument, assert_refused, client, join, new_tribe, tribe_with, user,
};

fn mask(paths: &[&str]) -> Option<prost_types::FieldMask> {
    Some(prost_types::FieldMask {
        paths: paths.iter().map(|path| path.to_string()).collect(),
    })
}

fn interest(category: InterestCategory, name: &str, primary: bool) -> TribeInterest {
    TribeInterest {
        category: category.into(),
        name: name.to_owned(),
        primary,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tribe_keeps_its_place_and_interests() {
    let app = TestApp::spawn().await;
    let tribe = app
        .create_tribe(
            &user(),
            CreateTribeRequest {
                location_name: " Kreuzberg, Berlin ".to_owned(),
                location: Some(GeoPoint {
                    latitude: 52.4986,
                    longitude: 13.4033,
                }),
                interests: vec![
                    interest(InterestCategory::OutdoorAdventures, "hiking", true),
                    interest(InterestCategory::FoodDining, "picnics", false),
                ],
                ..new_tribe("Trail mix")
            },
        )
        .await
        .unwrap();
    assert_eq!(tribe.location_name, "Kreuzberg, Berlin");
    assert_eq!(tribe.location.unwrap().latitude, 52.4986);
    assert_eq!(
        tribe.interests,
        vec![
            interest(InterestCategory::OutdoorAdventures, "hiking", true),
            interest(InterestCategory::FoodDining, "picnics", false),
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_bad_place_or_bad_interests() {
    let app = TestApp::spawn().await;
    let cases: Vec<(CreateTribeRequest, &str)> = vec![
        (
            CreateTribeRequest {
                location: Some(GeoPoint {
                    latitude: 91.0,
                    longitude: 0.0,
                }),
                ..new_tribe("Off the map")
            },
            "location",
        ),
        (
            CreateTribeRequest {
                location_name: "l".repeat(121),
                ..new_tribe("Far away")
            },
            "location_name",
        ),
        (
            CreateTribeRequest {
                interests: vec![interest(InterestCategory::Unspecified, "x", false)],
                ..new_tribe("Vague")
            },
            "interests.category",
        ),
        (
            CreateTribeRequest {
                interests: vec![
                    interest(InterestCategory::Technology, "rust", false),
                    interest(InterestCategory::Technology, "rust", true),
                ],
                ..new_tribe("Twice")
            },
            "interests",
        ),
    ];
    for (request, field) in cases {
        assert_invalid_argument(app.create_tribe(&user(), request).await, field);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_creator_changes_only_what_the_mask_names() {
    let app = TestApp::spawn().await;
    let (ana, ben) = (user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben]).await;
    let update = |who, tribe: Tribe, paths: &[&str]| {
        let request = app.call(
            who,
            UpdateTribeRequest {
                tribe: Some(tribe),
                update_mask: mask(paths),
            },
        );
        let mut c = client(&app);
        async move { c.update_tribe(request).await }
    };
    let changes = Tribe {
        id: tribe.id.clone(),
        name: "Monday Hikers".to_owned(),
        description: "not this".to_owned(),
        privacy: TribePrivacy::Private.into(),
        max_members: 6,
        interests: vec![interest(
            InterestCategory::SportsFitness,
            "trail running",
            true,
        )],
        ..Default::default()
    };

    let updated = update(
        &ana,
        changes.clone(),
        &["name", "privacy", "max_members", "interests"],
    )
    .await
    .unwrap()
    .into_inner()
    .tribe
    .unwrap();
    assert_eq!(updated.name, "Monday Hikers");
    assert_eq!(updated.description, tribe.description);
    assert_eq!(updated.privacy(), TribePrivacy::Private);
    assert_eq!(updated.max_members, 6);
    assert_eq!(updated.interests, changes.interests);

    assert_refused(
        update(&ben, changes.clone(), &["name"]).await,
        Code::PermissionDenied,
        "NOT_CREATOR",
    );
    assert_invalid_argument(update(&ana, changes.clone(), &[]).await, "update_mask");
    assert_invalid_argument(
        update(&ana, changes.clone(), &["creator_id"]).await,
        "update_mask",
    );
    assert_invalid_argument(
        update(
            &ana,
            Tribe {
                max_members: 3,
                ..changes.clone()
            },
            &["max_members"],
        )
        .await,
        "tribe.max_members",
    );
    let feed = client(&app)
        .list_activities(app.call(
            &ana,
            ListActivitiesRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .activities;
    assert_eq!(feed[0].r#type(), ActivityType::TribeUpdated);
    assert_eq!(
        feed[0].metadata["fields"],
        "name,privacy,max_members,interests"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_members_cannot_drop_below_the_members_there_are() {
    let app = TestApp::spawn().await;
    let ana = user();
    let others = [user(), user(), user(), user()];
    let tribe = tribe_with(&app, &ana, 8, &others.iter().collect::<Vec<_>>()).await;
    let refused = client(&app)
        .update_tribe(app.call(
            &ana,
            UpdateTribeRequest {
                tribe: Some(Tribe {
                    id: tribe.id.clone(),
                    max_members: 4,
                    ..Default::default()
                }),
                update_mask: mask(&["max_members"]),
            },
        ))
        .await;
    assert_refused(refused, Code::FailedPrecondition, "MAX_MEMBERS_BELOW_COUNT");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_creator_dissolves_a_tribe_for_good() {
    let app = TestApp::spawn().await;
    let (ana, ben) = (user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben]).await;
    let dissolve = |who| {
        let request = app.call(
            who,
            DissolveTribeRequest {
                tribe_id: tribe.id.clone(),
            },
        );
        let mut c = client(&app);
        async move { c.dissolve_tribe(request).await }
    };

    assert_refused(dissolve(&ben).await, Code::PermissionDenied, "NOT_CREATOR");
    let dissolved = dissolve(&ana).await.unwrap().into_inner().tribe.unwrap();
    assert_eq!(dissolved.status(), TribeStatus::Dissolved);
    assert_eq!(app.outbox_topics().await.last().unwrap(), "tribe.dissolved");
    assert_refused(
        dissolve(&ana).await,
        Code::FailedPrecondition,
        "TRIBE_DISSOLVED",
    );
    assert_refused(
        join(&app, &user(), &tribe.id).await,
        Code::FailedPrecondition,
        "TRIBE_DISSOLVED",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_pages_newest_first() {
    let app = TestApp::spawn().await;
    let ana = user();
    let others: Vec<_> = (0..5).map(|_| user()).collect();
    let tribe = tribe_with(&app, &ana, 8, &others.iter().collect::<Vec<_>>()).await;

    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client(&app)
            .list_activities(app.call(
                &ana,
                ListActivitiesRequest {
                    tribe_id: tribe.id.clone(),
                    page_size: 3,
                    page_token: page_token.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        assert!(page.activities.len() <= 3);
        seen.extend(page.activities);
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    // Created, five joins, and ACTIVE at the fourth member.
    assert_eq!(seen.len(), 7);
    assert_eq!(seen.last().unwrap().r#type(), ActivityType::TribeCreated);
    let times: Vec<_> = seen
        .iter()
        .map(|a| {
            let t = a.create_time.unwrap();
            (t.seconds, t.nanos)
        })
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "{times:?}");
}
