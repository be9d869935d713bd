//! A person's own sessions and password: listing and revoking sessions, changing the password.

use chrono::Utc;
use circle_core::paging::Cursor;
use diesel_async::AsyncConnection;

use crate::access::{Acting, Person};
use crate::audit::{self, AuditEntry};
use crate::domain::password;
use crate::domain::{Email, NewPassword, PasswordAttempt, SessionId};
use crate::error::Error;
use crate::state::AppState;
use crate::store::accounts::{self, AccountUpdate};
use crate::store::sessions::{self, Session};

pub struct Page {
    pub sessions: Vec<Session>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

/// A page of the caller's live sessions, newest first.
pub async fn list(
    state: &AppState,
    person: &Person,
    page_size: i64,
    after: Option<Cursor>,
) -> Result<Page, Error> {
    let mut conn = state.pool.get().await?;
    let mut rows = sessions::page_live(&mut conn, person.id, after, page_size + 1).await?;
    let more = rows.len() as i64 > page_size;
    rows.truncate(page_size as usize);
    let next = more.then(|| rows.last()).flatten().map(|last| Cursor {
        at: last.created_at,
        id: last.id.as_uuid(),
    });
    Ok(Page {
        sessions: rows,
        next,
    })
}

/// Revokes one of the caller's sessions; revoking a revoked one again is not an error, and
/// anybody else's session does not exist as far as the caller can tell.
pub async fn revoke(state: &AppState, acting: &Acting, session_id: SessionId) -> Result<(), Error> {
    let person = acting.actor.person()?;
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, Error, _>(async |conn| {
        let session = sessions::find_for_update(conn, session_id)
            .await?
            .filter(|session| session.user_id == person.id)
            .ok_or(Error::NotFound {
                what: "session",
                field: "session_id",
            })?;
        if session.revoked_at.is_some() {
            return Ok(());
        }
        sessions::revoke(conn, session_id, now).await?;
        let entry = AuditEntry {
            action: "SESSION_REVOKED",
            resource_type: "session",
            resource_id: session_id.to_string(),
            subject: Some(person.id),
            metadata: serde_json::json!({}),
        };
        audit::record(conn, acting, entry).await?;
        Ok(())
    })
    .await
}

/// Revokes every session of the caller but the current one; returns how many.
pub async fn revoke_others(state: &AppState, acting: &Acting) -> Result<usize, Error> {
    let person = acting.actor.person()?;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, Error, _>(async |conn| {
        let revoked =
            sessions::revoke_all_but(conn, person.id, Some(person.session_id), Utc::now()).await?;
        let entry = AuditEntry {
            action: "OTHER_SESSIONS_REVOKED",
            resource_type: "account",
            resource_id: person.id.to_string(),
            subject: Some(person.id),
            metadata: serde_json::json!({ "revoked": revoked }),
        };
        audit::record(conn, acting, entry).await?;
        Ok(revoked)
    })
    .await
}

pub struct PasswordChange {
    pub current: PasswordAttempt,
    /// Checked against the account's email once it is known.
    pub new: String,
}

/// Sets a new password once the current one is proven, and revokes every other session; the
/// calling session stays signed in. Returns how many sessions were revoked.
pub async fn change_password(
    state: &AppState,
    acting: &Acting,
    change: PasswordChange,
) -> Result<usize, Error> {
    let person = acting.actor.person()?;
    let PasswordChange { current, new } = change;
    let account = accounts::find(&mut *state.pool.get().await?, person.id)
        .await?
        .ok_or(Error::SessionRevoked)?;
    let stored_hash = account.password_hash.clone().ok_or(Error::PasswordNotSet)?;
    // Stored emails were normalized on the way in; one that no longer parses is not usable.
    let email =
        Email::parse(&account.email).map_err(|_| Error::AccountUnavailable(account.status))?;
    if current.is(&new) {
        return Err(Error::invalid(
            "new_password",
            "must differ from the current password",
        ));
    }
    let new =
        NewPassword::parse(new, &email).map_err(|reason| Error::invalid("new_password", reason))?;
    if !password::verify(Some(stored_hash.clone()), current).await? {
        return Err(Error::invalid(
            "current_password",
            "does not match the account's password",
        ));
    }
    let new_hash = password::hash(new).await?;
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, Error, _>(async |conn| {
        let locked = accounts::find_for_update(conn, person.id)
            .await?
            .ok_or(Error::SessionRevoked)?;
        // Another change won the race since the check above: its password is the one to prove.
        if locked.password_hash.as_deref() != Some(stored_hash.as_str()) {
            return Err(Error::Aborted("the password changed meanwhile: try again"));
        }
        accounts::update(
            conn,
            person.id,
            AccountUpdate::PasswordChanged {
                password_hash: new_hash,
                at: now,
            },
        )
        .await?;
        let revoked =
            sessions::revoke_all_but(conn, person.id, Some(person.session_id), now).await?;
        let entry = AuditEntry {
            action: "PASSWORD_CHANGED",
            resource_type: "account",
            resource_id: person.id.to_string(),
            subject: Some(person.id),
            metadata: serde_json::json!({ "sessions_revoked": revoked }),
        };
        audit::record(conn, acting, entry).await?;
        Ok(revoked)
    })
    .await
}
