//! The `reports` table: what people reported, and how moderators resolved it.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::UserId;
use crate::domain::report::{ModerationAction, ReportCategory, ReportId, ReportStatus};
use crate::schema::users::reports;

#[derive(Clone, Debug, PartialEq, Queryable, Selectable)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg))]
pub struct Report {
    pub id: ReportId,
    pub reporter_id: UserId,
    pub reported_id: UserId,
    pub category: ReportCategory,
    pub comments: String,
    pub request_id: Option<String>,
    pub status: ReportStatus,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
    pub resolved_by: Option<UserId>,
    pub outcome: Option<String>,
    pub action: Option<ModerationAction>,
}

#[derive(Insertable)]
#[diesel(table_name = reports)]
pub struct NewReport<'a> {
    pub id: ReportId,
    pub reporter_id: UserId,
    pub reported_id: UserId,
    pub category: ReportCategory,
    pub comments: &'a str,
    pub request_id: Option<&'a str>,
    pub status: ReportStatus,
    pub created_at: DateTime<Utc>,
}

/// A moderator's resolution, the one change a report goes through.
#[derive(AsChangeset)]
#[diesel(table_name = reports)]
pub struct Resolution<'a> {
    pub status: ReportStatus,
    pub resolved_at: DateTime<Utc>,
    pub resolved_by: UserId,
    pub outcome: &'a str,
    pub action: ModerationAction,
}

/// Inserts `report` unless its reporter already used its request id, in which case it returns
/// `None`.
pub async fn insert_unless_request_seen(
    conn: &mut AsyncPgConnection,
    report: &NewReport<'_>,
) -> Result<Option<Report>, StoreError> {
    diesel::insert_into(reports::table)
        .values(report)
        .on_conflict((reports::reporter_id, reports::request_id))
        .do_nothing()
        .returning(Report::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

pub async fn find_by_request(
    conn: &mut AsyncPgConnection,
    reporter: UserId,
    request_id: &str,
) -> Result<Option<Report>, StoreError> {
    reports::table
        .filter(reports::reporter_id.eq(reporter))
        .filter(reports::request_id.eq(request_id))
        .select(Report::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// Reads and locks the report until the end of the transaction.
pub async fn find_for_update(
    conn: &mut AsyncPgConnection,
    id: ReportId,
) -> Result<Option<Report>, StoreError> {
    reports::table
        .find(id)
        .select(Report::as_select())
        .for_update()
        .first(conn)
        .await
        .optional_row()
}

pub async fn resolve(
    conn: &mut AsyncPgConnection,
    id: ReportId,
    resolution: &Resolution<'_>,
) -> Result<Report, StoreError> {
    Ok(diesel::update(reports::table.find(id))
        .set(resolution)
        .returning(Report::as_returning())
        .get_result(conn)
        .await?)
}

/// Up to `limit` reports of `status`, oldest first, after `after`.
pub async fn list_by_status(
    conn: &mut AsyncPgConnection,
    status: ReportStatus,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<Report>, StoreError> {
    let mut query = reports::table
        .filter(reports::status.eq(status))
        .select(Report::as_select())
        .order((reports::created_at.asc(), reports::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some(Cursor { at, id }) = after {
        let id = ReportId::from(id);
        query = query.filter(
            reports::created_at
                .gt(at)
                .or(reports::created_at.eq(at).and(reports::id.gt(id))),
        );
    }
    Ok(query.load(conn).await?)
}
