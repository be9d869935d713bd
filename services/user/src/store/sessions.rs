//! The `sessions` table: one row per login.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::{AccountRole, AccountStatus, SessionId, UserId};
use crate::schema::users::{accounts, sessions};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
/// One login: whose, from where, and whether it still stands.
pub struct Session {
    pub id: SessionId,
    pub user_id: UserId,
    pub device: Option<String>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = sessions)]
pub struct NewSession<'a> {
    pub id: SessionId,
    pub user_id: UserId,
    pub device: Option<&'a str>,
    pub ip_address: Option<&'a str>,
    pub user_agent: Option<&'a str>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    session: &NewSession<'_>,
) -> Result<(), StoreError> {
    diesel::insert_into(sessions::table)
        .values(session)
        .execute(conn)
        .await?;
    Ok(())
}

/// The role and status of `user`'s account if `id` is a live (unrevoked) session of theirs,
/// in one round trip: every call of a signed-in person asks it.
pub async fn live_account(
    conn: &mut AsyncPgConnection,
    id: SessionId,
    user: UserId,
) -> Result<Option<(AccountRole, AccountStatus)>, StoreError> {
    sessions::table
        .inner_join(accounts::table)
        .filter(sessions::id.eq(id))
        .filter(sessions::user_id.eq(user))
        .filter(sessions::revoked_at.is_null())
        .select((accounts::role, accounts::status))
        .first(conn)
        .await
        .optional_row()
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    id: SessionId,
) -> Result<Option<Session>, StoreError> {
    sessions::table
        .find(id)
        .select(Session::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// Reads and locks the session until the end of the transaction.
pub async fn find_for_update(
    conn: &mut AsyncPgConnection,
    id: SessionId,
) -> Result<Option<Session>, StoreError> {
    sessions::table
        .find(id)
        .select(Session::as_select())
        .for_update()
        .first(conn)
        .await
        .optional_row()
}

pub async fn touch(
    conn: &mut AsyncPgConnection,
    id: SessionId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(sessions::table.find(id))
        .set(sessions::last_used_at.eq(at))
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes the session unless it already is; a revoked session keeps its first revocation time.
pub async fn revoke(
    conn: &mut AsyncPgConnection,
    id: SessionId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(
        sessions::table
            .find(id)
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(at))
    .execute(conn)
    .await?;
    Ok(())
}

/// Up to `limit` of `user_id`'s live sessions, newest first, after `after`.
pub async fn page_live(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<Session>, StoreError> {
    let mut query = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null())
        .into_boxed();
    if let Some(Cursor { at, id }) = after {
        query = query.filter(
            sessions::created_at
                .lt(at)
                .or(sessions::created_at.eq(at).and(sessions::id.lt(id))),
        );
    }
    Ok(query
        .order((sessions::created_at.desc(), sessions::id.desc()))
        .limit(limit)
        .select(Session::as_select())
        .load(conn)
        .await?)
}

/// Revokes every live session of `user_id` but `keep` (all of them without one); returns how
/// many were revoked.
pub async fn revoke_all_but(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    keep: Option<SessionId>,
    at: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let live = sessions::table
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::revoked_at.is_null());
    let revoked = match keep {
        Some(keep) => {
            diesel::update(live.filter(sessions::id.ne(keep)))
                .set(sessions::revoked_at.eq(at))
                .execute(conn)
                .await?
        }
        None => {
            diesel::update(live)
                .set(sessions::revoked_at.eq(at))
                .execute(conn)
                .await?
        }
    };
    Ok(revoked)
}
