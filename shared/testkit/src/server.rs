//! The service under test, served on a task of its own, and channels to it.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// The signal a served application's `run_until_stopped` waits for.
pub type Shutdown = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A server running on a task of its own until [`RunningServer::stop`]; dropping it starts
/// shutdown too.
pub struct RunningServer<E> {
    shutdown: oneshot::Sender<()>,
    task: JoinHandle<Result<(), E>>,
}

impl<E: Send + 'static> RunningServer<E> {
    /// Spawns `run_until_stopped` with the signal that [`RunningServer::stop`] (or dropping the
    /// returned value) gives, e.g. `RunningServer::spawn(|shutdown| app.run_until_stopped(shutdown))`.
    pub fn spawn<F>(run_until_stopped: impl FnOnce(Shutdown) -> F) -> Self
    where
        F: Future<Output = Result<(), E>> + Send + 'static,
    {
        let (shutdown, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(run_until_stopped(Box::pin(async move {
            // Told to stop, or the sender is gone with the dropped server.
            let _ = stopped.await;
        })));
        RunningServer { shutdown, task }
    }

    /// Starts shutdown and waits until the server has stopped.
    pub async fn stop(self) -> Result<(), E> {
        let _ = self.shutdown.send(());
        self.task.await.expect("the server task does not panic")
    }
}

/// A channel to `addr` that connects on first use.
pub fn channel(addr: SocketAddr) -> Channel {
    Endpoint::from_shared(format!("http://{addr}"))
        .expect("a valid URL")
        .connect_lazy()
}

/// Asserts that the health service at `addr` reports the server as a whole ("") and `service`
/// (its full name, e.g. "circle.tribe.v1.TribeService") SERVING.
pub async fn assert_serving(addr: SocketAddr, service: &str) {
    let mut health = HealthClient::new(channel(addr));
    for service in ["", service] {
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
