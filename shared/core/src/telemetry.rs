//! Structured logs, OpenTelemetry traces and W3C trace-context propagation.
//!
//! Every process installs an OpenTelemetry tracer so that spans carry trace ids that propagate
//! across RPCs; spans are exported over OTLP only when `OTEL_EXPORTER_OTLP_ENDPOINT` is set.

use opentelemetry::propagation::{Extractor, Injector};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, Layer};

/// Flushes pending spans when dropped at the end of `main`.
pub struct TelemetryGuard {
    provider: SdkTracerProvider,
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        if let Err(err) = self.provider.shutdown() {
            eprintln!("flushing traces failed: {err}");
        }
    }
}

/// Installs logging and tracing for a service binary. `LOG_FORMAT=pretty` gives human-readable
/// lines; the default is one JSON object per line. `RUST_LOG` filters (default `info`).
pub fn init(service_name: &'static str) -> Result<TelemetryGuard, Box<dyn std::error::Error>> {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    let provider = tracer_provider(service_name)?;
    let otel_layer = tracing_opentelemetry::layer().with_tracer(provider.tracer(service_name));

    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let fmt_layer = match std::env::var("LOG_FORMAT").as_deref() {
        Ok("pretty") => tracing_subscriber::fmt::layer().boxed(),
        _ => tracing_subscriber::fmt::layer()
            .json()
            .with_current_span(true)
            .boxed(),
    };
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt_layer)
        .with(otel_layer)
        .try_init()?;
    Ok(TelemetryGuard { provider })
}

/// Logging for tests: silent unless `TEST_LOG` is set; safe to call many times.
pub fn init_for_tests() {
    opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
    if std::env::var_os("TEST_LOG").is_some() {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(EnvFilter::new("info"))
            .with_test_writer()
            .try_init();
    }
}

fn tracer_provider(
    service_name: &'static str,
) -> Result<SdkTracerProvider, Box<dyn std::error::Error>> {
    let resource = opentelemetry_sdk::Resource::builder()
        .with_service_name(service_name)
        .build();
    let builder = SdkTracerProvider::builder().with_resource(resource);
    let builder = match std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT") {
        Ok(endpoint) if !endpoint.is_empty() => {
            use opentelemetry_otlp::WithExportConfig;
            let exporter = opentelemetry_otlp::SpanExporter::builder()
                .with_tonic()
                .with_endpoint(endpoint)
                .build()?;
            builder.with_batch_exporter(exporter)
        }
        _ => builder,
    };
    Ok(builder.build())
}

/// The span of one incoming call, a child of the caller's span when it sent `traceparent`.
pub fn server_span(request: &http::Request<()>) -> tracing::Span {
    let parent = opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.extract(&HeaderExtractor(request.headers()))
    });
    let span = tracing::info_span!(
        "grpc.server",
        otel.name = %request.uri().path(),
        rpc.method = %request.uri().path(),
    );
    let _ = span.set_parent(parent);
    span
}

/// Writes the current span's trace context into outgoing metadata.
pub fn inject_context(metadata: &mut tonic::metadata::MetadataMap) {
    let context = tracing::Span::current().context();
    opentelemetry::global::get_text_map_propagator(|propagator| {
        propagator.inject_context(&context, &mut MetadataInjector(metadata))
    });
}

struct HeaderExtractor<'a>(&'a http::HeaderMap);

impl Extractor for HeaderExtractor<'_> {
    fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).and_then(|value| value.to_str().ok())
    }

    fn keys(&self) -> Vec<&str> {
        self.0.keys().map(|key| key.as_str()).collect()
    }
}

struct MetadataInjector<'a>(&'a mut tonic::metadata::MetadataMap);

impl Injector for MetadataInjector<'_> {
    fn set(&mut self, key: &str, value: String) {
        let key = tonic::metadata::MetadataKey::from_bytes(key.as_bytes());
        if let (Ok(key), Ok(value)) = (key, value.parse()) {
            self.0.insert(key, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_continues_the_callers_trace_and_passes_it_on() {
        opentelemetry::global::set_text_map_propagator(TraceContextPropagator::new());
        let provider = SdkTracerProvider::builder().build();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("test")));
        tracing::subscriber::with_default(subscriber, || {
            let trace_id = "4bf92f3577b34da6a3ce929d0e0e4736";
            let caller_span_id = "00f067aa0ba902b7";
            let incoming = http::Request::builder()
                .uri("/circle.user.v1.UserService/GetUser")
                .header("traceparent", format!("00-{trace_id}-{caller_span_id}-01"))
                .body(())
                .expect("a request");

            let span = server_span(&incoming);
            let _entered = span.enter();
            let mut outgoing = tonic::metadata::MetadataMap::new();
            inject_context(&mut outgoing);

            let sent = outgoing
                .get("traceparent")
                .expect("trace context is sent on")
                .to_str()
                .expect("ASCII");
            assert!(sent.starts_with(&format!("00-{trace_id}-")), "{sent}");
            assert!(!sent.contains(caller_span_id), "a span of its own: {sent}");
        });
    }
}
