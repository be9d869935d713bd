//! The edge: the suite's only public entry. It authenticates people by their access tokens,
//! limits login attempts, checks requests cheaply, and translates circle.edge.v1 calls into
//! internal RPCs that carry a verified identity. It owns no data.

mod api;
mod authentication;
pub mod config;
pub mod error;
mod rate_limit;
mod translate;
mod upstream;
mod validate;
mod wire_copy;

use std::future::Future;
use std::net::SocketAddr;

use circle_core::auth::{AccessTokenKey, IdentityKey};
use circle_core::server::GrpcServer;
use circle_proto::edge::v1::account_service_server::AccountServiceServer;
use circle_proto::edge::v1::achievement_service_server::AchievementServiceServer;
use circle_proto::edge::v1::block_service_server::BlockServiceServer;
use circle_proto::edge::v1::connection_service_server::ConnectionServiceServer;
use circle_proto::edge::v1::diagnostics_service_server::DiagnosticsServiceServer;
use circle_proto::edge::v1::host_profile_service_server::HostProfileServiceServer;
use circle_proto::edge::v1::identity_provider_service_server::IdentityProviderServiceServer;
use circle_proto::edge::v1::interest_service_server::InterestServiceServer;
use circle_proto::edge::v1::matchmaking_service_server::MatchmakingServiceServer;
use circle_proto::edge::v1::moderation_service_server::ModerationServiceServer;
use circle_proto::edge::v1::personality_service_server::PersonalityServiceServer;
use circle_proto::edge::v1::privacy_service_server::PrivacyServiceServer;
use circle_proto::edge::v1::profile_service_server::ProfileServiceServer;
use circle_proto::edge::v1::report_service_server::ReportServiceServer;
use circle_proto::edge::v1::session_service_server::SessionServiceServer;
use circle_proto::edge::v1::tribe_service_server::TribeServiceServer;

pub use crate::config::{Config, LoginRateLimits};
use crate::rate_limit::LoginLimiter;
use crate::upstream::Upstream;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("binding the listening address: {0}")]
    Bind(#[from] std::io::Error),
    #[error("preparing the channels to internal services: {0}")]
    Channel(#[from] tonic::transport::Error),
}

/// Binds the address and prepares the service; calls are served by [`Application::run_until_stopped`].
pub async fn build(config: Config) -> Result<Application, StartError> {
    let Config {
        addr,
        user_url,
        tribe_url,
        notification_url,
        identity_secret,
        access_token_secret,
        login_rate,
    } = config;
    let upstream = Upstream::new(
        IdentityKey::new(&identity_secret),
        &user_url,
        &tribe_url,
        &notification_url,
    )?;
    let limiter = LoginLimiter::new(login_rate);
    let context = api::Context::new(AccessTokenKey::new(&access_token_secret), upstream);
    // Public: callers are people with access tokens, not services with identities.
    let server = GrpcServer::bind(addr)
        .await?
        .add_service(AccountServiceServer::new(api::accounts::AccountApi::new(
            context.clone(),
            limiter.clone(),
        )))
        .add_service(PersonalityServiceServer::new(
            api::personality::PersonalityApi::new(context.clone()),
        ))
        .add_service(SessionServiceServer::new(api::sessions::SessionApi::new(
            context.clone(),
        )))
        .add_service(BlockServiceServer::new(api::blocks::BlockApi::new(
            context.clone(),
        )))
        .add_service(InterestServiceServer::new(
            api::interests::InterestApi::new(context.clone()),
        ))
        .add_service(ProfileServiceServer::new(api::profiles::ProfileApi::new(
            context.clone(),
        )))
        .add_service(DiagnosticsServiceServer::new(
            api::diagnostics::DiagnosticsApi,
        ))
        .add_service(ConnectionServiceServer::new(
            api::connections::ConnectionApi::new(context.clone()),
        ))
        .add_service(IdentityProviderServiceServer::new(
            api::identity_providers::IdentityProviderApi::new(context.clone()),
        ))
        .add_service(TribeServiceServer::new(api::tribes::TribeApi::new(
            context.clone(),
        )))
        .add_service(MatchmakingServiceServer::new(
            api::matchmaking::MatchmakingApi::new(context.clone()),
        ))
        .add_service(ReportServiceServer::new(api::reports::ReportApi::new(
            context.clone(),
        )))
        .add_service(ModerationServiceServer::new(
            api::moderation::ModerationApi::new(context.clone()),
        ))
        .add_service(AchievementServiceServer::new(
            api::achievements::AchievementApi::new(context.clone()),
        ))
        .add_service(HostProfileServiceServer::new(
            api::host_profiles::HostProfileApi::new(context.clone()),
        ))
        .add_service(PrivacyServiceServer::new(api::privacy::PrivacyApi::new(
            context.clone(),
        )));
    tracing::info!(addr = %server.local_addr(), "edge bound");
    Ok(Application { server, limiter })
}

pub struct Application {
    server: GrpcServer,
    limiter: LoginLimiter,
}

impl Application {
    pub fn local_addr(&self) -> SocketAddr {
        self.server.local_addr()
    }

    /// Serves until `shutdown` resolves and the calls in flight have finished.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> Result<(), tonic::transport::Error> {
        let sweeper = tokio::spawn(self.limiter.sweep_periodically());
        let served = self.server.serve(shutdown).await;
        sweeper.abort();
        served
    }
}
