//! The notification service: every person's inbox, filled from facts other services relay to
//! it, and the channels (in-app, email) that deliver each notification.

mod api;
pub mod config;
mod dispatch;
mod error;
mod facts;
mod inbox;
pub mod mail;
mod model;
mod schema;
mod store;
mod templates;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use circle_core::auth::IdentityKey;
use circle_core::db::PrepareError;
use circle_core::server::GrpcServer;
use circle_proto::common::v1::fact_consumer_service_server::FactConsumerServiceServer;
use circle_proto::notification::v1::notification_service_server::NotificationServiceServer;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub use config::Config;

pub static MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/notification");
pub const SCHEMA: &str = "notifications";

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] PrepareError),
    #[error("cannot bind the server address: {0}")]
    Bind(#[from] std::io::Error),
}

/// A bound, not yet serving, notification service.
pub struct Application {
    server: GrpcServer,
    emails: dispatch::EmailDispatcher,
    mail_retry_interval: Duration,
}

/// Migrates the schema, opens the pool and binds the server with its services, each call
/// admitted only with a verified internal identity.
pub async fn build(config: Config) -> Result<Application, StartError> {
    let pool = circle_core::db::migrate_and_pool(&config.db, &MIGRATIONS).await?;
    let identity = IdentityKey::new(&config.identity_secret);
    let mailer = Arc::new(mail::FileMailer::new(
        config.mail_sink_dir.clone(),
        config.mail_from.clone(),
    ));
    let emails = dispatch::EmailDispatcher::new(pool.clone(), mailer);
    let server = GrpcServer::bind(config.addr)
        .await?
        .add_service(NotificationServiceServer::with_interceptor(
            api::Notifications::new(pool.clone()),
            identity.interceptor(),
        ))
        .add_service(FactConsumerServiceServer::with_interceptor(
            api::FactConsumer::new(pool, emails.clone()),
            identity.interceptor(),
        ));
    tracing::info!(addr = %server.local_addr(), "notification service bound");
    Ok(Application {
        server,
        emails,
        mail_retry_interval: config.mail_retry_interval,
    })
}

impl Application {
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves, and retries pending emails in the background, until `shutdown` resolves; then
    /// drains calls in flight and lets the sweeper finish its pass.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), tonic::transport::Error> {
        let (stop, stopped) = tokio::sync::watch::channel(());
        let sweeper = tokio::spawn(
            self.emails
                .run_sweeper(self.mail_retry_interval, async move {
                    let mut stopped = stopped;
                    // Resolves when told to stop or when the sender is gone (the server returned).
                    let _ = stopped.changed().await;
                }),
        );
        let served = self
            .server
            .serve(async move {
                shutdown.await;
                let _ = stop.send(());
            })
            .await;
        if let Err(err) = sweeper.await {
            tracing::error!(error = %err, "email sweeper panicked");
        }
        served
    }
}
