//! The tribe service: tribes of 4 to 8 people, their memberships, activity feeds and goals, in
//! the `tribes` schema. Facts of the domain reach the notification service through the outbox.

use std::future::Future;
use std::net::SocketAddr;

use circle_core::auth::IdentityKey;
use circle_core::db::PrepareError;
use circle_core::outbox::Relay;
use circle_core::server::GrpcServer;
use circle_proto::tribe::v1::tribe_service_server::TribeServiceServer;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub mod config;
mod domain;
mod error;
mod handler;
mod query;
mod schema;

pub use config::Config;
pub use domain::{NOTIFICATION_CONSUMER, OUTBOX};

pub static MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/tribe");

/// The Postgres schema this service owns.
pub const SCHEMA: &str = "tribes";

/// The name this service goes by when it calls others.
pub const SERVICE: &str = "tribe";

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] PrepareError),
    #[error("binding the server address: {0}")]
    Bind(#[from] std::io::Error),
    #[error("invalid service URL: {0}")]
    ServiceUrl(#[from] tonic::transport::Error),
}

/// Migrates the schema, connects the pool and binds the server, ready to serve.
pub async fn build(config: Config) -> Result<Application, StartError> {
    let pool = circle_core::db::migrate_and_pool(&config.db, &MIGRATIONS).await?;
    let identity = IdentityKey::new(&config.identity_secret);
    let blocks = domain::Blocks::new(
        circle_core::client::channel(&config.user_url)?,
        identity.clone(),
    );
    let relay = Relay::new(pool.clone(), identity.clone(), SERVICE, config.relay.clone())
        .with_consumer(
            NOTIFICATION_CONSUMER,
            circle_core::client::channel(&config.notification_url)?,
        );
    let server =
        GrpcServer::bind(config.addr)
            .await?
            .add_service(TribeServiceServer::with_interceptor(
                handler::TribeHandler::new(pool, blocks, relay.waker()),
                identity.interceptor(),
            ));
    Ok(Application { server, relay })
}

/// A bound server and its outbox relay, serving once [`Application::run_until_stopped`] runs.
pub struct Application {
    server: GrpcServer,
    relay: Relay,
}

impl Application {
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves and relays facts until `shutdown` resolves, then drains the calls in flight and
    /// stops the relay after its current pass.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), tonic::transport::Error> {
        let (stop_relay, relay_stopped) = tokio::sync::oneshot::channel::<()>();
        let relay = tokio::spawn(self.relay.run(async move {
            let _ = relay_stopped.await;
        }));
        let served = self.server.serve(shutdown).await;
        let _ = stop_relay.send(());
        if let Err(err) = relay.await {
            tracing::error!(error = %err, "outbox relay task failed");
        }
        served
    }
}
