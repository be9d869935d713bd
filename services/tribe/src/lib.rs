//! The tribe service: tribes of 4 to 8 people, their memberships, activity feeds and goals, in
//! the `tribes` schema. Facts of the domain reach the notification service through the outbox.

use std::future::Future;
use std::net::SocketAddr;

use circle_core::auth::IdentityKey;
use circle_core::db::PrepareError;
use circle_core::outbox::Relay;
use circle_core::server::GrpcServer;
use circle_proto::tribe::v1::matchmaking_service_server::MatchmakingServiceServer;
use circle_proto::tribe::v1::tribe_service_server::TribeServiceServer;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub mod config;
mod domain;
mod error;
mod handler;
mod query;
mod schema;

pub use config::Config;
use domain::matchmaking::{CandidateSource, Matchmaker, RunTrigger, Settings};
pub use domain::{NOTIFICATION_CONSUMER, OUTBOX};
pub use handler::explain_search;

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
    #[error("listening for chat messages: {0}")]
    Listen(#[from] tokio_postgres::Error),
}

/// Migrates the schema, connects the pool and binds the server, ready to serve.
pub async fn build(config: Config) -> Result<Application, StartError> {
    let pool = circle_core::db::migrate_and_pool(&config.db, &MIGRATIONS).await?;
    let identity = IdentityKey::new(&config.identity_secret);
    let user_service = circle_core::client::channel(&config.user_url)?;
    let blocks = domain::Blocks::new(user_service.clone(), identity.clone());
    let profiles = domain::Profiles::new(user_service.clone(), identity.clone());
    let matchmaker = Matchmaker::new(
        pool.clone(),
        CandidateSource::new(user_service, identity.clone()),
        Settings {
            time_limit: config.matchmaking.time_limit,
            decline_memory: config.matchmaking.decline_memory,
            reliability_weight: config.matchmaking.reliability_weight,
            connect_again_weight: config.matchmaking.connect_again_weight,
        },
    );
    let relay = Relay::new(
        pool.clone(),
        identity.clone(),
        SERVICE,
        config.relay.clone(),
    )
    .with_consumer(
        NOTIFICATION_CONSUMER,
        circle_core::client::channel(&config.notification_url)?,
    );
    let lifecycle = LifecycleJob {
        pool: pool.clone(),
        config: config.lifecycle,
    };
    let schedule = config.matchmaking.interval.map(|interval| MatchmakingJob {
        matchmaker: matchmaker.clone(),
        interval,
    });
    let hub = domain::Hub::new(pool.clone());
    let listener = domain::listen(config.db.url.clone(), hub.clone()).await?;
    let server = GrpcServer::bind(config.addr)
        .await?
        .add_service(TribeServiceServer::with_interceptor(
            handler::TribeHandler::new(pool.clone(), blocks.clone(), profiles, hub, relay.waker()),
            identity.interceptor(),
        ))
        .add_service(MatchmakingServiceServer::with_interceptor(
            handler::MatchmakingHandler::new(pool, blocks, matchmaker, relay.waker()),
            identity.interceptor(),
        ));
    Ok(Application {
        server,
        relay,
        listener,
        lifecycle,
        schedule,
    })
}

/// A bound server and its outbox relay, serving once [`Application::run_until_stopped`] runs.
pub struct Application {
    server: GrpcServer,
    relay: Relay,
    /// Hands new chat messages to this instance's followers.
    listener: tokio::task::JoinHandle<()>,
    lifecycle: LifecycleJob,
    /// Scheduled matchmaking, when an interval is configured.
    schedule: Option<MatchmakingJob>,
}

/// Starts a matchmaking run every interval (the first one interval after start); a run still
/// going on any instance makes it skip its turn.
struct MatchmakingJob {
    matchmaker: Matchmaker,
    interval: std::time::Duration,
}

impl MatchmakingJob {
    async fn run(self, wake_relay: std::sync::Arc<tokio::sync::Notify>) {
        let start = tokio::time::Instant::now() + self.interval;
        let mut ticks = tokio::time::interval_at(start, self.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match self.matchmaker.run(RunTrigger::Schedule, None).await {
                Ok(run) => {
                    tracing::info!(run_id = %run.id, placed = run.placed_count, groups = run.group_count, "scheduled matchmaking run finished");
                    wake_relay.notify_one();
                }
                Err(err) => tracing::warn!(error = %err, "scheduled matchmaking run did not run"),
            }
        }
    }
}

/// Marks quiet tribes AT_RISK and INACTIVE, every interval.
struct LifecycleJob {
    pool: circle_core::db::DbPool,
    config: config::Lifecycle,
}

impl LifecycleJob {
    async fn run(self, wake_relay: std::sync::Arc<tokio::sync::Notify>) {
        let quiet = domain::Quiet {
            at_risk_after: self.config.at_risk_after,
            inactive_after: self.config.inactive_after,
        };
        let mut ticks = tokio::time::interval(self.config.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            let swept = match self.pool.get().await {
                Ok(mut conn) => domain::sweep(&mut conn, quiet).await,
                Err(err) => Err(err.into()),
            };
            match swept {
                Ok(swept) if swept.at_risk + swept.inactive > 0 => {
                    tracing::info!(?swept, "quiet tribes marked");
                    wake_relay.notify_one();
                }
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "lifecycle pass failed"),
            }
        }
    }
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
        let lifecycle = tokio::spawn(self.lifecycle.run(self.relay.waker()));
        let schedule = self
            .schedule
            .map(|job| tokio::spawn(job.run(self.relay.waker())));
        let relay = tokio::spawn(self.relay.run(async move {
            let _ = relay_stopped.await;
        }));
        let served = self.server.serve(shutdown).await;
        lifecycle.abort();
        if let Some(schedule) = schedule {
            schedule.abort();
        }
        self.listener.abort();
        let _ = stop_relay.send(());
        if let Err(err) = relay.await {
            tracing::error!(error = %err, "outbox relay task failed");
        }
        served
    }
}
