//! The `host_profiles` and `host_ratings` tables.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{HostProfileId, UserId};
use crate::schema::users::{host_profiles, host_ratings};

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = host_profiles, check_for_backend(diesel::pg::Pg))]
pub struct HostProfileRow {
    pub id: HostProfileId,
    pub user_id: UserId,
    pub host_name: String,
    pub host_bio: Option<String>,
    pub rating_sum: i64,
    pub rating_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub request_id: Option<Uuid>,
}

/// The fields an update sets; `None` leaves a field as it is.
#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = host_profiles)]
pub struct HostProfileChanges {
    pub host_name: Option<String>,
    pub host_bio: Option<Option<String>>,
}

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = host_ratings, check_for_backend(diesel::pg::Pg))]
pub struct HostRatingRow {
    pub rating_id: Uuid,
    pub host_id: HostProfileId,
    pub rating: i32,
    pub recorded_at: DateTime<Utc>,
}

/// Inserts the host profile unless its person has one already; the stored row if it did.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &HostProfileRow,
) -> Result<Option<HostProfileRow>, StoreError> {
    diesel::insert_into(host_profiles::table)
        .values(row)
        .on_conflict(host_profiles::user_id)
        .do_nothing()
        .returning(HostProfileRow::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

pub async fn find_by_user(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Option<HostProfileRow>, StoreError> {
    host_profiles::table
        .filter(host_profiles::user_id.eq(user))
        .select(HostProfileRow::as_select())
        .get_result(conn)
        .await
        .optional_row()
}

/// Applies `changes` to `user`'s host profile; `None` when they have none.
pub async fn update(
    conn: &mut AsyncPgConnection,
    user: UserId,
    changes: &HostProfileChanges,
    now: DateTime<Utc>,
) -> Result<Option<HostProfileRow>, StoreError> {
    diesel::update(host_profiles::table.filter(host_profiles::user_id.eq(user)))
        .set((changes, host_profiles::updated_at.eq(now)))
        .returning(HostProfileRow::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

/// Inserts the rating unless its id is taken; whether it did.
pub async fn insert_rating(
    conn: &mut AsyncPgConnection,
    row: &HostRatingRow,
) -> Result<bool, StoreError> {
    Ok(diesel::insert_into(host_ratings::table)
        .values(row)
        .on_conflict(host_ratings::rating_id)
        .do_nothing()
        .execute(conn)
        .await?
        > 0)
}

pub async fn find_rating(
    conn: &mut AsyncPgConnection,
    rating_id: Uuid,
) -> Result<Option<HostRatingRow>, StoreError> {
    host_ratings::table
        .find(rating_id)
        .select(HostRatingRow::as_select())
        .get_result(conn)
        .await
        .optional_row()
}

/// Adds one rating to the host's sum and count, in place (concurrent ratings all count).
pub async fn add_rating(
    conn: &mut AsyncPgConnection,
    host: HostProfileId,
    rating: i32,
) -> Result<HostProfileRow, StoreError> {
    Ok(diesel::update(host_profiles::table.find(host))
        .set((
            host_profiles::rating_sum.eq(host_profiles::rating_sum + i64::from(rating)),
            host_profiles::rating_count.eq(host_profiles::rating_count + 1),
        ))
        .returning(HostProfileRow::as_returning())
        .get_result(conn)
        .await?)
}
