//! The token pair a login or refresh hands out: a signed access token and a refresh token.

use std::time::Duration;

use chrono::{DateTime, Utc};
use circle_core::auth::AccessTokenKey;

use crate::domain::{AccountRole, RefreshSecret, SessionId, UserId};

#[derive(Clone)]
pub struct TokenIssuer {
    key: AccessTokenKey,
    access_ttl: Duration,
    refresh_ttl: Duration,
}

pub struct TokenPair {
    pub access_token: String,
    pub access_expires_at: DateTime<Utc>,
    pub refresh_token: RefreshSecret,
    pub refresh_expires_at: DateTime<Utc>,
}

impl TokenIssuer {
    pub fn new(secret: &str, access_ttl: Duration, refresh_ttl: Duration) -> Self {
        Self {
            key: AccessTokenKey::new(secret),
            access_ttl,
            refresh_ttl,
        }
    }

    /// When a refresh token issued at `now` stops working.
    pub fn refresh_expiry(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        now + self.refresh_ttl
    }

    /// Signs an access token for the session and pairs it with its refresh token.
    pub fn pair(
        &self,
        user_id: UserId,
        session_id: SessionId,
        role: AccountRole,
        refresh_token: RefreshSecret,
        now: DateTime<Utc>,
    ) -> TokenPair {
        let (access_token, access_expires_at) = self.key.issue(
            user_id.as_uuid(),
            session_id.as_uuid(),
            role.into(),
            now,
            self.access_ttl,
        );
        TokenPair {
            access_token,
            access_expires_at,
            refresh_token,
            refresh_expires_at: self.refresh_expiry(now),
        }
    }
}
