use circle_proto::edge::v1 as edge;
use tonic::Code;

use crate::helpers::{bearer, edge_alone, fresh_token, person};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_inside_is_unavailable_without_its_address() {
    let mut edge = edge_alone().await;
    let token = fresh_token(person());

    let statuses = [
        edge.client
            .register(edge::RegisterRequest {
                email: "ana@example.com".into(),
                password: "a long password".into(),
            })
            .await
            .unwrap_err(),
        edge.client
            .login(edge::LoginRequest {
                email: "ana@example.com".into(),
                password: "a long password".into(),
                device: String::new(),
            })
            .await
            .unwrap_err(),
        edge.client
            .get_account(bearer(edge::GetAccountRequest {}, &token))
            .await
            .unwrap_err(),
        edge.client
            .list_notifications(bearer(
                edge::ListNotificationsRequest {
                    page_size: 0,
                    page_token: String::new(),
                },
                &token,
            ))
            .await
            .unwrap_err(),
    ];
    for status in statuses {
        assert_eq!(status.code(), Code::Unavailable, "{status:?}");
        assert!(!status.message().contains("127.0.0.1"), "{status:?}");
    }
}
