//! The `tribes` table.

use circle_core::db::rows_per_insert;
use diesel::OptionalExtension;
use diesel::QueryResult;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{MaxMembers, Tribe, TribeId, TribePrivacy, TribeStatus, UserId};
use crate::schema::tribes::tribes;

#[derive(Insertable)]
#[diesel(table_name = tribes, check_for_backend(diesel::pg::Pg))]
pub struct NewTribeRow<'a> {
    pub id: TribeId,
    pub name: &'a str,
    pub description: &'a str,
    pub status: TribeStatus,
    pub privacy: TribePrivacy,
    pub max_members: MaxMembers,
    pub creator_id: UserId,
    pub request_id: Option<Uuid>,
    pub location_name: &'a str,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub member_count: i16,
}

/// The fields an update may change; `None` leaves a field as it is.
#[derive(AsChangeset, Default)]
#[diesel(table_name = tribes, check_for_backend(diesel::pg::Pg))]
pub struct TribeChanges<'a> {
    pub name: Option<&'a str>,
    pub description: Option<&'a str>,
    pub privacy: Option<TribePrivacy>,
    pub max_members: Option<MaxMembers>,
    pub location_name: Option<&'a str>,
    pub latitude: Option<Option<f64>>,
    pub longitude: Option<Option<f64>>,
}

/// Inserts the tribe; `None` when its creator already has a tribe with the same request id
/// (waiting for a concurrent insert of that key to commit or roll back first).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewTribeRow<'_>,
) -> QueryResult<Option<Tribe>> {
    diesel::insert_into(tribes::table)
        .values(row)
        .on_conflict((tribes::creator_id, tribes::request_id))
        .do_nothing()
        .returning(Tribe::as_returning())
        .get_result(conn)
        .await
        .optional()
}

/// New tribes per INSERT (twelve values each).
const ROWS_PER_INSERT: usize = rows_per_insert(12);

/// New tribes without a request id (so none can conflict), many per statement.
pub async fn insert_all(conn: &mut AsyncPgConnection, rows: &[NewTribeRow<'_>]) -> QueryResult<()> {
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        diesel::insert_into(tribes::table)
            .values(chunk)
            .execute(conn)
            .await?;
    }
    Ok(())
}

pub async fn find(conn: &mut AsyncPgConnection, id: TribeId) -> QueryResult<Option<Tribe>> {
    tribes::table
        .find(id)
        .select(Tribe::as_select())
        .first(conn)
        .await
        .optional()
}

/// The tribe, its row locked until the transaction ends: every change of its membership takes
/// this lock first, so counting and changing members never interleave.
pub async fn lock(conn: &mut AsyncPgConnection, id: TribeId) -> QueryResult<Option<Tribe>> {
    tribes::table
        .find(id)
        .for_update()
        .select(Tribe::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_request(
    conn: &mut AsyncPgConnection,
    creator: UserId,
    request_id: Uuid,
) -> QueryResult<Option<Tribe>> {
    tribes::table
        .filter(tribes::creator_id.eq(creator))
        .filter(tribes::request_id.eq(request_id))
        .select(Tribe::as_select())
        .first(conn)
        .await
        .optional()
}

/// Writes the active member count and the status that follows, as activity now.
pub async fn set_membership(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    member_count: i16,
    status: TribeStatus,
) -> QueryResult<Tribe> {
    diesel::update(tribes::table.find(id))
        .set((
            tribes::member_count.eq(member_count),
            tribes::status.eq(status),
            tribes::last_activity_at.eq(diesel::dsl::now),
            tribes::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Tribe::as_returning())
        .get_result(conn)
        .await
}

pub async fn set_status(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    status: TribeStatus,
) -> QueryResult<Tribe> {
    diesel::update(tribes::table.find(id))
        .set((
            tribes::status.eq(status),
            tribes::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Tribe::as_returning())
        .get_result(conn)
        .await
}

pub async fn set_creator(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    creator: UserId,
) -> QueryResult<Tribe> {
    diesel::update(tribes::table.find(id))
        .set((
            tribes::creator_id.eq(creator),
            tribes::updated_at.eq(diesel::dsl::now),
        ))
        .returning(Tribe::as_returning())
        .get_result(conn)
        .await
}

pub async fn update(
    conn: &mut AsyncPgConnection,
    id: TribeId,
    changes: &TribeChanges<'_>,
) -> QueryResult<Tribe> {
    diesel::update(tribes::table.find(id))
        .set((changes, tribes::updated_at.eq(diesel::dsl::now)))
        .returning(Tribe::as_returning())
        .get_result(conn)
        .await
}

/// Marks activity now (a goal event); the lifecycle job measures quiet from here.
pub async fn touch(conn: &mut AsyncPgConnection, id: TribeId) -> QueryResult<()> {
    diesel::update(tribes::table.find(id))
        .set(tribes::last_activity_at.eq(diesel::dsl::now))
        .execute(conn)
        .await
        .map(drop)
}

/// Up to `limit` tribes in one of `statuses` without activity for `quiet`, locked (skipping
/// those another transaction holds).
pub async fn lock_quiet(
    conn: &mut AsyncPgConnection,
    statuses: &[TribeStatus],
    quiet: std::time::Duration,
    limit: i64,
) -> QueryResult<Vec<Tribe>> {
    let quiet = chrono::Duration::from_std(quiet).unwrap_or(chrono::Duration::MAX);
    let since = chrono::Utc::now() - quiet;
    tribes::table
        .filter(tribes::status.eq_any(statuses))
        .filter(tribes::last_activity_at.lt(since))
        .order(tribes::last_activity_at)
        .limit(limit)
        .for_update()
        .skip_locked()
        .select(Tribe::as_select())
        .load(conn)
        .await
}
