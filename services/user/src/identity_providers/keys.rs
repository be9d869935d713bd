//! Checking an identity provider's ID token: its signature against the provider's published
//! signing keys (RS256 or ES256), its issuer, audience and expiry. Keys are fetched once and
//! cached; a token signed with a key id the cache does not know triggers one refetch, which is
//! how a provider's key rotation is picked up.

use std::collections::HashMap;
use std::time::Duration;

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use tokio::sync::{Mutex, RwLock};

use crate::config::ProviderConfig;
use crate::domain::IdentityProvider;
use crate::error::{Error, IdTokenProblem};

const FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// Clock skew tolerated on `exp`, `nbf` and `iat`.
const LEEWAY_SECS: u64 = 60;

/// Who the provider says signed in.
#[derive(Debug)]
pub struct VerifiedIdentity {
    pub subject: String,
    pub email: Option<String>,
    pub email_verified: bool,
}

#[derive(Deserialize)]
struct IdClaims {
    sub: String,
    email: Option<String>,
    /// A boolean, or (Apple) the string "true" / "false".
    email_verified: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RawKeySet {
    keys: Vec<serde_json::Value>,
}

/// One provider's configuration and its cached signing keys.
pub struct ProviderKeys {
    provider: IdentityProvider,
    config: ProviderConfig,
    http: reqwest::Client,
    cached: RwLock<HashMap<String, Jwk>>,
    /// Held while fetching, so concurrent unknown key ids cause one fetch, not many.
    fetching: Mutex<()>,
}

impl ProviderKeys {
    pub fn new(provider: IdentityProvider, config: ProviderConfig, http: reqwest::Client) -> Self {
        Self {
            provider,
            config,
            http,
            cached: RwLock::new(HashMap::new()),
            fetching: Mutex::new(()),
        }
    }

    pub async fn verify(&self, id_token: &str) -> Result<VerifiedIdentity, Error> {
        let header = jsonwebtoken::decode_header(id_token)
            .map_err(|_| Error::IdToken(IdTokenProblem::Malformed("is not a signed JWT")))?;
        if !matches!(header.alg, Algorithm::RS256 | Algorithm::ES256) {
            return Err(Error::IdToken(IdTokenProblem::Malformed(
                "must be signed with RS256 or ES256",
            )));
        }
        let kid = header.kid.ok_or(Error::IdToken(IdTokenProblem::Malformed(
            "has no key id (kid)",
        )))?;
        let jwk = self.key(&kid).await?;
        let key = DecodingKey::from_jwk(&jwk).map_err(|err| {
            tracing::warn!(provider = self.provider.as_str(), %kid, error = %err, "unusable signing key");
            Error::IdToken(IdTokenProblem::BadSignature)
        })?;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.client_id]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = LEEWAY_SECS;
        let claims = jsonwebtoken::decode::<IdClaims>(id_token, &key, &validation)
            .map_err(|err| Error::IdToken(problem(err.kind())))?
            .claims;
        Ok(VerifiedIdentity {
            subject: claims.sub,
            email: claims.email,
            email_verified: match claims.email_verified {
                Some(serde_json::Value::Bool(verified)) => verified,
                Some(serde_json::Value::String(verified)) => verified == "true",
                _ => false,
            },
        })
    }

    /// The key `kid`, from the cache or else from one fresh fetch of the key set.
    async fn key(&self, kid: &str) -> Result<Jwk, Error> {
        if let Some(jwk) = self.cached.read().await.get(kid) {
            return Ok(jwk.clone());
        }
        let _fetching = self.fetching.lock().await;
        // Whoever held the lock before may have fetched the key meanwhile.
        if let Some(jwk) = self.cached.read().await.get(kid) {
            return Ok(jwk.clone());
        }
        let fresh = self.fetch().await?;
        let found = fresh.get(kid).cloned();
        *self.cached.write().await = fresh;
        found.ok_or(Error::IdToken(IdTokenProblem::UnknownKey))
    }

    async fn fetch(&self) -> Result<HashMap<String, Jwk>, Error> {
        let unavailable = |err: reqwest::Error| {
            tracing::warn!(provider = self.provider.as_str(), url = %self.config.jwks_url, error = %err, "fetching signing keys failed");
            Error::ProviderUnavailable(self.provider)
        };
        let set: RawKeySet = self
            .http
            .get(&self.config.jwks_url)
            .timeout(FETCH_TIMEOUT)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(unavailable)?
            .json()
            .await
            .map_err(unavailable)?;
        // Keys of a kind this service does not use are skipped, not fatal.
        Ok(set
            .keys
            .into_iter()
            .filter_map(|key| serde_json::from_value::<Jwk>(key).ok())
            .filter_map(|jwk| Some((jwk.common.key_id.clone()?, jwk)))
            .collect())
    }
}

fn problem(kind: &ErrorKind) -> IdTokenProblem {
    match kind {
        ErrorKind::ExpiredSignature => IdTokenProblem::Expired,
        ErrorKind::InvalidIssuer => IdTokenProblem::WrongIssuer,
        ErrorKind::InvalidAudience => IdTokenProblem::WrongAudience,
        ErrorKind::ImmatureSignature => IdTokenProblem::Malformed("is not valid yet (nbf)"),
        ErrorKind::MissingRequiredClaim(_) => {
            IdTokenProblem::Malformed("lacks a required claim (exp, iss, aud, sub)")
        }
        _ => IdTokenProblem::BadSignature,
    }
}
