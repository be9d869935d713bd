//! Configuration from the environment, validated once at start.

use std::net::SocketAddr;
use std::time::Duration;

use circle_core::config::{ConfigError, DEV_INTERNAL_TOKEN_SECRET, seconds_or, secret, var_or};
use circle_core::db::DbConfig;
use circle_core::outbox::RelayConfig;

/// The port served when `TRIBE_PORT` is unset.
pub const DEFAULT_PORT: u16 = 50062;
const DEFAULT_USER_URL: &str = "http://127.0.0.1:50061";
const DEFAULT_NOTIFICATION_URL: &str = "http://127.0.0.1:50065";

#[derive(Clone, Debug)]
pub struct Config {
    /// `BIND_HOST` (default 127.0.0.1) and `TRIBE_PORT` (default 50062).
    pub addr: SocketAddr,
    /// `TRIBE_DATABASE_URL` (required) and `DB_MAX_CONNECTIONS` (default 16).
    pub db: DbConfig,
    /// `INTERNAL_TOKEN_SECRET`: verifies the identity every call carries.
    pub identity_secret: String,
    /// `USER_SERVICE_URL`: asked whether people blocked each other.
    pub user_url: String,
    /// `NOTIFICATION_SERVICE_URL`: where the outbox relay delivers facts.
    pub notification_url: String,
    /// `OUTBOX_POLL_MS` (default 500) and `OUTBOX_MAX_BACKOFF_MS` (default 30000).
    pub relay: RelayConfig,
    /// `TRIBE_LIFECYCLE_INTERVAL_SECS` (default 300), `TRIBE_AT_RISK_AFTER_SECS` (default 7
    /// days) and `TRIBE_INACTIVE_AFTER_SECS` (default 30 days, more than the first).
    pub lifecycle: Lifecycle,
    /// `TRIBE_MATCHMAKING_INTERVAL_SECS` (unset: no scheduled runs),
    /// `TRIBE_MATCHMAKING_TIME_LIMIT_SECS` (default 10),
    /// `TRIBE_MATCHMAKING_DECLINE_MEMORY_DAYS` (default 90),
    /// `TRIBE_MATCHMAKING_RELIABILITY_WEIGHT` (default 0) and
    /// `TRIBE_MATCHMAKING_CONNECT_AGAIN_WEIGHT` (default 0).
    pub matchmaking: Matchmaking,
}

/// When matchmaking runs by itself, the engine's budget per run, how long a decline keeps
/// the decliner apart from the others invited with them, and how much the engine weighs
/// grouping people of alike reliability and people who both want to meet again (0..=1; 0 is
/// the default score alone).
#[derive(Clone, Copy, Debug)]
pub struct Matchmaking {
    pub interval: Option<Duration>,
    pub time_limit: Duration,
    pub decline_memory: Duration,
    pub reliability_weight: f64,
    pub connect_again_weight: f64,
}

/// How often the lifecycle job looks for quiet tribes, and when they are quiet.
#[derive(Clone, Copy, Debug)]
pub struct Lifecycle {
    pub interval: Duration,
    pub at_risk_after: Duration,
    pub inactive_after: Duration,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Ok(Config {
            addr: circle_core::server::bind_addr("TRIBE_PORT", DEFAULT_PORT)?,
            db: DbConfig::from_env("TRIBE_DATABASE_URL", crate::SCHEMA)?,
            identity_secret: secret("INTERNAL_TOKEN_SECRET", DEV_INTERNAL_TOKEN_SECRET)?,
            user_url: var_or("USER_SERVICE_URL", DEFAULT_USER_URL.to_owned())?,
            notification_url: var_or(
                "NOTIFICATION_SERVICE_URL",
                DEFAULT_NOTIFICATION_URL.to_owned(),
            )?,
            relay: RelayConfig {
                poll_interval: Duration::from_millis(var_or("OUTBOX_POLL_MS", 500)?),
                max_backoff: Duration::from_millis(var_or("OUTBOX_MAX_BACKOFF_MS", 30_000)?),
                ..RelayConfig::default()
            },
            lifecycle: lifecycle_from_env()?,
            matchmaking: matchmaking_from_env()?,
        })
    }
}

fn matchmaking_from_env() -> Result<Matchmaking, ConfigError> {
    const INTERVAL: &str = "TRIBE_MATCHMAKING_INTERVAL_SECS";
    const TIME_LIMIT: &str = "TRIBE_MATCHMAKING_TIME_LIMIT_SECS";
    let interval = match var_or(INTERVAL, 0u64)? {
        0 if std::env::var_os(INTERVAL).is_some_and(|v| !v.is_empty()) => {
            return Err(ConfigError::Invalid {
                name: INTERVAL.to_owned(),
                value: "0".to_owned(),
                reason: "must be at least 1, or unset for no scheduled runs".to_owned(),
            });
        }
        0 => None,
        secs => Some(Duration::from_secs(secs)),
    };
    let time_limit = seconds_or(TIME_LIMIT, 10)?;
    if time_limit.is_zero() {
        return Err(ConfigError::Invalid {
            name: TIME_LIMIT.to_owned(),
            value: "0".to_owned(),
            reason: "must be at least 1".to_owned(),
        });
    }
    let decline_days: u64 = var_or("TRIBE_MATCHMAKING_DECLINE_MEMORY_DAYS", 90)?;
    let decline_memory = Duration::from_secs(decline_days.saturating_mul(24 * 3600));
    Ok(Matchmaking {
        interval,
        time_limit,
        decline_memory,
        reliability_weight: weight("TRIBE_MATCHMAKING_RELIABILITY_WEIGHT")?,
        connect_again_weight: weight("TRIBE_MATCHMAKING_CONNECT_AGAIN_WEIGHT")?,
    })
}

/// A share of the pair score given to a signal: 0..=1, 0 when unset.
fn weight(name: &str) -> Result<f64, ConfigError> {
    let weight: f64 = var_or(name, 0.0)?;
    if !(0.0..=1.0).contains(&weight) {
        return Err(ConfigError::Invalid {
            name: name.to_owned(),
            value: weight.to_string(),
            reason: "must be between 0 and 1".to_owned(),
        });
    }
    Ok(weight)
}

fn lifecycle_from_env() -> Result<Lifecycle, ConfigError> {
    let lifecycle = Lifecycle {
        interval: seconds_or("TRIBE_LIFECYCLE_INTERVAL_SECS", 300)?,
        at_risk_after: seconds_or("TRIBE_AT_RISK_AFTER_SECS", 7 * 24 * 3600)?,
        inactive_after: seconds_or("TRIBE_INACTIVE_AFTER_SECS", 30 * 24 * 3600)?,
    };
    if lifecycle.inactive_after <= lifecycle.at_risk_after {
        return Err(ConfigError::Invalid {
            name: "TRIBE_INACTIVE_AFTER_SECS".to_owned(),
            value: lifecycle.inactive_after.as_secs().to_string(),
            reason: "must be more than TRIBE_AT_RISK_AFTER_SECS".to_owned(),
        });
    }
    if lifecycle.interval.is_zero() {
        return Err(ConfigError::Invalid {
            name: "TRIBE_LIFECYCLE_INTERVAL_SECS".to_owned(),
            value: "0".to_owned(),
            reason: "must be at least 1".to_owned(),
        });
    }
    Ok(lifecycle)
}
