//! A gRPC server with health, reflection, trace propagation and graceful shutdown: the frame
//! every service's `build` fills with its own services.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::body::Body;
use tonic::server::NamedService;
use tonic::service::Routes;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;
use tower::Service;

/// How long a stopping server waits for calls in flight before it exits anyway.
pub const DRAIN_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(20);

pub struct GrpcServer {
    listener: TcpListener,
    routes: Routes,
    health: HealthReporter,
    service_names: Vec<&'static str>,
}

impl GrpcServer {
    /// Binds `addr` (port 0 picks a free port) and prepares health and reflection.
    pub async fn bind(addr: SocketAddr) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let (health, health_service) = tonic_health::server::health_reporter();
        let routes = Routes::new(health_service);
        Ok(Self {
            listener,
            routes,
            health,
            service_names: Vec::new(),
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    /// Adds a service; its health is reported under its full name.
    pub fn add_service<S>(mut self, service: S) -> Self
    where
        S: Service<http::Request<Body>, Error = Infallible>
            + NamedService
            + Clone
            + Send
            + Sync
            + 'static,
        S::Response: axum::response::IntoResponse,
        S::Future: Send + 'static,
    {
        self.routes = self.routes.add_service(service);
        self.service_names.push(S::NAME);
        self
    }

    /// Serves until `shutdown` resolves; then health turns NOT_SERVING, no new calls are
    /// accepted, calls in flight finish, and this returns.
    pub async fn serve(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), tonic::transport::Error> {
        let routes = self
            .routes
            .add_service(
                reflection(&self.service_names)
                    .build_v1()
                    .expect(DESCRIPTORS_VALID),
            )
            .add_service(
                reflection(&self.service_names)
                    .build_v1alpha()
                    .expect(DESCRIPTORS_VALID),
            );
        let names: Vec<&'static str> = std::iter::once("")
            .chain(self.service_names.iter().copied())
            .collect();
        for name in &names {
            self.health
                .set_service_status(*name, ServingStatus::Serving)
                .await;
        }
        let health = self.health;
        let (draining_tx, draining_rx) = tokio::sync::oneshot::channel();
        let on_shutdown = async move {
            shutdown.await;
            tracing::info!("shutting down: health NOT_SERVING, draining calls in flight");
            for name in &names {
                health
                    .set_service_status(*name, ServingStatus::NotServing)
                    .await;
            }
            let _ = draining_tx.send(());
        };
        let serve = tonic::transport::Server::builder()
            .trace_fn(crate::telemetry::server_span)
            .add_routes(routes)
            .serve_with_incoming_shutdown(TcpListenerStream::new(self.listener), on_shutdown);
        // Streams that never end on their own (a health Watch, say) must not hold the process.
        let drain_deadline = async {
            match draining_rx.await {
                Ok(()) => tokio::time::sleep(DRAIN_TIMEOUT).await,
                Err(_) => std::future::pending().await,
            }
        };
        tokio::select! {
            served = serve => served,
            () = drain_deadline => {
                tracing::warn!(timeout = ?DRAIN_TIMEOUT, "calls still in flight after the drain timeout; stopping");
                Ok(())
            }
        }
    }
}

const DESCRIPTORS_VALID: &str = "the generated descriptor sets are valid";

/// Reflection over every contract, listing only the services this server serves. The
/// `google.rpc` error details are described too, so grpcurl can print them.
fn reflection(service_names: &[&'static str]) -> tonic_reflection::server::Builder<'static> {
    let builder = tonic_reflection::server::Builder::configure()
        .register_encoded_file_descriptor_set(circle_proto::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
        .register_encoded_file_descriptor_set(tonic_types::pb::FILE_DESCRIPTOR_SET)
        .with_service_name("grpc.health.v1.Health");
    service_names
        .iter()
        .fold(builder, |builder, name| builder.with_service_name(*name))
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// The address to bind from `BIND_HOST` and the service's port variable.
pub fn bind_addr(
    port_var: &str,
    default_port: u16,
) -> Result<SocketAddr, crate::config::ConfigError> {
    let host: std::net::IpAddr =
        crate::config::var_or("BIND_HOST", std::net::IpAddr::from([127, 0, 0, 1]))?;
    let port: u16 = crate::config::var_or(port_var, default_port)?;
    Ok(SocketAddr::new(host, port))
}
