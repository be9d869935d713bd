use std::time::Duration;

use circle_proto::edge::v1 as edge;
use tonic::{Code, Status};
use tonic_types::StatusExt;

use crate::helpers::{FAKE_CODE, edge_with_fake_users, limits, reason};

fn login(email: &str) -> edge::LoginRequest {
    edge::LoginRequest {
        email: email.into(),
        password: "wrong but long enough".into(),
        device: "laptop".into(),
    }
}

fn assert_rate_limited(status: &Status) {
    assert_eq!(status.code(), Code::ResourceExhausted, "{status:?}");
    assert_eq!(reason(status), "RATE_LIMITED");
    let wait = status
        .get_details_retry_info()
        .and_then(|info| info.retry_delay)
        .unwrap_or_else(|| panic!("no RetryInfo delay in {status:?}"));
    assert!(
        wait > Duration::ZERO && wait <= Duration::from_secs(60),
        "{wait:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logins_are_limited_per_account_then_per_address() {
    let (mut edge, users) = edge_with_fake_users(limits(3, 5)).await;

    // Three attempts on one account (its email written three ways) reach the user service.
    for email in ["ana@example.com", "Ana@Example.com", " ana@example.com "] {
        let status = edge.client.login(login(email)).await.unwrap_err();
        assert_eq!(status.code(), FAKE_CODE, "{status:?}");
    }
    // The fourth is refused at the edge with the time to wait.
    let status = edge
        .client
        .login(login("ANA@example.com"))
        .await
        .unwrap_err();
    assert_rate_limited(&status);
    assert!(status.message().contains("account"), "{status:?}");

    // Another account from the same address still gets through, until the address has made
    // five attempts (the refused one counts: it was an attempt).
    let status = edge
        .client
        .login(login("bob@example.com"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), FAKE_CODE, "{status:?}");
    let status = edge
        .client
        .login(login("carol@example.com"))
        .await
        .unwrap_err();
    assert_rate_limited(&status);
    assert!(status.message().contains("address"), "{status:?}");

    let logins = users
        .seen()
        .iter()
        .filter(|call| call.method == "Login")
        .count();
    assert_eq!(
        logins, 4,
        "only the admitted attempts reach the user service"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_calls_are_not_counted_as_login_attempts() {
    let (mut edge, _users) = edge_with_fake_users(limits(1, 1)).await;
    for _ in 0..3 {
        let status = edge
            .client
            .register(edge::RegisterRequest {
                email: "dan@example.com".into(),
                password: "a long password".into(),
            })
            .await
            .unwrap_err();
        assert_eq!(status.code(), FAKE_CODE, "{status:?}");
    }
    let status = edge
        .client
        .login(login("dan@example.com"))
        .await
        .unwrap_err();
    assert_eq!(status.code(), FAKE_CODE, "{status:?}");
    let status = edge
        .client
        .login(login("dan@example.com"))
        .await
        .unwrap_err();
    assert_rate_limited(&status);
}
