//! The `erased_users` table, and the per-person advisory locks that order writing a person's
//! notifications against erasing them.
//!
//! Writers hold the person's lock shared and check the table; erasure holds it exclusively
//! while it records the person and deletes their notifications. So a notification is either
//! written before the erasure (and deleted by it) or sees the person erased (and is skipped).
//! The lock statements run for every recipient of every fact, so each connection prepares them
//! once ([`prepared`]).

use circle_core::prepared::prepared;
use diesel::prelude::*;
use diesel::sql_types;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::notifications::erased_users;

/// The first key of the two-key advisory locks, so they cannot meet another service's locks
/// in the shared database.
const LOCK_CLASS: &str = "notifications.person";

/// Takes `user_id`'s lock shared until the end of the transaction.
pub async fn lock_shared(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<()> {
    prepared("SELECT pg_advisory_xact_lock_shared(hashtext($1), hashtext($2::text))")
        .bind::<sql_types::Text, _>(LOCK_CLASS)
        .bind::<sql_types::Uuid, _>(user_id)
        .execute(conn)
        .await
        .map(drop)
}

/// Takes `user_id`'s lock exclusively until the end of the transaction.
pub async fn lock_exclusive(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<()> {
    prepared("SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2::text))")
        .bind::<sql_types::Text, _>(LOCK_CLASS)
        .bind::<sql_types::Uuid, _>(user_id)
        .execute(conn)
        .await
        .map(drop)
}

pub async fn is_erased(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(erased_users::table.find(user_id)))
        .get_result(conn)
        .await
}

/// Records `user_id` as erased (again: no change).
pub async fn insert(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<()> {
    diesel::insert_into(erased_users::table)
        .values(erased_users::user_id.eq(user_id))
        .on_conflict_do_nothing()
        .execute(conn)
        .await
        .map(drop)
}
