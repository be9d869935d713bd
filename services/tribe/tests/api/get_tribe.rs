use circle_core::auth::Principal;
use circle_proto::tribe::v1::{CreateTribeRequest, Tribe, TribePrivacy};
use tonic::{Code, Request};
use uuid::Uuid;

use crate::helpers::{
    TestApp, assert_invalid_argument, assert_refused, new_tribe, service, user, user_id,
};

async fn private_tribe(app: &TestApp, creator: &Principal) -> Tribe {
    app.create_tribe(
        creator,
        CreateTribeRequest {
            privacy: TribePrivacy::Private.into(),
            ..new_tribe("Inner circle")
        },
    )
    .await
    .unwrap()
}

async fn add_member(app: &TestApp, tribe: &Tribe, member: &Principal, status: &str) {
    app.db
        .admin_client()
        .await
        .execute(
            "INSERT INTO tribes.tribe_members (tribe_id, user_id, role, status) \
             VALUES ($1, $2, 'MEMBER', $3)",
            &[
                &Uuid::parse_str(&tribe.id).unwrap(),
                &user_id(member),
                &status,
            ],
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn anyone_reads_a_public_tribe() {
    let app = TestApp::spawn().await;
    let created = app
        .create_tribe(&user(), new_tribe("Open door"))
        .await
        .unwrap();

    for reader in [user(), service("edge")] {
        let read = app.get_tribe(&reader, &created.id).await.unwrap();
        assert_eq!(read, created);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_members_and_services_read_a_private_tribe() {
    let app = TestApp::spawn().await;
    let creator = user();
    let created = private_tribe(&app, &creator).await;
    let member = user();
    add_member(&app, &created, &member, "ACTIVE").await;

    for reader in [creator, member, service("edge")] {
        let read = app.get_tribe(&reader, &created.id).await.unwrap();
        assert_eq!(read, created);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn others_may_not_read_a_private_tribe() {
    let app = TestApp::spawn().await;
    let created = private_tribe(&app, &user()).await;

    let stranger = user();
    assert_refused(
        app.get_tribe(&stranger, &created.id).await,
        Code::PermissionDenied,
        "PRIVATE_TRIBE",
    );
    for status in ["PENDING", "INACTIVE", "LEFT", "REMOVED"] {
        let former = user();
        add_member(&app, &created, &former, status).await;
        assert_refused(
            app.get_tribe(&former, &created.id).await,
            Code::PermissionDenied,
            "PRIVATE_TRIBE",
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_tribe_is_not_found() {
    let app = TestApp::spawn().await;
    let result = app.get_tribe(&user(), &Uuid::new_v4().to_string()).await;
    assert_refused(result, Code::NotFound, "NOT_FOUND");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_or_missing_tribe_id_is_refused() {
    let app = TestApp::spawn().await;
    for tribe_id in ["", "not-a-uuid", "12345"] {
        assert_invalid_argument(app.get_tribe(&user(), tribe_id).await, "tribe_id");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refuses_calls_without_a_verified_identity() {
    let app = TestApp::spawn().await;
    let created = app
        .create_tribe(&user(), new_tribe("Open door"))
        .await
        .unwrap();

    let result = app
        .client
        .clone()
        .get_tribe(Request::new(circle_proto::tribe::v1::GetTribeRequest {
            tribe_id: created.id,
        }))
        .await
        .map(|response| response.into_inner().tribe.unwrap());
    assert_refused(result, Code::Unauthenticated, "MISSING_IDENTITY");
}
