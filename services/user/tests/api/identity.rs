use circle_core::auth::IDENTITY_METADATA_KEY;
use circle_core::auth::IdentityKey;
use circle_proto::user::v1 as pb;
use tonic::{Code, Request};

use crate::helpers::{PASSWORD, assert_reason, edge, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_without_an_identity_are_unauthenticated() {
    let app = spawn_app().await;
    let user = app.register("ada@example.org", PASSWORD).await.unwrap();

    let status = app
        .client()
        .get_user(Request::new(pb::GetUserRequest { user_id: user.id }))
        .await
        .unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "MISSING_IDENTITY");

    let status = app
        .client()
        .register(Request::new(pb::RegisterRequest {
            email: "bob@example.org".to_owned(),
            password: PASSWORD.to_owned(),
        }))
        .await
        .unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "MISSING_IDENTITY");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identities_signed_with_another_key_are_unauthenticated() {
    let app = spawn_app().await;
    let forger = IdentityKey::new("a-different-secret-that-is-long-enough-too");
    let request = forger.outgoing(
        &edge(),
        pb::RegisterRequest {
            email: "ada@example.org".to_owned(),
            password: PASSWORD.to_owned(),
        },
    );
    assert!(request.metadata().contains_key(IDENTITY_METADATA_KEY));

    let status = app.client().register(request).await.unwrap_err();

    assert_reason(&status, Code::Unauthenticated, "INVALID_IDENTITY");
}
