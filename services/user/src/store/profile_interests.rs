//! The `profile_interests` table: the catalog interests a person picked, with a level.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::{InterestId, InterestLevel, UserId};
use crate::schema::users::{interests, profile_interests as pi};
use crate::store::interests::InterestRow;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = pi, check_for_backend(diesel::pg::Pg))]
pub struct ProfileInterestRow {
    pub user_id: UserId,
    pub interest_id: InterestId,
    pub level: InterestLevel,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = pi)]
pub struct NewProfileInterest {
    pub user_id: UserId,
    pub interest_id: InterestId,
    pub level: InterestLevel,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Inserts the pick; `None` when the person has the interest already.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewProfileInterest,
) -> Result<Option<ProfileInterestRow>, StoreError> {
    diesel::insert_into(pi::table)
        .values(row)
        .on_conflict((pi::user_id, pi::interest_id))
        .do_nothing()
        .returning(ProfileInterestRow::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    interest_id: InterestId,
) -> Result<Option<ProfileInterestRow>, StoreError> {
    pi::table
        .find((user_id, interest_id))
        .select(ProfileInterestRow::as_select())
        .first(conn)
        .await
        .optional_row()
}

pub async fn set_level(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    interest_id: InterestId,
    level: InterestLevel,
    at: DateTime<Utc>,
) -> Result<Option<ProfileInterestRow>, StoreError> {
    diesel::update(pi::table.find((user_id, interest_id)))
        .set((pi::level.eq(level), pi::updated_at.eq(at)))
        .returning(ProfileInterestRow::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

/// Whether there was a pick to delete.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    interest_id: InterestId,
) -> Result<bool, StoreError> {
    let deleted = diesel::delete(pi::table.find((user_id, interest_id)))
        .execute(conn)
        .await?;
    Ok(deleted > 0)
}

/// Up to `limit` of the person's picks after `after`, most recently added first, each with
/// its catalog entry.
pub async fn page(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<(ProfileInterestRow, InterestRow)>, StoreError> {
    let mut query = pi::table
        .inner_join(interests::table)
        .filter(pi::user_id.eq(user_id))
        .order((pi::created_at.desc(), pi::interest_id.desc()))
        .select((ProfileInterestRow::as_select(), InterestRow::as_select()))
        .limit(limit)
        .into_boxed();
    if let Some(Cursor { at, id }) = after {
        let id = InterestId::from(id);
        query = query.filter(
            pi::created_at
                .lt(at)
                .or(pi::created_at.eq(at).and(pi::interest_id.lt(id))),
        );
    }
    Ok(query.load(conn).await?)
}
