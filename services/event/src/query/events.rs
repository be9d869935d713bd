//! The `events` table.

use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use diesel::QueryResult;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{Event, EventId, EventStatus, UserId};
use crate::schema::events::events;

#[derive(Insertable)]
#[diesel(table_name = events, check_for_backend(diesel::pg::Pg))]
pub struct NewEventRow<'a> {
    pub id: EventId,
    pub title: &'a str,
    pub description: &'a str,
    pub status: EventStatus,
    pub owner_id: UserId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub request_id: Option<Uuid>,
}

/// Inserts the event; `None` when its owner already has an event with the same request id
/// (waiting for a concurrent insert of that key to commit or roll back first).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewEventRow<'_>,
) -> QueryResult<Option<Event>> {
    diesel::insert_into(events::table)
        .values(row)
        .on_conflict((events::owner_id, events::request_id))
        .do_nothing()
        .returning(Event::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn find(conn: &mut AsyncPgConnection, id: EventId) -> QueryResult<Option<Event>> {
    events::table
        .find(id)
        .select(Event::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn find_by_request(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    request_id: Uuid,
) -> QueryResult<Option<Event>> {
    events::table
        .filter(events::owner_id.eq(owner))
        .filter(events::request_id.eq(request_id))
        .select(Event::as_select())
        .first(conn)
        .await
        .optional()
}
