//! The payment service: customers (payments, splits and subscriptions to come), in the
//! `payments` schema. Every create is idempotent by the caller's request id.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use circle_core::auth::IdentityKey;
use circle_core::db::{DbPool, PrepareError};
use circle_core::server::GrpcServer;
use circle_proto::payment::v1::payment_service_server::PaymentServiceServer;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub mod config;
mod domain;
mod error;
mod handler;
mod idempotency;
mod query;
mod schema;

pub use config::Config;

pub static MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/payment");

/// The Postgres schema this service owns.
pub const SCHEMA: &str = "payments";

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] PrepareError),
    #[error("binding the server address: {0}")]
    Bind(#[from] std::io::Error),
}

/// Migrates the schema, connects the pool and binds the server, ready to serve.
pub async fn build(config: Config) -> Result<Application, StartError> {
    let pool = circle_core::db::migrate_and_pool(&config.db, &MIGRATIONS).await?;
    let identity = IdentityKey::new(&config.identity_secret);
    let server =
        GrpcServer::bind(config.addr)
            .await?
            .add_service(PaymentServiceServer::with_interceptor(
                handler::PaymentHandler::new(pool.clone()),
                identity.interceptor(),
            ));
    Ok(Application {
        server,
        pool,
        idempotency_retention: config.idempotency_retention,
        idempotency_purge_interval: config.idempotency_purge_interval,
    })
}

/// A bound server, serving once [`Application::run_until_stopped`] runs.
pub struct Application {
    server: GrpcServer,
    pool: DbPool,
    idempotency_retention: Duration,
    idempotency_purge_interval: Duration,
}

impl Application {
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves, and purges expired idempotency records in the background, until `shutdown`
    /// resolves; then drains the calls in flight and stops the purge.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), tonic::transport::Error> {
        let (stop, mut stopped) = tokio::sync::watch::channel(());
        let purge = tokio::spawn(idempotency::purge_expired(
            self.pool,
            self.idempotency_retention,
            self.idempotency_purge_interval,
            async move {
                // Told to stop, or the sender is gone because the server returned.
                let _ = stopped.changed().await;
            },
        ));
        let served = self
            .server
            .serve(async move {
                shutdown.await;
                let _ = stop.send(());
            })
            .await;
        if let Err(err) = purge.await {
            tracing::error!(error = %err, "the idempotency purge panicked");
        }
        served
    }
}
