use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use tonic::Code;

use crate::helpers::{assert_invalid_field, assert_reason, edge, spawn_app};

const EMAIL: &str = "ada@example.org";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_rotates_the_pair_within_the_session() {
    let app = spawn_app().await;
    let (login, principal) = app.signed_in(EMAIL).await;
    let first = login.tokens.unwrap();

    let second = app.refresh(&first.refresh_token).await.unwrap();

    assert_ne!(second.refresh_token, first.refresh_token);
    let Principal::User { id, session_id, .. } = principal else {
        unreachable!("a login yields a user")
    };
    let claims = app.access_key.verify(&second.access_token).unwrap();
    assert_eq!((claims.sub, claims.sid), (id, session_id));
    let third = app.refresh(&second.refresh_token).await.unwrap();
    assert_ne!(third.refresh_token, second.refresh_token);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reusing_a_rotated_token_revokes_the_session() {
    let app = spawn_app().await;
    let (login, principal) = app.signed_in(EMAIL).await;
    let first = login.tokens.unwrap();
    let second = app.refresh(&first.refresh_token).await.unwrap();

    let reuse = app.refresh(&first.refresh_token).await.unwrap_err();

    assert_reason(&reuse, Code::Unauthenticated, "REFRESH_TOKEN_REUSED");
    let status = app.refresh(&second.refresh_token).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let user_id = principal.user_id().unwrap().to_string();
    let status = app.get_user(&principal, &user_id).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_expired_and_missing_tokens_are_refused() {
    let app = spawn_app().await;
    let (login, _) = app.signed_in(EMAIL).await;
    let tokens = login.tokens.unwrap();

    let status = app.refresh(&"ab".repeat(32)).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "INVALID_REFRESH_TOKEN");
    let status = app.refresh("").await.unwrap_err();
    assert_invalid_field(&status, "refresh_token");

    app.execute(
        "UPDATE users.refresh_tokens SET expires_at = now() - interval '1 second'",
        &[],
    )
    .await;
    let status = app.refresh(&tokens.refresh_token).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "INVALID_REFRESH_TOKEN");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_suspended_account_cannot_refresh() {
    let app = spawn_app().await;
    let (login, _) = app.signed_in(EMAIL).await;
    app.execute("UPDATE users.accounts SET status = 'SUSPENDED'", &[])
        .await;

    let status = app
        .refresh(&login.tokens.unwrap().refresh_token)
        .await
        .unwrap_err();

    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_SUSPENDED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refresh_is_for_services_not_people() {
    let app = spawn_app().await;
    let (login, principal) = app.signed_in(EMAIL).await;
    let request = pb::RefreshTokenRequest {
        refresh_token: login.tokens.unwrap().refresh_token,
        client: None,
    };

    let status = app
        .client()
        .refresh_token(app.request(&principal, request))
        .await
        .unwrap_err();

    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_refreshes_of_one_token_let_exactly_one_through() {
    let app = spawn_app().await;
    let (login, _) = app.signed_in(EMAIL).await;
    let token = login.tokens.unwrap().refresh_token;

    let calls = (0..10).map(|_| {
        let mut client = app.client();
        let request = app.request(
            &edge(),
            pb::RefreshTokenRequest {
                refresh_token: token.clone(),
                client: None,
            },
        );
        tokio::spawn(async move { client.refresh_token(request).await })
    });
    let outcomes = futures::future::join_all(calls).await;

    let mut rotated = 0;
    for outcome in outcomes {
        match outcome.unwrap() {
            Ok(_) => rotated += 1,
            Err(status) => assert_reason(&status, Code::Unauthenticated, "REFRESH_TOKEN_REUSED"),
        }
    }
    assert_eq!(rotated, 1);
    let revoked: bool = app
        .db
        .admin_client()
        .await
        .query_one("SELECT revoked_at IS NOT NULL FROM users.sessions", &[])
        .await
        .unwrap()
        .get(0);
    assert!(revoked, "the reuses revoked the session");
}
