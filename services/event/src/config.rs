//! Configuration from the environment, validated once at start.

use std::net::SocketAddr;

use circle_core::config::{ConfigError, DEV_INTERNAL_TOKEN_SECRET, secret};
use circle_core::db::DbConfig;

/// The port served when `EVENT_PORT` is unset.
pub const DEFAULT_PORT: u16 = 50063;

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
            db: DbConfig::from_env("EVENT_DATABASE_URL", crate::SCHEMA)?,
            identity_secret: secret("INTERNAL_TOKEN_SECRET", DEV_INTERNAL_TOKEN_SECRET)?,
        })
    }
}
