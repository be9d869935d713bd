//! Discovery: public tribes near a point, by interest category, with free seats, by fuzzy words,
//! best match first, then nearest, page by page.

use circle_core::auth::Principal;
use circle_proto::common::v1::GeoPoint;
use circle_proto::tribe::v1::{
    CreateTribeRequest, DissolveTribeRequest, SearchTribesRequest, SearchTribesResponse,
    TribeInterest, TribePrivacy,
};
use circle_proto::user::v1::InterestCategory;
use tonic::Status;

use crate::helpers::{TestApp, assert_invalid_argument, client, new_tribe, service, user, user_id};

const BERLIN: (f64, f64) = (52.5200, 13.4050);

fn at(latitude: f64, longitude: f64) -> Option<GeoPoint> {
    Some(GeoPoint {
        latitude,
        longitude,
    })
}

async fn tribe(
    app: &TestApp,
    name: &str,
    description: &str,
    place: (f64, f64),
    category: InterestCategory,
) -> String {
    app.create_tribe(
        &user(),
        CreateTribeRequest {
            description: description.to_owned(),
            location: at(place.0, place.1),
            interests: vec![TribeInterest {
                category: category.into(),
                name: "something".to_owned(),
                primary: true,
            }],
            ..new_tribe(name)
        },
    )
    .await
    .unwrap()
    .id
}

async fn search(
    app: &TestApp,
    request: SearchTribesRequest,
) -> Result<SearchTribesResponse, Status> {
    client(app)
        .search_tribes(app.call(&user(), request))
        .await
        .map(|response| response.into_inner())
}

fn around_berlin(radius_km: f64) -> SearchTribesRequest {
    SearchTribesRequest {
        near: at(BERLIN.0, BERLIN.1),
        radius_km: Some(radius_km),
        ..Default::default()
    }
}

fn names(found: &SearchTribesResponse) -> Vec<String> {
    found
        .tribes
        .iter()
        .map(|f| f.tribe.as_ref().unwrap().name.clone())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finds_public_tribes_within_the_radius_nearest_first() {
    let app = TestApp::spawn().await;
    use InterestCategory::*;
    tribe(
        &app,
        "Mitte",
        "Board games",
        (52.5206, 13.4094),
        GamesEntertainment,
    )
    .await;
    tribe(&app, "Potsdam", "Castles", (52.3906, 13.0645), ArtsCulture).await;
    tribe(&app, "Munich", "Beer", (48.1351, 11.5820), FoodDining).await;
    let private = app
        .create_tribe(
            &user(),
            CreateTribeRequest {
                privacy: TribePrivacy::Private.into(),
                location: at(52.5201, 13.4051),
                ..new_tribe("Secret")
            },
        )
        .await
        .unwrap();
    let creator = user();
    let dissolved = app
        .create_tribe(
            &creator,
            CreateTribeRequest {
                location: at(52.5202, 13.4052),
                ..new_tribe("Gone")
            },
        )
        .await
        .unwrap();
    client(&app)
        .dissolve_tribe(app.call(
            &creator,
            DissolveTribeRequest {
                tribe_id: dissolved.id,
            },
        ))
        .await
        .unwrap();

    let found = search(&app, around_berlin(50.0)).await.unwrap();
    assert_eq!(names(&found), ["Mitte", "Potsdam"]);
    assert!(found.tribes[0].distance_km < 1.0);
    assert!(
        (found.tribes[1].distance_km - 27.0).abs() < 2.0,
        "{}",
        found.tribes[1].distance_km
    );
    assert!(found.next_page_token.is_empty());
    assert!(!names(&found).contains(&private.name));

    // Munich lies 504 km away by great circle, though inside the box of a 500 km search.
    let wide = search(&app, around_berlin(500.0)).await.unwrap();
    assert_eq!(names(&wide), ["Mitte", "Potsdam"]);
    let from_munich = search(
        &app,
        SearchTribesRequest {
            near: at(48.14, 11.58),
            radius_km: Some(100.0),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(names(&from_munich), ["Munich"]);

    let arts = search(
        &app,
        SearchTribesRequest {
            categories: vec![ArtsCulture.into(), FoodDining.into()],
            ..around_berlin(500.0)
        },
    )
    .await
    .unwrap();
    assert_eq!(names(&arts), ["Potsdam"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_tribes_with_free_seats_when_asked() {
    let app = TestApp::spawn().await;
    let full = app
        .create_tribe(
            &user(),
            CreateTribeRequest {
                max_members: 4,
                location: at(BERLIN.0, BERLIN.1),
                ..new_tribe("Full house")
            },
        )
        .await
        .unwrap();
    tribe(
        &app,
        "Room to spare",
        "",
        (52.53, 13.41),
        InterestCategory::Technology,
    )
    .await;
    // Filled as the membership rules would (they are tested elsewhere).
    app.db
        .admin_client()
        .await
        .execute(
            "UPDATE tribes.tribes SET member_count = 4 WHERE id = $1",
            &[&uuid::Uuid::parse_str(&full.id).unwrap()],
        )
        .await
        .unwrap();

    let all = search(&app, around_berlin(10.0)).await.unwrap();
    assert_eq!(names(&all), ["Full house", "Room to spare"]);
    let free = search(
        &app,
        SearchTribesRequest {
            with_free_seats: true,
            ..around_berlin(10.0)
        },
    )
    .await
    .unwrap();
    assert_eq!(names(&free), ["Room to spare"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn words_match_fuzzily_best_match_first() {
    let app = TestApp::spawn().await;
    use InterestCategory::*;
    tribe(
        &app,
        "Sunday Hikers",
        "We walk the Grunewald",
        (52.47, 13.26),
        OutdoorAdventures,
    )
    .await;
    tribe(
        &app,
        "Hiking and Biking",
        "Trails around Berlin",
        (52.52, 13.40),
        SportsFitness,
    )
    .await;
    tribe(
        &app,
        "Board gamers",
        "Catan on Fridays",
        (52.52, 13.41),
        GamesEntertainment,
    )
    .await;

    let found = search(
        &app,
        SearchTribesRequest {
            query: "hikers".to_owned(),
            ..around_berlin(50.0)
        },
    )
    .await
    .unwrap();
    assert_eq!(names(&found)[0], "Sunday Hikers");
    assert!(!names(&found).contains(&"Board gamers".to_owned()));
    assert!(found.tribes[0].score >= found.tribes.last().unwrap().score);

    let misspelt = search(
        &app,
        SearchTribesRequest {
            query: "grunewlad".to_owned(),
            ..around_berlin(50.0)
        },
    )
    .await
    .unwrap();
    assert_eq!(names(&misspelt), ["Sunday Hikers"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_continue_where_the_last_ended() {
    let app = TestApp::spawn().await;
    for i in 0..5 {
        let place = (BERLIN.0 + 0.01 * f64::from(i), BERLIN.1);
        tribe(
            &app,
            &format!("Tribe {i}"),
            "",
            place,
            InterestCategory::Technology,
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = search(
            &app,
            SearchTribesRequest {
                page_size: 2,
                page_token: page_token.clone(),
                ..around_berlin(20.0)
            },
        )
        .await
        .unwrap();
        assert!(page.tribes.len() <= 2);
        seen.extend(names(&page));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    assert_eq!(
        seen,
        ["Tribe 0", "Tribe 1", "Tribe 2", "Tribe 3", "Tribe 4"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_search_names_its_bad_fields() {
    let app = TestApp::spawn().await;
    let cases = [
        (
            SearchTribesRequest {
                near: None,
                ..around_berlin(10.0)
            },
            "near",
        ),
        (
            SearchTribesRequest {
                near: at(95.0, 0.0),
                ..around_berlin(10.0)
            },
            "near",
        ),
        (around_berlin(0.0), "radius_km"),
        (around_berlin(501.0), "radius_km"),
        (
            SearchTribesRequest {
                query: "q".repeat(101),
                ..around_berlin(10.0)
            },
            "query",
        ),
        (
            SearchTribesRequest {
                categories: vec![42],
                ..around_berlin(10.0)
            },
            "categories",
        ),
        (
            SearchTribesRequest {
                page_token: "nope".to_owned(),
                ..around_berlin(10.0)
            },
            "page_token",
        ),
        (
            SearchTribesRequest {
                page_size: -1,
                ..around_berlin(10.0)
            },
            "page_size",
        ),
    ];
    for (request, field) in cases {
        assert_invalid_argument(search(&app, request).await, field);
    }
}

/// `person`'s matching profile in the user service: where they are and how far they travel.
async fn profile(
    app: &TestApp,
    person: &Principal,
    at: Option<(f64, f64)>,
    max_travel_km: Option<i32>,
) {
    let client = app.db.admin_client().await;
    let id = user_id(person);
    client
        .execute(
            "INSERT INTO users.accounts (id, email, password_hash, status) \
             VALUES ($1, $2, 'not-a-hash', 'ACTIVE')",
            &[&id, &format!("{id}@tribe.test")],
        )
        .await
        .unwrap();
    client
        .execute(
            "INSERT INTO users.matching_profiles (user_id, latitude, longitude, max_travel_km) \
             VALUES ($1, $2, $3, $4)",
            &[&id, &at.map(|p| p.0), &at.map(|p| p.1), &max_travel_km],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_point_or_radius_a_person_searches_from_their_profile() {
    let app = TestApp::spawn().await;
    // About 5, 20 and 40 km north of Berlin's centre.
    for (name, north) in [("Near", 0.045), ("Middle", 0.18), ("Far", 0.36)] {
        tribe(
            &app,
            name,
            "",
            (BERLIN.0 + north, BERLIN.1),
            InterestCategory::FoodDining,
        )
        .await;
    }
    let search_as = async |who: &Principal, request: SearchTribesRequest| {
        client(&app)
            .search_tribes(app.call(who, request))
            .await
            .map(|response| response.into_inner())
    };

    // Travels 10 km from Berlin's centre: the profile gives point and radius.
    let walker = user();
    profile(&app, &walker, Some(BERLIN), Some(10)).await;
    let found = search_as(&walker, SearchTribesRequest::default())
        .await
        .unwrap();
    assert_eq!(names(&found), ["Near"]);
    // A radius given wins over the profile's.
    let found = search_as(
        &walker,
        SearchTribesRequest {
            radius_km: Some(30.0),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(names(&found), ["Near", "Middle"]);
    // And a point given wins over the profile's position (40 km north, 10 km around).
    let found = search_as(
        &walker,
        SearchTribesRequest {
            near: at(BERLIN.0 + 0.36, BERLIN.1),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    assert_eq!(names(&found), ["Far"]);

    // No max travel distance set (nor a profile at all): 25 km.
    let homebody = user();
    profile(&app, &homebody, Some(BERLIN), None).await;
    for who in [&homebody, &user()] {
        let found = search_as(who, around_berlin_by_default()).await.unwrap();
        assert_eq!(names(&found), ["Near", "Middle"]);
    }

    // Nowhere to search from.
    let nowhere = user();
    profile(&app, &nowhere, None, Some(50)).await;
    assert_invalid_argument(
        search_as(&nowhere, SearchTribesRequest::default()).await,
        "near",
    );
    assert_invalid_argument(
        search_as(&user(), SearchTribesRequest::default()).await,
        "near",
    );
    // A service has no profile: it says where and how far.
    assert_invalid_argument(
        search_as(&service("event"), around_berlin_by_default()).await,
        "radius_km",
    );
    assert_invalid_argument(
        search_as(
            &service("event"),
            SearchTribesRequest {
                radius_km: Some(10.0),
                ..Default::default()
            },
        )
        .await,
        "near",
    );
}

fn around_berlin_by_default() -> SearchTribesRequest {
    SearchTribesRequest {
        radius_km: None,
        ..around_berlin(1.0)
    }
}
