//! The `idempotency_records` table: one row per (user, request id), claimed before the work
//! and given its outcome in the same transaction.

use chrono::{DateTime, Utc};
use diesel::OptionalExtension;
use diesel::QueryResult;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::UserId;
use crate::schema::payments::idempotency_records;

#[derive(Insertable)]
#[diesel(table_name = idempotency_records, check_for_backend(diesel::pg::Pg))]
pub struct NewRecord<'a> {
    pub user_id: UserId,
    pub request_id: Uuid,
    pub request_fingerprint: &'a [u8],
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = idempotency_records, check_for_backend(diesel::pg::Pg))]
pub struct Record {
    pub request_fingerprint: Vec<u8>,
    pub response: Option<Vec<u8>>,
    pub status_code: Option<i32>,
    pub status_message: Option<String>,
    pub status_details: Option<Vec<u8>>,
}

/// The outcome written into a claimed record: a response, or a status.
#[derive(AsChangeset)]
#[diesel(table_name = idempotency_records, treat_none_as_null = true)]
pub struct OutcomeChanges<'a> {
    pub response: Option<&'a [u8]>,
    pub status_code: Option<i32>,
    pub status_message: Option<&'a str>,
    pub status_details: Option<&'a [u8]>,
}

/// Inserts the record of a new key; false when the key exists (waiting for a concurrent
/// claim of it to commit or roll back first).
pub async fn claim(conn: &mut AsyncPgConnection, record: &NewRecord<'_>) -> QueryResult<bool> {
    diesel::insert_into(idempotency_records::table)
        .values(record)
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(|inserted| inserted == 1)
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    request_id: Uuid,
) -> QueryResult<Option<Record>> {
    idempotency_records::table
        .find((user_id, request_id))
        .select(Record::as_select())
        .first(conn)
        .await
        .optional()
}

pub async fn save_outcome(
    conn: &mut AsyncPgConnection,
    user_id: UserId,
    request_id: Uuid,
    outcome: &OutcomeChanges<'_>,
) -> QueryResult<()> {
    diesel::update(idempotency_records::table.find((user_id, request_id)))
        .set(outcome)
        .execute(conn)
        .await
        .map(drop)
}

/// Deletes the records created before `cutoff`; returns how many.
pub async fn delete_created_before(
    conn: &mut AsyncPgConnection,
    cutoff: DateTime<Utc>,
) -> QueryResult<usize> {
    diesel::delete(idempotency_records::table.filter(idempotency_records::created_at.lt(cutoff)))
        .execute(conn)
        .await
}
