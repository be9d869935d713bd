//! The tribe service: tribes of 4 to 8 people and their memberships, in the `tribes` schema.

use std::future::Future;
use std::net::SocketAddr;

use circle_core::auth::IdentityKey;
use circle_core::db::PrepareError;
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

pub static MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/tribe");

/// The Postgres schema this service owns.
pub const SCHEMA: &str = "tribes";

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
            .add_service(TribeServiceServer::with_interceptor(
                handler::TribeHandler::new(pool),
                identity.interceptor(),
            ));
    Ok(Application { server })
}

/// A bound server, serving once [`Application::run_until_stopped`] runs.
pub struct Application {
    server: GrpcServer,
}

impl Application {
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves until `shutdown` resolves, then drains the calls in flight.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), tonic::transport::Error> {
        self.server.serve(shutdown).await
    }
}
