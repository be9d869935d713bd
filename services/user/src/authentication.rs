//! Login, refresh-token rotation, logout, and whether a session still stands.

use chrono::Utc;
use circle_core::origin::ClientOrigin;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::access::{Acting, Actor, Person};
use crate::audit::{self, AuditEntry};
use crate::domain::password;
use crate::domain::{
    AccountStatus, Email, IdentityProvider, PasswordAttempt, RefreshSecret, SessionId, UserId,
};
use crate::error::Error;
use crate::state::AppState;
use crate::store::accounts::{self, Account};
use crate::store::refresh_tokens::{self, NewRefreshToken};
use crate::store::sessions::{self, NewSession};
use crate::tokens::TokenPair;

/// Where a login comes from; each part is absent when the edge did not send it.
#[derive(Debug, Default)]
pub struct ClientDetails {
    pub address: Option<String>,
    pub user_agent: Option<String>,
    pub device: Option<String>,
}

#[derive(Debug)]
pub struct Credentials {
    pub email: Email,
    pub password: PasswordAttempt,
    pub client: ClientDetails,
}

pub struct LoggedIn {
    pub account: Account,
    pub tokens: TokenPair,
}

/// Checks the credentials of an ACTIVE account and opens a session with a first token pair.
pub async fn login(state: &AppState, credentials: Credentials) -> Result<LoggedIn, Error> {
    let Credentials {
        email,
        password,
        client,
    } = credentials;
    let account = accounts::find_by_email(&mut *state.pool.get().await?, &email).await?;
    // An unknown email is checked against a dummy hash, so both refusals take as long.
    let stored_hash = account
        .as_ref()
        .and_then(|account| account.password_hash.clone());
    let matches = password::verify(stored_hash, password).await?;
    let account = match account {
        Some(account) if account.password_hash.is_none() => return Err(Error::PasswordNotSet),
        Some(account) if matches => account,
        _ => return Err(Error::InvalidCredentials),
    };
    match account.status {
        AccountStatus::Active => {}
        AccountStatus::Pending => return Err(Error::EmailNotVerified),
        other @ (AccountStatus::Inactive | AccountStatus::Suspended | AccountStatus::Deleted) => {
            return Err(Error::AccountUnavailable(other));
        }
    }

    let mut conn = state.pool.get().await?;
    let tokens = conn
        .transaction::<_, Error, _>(async |conn| {
            open_session(conn, state, &account, &client, None).await
        })
        .await?;
    Ok(LoggedIn { account, tokens })
}

/// Opens a session for `account` with its first token pair, audited as LOGIN (with the
/// identity provider, when one vouched for the person), inside the caller's transaction.
pub async fn open_session(
    conn: &mut AsyncPgConnection,
    state: &AppState,
    account: &Account,
    client: &ClientDetails,
    provider: Option<IdentityProvider>,
) -> Result<TokenPair, Error> {
    let now = Utc::now();
    let session_id = SessionId::generate();
    let refresh = RefreshSecret::generate();
    sessions::insert(
        conn,
        &NewSession {
            id: session_id,
            user_id: account.id,
            device: client.device.as_deref(),
            ip_address: client.address.as_deref(),
            user_agent: client.user_agent.as_deref(),
            created_at: now,
            last_used_at: now,
        },
    )
    .await?;
    refresh_tokens::insert(
        conn,
        &NewRefreshToken {
            id: Uuid::now_v7(),
            session_id,
            token_hash: &refresh.hash(),
            created_at: now,
            expires_at: state.tokens.refresh_expiry(now),
        },
    )
    .await?;
    let acting = Acting {
        actor: Actor::Person(Person {
            id: account.id,
            role: account.role,
            session_id,
        }),
        origin: ClientOrigin {
            address: client.address.clone(),
            user_agent: client.user_agent.clone(),
        },
    };
    let entry = AuditEntry {
        action: "LOGIN",
        resource_type: "session",
        resource_id: session_id.to_string(),
        subject: Some(account.id),
        metadata: serde_json::json!({
            "device": client.device,
            "provider": provider.map(IdentityProvider::as_str),
        }),
    };
    audit::record(conn, &acting, entry).await?;
    Ok(state
        .tokens
        .pair(account.id, session_id, account.role, refresh, now))
}

enum Rotation {
    Rotated {
        account: Account,
        session_id: SessionId,
    },
    /// A rotated token came back: the session is revoked, so the transaction commits.
    Reused,
}

/// Exchanges a refresh token for a new pair in the same session. The token row is locked, so
/// of concurrent exchanges of one token exactly one succeeds; the others count as reuse.
pub async fn refresh(state: &AppState, presented: RefreshSecret) -> Result<TokenPair, Error> {
    let presented_hash = presented.hash();
    let next = RefreshSecret::generate();
    let next_hash = next.hash();
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    let outcome = conn
        .transaction::<_, Error, _>(async |conn| {
            let current = refresh_tokens::find_by_hash_for_update(conn, &presented_hash)
                .await?
                .filter(|token| token.expires_at > now)
                .ok_or(Error::InvalidRefreshToken)?;
            if current.rotated_at.is_some() {
                tracing::warn!(session_id = %current.session_id, "refresh token reused: revoking its session");
                sessions::revoke(conn, current.session_id, now).await?;
                return Ok(Rotation::Reused);
            }
            let session = sessions::find_for_update(conn, current.session_id)
                .await?
                .ok_or(Error::InvalidRefreshToken)?;
            if session.revoked_at.is_some() {
                return Err(Error::SessionRevoked);
            }
            let account = accounts::find(conn, session.user_id)
                .await?
                .ok_or(Error::InvalidRefreshToken)?;
            if account.status != AccountStatus::Active {
                return Err(Error::AccountUnavailable(account.status));
            }
            refresh_tokens::mark_rotated(conn, current.id, now).await?;
            refresh_tokens::insert(
                conn,
                &NewRefreshToken {
                    id: Uuid::now_v7(),
                    session_id: session.id,
                    token_hash: &next_hash,
                    created_at: now,
                    expires_at: state.tokens.refresh_expiry(now),
                },
            )
            .await?;
            sessions::touch(conn, session.id, now).await?;
            Ok(Rotation::Rotated {
                account,
                session_id: session.id,
            })
        })
        .await?;
    match outcome {
        Rotation::Rotated {
            account,
            session_id,
        } => Ok(state
            .tokens
            .pair(account.id, session_id, account.role, next, now)),
        Rotation::Reused => Err(Error::RefreshTokenReused),
    }
}

/// Revokes the caller's session; logging out twice is not an error.
pub async fn logout(state: &AppState, user_id: UserId, session_id: SessionId) -> Result<(), Error> {
    let mut conn = state.pool.get().await?;
    ensure_session_owned(&mut conn, user_id, session_id).await?;
    sessions::revoke(&mut conn, session_id, Utc::now()).await?;
    Ok(())
}

async fn ensure_session_owned(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    session_id: SessionId,
) -> Result<(), Error> {
    match sessions::find(conn, session_id).await? {
        Some(session) if session.user_id == user_id => Ok(()),
        _ => Err(Error::SessionRevoked),
    }
}
