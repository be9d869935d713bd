//! The `blocks` table: who blocked whom.

use circle_core::db::StoreError;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::UserId;
use crate::schema::users::blocks;

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
