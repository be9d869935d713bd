use circle_proto::tribe::v1::{CreateTribeRequest, TribePrivacy};
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_argument, assert_refused, new_tribe, user, user_id};

const TRIBES_OF: &str = "SELECT count(*) FROM tribes.tribes WHERE creator_id = $1";
const MEMBERS_OF: &str = "SELECT count(*) FROM tribes.tribe_members WHERE user_id = $1";

fn keyed(name: &str, request_id: Uuid) -> CreateTribeRequest {
    CreateTribeRequest {
        request_id: request_id.to_string(),
        ..new_tribe(name)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_request_id_returns_the_tribe_created_first() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let first = app
        .create_tribe(&alice, keyed("Climbers", request_id))
        .await
        .unwrap();
    let again = app
        .create_tribe(&alice, keyed("Climbers", request_id))
        .await
        .unwrap();

    assert_eq!(again, first);
    assert_eq!(app.db.count(TRIBES_OF, &[&user_id(&alice)]).await, 1);
    assert_eq!(app.db.count(MEMBERS_OF, &[&user_id(&alice)]).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_are_compared_after_defaults_and_trimming() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let first = app
        .create_tribe(&alice, keyed("Climbers", request_id))
        .await
        .unwrap();
    let spelled_out = CreateTribeRequest {
        name: "  Climbers ".to_owned(),
        privacy: TribePrivacy::Public.into(),
        max_members: 8,
        ..keyed("Climbers", request_id)
    };
    let again = app.create_tribe(&alice, spelled_out).await.unwrap();

    assert_eq!(again.id, first.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_different_request_with_the_same_request_id_is_refused() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();
    app.create_tribe(&alice, keyed("Climbers", request_id))
        .await
        .unwrap();

    let changes = [
        keyed("Swimmers", request_id),
        CreateTribeRequest {
            description: "Other words".to_owned(),
            ..keyed("Climbers", request_id)
        },
        CreateTribeRequest {
            privacy: TribePrivacy::Private.into(),
            ..keyed("Climbers", request_id)
        },
        CreateTribeRequest {
            max_members: 5,
            ..keyed("Climbers", request_id)
        },
    ];
    for changed in changes {
        let result = app.create_tribe(&alice, changed).await;
        assert_refused(result, Code::FailedPrecondition, "REQUEST_ID_REUSED");
    }
    assert_eq!(app.db.count(TRIBES_OF, &[&user_id(&alice)]).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn request_ids_belong_to_their_sender() {
    let app = TestApp::spawn().await;
    let request_id = Uuid::new_v4();

    let alices = app
        .create_tribe(&user(), keyed("Climbers", request_id))
        .await
        .unwrap();
    let bobs = app
        .create_tribe(&user(), keyed("Climbers", request_id))
        .await
        .unwrap();

    assert_ne!(alices.id, bobs.id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_request_id_every_call_creates_a_tribe() {
    let app = TestApp::spawn().await;
    let alice = user();

    let first = app
        .create_tribe(&alice, new_tribe("Climbers"))
        .await
        .unwrap();
    let second = app
        .create_tribe(&alice, new_tribe("Climbers"))
        .await
        .unwrap();

    assert_ne!(first.id, second.id);
    assert_eq!(app.db.count(TRIBES_OF, &[&user_id(&alice)]).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_request_does_not_use_up_its_request_id() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let refused = CreateTribeRequest {
        max_members: 3,
        ..keyed("Climbers", request_id)
    };
    assert_invalid_argument(app.create_tribe(&alice, refused).await, "max_members");

    let tribe = app
        .create_tribe(&alice, keyed("Climbers", request_id))
        .await;
    assert_eq!(tribe.unwrap().max_members, 8);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_with_one_request_id_make_one_tribe() {
    let app = TestApp::spawn().await;
    let alice = user();
    let request_id = Uuid::new_v4();

    let results = futures::future::join_all(
        (0..20).map(|_| app.create_tribe(&alice, keyed("Climbers", request_id))),
    )
    .await;

    let ids: Vec<String> = results
        .into_iter()
        .map(|result| result.expect("every call succeeds").id)
        .collect();
    assert_eq!(ids.len(), 20);
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    assert_eq!(app.db.count(TRIBES_OF, &[&user_id(&alice)]).await, 1);
    assert_eq!(app.db.count(MEMBERS_OF, &[&user_id(&alice)]).await, 1);
}
