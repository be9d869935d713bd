//! Who is calling: the access token of "authorization: Bearer <jwt>", verified here and turned
//! into the principal that internal calls carry.

use circle_core::auth::{AccessTokenError, AccessTokenKey, Principal};
use tonic::Request;
use uuid::Uuid;

use crate::error::Error;

const AUTHORIZATION: &str = "authorization";
const BEARER: &str = "bearer";

/// The person an authenticated call comes from, as its verified access token says.
pub struct Caller {
    pub id: Uuid,
    /// What internal calls made for this person carry.
    pub principal: Principal,
}

pub fn authenticate<T>(key: &AccessTokenKey, request: &Request<T>) -> Result<Caller, Error> {
    let header = request
        .metadata()
        .get(AUTHORIZATION)
        .ok_or(Error::MissingToken)?;
    let token = header
        .to_str()
        .ok()
        .and_then(bearer_token)
        .ok_or(Error::InvalidToken)?;
    let claims = key.verify(token).map_err(|err| match err {
        AccessTokenError::Expired => Error::TokenExpired,
        AccessTokenError::Invalid => Error::InvalidToken,
    })?;
    Ok(Caller {
        id: claims.sub,
        principal: Principal::User {
            id: claims.sub,
            role: claims.role,
            session_id: claims.sid,
        },
    })
}

/// The token of "Bearer <token>"; the scheme is case-insensitive (RFC 9110 section 11.1).
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case(BEARER) && !token.is_empty()).then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_non_empty_bearer_token_is_taken() {
        assert_eq!(bearer_token("Bearer abc.def.ghi"), Some("abc.def.ghi"));
        assert_eq!(bearer_token("bearer  abc"), Some("abc"));
        assert_eq!(bearer_token("Basic dXNlcjpwYXNz"), None);
        assert_eq!(bearer_token("Bearer "), None);
        assert_eq!(bearer_token("abc.def.ghi"), None);
    }
}
