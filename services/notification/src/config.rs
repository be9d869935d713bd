//! The notification service's configuration, read once from the environment.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use circle_core::config::{ConfigError, DEV_INTERNAL_TOKEN_SECRET, required, secret, var_or};
use circle_core::db::DbConfig;

pub const DEFAULT_PORT: u16 = 50065;
pub const DEFAULT_MAIL_FROM: &str = "Circle <no-reply@circle.local>";
pub const DEFAULT_MAIL_SINK_DIR: &str = ".local/mail";
const DEFAULT_MAIL_RETRY_INTERVAL_MS: u64 = 5_000;

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub db: DbConfig,
    pub identity_secret: String,
    /// The From header of every email.
    pub mail_from: String,
    /// Where the file mail channel writes one `<delivery id>.eml` per email; created if missing.
    pub mail_sink_dir: PathBuf,
    /// How often pending email deliveries are retried.
    pub mail_retry_interval: Duration,
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Ok(Config {
            addr: circle_core::server::bind_addr("NOTIFICATION_PORT", DEFAULT_PORT)?,
            db: DbConfig {
                url: required("NOTIFICATION_DATABASE_URL")?,
                schema: crate::SCHEMA,
                max_connections: var_or("DB_MAX_CONNECTIONS", DbConfig::DEFAULT_MAX_CONNECTIONS)?,
            },
            identity_secret: secret("INTERNAL_TOKEN_SECRET", DEV_INTERNAL_TOKEN_SECRET)?,
            mail_from: mail_from(var_or("MAIL_FROM", DEFAULT_MAIL_FROM.to_owned())?)?,
            mail_sink_dir: var_or("MAIL_SINK_DIR", PathBuf::from(DEFAULT_MAIL_SINK_DIR))?,
            mail_retry_interval: retry_interval(var_or(
                "MAIL_RETRY_INTERVAL_MS",
                DEFAULT_MAIL_RETRY_INTERVAL_MS,
            )?)?,
        })
    }
}

/// The From header goes into every message as is, so it must be one line naming an address.
fn mail_from(value: String) -> Result<String, ConfigError> {
    if value.contains('@') && !value.chars().any(char::is_control) {
        return Ok(value);
    }
    Err(ConfigError::Invalid {
        name: "MAIL_FROM".to_owned(),
        value,
        reason: "must be one line with an email address, e.g. \"Circle <no-reply@circle.local>\""
            .to_owned(),
    })
}

fn retry_interval(millis: u64) -> Result<Duration, ConfigError> {
    if millis == 0 {
        return Err(ConfigError::Invalid {
            name: "MAIL_RETRY_INTERVAL_MS".to_owned(),
            value: millis.to_string(),
            reason: "must be at least 1".to_owned(),
        });
    }
    Ok(Duration::from_millis(millis))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_from_must_be_one_line_with_an_address() {
        assert!(mail_from(DEFAULT_MAIL_FROM.to_owned()).is_ok());
        for bad in ["Circle", "a@b\r\nBcc: x@y"] {
            let err = mail_from(bad.to_owned()).unwrap_err();
            assert!(err.to_string().contains("MAIL_FROM"), "{err}");
        }
    }

    #[test]
    fn zero_retry_interval_is_refused_by_name() {
        let err = retry_interval(0).unwrap_err();
        assert!(err.to_string().contains("MAIL_RETRY_INTERVAL_MS"), "{err}");
    }
}
