//! The `tribe_goals` table.

use chrono::{DateTime, Utc};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel::{OptionalExtension, QueryResult};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{Goal, TribeId, UserId};
use crate::schema::tribes::tribe_goals;

#[derive(Insertable)]
#[diesel(table_name = tribe_goals, check_for_backend(diesel::pg::Pg))]
pub struct NewGoal<'a> {
    pub id: Uuid,
    pub tribe_id: TribeId,
    pub title: &'a str,
    pub description: &'a str,
    pub created_by: UserId,
    pub target_date: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &mut AsyncPgConnection, goal: &NewGoal<'_>) -> QueryResult<Goal> {
    diesel::insert_into(tribe_goals::table)
        .values(goal)
        .returning(Goal::as_returning())
        .get_result(conn)
        .await
}

/// The goal, locked until the transaction ends.
pub async fn lock(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Goal>> {
    tribe_goals::table
        .find(id)
        .for_update()
        .select(Goal::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Goal>> {
    tribe_goals::table
        .find(id)
        .select(Goal::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn complete(conn: &mut AsyncPgConnection, id: Uuid, by: UserId) -> QueryResult<Goal> {
    diesel::update(tribe_goals::table.find(id))
        .set((
            tribe_goals::completed_at.eq(diesel::dsl::now),
            tribe_goals::completed_by.eq(by),
        ))
        .returning(Goal::as_returning())
        .get_result(conn)
        .await
}

/// Newest first, after `cursor`; `limit` rows at most.
pub async fn page(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    cursor: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<Goal>> {
    let mut query = tribe_goals::table
        .filter(tribe_goals::tribe_id.eq(tribe))
        .order((tribe_goals::created_at.desc(), tribe_goals::id.desc()))
        .limit(limit)
        .select(Goal::as_select())
        .into_boxed();
    if let Some(Cursor { at, id }) = cursor {
        query = query.filter(
            tribe_goals::created_at
                .lt(at)
                .or(tribe_goals::created_at.eq(at).and(tribe_goals::id.lt(id))),
        );
    }
    query.load(conn).await
}
