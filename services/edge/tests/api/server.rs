use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

use crate::helpers::edge_alone;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_service_reports_serving_and_stops_on_request() {
    let edge = edge_alone().await;
    let channel = tonic::transport::Endpoint::from_shared(format!("http://{}", edge.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut health = HealthClient::new(channel);
    for service in ["", "circle.edge.v1.AccountService"] {
        let status = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .unwrap()
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "{service:?}");
    }
    edge.stop().await.expect("the edge stops cleanly");
}
