use circle_proto::edge::v1 as edge;
use tonic::{Code, Request, Status};

use crate::helpers::{
    TestEdge, access_token, authorized, bearer, edge_with_fake_users, fresh_token, generous_limits,
    person, reason,
};

/// Calls each method that needs a person with the same authorization metadata.
async fn each_authenticated_call(
    edge: &mut TestEdge,
    make: impl Fn() -> tonic::metadata::MetadataMap,
) -> Vec<Status> {
    fn with<T>(message: T, metadata: tonic::metadata::MetadataMap) -> Request<T> {
        let mut request = Request::new(message);
        *request.metadata_mut() = metadata;
        request
    }
    vec![
        edge.client
            .get_account(with(edge::GetAccountRequest {}, make()))
            .await
            .unwrap_err(),
        edge.client
            .logout(with(edge::LogoutRequest {}, make()))
            .await
            .unwrap_err(),
        edge.client
            .list_notifications(with(
                edge::ListNotificationsRequest {
                    page_size: 10,
                    page_token: String::new(),
                },
                make(),
            ))
            .await
            .unwrap_err(),
    ]
}

fn refused_with(statuses: &[Status], expected_reason: &str) {
    assert_eq!(statuses.len(), 3);
    for status in statuses {
        assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
        assert_eq!(reason(status), expected_reason, "{status:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_without_a_token_is_refused_before_anything_is_asked_inside() {
    let (mut edge, users) = edge_with_fake_users(generous_limits()).await;
    let statuses = each_authenticated_call(&mut edge, tonic::metadata::MetadataMap::new).await;
    refused_with(&statuses, "MISSING_TOKEN");
    assert!(users.seen().is_empty(), "{:?}", users.seen());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_token_is_told_apart() {
    let (mut edge, users) = edge_with_fake_users(generous_limits()).await;
    // Issued two hours ago with a 15 minute lifetime.
    let token = access_token(
        crate::helpers::ACCESS_SECRET,
        person(),
        chrono::Duration::hours(2),
    );
    let statuses =
        each_authenticated_call(&mut edge, || bearer((), &token).metadata().clone()).await;
    refused_with(&statuses, "TOKEN_EXPIRED");
    assert!(users.seen().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_token_is_invalid() {
    let (mut edge, users) = edge_with_fake_users(generous_limits()).await;
    let token = fresh_token(person());
    // Change one character of the payload: the signature no longer matches.
    let (header, rest) = token.split_once('.').unwrap();
    let mut payload: Vec<char> = rest.chars().collect();
    payload[3] = if payload[3] == 'A' { 'B' } else { 'A' };
    let tampered = format!("{header}.{}", payload.into_iter().collect::<String>());
    let statuses =
        each_authenticated_call(&mut edge, || bearer((), &tampered).metadata().clone()).await;
    refused_with(&statuses, "INVALID_TOKEN");
    assert!(users.seen().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_signed_with_another_secret_is_invalid() {
    let (mut edge, _users) = edge_with_fake_users(generous_limits()).await;
    let forged = access_token(
        "an-attacker-secret-that-is-long-enough-for-hs256",
        person(),
        chrono::Duration::zero(),
    );
    let statuses =
        each_authenticated_call(&mut edge, || bearer((), &forged).metadata().clone()).await;
    refused_with(&statuses, "INVALID_TOKEN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_internal_identity_is_not_an_access_token() {
    let (mut edge, _users) = edge_with_fake_users(generous_limits()).await;
    // Same secret, but an identity token has another audience and shape.
    let identity = circle_core::auth::IdentityKey::new(crate::helpers::ACCESS_SECRET).sign(
        &circle_core::auth::Principal::Service {
            name: "edge".into(),
        },
    );
    let statuses =
        each_authenticated_call(&mut edge, || bearer((), &identity).metadata().clone()).await;
    refused_with(&statuses, "INVALID_TOKEN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_under_another_scheme_is_invalid() {
    let (mut edge, _users) = edge_with_fake_users(generous_limits()).await;
    let token = fresh_token(person());
    for value in [
        token.clone(),
        format!("Basic {token}"),
        "Bearer ".to_owned(),
    ] {
        let statuses =
            each_authenticated_call(&mut edge, || authorized((), &value).metadata().clone()).await;
        refused_with(&statuses, "INVALID_TOKEN");
    }
}
