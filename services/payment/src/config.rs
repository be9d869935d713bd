//! Configuration from the environment, validated once at start.

use std::net::SocketAddr;
use std::time::Duration;

use circle_core::config::{ConfigError, DEV_INTERNAL_TOKEN_SECRET, seconds_or, secret};
use circle_core::db::DbConfig;

/// The port served when `PAYMENT_PORT` is unset.
pub const DEFAULT_PORT: u16 = 50064;

/// The shortest time request ids are remembered: a day, as payment providers promise.
pub const MIN_IDEMPOTENCY_RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

pub struct Config {
    /// `BIND_HOST` (default 127.0.0.1) and `PAYMENT_PORT` (default 50064).
    pub addr: SocketAddr,
    /// `PAYMENT_DATABASE_URL` (required) and `DB_MAX_CONNECTIONS` (default 16).
    pub db: DbConfig,
    /// `INTERNAL_TOKEN_SECRET`: verifies the identity every call carries.
    pub identity_secret: String,
    /// `IDEMPOTENCY_RETENTION_SECS` (default and minimum 86400): how long the outcome of a
    /// request is replayed to repeats of its request id.
    pub idempotency_retention: Duration,
    /// `IDEMPOTENCY_PURGE_INTERVAL_SECS` (default 3600): how often expired outcomes are purged.
    pub idempotency_purge_interval: Duration,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Ok(Config {
            addr: circle_core::server::bind_addr("PAYMENT_PORT", DEFAULT_PORT)?,
            db: DbConfig::from_env("PAYMENT_DATABASE_URL", crate::SCHEMA)?,
            identity_secret: secret("INTERNAL_TOKEN_SECRET", DEV_INTERNAL_TOKEN_SECRET)?,
            idempotency_retention: at_least(
                "IDEMPOTENCY_RETENTION_SECS",
                MIN_IDEMPOTENCY_RETENTION.as_secs(),
                MIN_IDEMPOTENCY_RETENTION,
            )?,
            idempotency_purge_interval: at_least(
                "IDEMPOTENCY_PURGE_INTERVAL_SECS",
                3600,
                Duration::from_secs(1),
            )?,
        })
    }
}

/// A duration in whole seconds, `default_secs` when unset, refused below `min`.
fn at_least(name: &str, default_secs: u64, min: Duration) -> Result<Duration, ConfigError> {
    let value = seconds_or(name, default_secs)?;
    if value < min {
        return Err(ConfigError::Invalid {
            name: name.to_owned(),
            value: value.as_secs().to_string(),
            reason: format!("must be at least {}", min.as_secs()),
        });
    }
    Ok(value)
}
