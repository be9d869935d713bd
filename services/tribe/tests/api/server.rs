use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::helpers::{TestApp, channel};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_reports_the_server_and_the_tribe_service_serving() {
    let app = TestApp::spawn().await;
    let mut health = HealthClient::new(channel(app.addr));
    for service in ["", "circle.tribe.v1.TribeService"] {
        let response = health
            .check(HealthCheckRequest {
                service: service.to_owned(),
            })
            .await
            .unwrap_or_else(|status| panic!("health of {service:?}: {status:?}"))
            .into_inner();
        assert_eq!(response.status(), ServingStatus::Serving, "{service:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stops_when_shutdown_is_signalled() {
    let app = TestApp::spawn().await;
    let addr = app.addr;
    app.stop().await.expect("a clean stop");
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
