//! Configuration from the environment, validated once at start.

use std::net::SocketAddr;

use circle_core::config::{ConfigError, required, secret, var_or};
use circle_core::db::DbConfig;

/// The port served when `EVENT_PORT` is unset.
pub const DEFAULT_PORT: u16 = 50063;

/// The identity secret of local development; every service of the suite has the same one.
pub const DEV_IDENTITY_SECRET: &str = "circle-development-internal-token-secret-change-me";

pub struct Config {
    /// `BIND_HOST` (default 127.0.0.1) and `EVENT_PORT` (default 50063).
    pub addr: SocketAddr,
    /// `EVENT_DATABASE_URL` (required) and `DB_MAX_CONNECTIONS` (default 16).
    pub db: DbConfig,
    /// `INTERNAL_TOKEN_SECRET`: verifies the identity every call carries.
    pub identity_secret: String,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Ok(Config {
            addr: circle_core::server::bind_addr("EVENT_PORT", DEFAULT_PORT)?,
            db: DbConfig {
                url: required("EVENT_DATABASE_URL")?,
                schema: crate::SCHEMA,
                max_connections: max_connections()?,
            },
            identity_secret: secret("INTERNAL_TOKEN_SECRET", DEV_IDENTITY_SECRET)?,
        })
    }
}

fn max_connections() -> Result<usize, ConfigError> {
    match var_or("DB_MAX_CONNECTIONS", 16)? {
        0 => Err(ConfigError::Invalid {
            name: "DB_MAX_CONNECTIONS".to_owned(),
            value: "0".to_owned(),
            reason: "must be at least 1".to_owned(),
        }),
        n => Ok(n),
    }
}
