//! The edge's configuration, read from the environment once at start.

use std::net::SocketAddr;
use std::num::NonZeroU32;

use circle_core::config::{
    ConfigError, DEV_ACCESS_TOKEN_SECRET, DEV_INTERNAL_TOKEN_SECRET, secret, var_or,
};

pub const DEFAULT_PORT: u16 = 50051;
pub const DEFAULT_USER_SERVICE_URL: &str = "http://127.0.0.1:50061";
pub const DEFAULT_TRIBE_SERVICE_URL: &str = "http://127.0.0.1:50062";
pub const DEFAULT_NOTIFICATION_SERVICE_URL: &str = "http://127.0.0.1:50065";
pub const DEFAULT_LOGIN_RATE_PER_ACCOUNT_PER_MINUTE: u32 = 5;
pub const DEFAULT_LOGIN_RATE_PER_ADDRESS_PER_MINUTE: u32 = 20;

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    /// Where the user service listens, e.g. "http://127.0.0.1:50061".
    pub user_url: String,
    /// Where the tribe service listens, e.g. "http://127.0.0.1:50062".
    pub tribe_url: String,
    /// Where the notification service listens, e.g. "http://127.0.0.1:50065".
    pub notification_url: String,
    /// Signs the identity that every internal call carries.
    pub identity_secret: String,
    /// Verifies the access tokens people present.
    pub access_token_secret: String,
    pub login_rate: LoginRateLimits,
}

/// Login attempts allowed per minute, each also the burst size.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoginRateLimits {
    /// Per account (the normalized email).
    pub per_account_per_minute: NonZeroU32,
    /// Per client address (IPv4 address, or IPv6 /64 network).
    pub per_address_per_minute: NonZeroU32,
}

impl Default for LoginRateLimits {
    fn default() -> Self {
        Self {
            per_account_per_minute: NonZeroU32::new(DEFAULT_LOGIN_RATE_PER_ACCOUNT_PER_MINUTE)
                .expect("the default is not zero"),
            per_address_per_minute: NonZeroU32::new(DEFAULT_LOGIN_RATE_PER_ADDRESS_PER_MINUTE)
                .expect("the default is not zero"),
        }
    }
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        let defaults = LoginRateLimits::default();
        Ok(Config {
            addr: circle_core::server::bind_addr("EDGE_PORT", DEFAULT_PORT)?,
            user_url: service_url("USER_SERVICE_URL", DEFAULT_USER_SERVICE_URL)?,
            tribe_url: service_url("TRIBE_SERVICE_URL", DEFAULT_TRIBE_SERVICE_URL)?,
            notification_url: service_url(
                "NOTIFICATION_SERVICE_URL",
                DEFAULT_NOTIFICATION_SERVICE_URL,
            )?,
            identity_secret: secret("INTERNAL_TOKEN_SECRET", DEV_INTERNAL_TOKEN_SECRET)?,
            access_token_secret: secret("ACCESS_TOKEN_SECRET", DEV_ACCESS_TOKEN_SECRET)?,
            login_rate: LoginRateLimits {
                per_account_per_minute: var_or(
                    "LOGIN_RATE_PER_ACCOUNT_PER_MINUTE",
                    defaults.per_account_per_minute,
                )?,
                per_address_per_minute: var_or(
                    "LOGIN_RATE_PER_ADDRESS_PER_MINUTE",
                    defaults.per_address_per_minute,
                )?,
            },
        })
    }
}

/// A URL a channel can be made to, checked now so a typo names its variable at start.
fn service_url(name: &str, default: &str) -> Result<String, ConfigError> {
    let url: String = var_or(name, default.to_owned())?;
    match tonic::transport::Endpoint::from_shared(url.clone()) {
        Ok(_) => Ok(url),
        Err(err) => Err(ConfigError::Invalid {
            name: name.to_owned(),
            value: url,
            reason: err.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_service_url_names_its_variable() {
        // The variable is unset, so the malformed default is what gets checked.
        let err = service_url("CIRCLE_EDGE_TEST_UNSET_URL", "not a url").unwrap_err();
        assert!(
            err.to_string().contains("CIRCLE_EDGE_TEST_UNSET_URL"),
            "{err}"
        );
    }
}
