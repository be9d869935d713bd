//! The user service's configuration, read once from the environment.

use std::net::SocketAddr;
use std::time::Duration;

use circle_core::config::{
    ConfigError, DEV_ACCESS_TOKEN_SECRET, DEV_INTERNAL_TOKEN_SECRET, required, seconds_or, secret,
    var_or,
};
use circle_core::db::DbConfig;
use circle_core::outbox::RelayConfig;

pub const DEFAULT_PORT: u16 = 50061;
const DEFAULT_NOTIFICATION_URL: &str = "http://127.0.0.1:50065";

#[derive(Clone, Debug)]
pub struct Config {
    pub addr: SocketAddr,
    pub db: DbConfig,
    pub identity_secret: String,
    pub access_token_secret: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    pub verification_code_ttl: Duration,
    /// Where facts for the notification service are delivered.
    pub notification_url: String,
    pub relay: RelayConfig,
    /// The identity providers people may sign in with; one without configuration is off.
    pub identity_providers: IdentityProviders,
}

/// What an identity provider's ID tokens are checked against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderConfig {
    /// Where the provider publishes its signing keys (a JSON Web Key Set).
    pub jwks_url: String,
    /// The token's `iss`.
    pub issuer: String,
    /// Our client id at the provider: the token's `aud`.
    pub client_id: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdentityProviders {
    pub google: Option<ProviderConfig>,
    pub apple: Option<ProviderConfig>,
    pub facebook: Option<ProviderConfig>,
}

impl IdentityProviders {
    /// Each provider is on when `<PROVIDER>_CLIENT_ID` is set; `<PROVIDER>_JWKS_URL` and
    /// `<PROVIDER>_ISSUER` default to the provider's published values.
    fn from_env() -> Result<IdentityProviders, ConfigError> {
        Ok(IdentityProviders {
            google: provider_from_env(
                "GOOGLE",
                "https://www.googleapis.com/oauth2/v3/certs",
                "https://accounts.google.com",
            )?,
            apple: provider_from_env(
                "APPLE",
                "https://appleid.apple.com/auth/keys",
                "https://appleid.apple.com",
            )?,
            facebook: provider_from_env(
                "FACEBOOK",
                "https://limited.facebook.com/.well-known/oauth/openid/jwks/",
                "https://www.facebook.com",
            )?,
        })
    }
}

fn provider_from_env(
    prefix: &str,
    jwks_url: &str,
    issuer: &str,
) -> Result<Option<ProviderConfig>, ConfigError> {
    let client_id: String = var_or(&format!("{prefix}_CLIENT_ID"), String::new())?;
    if client_id.is_empty() {
        return Ok(None);
    }
    Ok(Some(ProviderConfig {
        jwks_url: var_or(&format!("{prefix}_JWKS_URL"), jwks_url.to_owned())?,
        issuer: var_or(&format!("{prefix}_ISSUER"), issuer.to_owned())?,
        client_id,
    }))
}

impl Config {
    pub fn from_env() -> Result<Config, ConfigError> {
        Ok(Config {
            addr: circle_core::server::bind_addr("USER_PORT", DEFAULT_PORT)?,
            db: DbConfig {
                url: required("USER_DATABASE_URL")?,
                schema: crate::SCHEMA,
                max_connections: var_or("DB_MAX_CONNECTIONS", DbConfig::DEFAULT_MAX_CONNECTIONS)?,
            },
            identity_secret: secret("INTERNAL_TOKEN_SECRET", DEV_INTERNAL_TOKEN_SECRET)?,
            access_token_secret: secret("ACCESS_TOKEN_SECRET", DEV_ACCESS_TOKEN_SECRET)?,
            access_token_ttl: seconds_or("ACCESS_TOKEN_TTL_SECS", 15 * 60)?,
            refresh_token_ttl: seconds_or("REFRESH_TOKEN_TTL_SECS", 30 * 24 * 60 * 60)?,
            verification_code_ttl: seconds_or("VERIFICATION_CODE_TTL_SECS", 15 * 60)?,
            notification_url: var_or(
                "NOTIFICATION_SERVICE_URL",
                DEFAULT_NOTIFICATION_URL.to_owned(),
            )?,
            relay: RelayConfig {
                poll_interval: Duration::from_millis(var_or("OUTBOX_POLL_MS", 500)?),
                max_backoff: Duration::from_millis(var_or("OUTBOX_MAX_BACKOFF_MS", 30_000)?),
                ..RelayConfig::default()
            },
            identity_providers: IdentityProviders::from_env()?,
        })
    }
}
