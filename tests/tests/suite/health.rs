//! Every server answers health (overall and per service) and lists its services by reflection,
//! in both reflection versions; a stopping server reports NOT_SERVING.

use circle_e2e::{SERVICES, Suite};
use tokio_stream::StreamExt;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// The service each server exists for, besides health and reflection.
fn main_service(server: &str) -> &'static str {
    match server {
        "user" => "circle.user.v1.UserService",
        "tribe" => "circle.tribe.v1.TribeService",
        "event" => "circle.event.v1.EventService",
        "payment" => "circle.payment.v1.PaymentService",
        "notification" => "circle.notification.v1.NotificationService",
        "edge" => "circle.edge.v1.AccountService",
        other => panic!("unknown server {other}"),
    }
}

async fn status_of(suite: &Suite, server: &str, service: &str) -> ServingStatus {
    HealthClient::new(suite.channel(server))
        .check(HealthCheckRequest {
            service: service.into(),
        })
        .await
        .unwrap_or_else(|status| panic!("{server} health of {service:?}: {status}"))
        .into_inner()
        .status()
}

async fn listed_v1(suite: &Suite, server: &str) -> Vec<String> {
    use tonic_reflection::pb::v1::ServerReflectionRequest;
    use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = ServerReflectionClient::new(suite.channel(server))
        .server_reflection_info(tokio_stream::once(request))
        .await
        .expect("reflection v1")
        .into_inner();
    match responses.next().await {
        Some(Ok(response)) => match response.message_response {
            Some(MessageResponse::ListServicesResponse(list)) => list
                .service
                .into_iter()
                .map(|service| service.name)
                .collect(),
            other => panic!("{server}: unexpected reflection answer {other:?}"),
        },
        other => panic!("{server}: no reflection answer: {other:?}"),
    }
}

async fn listed_v1alpha(suite: &Suite, server: &str) -> Vec<String> {
    use tonic_reflection::pb::v1alpha::ServerReflectionRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_client::ServerReflectionClient;
    use tonic_reflection::pb::v1alpha::server_reflection_request::MessageRequest;
    use tonic_reflection::pb::v1alpha::server_reflection_response::MessageResponse;

    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = ServerReflectionClient::new(suite.channel(server))
        .server_reflection_info(tokio_stream::once(request))
        .await
        .expect("reflection v1alpha")
        .into_inner();
    match responses.next().await {
        Some(Ok(response)) => match response.message_response {
            Some(MessageResponse::ListServicesResponse(list)) => list
                .service
                .into_iter()
                .map(|service| service.name)
                .collect(),
            other => panic!("{server}: unexpected reflection answer {other:?}"),
        },
        other => panic!("{server}: no reflection answer: {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_server_answers_health_and_reflection() {
    let suite = Suite::start().await;
    for server in SERVICES {
        let service = main_service(server);
        assert_eq!(status_of(&suite, server, "").await, ServingStatus::Serving);
        assert_eq!(
            status_of(&suite, server, service).await,
            ServingStatus::Serving
        );
        for listed in [
            listed_v1(&suite, server).await,
            listed_v1alpha(&suite, server).await,
        ] {
            for expected in [service, "grpc.health.v1.Health"] {
                assert!(
                    listed.iter().any(|name| name == expected),
                    "{server} lists {expected}: {listed:?}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopping_server_reports_not_serving_then_exits() {
    let mut suite = Suite::start().await;
    let mut watch = HealthClient::new(suite.channel("tribe"))
        .watch(HealthCheckRequest {
            service: String::new(),
        })
        .await
        .expect("watch")
        .into_inner();
    let first = watch.next().await.expect("an update").expect("ok");
    assert_eq!(first.status(), ServingStatus::Serving);

    let stopping = tokio::spawn(async move {
        let next = watch.next().await.expect("an update").expect("ok");
        next.status()
    });
    let stopped = tokio::spawn(async move {
        suite.stop("tribe").await;
        suite
    });
    assert_eq!(stopping.await.expect("watcher"), ServingStatus::NotServing);
    // The watcher has dropped its stream, so nothing is in flight and the server exits.
    stopped.await.expect("the tribe server stops");
}
