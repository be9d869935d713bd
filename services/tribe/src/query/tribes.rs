//! The `tribes` table.

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

pub async fn find(conn: &mut AsyncPgConnection, id: TribeId) -> QueryResult<Option<Tribe>> {
    tribes::table
        .find(id)
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
