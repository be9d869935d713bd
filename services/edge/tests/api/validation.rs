use circle_proto::edge::v1 as edge;

use crate::helpers::{
    bearer, edge_with_fake_users, fresh_token, generous_limits, person, violated_field,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_fields_are_named_and_never_sent_inside() {
    let (edge, users) = edge_with_fake_users(generous_limits()).await;
    let client = edge.client.clone();

    let register = |email: &str, password: &str| {
        let mut client = client.clone();
        let request = edge::RegisterRequest {
            email: email.into(),
            password: password.into(),
        };
        async move { client.register(request).await.unwrap_err() }
    };
    assert_eq!(
        violated_field(&register("", "a long password").await),
        "email"
    );
    assert_eq!(
        violated_field(&register("   ", "a long password").await),
        "email"
    );
    assert_eq!(
        violated_field(&register("ana@example.com", "").await),
        "password"
    );

    let verify = |email: &str, code: &str| {
        let mut client = client.clone();
        let request = edge::VerifyEmailRequest {
            email: email.into(),
            code: code.into(),
        };
        async move { client.verify_email(request).await.unwrap_err() }
    };
    assert_eq!(violated_field(&verify("", "123456").await), "email");
    assert_eq!(violated_field(&verify("ana@example.com", "").await), "code");

    let login = |email: &str, password: &str| {
        let mut client = client.clone();
        let request = edge::LoginRequest {
            email: email.into(),
            password: password.into(),
            device: "phone".into(),
        };
        async move { client.login(request).await.unwrap_err() }
    };
    assert_eq!(violated_field(&login("", "a long password").await), "email");
    assert_eq!(
        violated_field(&login("ana@example.com", "").await),
        "password"
    );
    let overlong = format!("{}@example.com", "a".repeat(320));
    assert_eq!(
        violated_field(&login(&overlong, "a long password").await),
        "email"
    );

    let refused = client
        .clone()
        .refresh_token(edge::RefreshTokenRequest {
            refresh_token: String::new(),
        })
        .await
        .unwrap_err();
    assert_eq!(violated_field(&refused), "refresh_token");

    let refused = client
        .clone()
        .list_notifications(bearer(
            edge::ListNotificationsRequest {
                page_size: -1,
                page_token: String::new(),
            },
            &fresh_token(person()),
        ))
        .await
        .unwrap_err();
    assert_eq!(violated_field(&refused), "page_size");

    assert!(users.seen().is_empty(), "{:?}", users.seen());
}
