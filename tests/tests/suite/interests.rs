//! InterestService through the edge: an admin keeps the catalog, people search it and pick
//! interests with a level, and everyone else is refused by name.

use circle_e2e::Suite;
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::interest_service_client::InterestServiceClient;
use circle_proto::edge::v1::{InterestCategory as Category, InterestLevel as Level};
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::Code;
use tonic::transport::Channel;
use tonic_types::StatusExt;
use uuid::Uuid;

fn client(suite: &Suite) -> InterestServiceClient<Channel> {
    InterestServiceClient::new(suite.channel("edge"))
}

fn create(name: &str, category: Category) -> edge::CreateInterestRequest {
    edge::CreateInterestRequest {
        name: name.into(),
        category: category.into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_builds_the_catalog_and_people_pick_from_it() {
    let suite = Suite::start().await;
    let root = suite.sign_up("root@x.test").await;
    suite.make_admin(&root).await;
    let ana = suite.sign_up("ana@x.test").await;
    let bob = suite.sign_up("bob@x.test").await;
    let mut interests = client(&suite);

    let mut catalog = Vec::new();
    for (name, category) in [
        ("Hiking", Category::OutdoorAdventures),
        ("Night hiking", Category::OutdoorAdventures),
        ("Pottery", Category::ArtsCulture),
    ] {
        let interest = interests
            .create_interest(root.call(create(name, category)))
            .await
            .expect("created")
            .into_inner()
            .interest
            .expect("an interest");
        catalog.push(interest);
    }

    let found = interests
        .search_interests(ana.call(edge::SearchInterestsRequest {
            query: "hik".into(),
            category: Category::Unspecified.into(),
            page_size: 10,
            page_token: String::new(),
        }))
        .await
        .expect("search")
        .into_inner();
    let names: Vec<&str> = found.interests.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names.first(), Some(&"Hiking"), "{names:?}");

    let page = interests
        .list_interests(ana.call(edge::ListInterestsRequest {
            category: Category::OutdoorAdventures.into(),
            page_size: 1,
            page_token: String::new(),
        }))
        .await
        .expect("list")
        .into_inner();
    assert_eq!(page.interests.len(), 1);
    assert!(!page.next_page_token.is_empty());

    let picked = interests
        .add_profile_interest(ana.call(edge::AddProfileInterestRequest {
            interest_id: catalog[0].id.clone(),
            level: Level::High.into(),
        }))
        .await
        .expect("added")
        .into_inner()
        .profile_interest
        .expect("a pick");
    assert_eq!(picked.level(), Level::High);
    interests
        .update_profile_interest(ana.call(edge::UpdateProfileInterestRequest {
            interest_id: catalog[0].id.clone(),
            level: Level::Medium.into(),
            update_mask: Some(prost_types::FieldMask {
                paths: vec!["level".into()],
            }),
        }))
        .await
        .expect("updated");
    interests
        .add_profile_interest(ana.call(edge::AddProfileInterestRequest {
            interest_id: catalog[2].id.clone(),
            level: Level::Low.into(),
        }))
        .await
        .expect("added");
    interests
        .remove_profile_interest(ana.call(edge::RemoveProfileInterestRequest {
            interest_id: catalog[2].id.clone(),
        }))
        .await
        .expect("removed");

    let seen_by_bob = interests
        .list_profile_interests(bob.call(edge::ListProfileInterestsRequest {
            user_id: ana.user_id.clone(),
            page_size: 10,
            page_token: String::new(),
        }))
        .await
        .expect("anyone's interests")
        .into_inner();
    assert_eq!(seen_by_bob.profile_interests.len(), 1);
    let only = &seen_by_bob.profile_interests[0];
    assert_eq!(only.level(), Level::Medium);
    assert_eq!(
        only.interest.as_ref().map(|i| i.name.as_str()),
        Some("Hiking")
    );
    assert_eq!(
        only.interest.as_ref().map(|i| i.category()),
        Some(Category::OutdoorAdventures)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_reach_the_caller_through_the_edge() {
    let suite = Suite::start().await;
    let root = suite.sign_up("root@x.test").await;
    suite.make_admin(&root).await;
    let ana = suite.sign_up("ana@x.test").await;
    let mut interests = client(&suite);
    interests
        .create_interest(root.call(create("Chess", Category::GamesEntertainment)))
        .await
        .expect("created");

    let status = interests
        .create_interest(ana.call(create("Go", Category::GamesEntertainment)))
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");

    let status = interests
        .create_interest(root.call(create("chess", Category::GamesEntertainment)))
        .await
        .unwrap_err();
    assert_reason(&status, Code::AlreadyExists, "INTEREST_EXISTS");

    let status = interests
        .add_profile_interest(ana.call(edge::AddProfileInterestRequest {
            interest_id: Uuid::new_v4().to_string(),
            level: Level::Low.into(),
        }))
        .await
        .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    let named: Vec<String> = status
        .get_details_bad_request()
        .map(|bad| bad.field_violations.into_iter().map(|v| v.field).collect())
        .unwrap_or_default();
    assert_eq!(named, ["interest_id"], "{status:?}");

    let status = interests
        .list_interests(ana.call(edge::ListInterestsRequest {
            category: Category::Unspecified.into(),
            page_size: 10,
            page_token: "not-ours".into(),
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_token");

    let status = interests
        .search_interests(tonic::Request::new(edge::SearchInterestsRequest {
            query: "chess".into(),
            ..Default::default()
        }))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);
}
