//! InterestService: the catalog admins keep (unique names whatever their case, categories),
//! listing and trigram search, and the interests people pick with a level.

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::interest_service_client::InterestServiceClient;
use circle_testkit::principal::service;
use prost_types::FieldMask;
use tonic::transport::Channel;
use tonic::{Code, Status};
use tonic_types::StatusExt;
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_field, assert_reason, spawn_app};

use pb::InterestCategory as Category;
use pb::InterestLevel as Level;

fn client(app: &TestApp) -> InterestServiceClient<Channel> {
    InterestServiceClient::new(app.channel.clone())
}

fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|path| path.to_string()).collect(),
    })
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

async fn create(
    app: &TestApp,
    who: &Principal,
    name: &str,
    category: Category,
) -> Result<pb::Interest, Status> {
    let message = pb::CreateInterestRequest {
        name: name.to_owned(),
        category: category.into(),
    };
    client(app)
        .create_interest(app.request(who, message))
        .await
        .map(|response| response.into_inner().interest.expect("an interest"))
}

async fn update(
    app: &TestApp,
    who: &Principal,
    interest: pb::Interest,
    paths: &[&str],
) -> Result<pb::Interest, Status> {
    let message = pb::UpdateInterestRequest {
        interest: Some(interest),
        update_mask: mask(paths),
    };
    client(app)
        .update_interest(app.request(who, message))
        .await
        .map(|response| response.into_inner().interest.expect("an interest"))
}

async fn list(
    app: &TestApp,
    who: &Principal,
    category: Category,
    page_size: i32,
    page_token: &str,
) -> Result<pb::ListInterestsResponse, Status> {
    let message = pb::ListInterestsRequest {
        category: category.into(),
        page_size,
        page_token: page_token.to_owned(),
    };
    client(app)
        .list_interests(app.request(who, message))
        .await
        .map(|response| response.into_inner())
}

async fn search(
    app: &TestApp,
    who: &Principal,
    query: &str,
    category: Category,
    page_size: i32,
    page_token: &str,
) -> Result<pb::SearchInterestsResponse, Status> {
    let message = pb::SearchInterestsRequest {
        query: query.to_owned(),
        category: category.into(),
        page_size,
        page_token: page_token.to_owned(),
    };
    client(app)
        .search_interests(app.request(who, message))
        .await
        .map(|response| response.into_inner())
}

fn names(interests: &[pb::Interest]) -> Vec<&str> {
    interests.iter().map(|i| i.name.as_str()).collect()
}

async fn add(
    app: &TestApp,
    who: &Principal,
    interest_id: &str,
    level: Level,
) -> Result<pb::ProfileInterest, Status> {
    let message = pb::AddProfileInterestRequest {
        interest_id: interest_id.to_owned(),
        level: level.into(),
    };
    client(app)
        .add_profile_interest(app.request(who, message))
        .await
        .map(|response| response.into_inner().profile_interest.expect("a pick"))
}

async fn set_level(
    app: &TestApp,
    who: &Principal,
    interest_id: &str,
    level: Level,
    paths: &[&str],
) -> Result<pb::ProfileInterest, Status> {
    let message = pb::UpdateProfileInterestRequest {
        interest_id: interest_id.to_owned(),
        level: level.into(),
        update_mask: mask(paths),
    };
    client(app)
        .update_profile_interest(app.request(who, message))
        .await
        .map(|response| response.into_inner().profile_interest.expect("a pick"))
}

async fn remove(app: &TestApp, who: &Principal, interest_id: &str) -> Result<(), Status> {
    let message = pb::RemoveProfileInterestRequest {
        interest_id: interest_id.to_owned(),
    };
    client(app)
        .remove_profile_interest(app.request(who, message))
        .await
        .map(|_| ())
}

async fn picks(
    app: &TestApp,
    who: &Principal,
    user_id: &str,
    page_size: i32,
    page_token: &str,
) -> Result<pb::ListProfileInterestsResponse, Status> {
    let message = pb::ListProfileInterestsRequest {
        user_id: user_id.to_owned(),
        page_size,
        page_token: page_token.to_owned(),
    };
    client(app)
        .list_profile_interests(app.request(who, message))
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
async fn admins_keep_the_catalog_with_unique_names_whatever_their_case() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;

    let hiking = create(&app, &root, "  Hiking ", Category::OutdoorAdventures)
        .await
        .unwrap();
    assert_eq!(hiking.name, "Hiking");
    assert_eq!(hiking.category(), Category::OutdoorAdventures);

    let status = create(&app, &ana, "Chess", Category::GamesEntertainment)
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let status = create(
        &app,
        &service("tribe"),
        "Chess",
        Category::GamesEntertainment,
    )
    .await
    .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);

    let status = create(&app, &root, "HIKING", Category::SportsFitness)
        .await
        .unwrap_err();
    assert_reason(&status, Code::AlreadyExists, "INTEREST_EXISTS");

    for (name, category, field) in [
        ("", Category::Technology, "name"),
        (&"x".repeat(65)[..], Category::Technology, "name"),
        ("Line\nbreak", Category::Technology, "name"),
        ("Chess", Category::Unspecified, "category"),
    ] {
        let status = create(&app, &root, name, category).await.unwrap_err();
        assert_invalid_field(&status, field);
    }
    let message = pb::CreateInterestRequest {
        name: "Chess".into(),
        category: 42,
    };
    let status = client(&app)
        .create_interest(app.request(&root, message))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "category");

    let audited = app
        .db
        .count(
            "SELECT count(*) FROM users.audit_log WHERE action = 'INTEREST_CREATED'",
            &[],
        )
        .await;
    assert_eq!(audited, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_rename_and_recategorize_through_a_field_mask() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let hiking = create(&app, &root, "Hiking", Category::OutdoorAdventures)
        .await
        .unwrap();
    create(&app, &root, "Chess", Category::GamesEntertainment)
        .await
        .unwrap();

    let change = pb::Interest {
        id: hiking.id.clone(),
        name: "Hill walking".into(),
        category: Category::SportsFitness.into(),
        ..Default::default()
    };
    let renamed = update(&app, &root, change.clone(), &["name"])
        .await
        .unwrap();
    assert_eq!(renamed.name, "Hill walking");
    assert_eq!(
        renamed.category(),
        Category::OutdoorAdventures,
        "not in the mask"
    );
    let moved = update(&app, &root, change.clone(), &["category"])
        .await
        .unwrap();
    assert_eq!(moved.category(), Category::SportsFitness);

    let taken = pb::Interest {
        name: "cHESS".into(),
        ..change.clone()
    };
    let status = update(&app, &root, taken, &["name"]).await.unwrap_err();
    assert_reason(&status, Code::AlreadyExists, "INTEREST_EXISTS");

    let status = update(&app, &ana, change.clone(), &["name"])
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let status = update(&app, &root, change.clone(), &["id"])
        .await
        .unwrap_err();
    assert_invalid_field(&status, "update_mask");
    let status = update(&app, &root, change.clone(), &[]).await.unwrap_err();
    assert_invalid_field(&status, "update_mask");
    let blank = pb::Interest {
        name: " ".into(),
        ..change.clone()
    };
    let status = update(&app, &root, blank, &["name"]).await.unwrap_err();
    assert_invalid_field(&status, "interest.name");
    let unknown = pb::Interest {
        id: Uuid::new_v4().to_string(),
        ..change
    };
    let status = update(&app, &root, unknown, &["name"]).await.unwrap_err();
    assert_not_found_field(&status, "interest.id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_lists_by_name_in_pages_and_by_category() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    for (name, category) in [
        ("yoga", Category::WellnessMindfulness),
        ("Board games", Category::GamesEntertainment),
        ("climbing", Category::OutdoorAdventures),
        ("Arduino", Category::Technology),
        ("Meditation", Category::WellnessMindfulness),
    ] {
        create(&app, &root, name, category).await.unwrap();
    }

    let mut seen = Vec::new();
    let mut token = String::new();
    loop {
        let page = list(&app, &ana, Category::Unspecified, 2, &token)
            .await
            .unwrap();
        assert!(page.interests.len() <= 2);
        seen.extend(page.interests.into_iter().map(|i| i.name));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(
        seen,
        ["Arduino", "Board games", "climbing", "Meditation", "yoga"]
    );

    let wellness = list(&app, &ana, Category::WellnessMindfulness, 0, "")
        .await
        .unwrap();
    assert_eq!(names(&wellness.interests), ["Meditation", "yoga"]);

    let one = &wellness.interests[0];
    let got = client(&app)
        .get_interest(app.request(
            &ana,
            pb::GetInterestRequest {
                interest_id: one.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .interest;
    assert_eq!(got.as_ref(), Some(one));
    let status = client(&app)
        .get_interest(app.request(
            &ana,
            pb::GetInterestRequest {
                interest_id: Uuid::new_v4().to_string(),
            },
        ))
        .await
        .unwrap_err();
    assert_not_found_field(&status, "interest_id");

    let status = list(&app, &ana, Category::Unspecified, 2, "bogus")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_token");
    let status = list(&app, &ana, Category::Unspecified, -5, "")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_size");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_puts_prefixes_first_then_similar_names() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    for (name, category) in [
        ("Hiking", Category::OutdoorAdventures),
        ("Hip hop dance", Category::ArtsCulture),
        ("Night hiking", Category::OutdoorAdventures),
        ("Chess", Category::GamesEntertainment),
        ("100% organic cooking", Category::FoodDining),
        ("1000 piece puzzles", Category::GamesEntertainment),
    ] {
        create(&app, &root, name, category).await.unwrap();
    }

    let found = search(&app, &ana, "hi", Category::Unspecified, 0, "")
        .await
        .unwrap();
    assert_eq!(
        names(&found.interests)[..2],
        ["Hiking", "Hip hop dance"],
        "prefix matches first, by name"
    );

    let typo = search(&app, &ana, "hikking", Category::Unspecified, 0, "")
        .await
        .unwrap();
    let typo_names = names(&typo.interests);
    assert_eq!(typo_names.first(), Some(&"Hiking"), "{typo_names:?}");
    assert!(typo_names.contains(&"Night hiking"), "{typo_names:?}");
    assert!(!typo_names.contains(&"Chess"), "{typo_names:?}");

    let outdoors = search(&app, &ana, "HIK", Category::OutdoorAdventures, 0, "")
        .await
        .unwrap();
    assert_eq!(names(&outdoors.interests)[0], "Hiking");
    assert!(
        outdoors
            .interests
            .iter()
            .all(|i| i.category() == Category::OutdoorAdventures)
    );

    // LIKE's wildcards are literal characters in a query.
    let percent = search(&app, &ana, "100%", Category::Unspecified, 0, "")
        .await
        .unwrap();
    assert_eq!(names(&percent.interests)[0], "100% organic cooking");
    assert!(
        !names(&percent.interests)[..1].contains(&"1000 piece puzzles"),
        "{:?}",
        names(&percent.interests)
    );

    let first = search(&app, &ana, "hi", Category::Unspecified, 1, "")
        .await
        .unwrap();
    assert_eq!(names(&first.interests), ["Hiking"]);
    let second = search(
        &app,
        &ana,
        "hi",
        Category::Unspecified,
        1,
        &first.next_page_token,
    )
    .await
    .unwrap();
    assert_eq!(names(&second.interests), ["Hip hop dance"]);

    let status = search(&app, &ana, "  ", Category::Unspecified, 0, "")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "query");
    let status = search(&app, &ana, "hi", Category::Unspecified, 0, "zz")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_add_level_and_remove_their_interests() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let hiking = create(&app, &root, "Hiking", Category::OutdoorAdventures)
        .await
        .unwrap();
    let chess = create(&app, &root, "Chess", Category::GamesEntertainment)
        .await
        .unwrap();

    let added = add(&app, &ana, &hiking.id, Level::High).await.unwrap();
    assert_eq!(added.level(), Level::High);
    assert_eq!(added.user_id, id_of(&ana));
    assert_eq!(added.interest.as_ref(), Some(&hiking));
    let again = add(&app, &ana, &hiking.id, Level::High).await.unwrap();
    assert_eq!(
        again, added,
        "the same pick again is answered with the first"
    );
    let status = add(&app, &ana, &hiking.id, Level::Low).await.unwrap_err();
    assert_reason(&status, Code::AlreadyExists, "PROFILE_INTEREST_EXISTS");
    add(&app, &ana, &chess.id, Level::Low).await.unwrap();

    let status = add(&app, &ana, &Uuid::new_v4().to_string(), Level::Low)
        .await
        .unwrap_err();
    assert_not_found_field(&status, "interest_id");
    let status = add(&app, &ana, "chess", Level::Low).await.unwrap_err();
    assert_invalid_field(&status, "interest_id");
    let status = add(&app, &ana, &chess.id, Level::Unspecified)
        .await
        .unwrap_err();
    assert_invalid_field(&status, "level");
    let status = add(&app, &service("tribe"), &chess.id, Level::Low)
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);

    let medium = set_level(&app, &ana, &chess.id, Level::Medium, &["level"])
        .await
        .unwrap();
    assert_eq!(medium.level(), Level::Medium);
    let status = set_level(&app, &ana, &chess.id, Level::High, &["interest_id"])
        .await
        .unwrap_err();
    assert_invalid_field(&status, "update_mask");
    let status = set_level(&app, &bob, &chess.id, Level::High, &["level"])
        .await
        .unwrap_err();
    assert_not_found_field(&status, "interest_id");
    let status = set_level(
        &app,
        &ana,
        &Uuid::new_v4().to_string(),
        Level::High,
        &["level"],
    )
    .await
    .unwrap_err();
    assert_not_found_field(&status, "interest_id");

    // Anyone signed in reads anyone's interests, newest first, in pages.
    let first = picks(&app, &bob, &id_of(&ana), 1, "").await.unwrap();
    assert_eq!(first.profile_interests.len(), 1);
    assert_eq!(
        first.profile_interests[0].interest.as_ref().unwrap().name,
        "Chess"
    );
    assert_eq!(first.profile_interests[0].level(), Level::Medium);
    let rest = picks(&app, &bob, &id_of(&ana), 1, &first.next_page_token)
        .await
        .unwrap();
    assert_eq!(
        rest.profile_interests[0].interest.as_ref().unwrap().name,
        "Hiking"
    );
    assert_eq!(rest.next_page_token, "");

    remove(&app, &ana, &hiking.id).await.unwrap();
    remove(&app, &ana, &hiking.id)
        .await
        .expect("removing what is not there is harmless");
    let status = remove(&app, &ana, &Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert_not_found_field(&status, "interest_id");
    let left = picks(&app, &ana, &id_of(&ana), 0, "").await.unwrap();
    assert_eq!(left.profile_interests.len(), 1);

    let status = picks(&app, &bob, &id_of(&ana), 0, "nope")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_token");
    let status = picks(&app, &bob, &Uuid::new_v4().to_string(), 0, "")
        .await
        .unwrap_err();
    assert_not_found_field(&status, "user_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_hides_interests_both_ways() {
    let app = spawn_app().await;
    let root = admin(&app, "root@example.org").await;
    let (_, ana) = app.signed_in("ana@example.org").await;
    let (_, bob) = app.signed_in("bob@example.org").await;
    let hiking = create(&app, &root, "Hiking", Category::OutdoorAdventures)
        .await
        .unwrap();
    add(&app, &ana, &hiking.id, Level::High).await.unwrap();
    add(&app, &bob, &hiking.id, Level::Low).await.unwrap();
    let (ana_id, bob_id) = (
        ana.user_id().expect("a person"),
        bob.user_id().expect("a person"),
    );
    app.execute(
        "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2)",
        &[&ana_id, &bob_id],
    )
    .await;

    let status = picks(&app, &bob, &id_of(&ana), 0, "").await.unwrap_err();
    assert_not_found_field(&status, "user_id");
    let status = picks(&app, &ana, &id_of(&bob), 0, "").await.unwrap_err();
    assert_not_found_field(&status, "user_id");
    // The person themselves, admins and services still read them.
    for reader in [&ana, &root, &service("tribe")] {
        let own = picks(&app, reader, &id_of(&ana), 0, "").await.unwrap();
        assert_eq!(own.profile_interests.len(), 1);
    }
}
