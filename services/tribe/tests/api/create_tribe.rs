use circle_core::auth::IdentityKey;
use circle_proto::tribe::v1::{CreateTribeRequest, TribePrivacy, TribeStatus};
use tonic::{Code, Request};
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_invalid_argument, assert_refused, new_tribe, service, user, user_id,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creates_a_forming_tribe_with_its_creator_as_active_member() {
    let app = TestApp::spawn().await;
    let alice = user();

    let tribe = app
        .create_tribe(
            &alice,
            CreateTribeRequest {
                name: "  Sunday Hikers \n".to_owned(),
                description: "We walk.\nOn Sundays.".to_owned(),
                ..Default::default()
            },
        )
        .await
        .expect("the tribe is created");

    assert!(Uuid::parse_str(&tribe.id).is_ok(), "{}", tribe.id);
    assert_eq!(tribe.name, "Sunday Hikers");
    assert_eq!(tribe.description, "We walk.\nOn Sundays.");
    assert_eq!(tribe.status(), TribeStatus::Forming);
    assert_eq!(tribe.privacy(), TribePrivacy::Public);
    assert_eq!(tribe.max_members, 8);
    assert_eq!(tribe.creator_id, user_id(&alice).to_string());
    let created = tribe.create_time.expect("a create time").seconds;
    assert!((chrono::Utc::now().timestamp() - created).abs() < 60);

    let members = app
        .db
        .admin_client()
        .await
        .query(
            "SELECT user_id, role, status FROM tribes.tribe_members WHERE tribe_id = $1",
            &[&Uuid::parse_str(&tribe.id).unwrap()],
        )
        .await
        .unwrap();
    assert_eq!(members.len(), 1);
    assert_eq!(members[0].get::<_, Uuid>(0), user_id(&alice));
    assert_eq!(members[0].get::<_, String>(1), "CREATOR");
    assert_eq!(members[0].get::<_, String>(2), "ACTIVE");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keeps_the_privacy_and_size_asked_for() {
    let app = TestApp::spawn().await;
    for (privacy, max_members) in [(TribePrivacy::Private, 4), (TribePrivacy::Public, 8)] {
        let tribe = app
            .create_tribe(
                &user(),
                CreateTribeRequest {
                    privacy: privacy.into(),
                    max_members,
                    ..new_tribe("Board gamers")
                },
            )
            .await
            .expect("the tribe is created");
        assert_eq!(tribe.privacy(), privacy);
        assert_eq!(tribe.max_members, max_members);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepts_names_and_descriptions_up_to_their_limits_in_characters() {
    let app = TestApp::spawn().await;
    let tribe = app
        .create_tribe(
            &user(),
            CreateTribeRequest {
                name: "é".repeat(80),
                description: "ü".repeat(1000),
                ..Default::default()
            },
        )
        .await
        .expect("the tribe is created");
    assert_eq!(tribe.name.chars().count(), 80);
    assert_eq!(tribe.description.chars().count(), 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_bad_name() {
    let app = TestApp::spawn().await;
    for name in [
        String::new(),
        " \t ".to_owned(),
        "n".repeat(81),
        "two\nlines".to_owned(),
        "nul\0byte".to_owned(),
    ] {
        let result = app
            .create_tribe(
                &user(),
                CreateTribeRequest {
                    name,
                    ..Default::default()
                },
            )
            .await;
        assert_invalid_argument(result, "name");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_bad_description() {
    let app = TestApp::spawn().await;
    for description in ["d".repeat(1001), "nul\0byte".to_owned()] {
        let result = app
            .create_tribe(
                &user(),
                CreateTribeRequest {
                    description,
                    ..new_tribe("Readers")
                },
            )
            .await;
        assert_invalid_argument(result, "description");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_size_outside_four_to_eight() {
    let app = TestApp::spawn().await;
    for max_members in [-4, 1, 3, 9, 100_000] {
        let result = app
            .create_tribe(
                &user(),
                CreateTribeRequest {
                    max_members,
                    ..new_tribe("Runners")
                },
            )
            .await;
        assert_invalid_argument(result, "max_members");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_an_unknown_privacy() {
    let app = TestApp::spawn().await;
    let result = app
        .create_tribe(
            &user(),
            CreateTribeRequest {
                privacy: 7,
                ..new_tribe("Runners")
            },
        )
        .await;
    assert_invalid_argument(result, "privacy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_a_malformed_request_id() {
    let app = TestApp::spawn().await;
    let result = app
        .create_tribe(
            &user(),
            CreateTribeRequest {
                request_id: "not-a-uuid".to_owned(),
                ..new_tribe("Runners")
            },
        )
        .await;
    assert_invalid_argument(result, "request_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_requests_create_nothing() {
    let app = TestApp::spawn().await;
    let result = app
        .create_tribe(
            &user(),
            CreateTribeRequest {
                max_members: 3,
                ..new_tribe("Runners")
            },
        )
        .await;
    assert_invalid_argument(result, "max_members");
    assert_eq!(
        app.db
            .count("SELECT count(*) FROM tribes.tribes", &[])
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_services_which_are_not_people() {
    let app = TestApp::spawn().await;
    let result = app.create_tribe(&service("edge"), new_tribe("Bots")).await;
    assert_refused(result, Code::PermissionDenied, "USER_REQUIRED");
    assert_eq!(
        app.db
            .count("SELECT count(*) FROM tribes.tribes", &[])
            .await,
        0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_calls_without_a_verified_identity() {
    let app = TestApp::spawn().await;

    let anonymous = app
        .client
        .clone()
        .create_tribe(Request::new(new_tribe("Anonymous")))
        .await
        .map(|response| response.into_inner().tribe.unwrap());
    assert_refused(anonymous, Code::Unauthenticated, "MISSING_IDENTITY");

    let forger = IdentityKey::new("a-forged-secret-that-is-long-enough-as-well");
    let forged = app
        .client
        .clone()
        .create_tribe(forger.outgoing(&user(), new_tribe("Forged")))
        .await
        .map(|response| response.into_inner().tribe.unwrap());
    assert_refused(forged, Code::Unauthenticated, "INVALID_IDENTITY");

    assert_eq!(
        app.db
            .count("SELECT count(*) FROM tribes.tribes", &[])
            .await,
        0
    );
}
