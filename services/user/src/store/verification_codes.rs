//! The `email_verification_codes` table: one live code per account.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::UserId;
use crate::schema::users::email_verification_codes as codes;

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = codes, check_for_backend(diesel::pg::Pg))]
pub struct StoredCode {
    pub code_hash: String,
    pub attempts: i32,
    pub expires_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = codes)]
pub struct NewCode<'a> {
    pub user_id: UserId,
    pub code_hash: &'a str,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

pub async fn insert(conn: &mut AsyncPgConnection, code: &NewCode<'_>) -> Result<(), StoreError> {
    diesel::insert_into(codes::table)
        .values(code)
        .execute(conn)
        .await?;
    Ok(())
}

/// Reads and locks the account's code unless it has been consumed.
pub async fn find_live_for_update(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
) -> Result<Option<StoredCode>, StoreError> {
    codes::table
        .find(user_id)
        .filter(codes::consumed_at.is_null())
        .select(StoredCode::as_select())
        .for_update()
        .first(conn)
        .await
        .optional_row()
}

pub async fn record_wrong_attempt(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
) -> Result<(), StoreError> {
    diesel::update(codes::table.find(user_id))
        .set(codes::attempts.eq(codes::attempts + 1))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn consume(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::update(codes::table.find(user_id))
        .set(codes::consumed_at.eq(at))
        .execute(conn)
        .await?;
    Ok(())
}
