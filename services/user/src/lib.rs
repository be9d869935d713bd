//! The user service: accounts, email verification, login, sessions and rotating refresh
//! tokens, in the `users` schema. Verification codes reach people through facts relayed to
//! the notification service.

mod access;
mod accounts;
mod achievements;
mod admin;
mod api;
mod audit;
mod authentication;
mod blocks;
pub mod config;
mod connections;
mod domain;
mod error;
mod identity_providers;
mod interests;
mod matching;
mod metrics;
mod moderation;
mod personality;
mod privacy;
mod profiles;
mod registration;
pub mod schema;
mod sessions;
mod state;
mod store;
mod tokens;

use std::future::Future;
use std::net::SocketAddr;

use circle_core::auth::IdentityKey;
use circle_core::db::PrepareError;
use circle_core::outbox::Relay;
use circle_core::server::GrpcServer;
use circle_proto::user::v1::achievement_service_server::AchievementServiceServer;
use circle_proto::user::v1::admin_service_server::AdminServiceServer;
use circle_proto::user::v1::block_service_server::BlockServiceServer;
use circle_proto::user::v1::connection_service_server::ConnectionServiceServer;
use circle_proto::user::v1::host_profile_service_server::HostProfileServiceServer;
use circle_proto::user::v1::identity_provider_service_server::IdentityProviderServiceServer;
use circle_proto::user::v1::interest_service_server::InterestServiceServer;
use circle_proto::user::v1::internal_metrics_service_server::InternalMetricsServiceServer;
use circle_proto::user::v1::matching_service_server::MatchingServiceServer;
use circle_proto::user::v1::moderation_service_server::ModerationServiceServer;
use circle_proto::user::v1::personality_service_server::PersonalityServiceServer;
use circle_proto::user::v1::privacy_service_server::PrivacyServiceServer;
use circle_proto::user::v1::profile_service_server::ProfileServiceServer;
use circle_proto::user::v1::report_service_server::ReportServiceServer;
use circle_proto::user::v1::session_service_server::SessionServiceServer;
use circle_proto::user::v1::user_service_server::UserServiceServer;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub use crate::config::Config;
pub use crate::privacy::USER_ERASED;
pub use crate::registration::{MAX_CODE_ATTEMPTS, VERIFICATION_CODE_ISSUED};
pub use crate::state::{NOTIFICATION_CONSUMER, OUTBOX};

pub static MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations/user");
pub const SCHEMA: &str = "users";

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Database(#[from] PrepareError),
    #[error("cannot bind {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("invalid NOTIFICATION_SERVICE_URL {url:?}: {source}")]
    NotificationUrl {
        url: String,
        source: tonic::transport::Error,
    },
}

/// A bound server and its outbox relay, ready to run.
pub struct Application {
    server: GrpcServer,
    relay: Relay,
}

/// Migrates the schema, connects, and binds the server (port 0 picks a free one).
pub async fn build(config: Config) -> Result<Application, StartError> {
    let pool = circle_core::db::migrate_and_pool(&config.db, &MIGRATIONS).await?;
    let identity = IdentityKey::new(&config.identity_secret);

    let notification =
        circle_core::client::channel(&config.notification_url).map_err(|source| {
            StartError::NotificationUrl {
                url: config.notification_url.clone(),
                source,
            }
        })?;
    let relay = Relay::new(
        pool.clone(),
        identity.clone(),
        OUTBOX.producer,
        config.relay.clone(),
    )
    .with_consumer(NOTIFICATION_CONSUMER, notification);

    let state = state::AppState {
        pool,
        tokens: tokens::TokenIssuer::new(
            &config.access_token_secret,
            config.access_token_ttl,
            config.refresh_token_ttl,
        ),
        verification_code_ttl: config.verification_code_ttl,
        outbox_wake: relay.waker(),
        identity_providers: identity_providers::Providers::new(&config.identity_providers),
    };
    let server = GrpcServer::bind(config.addr)
        .await
        .map_err(|source| StartError::Bind {
            addr: config.addr,
            source,
        })?
        .add_service(UserServiceServer::with_interceptor(
            api::UserApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(PersonalityServiceServer::with_interceptor(
            api::personality::PersonalityApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(SessionServiceServer::with_interceptor(
            api::sessions::SessionApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(BlockServiceServer::with_interceptor(
            api::blocks::BlockApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(InterestServiceServer::with_interceptor(
            api::interests::InterestApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(MatchingServiceServer::with_interceptor(
            api::matching::MatchingApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(ProfileServiceServer::with_interceptor(
            api::profiles::ProfileApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(ConnectionServiceServer::with_interceptor(
            api::connections::ConnectionApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(IdentityProviderServiceServer::with_interceptor(
            api::identity_providers::IdentityProviderApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(ReportServiceServer::with_interceptor(
            api::moderation::ModerationApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(ModerationServiceServer::with_interceptor(
            api::moderation::ModerationApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(AchievementServiceServer::with_interceptor(
            api::achievements::AchievementApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(HostProfileServiceServer::with_interceptor(
            api::host_profiles::HostProfileApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(InternalMetricsServiceServer::with_interceptor(
            api::internal_metrics::InternalMetricsApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(PrivacyServiceServer::with_interceptor(
            api::privacy::PrivacyApi::new(state.clone()),
            identity.interceptor(),
        ))
        .add_service(AdminServiceServer::with_interceptor(
            api::admin::AdminApi::new(state),
            identity.interceptor(),
        ));
    tracing::info!(addr = %server.local_addr(), "user service bound");
    Ok(Application { server, relay })
}

impl Application {
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves and relays facts until `shutdown` resolves; then the server drains its calls
    /// and the relay stops after its current pass.
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
