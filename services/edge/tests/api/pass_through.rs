//! What reaches the user service, and how its answers come back.

use circle_core::auth::Principal;
use circle_proto::edge::v1 as edge;
use tonic::{Request, Status};

use crate::helpers::{
    FAKE_CODE, FAKE_MESSAGE, bearer, edge_with_fake_users, fake_refusal, fresh_token,
    generous_limits, person,
};

fn passed_through_unchanged(status: &Status) {
    let expected = fake_refusal();
    assert_eq!(status.code(), FAKE_CODE, "{status:?}");
    assert_eq!(status.message(), FAKE_MESSAGE);
    assert_eq!(status.details(), expected.details(), "details bytes differ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_calls_go_inside_as_the_edge_and_their_refusals_come_back_unchanged() {
    let (mut edge, users) = edge_with_fake_users(generous_limits()).await;

    let status = edge
        .client
        .register(edge::RegisterRequest {
            email: "ana@example.com".into(),
            password: "short".into(),
        })
        .await
        .unwrap_err();
    passed_through_unchanged(&status);
    let status = edge
        .client
        .verify_email(edge::VerifyEmailRequest {
            email: "ana@example.com".into(),
            code: "123456".into(),
        })
        .await
        .unwrap_err();
    passed_through_unchanged(&status);
    let status = edge
        .client
        .login(edge::LoginRequest {
            email: "ana@example.com".into(),
            password: "short".into(),
            device: "Pixel 8".into(),
        })
        .await
        .unwrap_err();
    passed_through_unchanged(&status);
    let status = edge
        .client
        .refresh_token(edge::RefreshTokenRequest {
            refresh_token: "opaque".into(),
        })
        .await
        .unwrap_err();
    passed_through_unchanged(&status);

    let seen = users.seen();
    let methods: Vec<_> = seen.iter().map(|call| call.method).collect();
    assert_eq!(
        methods,
        ["Register", "VerifyEmail", "Login", "RefreshToken"]
    );
    for call in &seen {
        assert_eq!(
            call.identity,
            Ok(Principal::Service {
                name: "edge".into()
            }),
            "{call:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_and_refresh_tell_the_user_service_where_they_come_from() {
    let (mut edge, users) = edge_with_fake_users(generous_limits()).await;
    let mut request = Request::new(edge::LoginRequest {
        email: "ana@example.com".into(),
        password: "a long password".into(),
        device: "Pixel 8".into(),
    });
    request
        .metadata_mut()
        .insert("user-agent", "circle-test-app/1.0".parse().unwrap());
    edge.client.login(request).await.unwrap_err();
    let mut request = Request::new(edge::RefreshTokenRequest {
        refresh_token: "opaque".into(),
    });
    request
        .metadata_mut()
        .insert("user-agent", "circle-test-app/1.0".parse().unwrap());
    edge.client.refresh_token(request).await.unwrap_err();

    let seen = users.seen();
    assert_eq!(seen.len(), 2);
    let login = seen[0].client.clone().expect("Login carries ClientInfo");
    assert_eq!(login.address, "127.0.0.1");
    assert!(
        login.user_agent.starts_with("circle-test-app/1.0"),
        "{login:?}"
    );
    assert_eq!(login.device, "Pixel 8");
    let refresh = seen[1]
        .client
        .clone()
        .expect("RefreshToken carries ClientInfo");
    assert_eq!(refresh.address, "127.0.0.1");
    assert!(
        refresh.user_agent.starts_with("circle-test-app/1.0"),
        "{refresh:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn authenticated_calls_go_inside_as_the_person_of_the_token() {
    let (mut edge, users) = edge_with_fake_users(generous_limits()).await;
    let who = person();
    let (id, session_id, role) = who;
    let token = fresh_token(who);

    let status = edge
        .client
        .get_account(bearer(edge::GetAccountRequest {}, &token))
        .await
        .unwrap_err();
    passed_through_unchanged(&status);
    let status = edge
        .client
        .logout(bearer(edge::LogoutRequest {}, &token))
        .await
        .unwrap_err();
    passed_through_unchanged(&status);

    let seen = users.seen();
    let methods: Vec<_> = seen.iter().map(|call| call.method).collect();
    assert_eq!(methods, ["GetUser", "Logout"]);
    assert_eq!(seen[0].user_id.as_deref(), Some(id.to_string().as_str()));
    for call in &seen {
        assert_eq!(
            call.identity,
            Ok(Principal::User {
                id,
                role,
                session_id
            }),
            "{call:?}"
        );
    }
}
