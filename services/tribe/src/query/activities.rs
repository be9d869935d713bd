//! The `tribe_activities` table: each tribe's feed.

use circle_core::db::rows_per_insert;
use circle_core::paging::Cursor;
use diesel::QueryResult;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{Activity, ActivityType, TribeId, UserId};
use crate::schema::tribes::tribe_activities;

#[derive(Insertable)]
#[diesel(table_name = tribe_activities, check_for_backend(diesel::pg::Pg))]
pub struct NewActivity {
    pub id: Uuid,
    pub tribe_id: TribeId,
    pub user_id: Option<UserId>,
    pub activity_type: ActivityType,
    pub description: String,
    pub metadata: serde_json::Value,
}

pub async fn insert(conn: &mut AsyncPgConnection, activity: &NewActivity) -> QueryResult<()> {
    diesel::insert_into(tribe_activities::table)
        .values(activity)
        .execute(conn)
        .await
        .map(drop)
}

/// Entries per INSERT (six values each).
const ROWS_PER_INSERT: usize = rows_per_insert(6);

/// Many entries in as few statements as the parameter limit allows.
pub async fn insert_all(
    conn: &mut AsyncPgConnection,
    activities: &[NewActivity],
) -> QueryResult<()> {
    for chunk in activities.chunks(ROWS_PER_INSERT) {
        diesel::insert_into(tribe_activities::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Newest first, after `cursor`; `limit` rows at most.
pub async fn page(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    cursor: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<Activity>> {
    let mut query = tribe_activities::table
        .filter(tribe_activities::tribe_id.eq(tribe))
        .order((
            tribe_activities::created_at.desc(),
            tribe_activities::id.desc(),
        ))
        .limit(limit)
        .select(Activity::as_select())
        .into_boxed();
    if let Some(Cursor { at, id }) = cursor {
        query = query.filter(
            tribe_activities::created_at
                .lt(at)
                .or(tribe_activities::created_at
                    .eq(at)
                    .and(tribe_activities::id.lt(id))),
        );
    }
    query.load(conn).await
}
