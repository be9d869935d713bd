//! With OTEL_EXPORTER_OTLP_ENDPOINT set, a service's spans reach an OTLP collector under the
//! service's name. (Its own test binary: it installs the process-wide subscriber.)

use std::sync::{Arc, Mutex};
use std::time::Duration;

use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use opentelemetry_proto::tonic::common::v1::any_value::Value;
use tokio_stream::wrappers::TcpListenerStream;

#[derive(Clone, Default)]
struct Collector {
    received: Arc<Mutex<Vec<ExportTraceServiceRequest>>>,
}

#[tonic::async_trait]
impl TraceService for Collector {
    async fn export(
        &self,
        request: tonic::Request<ExportTraceServiceRequest>,
    ) -> Result<tonic::Response<ExportTraceServiceResponse>, tonic::Status> {
        self.received.lock().unwrap().push(request.into_inner());
        Ok(tonic::Response::new(ExportTraceServiceResponse {
            partial_success: None,
        }))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spans_are_exported_to_the_configured_collector() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let endpoint = format!("http://{}", listener.local_addr().unwrap());
    let collector = Collector::default();
    tokio::spawn(
        tonic::transport::Server::builder()
            .add_service(TraceServiceServer::new(collector.clone()))
            .serve_with_incoming(TcpListenerStream::new(listener)),
    );

    // SAFETY: set before any other thread of this test binary reads the environment.
    unsafe { std::env::set_var("OTEL_EXPORTER_OTLP_ENDPOINT", &endpoint) };
    let guard = circle_core::telemetry::init("otlp-test-service").expect("telemetry");
    tracing::info_span!("exported_work").in_scope(|| tracing::info!("inside"));
    // Dropping the guard flushes the batch of spans; the exporter needs the runtime meanwhile.
    tokio::task::spawn_blocking(move || drop(guard))
        .await
        .unwrap();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let received = collector.received.lock().unwrap().clone();
        let spans: Vec<_> = received
            .iter()
            .flat_map(|request| &request.resource_spans)
            .collect();
        if let Some(resource_spans) = spans.first() {
            let service_name = resource_spans
                .resource
                .as_ref()
                .into_iter()
                .flat_map(|resource| &resource.attributes)
                .find(|attribute| attribute.key == "service.name")
                .and_then(|attribute| attribute.value.as_ref()?.value.clone());
            assert_eq!(
                service_name,
                Some(Value::StringValue("otlp-test-service".into()))
            );
            let names: Vec<&str> = spans
                .iter()
                .flat_map(|r| &r.scope_spans)
                .flat_map(|s| &s.spans)
                .map(|span| span.name.as_str())
                .collect();
            assert!(names.contains(&"exported_work"), "{names:?}");
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no span reached the collector"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
