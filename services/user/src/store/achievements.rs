//! The `achievements` catalog and the `user_achievements` awarded from it.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{AchievementCategory, AchievementId, AwardId, UserId};
use crate::schema::users::{achievements, user_achievements};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = achievements, check_for_backend(diesel::pg::Pg))]
pub struct AchievementRow {
    pub id: AchievementId,
    pub name: String,
    pub description: String,
    pub category: AchievementCategory,
    pub points: i32,
    pub icon_url: String,
    pub criteria: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Insertable)]
#[diesel(table_name = achievements)]
pub struct NewAchievement<'a> {
    pub id: AchievementId,
    pub name: &'a str,
    pub description: &'a str,
    pub category: AchievementCategory,
    pub points: i32,
    pub icon_url: &'a str,
    pub criteria: &'a serde_json::Value,
    pub request_id: Option<Uuid>,
    pub requested: Option<&'a serde_json::Value>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A change to a catalog entry: the fields set are the ones that change.
#[derive(AsChangeset)]
#[diesel(table_name = achievements)]
pub struct AchievementChange<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub category: Option<AchievementCategory>,
    pub points: Option<i32>,
    pub icon_url: Option<&'a str>,
    pub criteria: Option<&'a serde_json::Value>,
    pub updated_at: DateTime<Utc>,
}

/// The unique index on `lower(name)`.
pub const NAME_UNIQUE: &str = "achievements_name_unique";

/// Inserts the achievement unless its request id was used already (then `None`); a name taken
/// in any case is `StoreError::UniqueViolation`.
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewAchievement<'_>,
) -> Result<Option<AchievementRow>, StoreError> {
    diesel::insert_into(achievements::table)
        .values(row)
        .on_conflict(achievements::request_id)
        .do_nothing()
        .returning(AchievementRow::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

/// The achievement a create with `request_id` made, and what that create asked for.
pub async fn find_by_request(
    conn: &mut AsyncPgConnection,
    request_id: Uuid,
) -> Result<Option<(AchievementRow, Option<serde_json::Value>)>, StoreError> {
    achievements::table
        .filter(achievements::request_id.eq(request_id))
        .select((AchievementRow::as_select(), achievements::requested))
        .first(conn)
        .await
        .optional_row()
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: AchievementId,
    change: &AchievementChange<'_>,
) -> Result<Option<AchievementRow>, StoreError> {
    diesel::update(achievements::table.find(id))
        .set(change)
        .returning(AchievementRow::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    id: AchievementId,
) -> Result<Option<AchievementRow>, StoreError> {
    achievements::table
        .find(id)
        .select(AchievementRow::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// Up to `limit` achievements created after `after`, oldest first, of `category` when given.
pub async fn page(
    conn: &mut AsyncPgConnection,
    category: Option<AchievementCategory>,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<AchievementRow>, StoreError> {
    let mut query = achievements::table
        .order((achievements::created_at, achievements::id))
        .select(AchievementRow::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(category) = category {
        query = query.filter(achievements::category.eq(category));
    }
    if let Some(Cursor { at, id }) = after {
        query = query.filter(
            achievements::created_at.gt(at).or(achievements::created_at
                .eq(at)
                .and(achievements::id.gt(AchievementId::from(id)))),
        );
    }
    Ok(query.load(conn).await?)
}

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = user_achievements, check_for_backend(diesel::pg::Pg))]
pub struct AwardRow {
    pub id: AwardId,
    pub user_id: UserId,
    pub achievement_id: AchievementId,
    pub points: i32,
    pub metadata: serde_json::Value,
    pub awarded_at: DateTime<Utc>,
}

/// Inserts the award unless the person has the achievement already (then `None`). A
/// concurrent award of the same pair waits for the other transaction and then yields `None`.
pub async fn award_once(
    conn: &mut AsyncPgConnection,
    award: &AwardRow,
) -> Result<Option<AwardRow>, StoreError> {
    diesel::insert_into(user_achievements::table)
        .values(award)
        .on_conflict((
            user_achievements::user_id,
            user_achievements::achievement_id,
        ))
        .do_nothing()
        .returning(AwardRow::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

pub async fn find_award(
    conn: &mut AsyncPgConnection,
    user: UserId,
    achievement: AchievementId,
) -> Result<Option<AwardRow>, StoreError> {
    user_achievements::table
        .filter(user_achievements::user_id.eq(user))
        .filter(user_achievements::achievement_id.eq(achievement))
        .select(AwardRow::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// Up to `limit` of `user`'s awards after `after`, newest first, each with its achievement.
pub async fn awards_page(
    conn: &mut AsyncPgConnection,
    user: UserId,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<(AwardRow, AchievementRow)>, StoreError> {
    let mut query = user_achievements::table
        .inner_join(achievements::table)
        .filter(user_achievements::user_id.eq(user))
        .order((
            user_achievements::awarded_at.desc(),
            user_achievements::id.desc(),
        ))
        .select((AwardRow::as_select(), AchievementRow::as_select()))
        .limit(limit)
        .into_boxed();
    if let Some(Cursor { at, id }) = after {
        query = query.filter(
            user_achievements::awarded_at
                .lt(at)
                .or(user_achievements::awarded_at
                    .eq(at)
                    .and(user_achievements::id.lt(AwardId::from(id)))),
        );
    }
    Ok(query.load(conn).await?)
}

/// The points of all of `user`'s awards.
pub async fn total_points(conn: &mut AsyncPgConnection, user: UserId) -> Result<i64, StoreError> {
    let total: Option<i64> = user_achievements::table
        .filter(user_achievements::user_id.eq(user))
        .select(diesel::dsl::sum(user_achievements::points))
        .get_result(conn)
        .await?;
    Ok(total.unwrap_or_default())
}
