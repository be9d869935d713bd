//! Configuration read from the environment, validated once at start.

use std::str::FromStr;

/// The secret that signs internal identities in local development (`INTERNAL_TOKEN_SECRET`
/// unset); the same in every service, so they accept each other's calls without configuration.
pub const DEV_INTERNAL_TOKEN_SECRET: &str = "circle-development-internal-token-secret-change-me";

/// The secret that signs access tokens in local development (`ACCESS_TOKEN_SECRET` unset); the
/// user service issues them with it and the edge verifies them with it.
pub const DEV_ACCESS_TOKEN_SECRET: &str = "circle-development-access-token-secret-change-me";

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("environment variable {name} is required but not set")]
    Missing { name: String },
    #[error("environment variable {name}={value:?} is invalid: {reason}")]
    Invalid {
        name: String,
        value: String,
        reason: String,
    },
}

/// Reads `name`, or `default` when it is unset or empty.
pub fn var_or<T>(name: &str, default: T) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    match read(name) {
        None => Ok(default),
        Some(value) => parse(name, value),
    }
}

/// Reads `name`, which must be set.
pub fn required<T>(name: &str) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    match read(name) {
        None => Err(ConfigError::Missing {
            name: name.to_owned(),
        }),
        Some(value) => parse(name, value),
    }
}

/// A secret of at least 32 bytes, with a development default used when unset.
pub fn secret(name: &str, development_default: &str) -> Result<String, ConfigError> {
    let value = read(name).unwrap_or_else(|| {
        tracing::warn!(variable = name, "using the development default secret");
        development_default.to_owned()
    });
    if value.len() < 32 {
        return Err(ConfigError::Invalid {
            name: name.to_owned(),
            value: "<redacted>".to_owned(),
            reason: "must be at least 32 bytes long".to_owned(),
        });
    }
    Ok(value)
}

/// A duration given in whole seconds.
pub fn seconds_or(name: &str, default_secs: u64) -> Result<std::time::Duration, ConfigError> {
    var_or(name, default_secs).map(std::time::Duration::from_secs)
}

fn read(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|value| !value.is_empty())
}

fn parse<T>(name: &str, value: String) -> Result<T, ConfigError>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value.parse().map_err(|err: T::Err| ConfigError::Invalid {
        name: name.to_owned(),
        value,
        reason: err.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_value_names_the_variable() {
        let err = parse::<u16>("TEST_PORT", "70000".to_owned()).unwrap_err();
        assert!(err.to_string().contains("TEST_PORT"), "{err}");
    }

    #[test]
    fn short_secret_is_rejected_by_name() {
        let err = secret("CIRCLE_TEST_UNSET_SECRET", "short").unwrap_err();
        assert!(
            err.to_string().contains("CIRCLE_TEST_UNSET_SECRET"),
            "{err}"
        );
    }
}
