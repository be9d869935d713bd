//! The `refresh_tokens` table: single-use tokens of a session, stored hashed.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::SessionId;
use crate::schema::users::refresh_tokens;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = refresh_tokens, check_for_backend(diesel::pg::Pg))]
pub struct StoredRefreshToken {
    pub id: Uuid,
    pub session_id: SessionId,
    pub expires_at: DateTime<Utc>,
    pub rotated_at: Option<DateTime<Utc>>,
}

#[derive(Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct NewRefreshToken<'a> {
    pub id: Uuid,
    pub session_id: SessionId,
    pub token_hash: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    token: &NewRefreshToken<'_>,
) -> Result<(), StoreError> {
    diesel::insert_into(refresh_tokens::table)
        .values(token)
        .execute(conn)
        .await?;
    Ok(())
}

/// Reads and locks the token with this hash until the end of the transaction.
pub async fn find_by_hash_for_update(
    conn: &mut AsyncPgConnection,
    token_hash: &str,
) -> Result<Option<StoredRefreshToken>, StoreError> {
    refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(StoredRefreshToken::as_select())
        .for_update()
        .first(conn)
        .await
        .optional_row()
}

pub async fn mark_rotated(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(refresh_tokens::table.find(id))
        .set(refresh_tokens::rotated_at.eq(at))
        .execute(conn)
        .await?;
    Ok(())
}
