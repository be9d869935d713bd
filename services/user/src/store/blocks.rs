//! The `blocks` table: who blocked whom.

use chrono::{DateTime, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::UserId;
use crate::schema::users::blocks;

#[derive(Clone, Debug, Queryable, Selectable, Insertable)]
#[diesel(table_name = blocks, check_for_backend(diesel::pg::Pg))]
pub struct Block {
    pub blocker_id: UserId,
    pub blocked_id: UserId,
    pub created_at: DateTime<Utc>,
}

/// Whether either of `a` and `b` blocked the other.
pub async fn either_way(
    conn: &mut AsyncPgConnection,
    a: UserId,
    b: UserId,
) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        blocks::table.filter(
            (blocks::blocker_id.eq(a).and(blocks::blocked_id.eq(b)))
                .or(blocks::blocker_id.eq(b).and(blocks::blocked_id.eq(a))),
        ),
    ))
    .get_result(conn)
    .await?)
}

/// Inserts `block` unless the same block exists, in which case it returns `None`.
pub async fn insert_unless_exists(
    conn: &mut AsyncPgConnection,
    block: &Block,
) -> Result<Option<Block>, StoreError> {
    diesel::insert_into(blocks::table)
        .values(block)
        .on_conflict((blocks::blocker_id, blocks::blocked_id))
        .do_nothing()
        .returning(Block::as_returning())
        .get_result(conn)
        .await
        .optional_row()
}

pub async fn find(
    conn: &mut AsyncPgConnection,
    blocker: UserId,
    blocked: UserId,
) -> Result<Option<Block>, StoreError> {
    blocks::table
        .find((blocker, blocked))
        .select(Block::as_select())
        .first(conn)
        .await
        .optional_row()
}

/// Deletes the block of `blocked` by `blocker`; whether there was one.
pub async fn delete(
    conn: &mut AsyncPgConnection,
    blocker: UserId,
    blocked: UserId,
) -> Result<bool, StoreError> {
    let deleted = diesel::delete(blocks::table.find((blocker, blocked)))
        .execute(conn)
        .await?;
    Ok(deleted > 0)
}

/// Up to `limit` of `blocker`'s blocks, newest first, after `after` (keyed on the time and the
/// blocked person's id).
pub async fn list_by_blocker(
    conn: &mut AsyncPgConnection,
    blocker: UserId,
    after: Option<Cursor>,
    limit: i64,
) -> Result<Vec<Block>, StoreError> {
    let mut query = blocks::table
        .filter(blocks::blocker_id.eq(blocker))
        .select(Block::as_select())
        .order((blocks::created_at.desc(), blocks::blocked_id.desc()))
        .limit(limit)
        .into_boxed();
    if let Some(Cursor { at, id }) = after {
        let id = UserId::from(id);
        query = query.filter(
            blocks::created_at
                .lt(at)
                .or(blocks::created_at.eq(at).and(blocks::blocked_id.lt(id))),
        );
    }
    Ok(query.load(conn).await?)
}

/// Every block whose two sides are both among `people`, in one query: the primary key finds
/// the blockers, the index on `blocked_id` the other side.
pub async fn among(
    conn: &mut AsyncPgConnection,
    people: &[UserId],
) -> Result<Vec<(UserId, UserId)>, StoreError> {
    Ok(blocks::table
        .filter(blocks::blocker_id.eq_any(people))
        .filter(blocks::blocked_id.eq_any(people))
        .select((blocks::blocker_id, blocks::blocked_id))
        .load(conn)
        .await?)
}
