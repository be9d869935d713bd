//! Who is calling. Public callers present an access token (a JWT the user service signs) to the
//! edge; every internal call carries an identity token in `x-circle-identity` that the receiving
//! service verifies itself, so no internal RPC trusts an unverified claim.

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tonic::{Request, Status};
use uuid::Uuid;

use crate::error::{permission_denied, unauthenticated};

pub const IDENTITY_METADATA_KEY: &str = "x-circle-identity";
const IDENTITY_AUDIENCE: &str = "circle-internal";
const ACCESS_AUDIENCE: &str = "circle-access";
const ISSUER: &str = "circle";
const IDENTITY_TTL: Duration = Duration::from_secs(60);

/// The verified caller of an internal RPC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Principal {
    /// A person, authenticated at the edge by an access token of `session_id`.
    User {
        id: Uuid,
        role: Role,
        session_id: Uuid,
    },
    /// Another service of the suite acting on its own behalf (e.g. "edge", "user").
    Service { name: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    User,
    TribeCreator,
    Admin,
}

impl Principal {
    pub fn user_id(&self) -> Option<Uuid> {
        match self {
            Principal::User { id, .. } => Some(*id),
            Principal::Service { .. } => None,
        }
    }

    pub fn is_admin(&self) -> bool {
        matches!(
            self,
            Principal::User {
                role: Role::Admin,
                ..
            }
        )
    }

    pub fn is_service(&self) -> bool {
        matches!(self, Principal::Service { .. })
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct IdentityClaims {
    sub: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<Role>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sid: Option<Uuid>,
    /// "user" or "service".
    kind: String,
    aud: String,
    iss: String,
    exp: i64,
}

/// Signs and verifies the identity tokens of internal calls (HMAC-SHA256, shared secret).
#[derive(Clone)]
pub struct IdentityKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl IdentityKey {
    pub fn new(secret: &str) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        }
    }

    pub fn sign(&self, principal: &Principal) -> String {
        let exp = (Utc::now() + IDENTITY_TTL).timestamp();
        let claims = match principal {
            Principal::User {
                id,
                role,
                session_id,
            } => IdentityClaims {
                sub: id.to_string(),
                role: Some(*role),
                sid: Some(*session_id),
                kind: "user".into(),
                aud: IDENTITY_AUDIENCE.into(),
                iss: ISSUER.into(),
                exp,
            },
            Principal::Service { name } => IdentityClaims {
                sub: name.clone(),
                role: None,
                sid: None,
                kind: "service".into(),
                aud: IDENTITY_AUDIENCE.into(),
                iss: ISSUER.into(),
                exp,
            },
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of serializable claims cannot fail")
    }

    pub fn verify(&self, token: &str) -> Result<Principal, Status> {
        let claims = jsonwebtoken::decode::<IdentityClaims>(
            token,
            &self.decoding,
            &validation(IDENTITY_AUDIENCE),
        )
        .map_err(|_| unauthenticated("INVALID_IDENTITY", "invalid internal identity"))?
        .claims;
        match (claims.kind.as_str(), claims.role, claims.sid) {
            ("user", Some(role), Some(session_id)) => Ok(Principal::User {
                id: claims
                    .sub
                    .parse()
                    .map_err(|_| unauthenticated("INVALID_IDENTITY", "invalid subject"))?,
                role,
                session_id,
            }),
            ("service", None, None) => Ok(Principal::Service { name: claims.sub }),
            _ => Err(unauthenticated("INVALID_IDENTITY", "invalid identity kind")),
        }
    }

    /// Attaches `principal` to an outgoing request, with the current trace context.
    pub fn outgoing<T>(&self, principal: &Principal, message: T) -> Request<T> {
        let mut request = Request::new(message);
        let token = self.sign(principal);
        request.metadata_mut().insert(
            IDENTITY_METADATA_KEY,
            token.parse().expect("a JWT is valid ASCII metadata"),
        );
        crate::telemetry::inject_context(request.metadata_mut());
        request
    }

    /// A server interceptor that admits only calls with a valid identity and stores the
    /// `Principal` in the request's extensions for [`caller`].
    pub fn interceptor(&self) -> impl tonic::service::Interceptor + Clone + use<> {
        let key = self.clone();
        move |mut request: Request<()>| {
            let token = request
                .metadata()
                .get(IDENTITY_METADATA_KEY)
                .and_then(|value| value.to_str().ok())
                .ok_or_else(|| unauthenticated("MISSING_IDENTITY", "missing internal identity"))?;
            let principal = key.verify(token)?;
            request.extensions_mut().insert(principal);
            Ok(request)
        }
    }
}

/// The verified caller of a request admitted by [`IdentityKey::interceptor`].
pub fn caller<T>(request: &Request<T>) -> Result<&Principal, Status> {
    request
        .extensions()
        .get::<Principal>()
        .ok_or_else(|| unauthenticated("MISSING_IDENTITY", "missing internal identity"))
}

/// The person calling a request admitted by [`IdentityKey::interceptor`]; a service is refused
/// with PERMISSION_DENIED (reason `USER_REQUIRED`). The id is recorded in the `user_id` field
/// of the current span, where the handler declares one.
pub fn require_user<T>(request: &Request<T>) -> Result<Uuid, Status> {
    let user = caller(request)?.user_id().ok_or_else(|| {
        permission_denied("USER_REQUIRED", "only a user may do this, not a service")
    })?;
    tracing::Span::current().record("user_id", tracing::field::display(user));
    Ok(user)
}

#[derive(Debug, Serialize, Deserialize)]
pub struct AccessClaims {
    pub sub: Uuid,
    pub sid: Uuid,
    pub role: Role,
    pub aud: String,
    pub iss: String,
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum AccessTokenError {
    #[error("access token expired")]
    Expired,
    #[error("access token invalid")]
    Invalid,
}

/// Issues (user service) and verifies (edge) the access tokens people present.
#[derive(Clone)]
pub struct AccessTokenKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl AccessTokenKey {
    pub fn new(secret: &str) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
        }
    }

    pub fn issue(
        &self,
        user_id: Uuid,
        session_id: Uuid,
        role: Role,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> (String, DateTime<Utc>) {
        let expires_at = now + ttl;
        let claims = AccessClaims {
            sub: user_id,
            sid: session_id,
            role,
            aud: ACCESS_AUDIENCE.into(),
            iss: ISSUER.into(),
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .expect("HS256 signing of serializable claims cannot fail");
        (token, expires_at)
    }

    pub fn verify(&self, token: &str) -> Result<AccessClaims, AccessTokenError> {
        jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &validation(ACCESS_AUDIENCE))
            .map(|data| data.claims)
            .map_err(|err| match err.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => AccessTokenError::Expired,
                _ => AccessTokenError::Invalid,
            })
    }
}

fn validation(audience: &str) -> Validation {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_audience(&[audience]);
    validation.set_issuer(&[ISSUER]);
    validation.leeway = 0;
    validation
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a-test-secret-that-is-long-enough-for-hs256";

    #[test]
    fn identity_round_trips_and_rejects_other_keys() {
        let key = IdentityKey::new(SECRET);
        let principal = Principal::User {
            id: Uuid::new_v4(),
            role: Role::Admin,
            session_id: Uuid::new_v4(),
        };
        let token = key.sign(&principal);
        assert_eq!(key.verify(&token).unwrap(), principal);
        let other = IdentityKey::new("another-secret-that-is-long-enough-too");
        assert_eq!(
            other.verify(&token).unwrap_err().code(),
            tonic::Code::Unauthenticated
        );
    }

    #[test]
    fn require_user_admits_people_and_refuses_services() {
        use tonic_types::StatusExt;

        let id = Uuid::new_v4();
        let mut request = Request::new(());
        request.extensions_mut().insert(Principal::User {
            id,
            role: Role::User,
            session_id: Uuid::new_v4(),
        });
        assert_eq!(require_user(&request).unwrap(), id);

        let mut request = Request::new(());
        request.extensions_mut().insert(Principal::Service {
            name: "edge".to_owned(),
        });
        let refused = require_user(&request).unwrap_err();
        assert_eq!(refused.code(), tonic::Code::PermissionDenied);
        assert_eq!(
            refused.get_details_error_info().unwrap().reason,
            "USER_REQUIRED"
        );
    }

    #[test]
    fn access_token_expiry_and_tampering_are_told_apart() {
        let key = AccessTokenKey::new(SECRET);
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let (token, _) = key.issue(user, session, Role::User, Utc::now(), IDENTITY_TTL);
        assert_eq!(key.verify(&token).unwrap().sub, user);

        let mut tampered = token.clone();
        tampered.insert(tampered.len() - 2, 'x');
        assert_eq!(
            key.verify(&tampered).unwrap_err(),
            AccessTokenError::Invalid
        );

        let long_ago = Utc::now() - chrono::Duration::hours(2);
        let (expired, _) = key.issue(user, session, Role::User, long_ago, IDENTITY_TTL);
        assert_eq!(key.verify(&expired).unwrap_err(), AccessTokenError::Expired);
    }
}
