//! The `attendance_outcomes` and `internal_metrics` tables.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{AttendanceOutcome, UserId};
use crate::schema::users::{attendance_outcomes, internal_metrics};

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = internal_metrics, check_for_backend(diesel::pg::Pg))]
pub struct MetricsRow {
    pub user_id: UserId,
    pub absentee_rating: f64,
    pub events_attended: i32,
    pub no_shows: i32,
    pub late_arrivals: i32,
    pub internal_attractiveness_rating: Option<f64>,
    pub updated_at: DateTime<Utc>,
}

/// The attendance figures written together.
#[derive(Debug, AsChangeset)]
#[diesel(table_name = internal_metrics)]
pub struct AttendanceFigures {
    pub absentee_rating: f64,
    pub events_attended: i32,
    pub no_shows: i32,
    pub late_arrivals: i32,
    pub updated_at: DateTime<Utc>,
}

/// Creates `user`'s metrics row if needed and locks it until the transaction ends, so that
/// reports about the same person are counted one after another.
pub async fn lock(conn: &mut AsyncPgConnection, user: UserId) -> Result<(), StoreError> {
    diesel::insert_into(internal_metrics::table)
        .values(internal_metrics::user_id.eq(user))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    internal_metrics::table
        .find(user)
        .select(internal_metrics::user_id)
        .for_update()
        .get_result::<UserId>(conn)
        .await?;
    Ok(())
}

/// Records how `user` turned up to `event`, replacing an earlier report of the same pair.
pub async fn put_outcome(
    conn: &mut AsyncPgConnection,
    user: UserId,
    event: Uuid,
    outcome: AttendanceOutcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(attendance_outcomes::table)
        .values((
            attendance_outcomes::user_id.eq(user),
            attendance_outcomes::event_id.eq(event),
            attendance_outcomes::outcome.eq(outcome),
            attendance_outcomes::recorded_at.eq(now),
        ))
        .on_conflict((attendance_outcomes::user_id, attendance_outcomes::event_id))
        .do_update()
        .set((
            attendance_outcomes::outcome.eq(outcome),
            attendance_outcomes::recorded_at.eq(now),
        ))
        .execute(conn)
        .await?;
    Ok(())
}

/// How many of `user`'s recorded events had each outcome.
pub async fn outcome_counts(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<(AttendanceOutcome, i64)>, StoreError> {
    Ok(attendance_outcomes::table
        .filter(attendance_outcomes::user_id.eq(user))
        .group_by(attendance_outcomes::outcome)
        .select((attendance_outcomes::outcome, diesel::dsl::count_star()))
        .load(conn)
        .await?)
}

pub async fn set_attendance(
    conn: &mut AsyncPgConnection,
    user: UserId,
    figures: &AttendanceFigures,
) -> Result<MetricsRow, StoreError> {
    Ok(diesel::update(internal_metrics::table.find(user))
        .set(figures)
        .returning(MetricsRow::as_returning())
        .get_result(conn)
        .await?)
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Option<MetricsRow>, StoreError> {
    internal_metrics::table
        .find(user)
        .select(MetricsRow::as_select())
        .get_result(conn)
        .await
        .optional_row()
}
