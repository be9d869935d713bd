//! Blocks between people: a person blocks and unblocks others and lists whom they blocked;
//! services ask which of a set of people blocked one another before putting them together.

use std::collections::HashSet;

use chrono::Utc;
use circle_core::error::with_reason;
use circle_core::paging::Cursor;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use tonic::Code;

use crate::access::Acting;
use crate::audit::{self, AuditEntry};
use crate::domain::UserId;
use crate::error::Error;
use crate::store::accounts;
use crate::store::blocks::{self, Block};

/// The most people one CheckBlocks call may ask about.
pub const MAX_CHECKED_PEOPLE: usize = 1000;

/// A page of blocks and the token of the next one, if there is more.
pub struct BlockPage {
    pub blocks: Vec<Block>,
    pub next: Option<Cursor>,
}

fn block_resource(blocker: UserId, blocked: UserId) -> String {
    format!("{blocker}:{blocked}")
}

/// The caller blocks `blocked`; blocking again returns the block that stands.
pub async fn block(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    blocked: UserId,
) -> Result<Block, Error> {
    let blocker = acting.actor.person()?.id;
    if blocked == blocker {
        return Err(Error::invalid("user_id", "you cannot block yourself"));
    }
    conn.transaction::<_, Error, _>(async |conn| {
        if accounts::find(conn, blocked).await?.is_none() {
            return Err(Error::NotFound {
                what: "user",
                field: "user_id",
            });
        }
        let new = Block {
            blocker_id: blocker,
            blocked_id: blocked,
            created_at: Utc::now(),
        };
        if let Some(block) = blocks::insert_unless_exists(conn, &new).await? {
            let entry = AuditEntry {
                action: "BLOCK",
                resource_type: "block",
                resource_id: block_resource(blocker, blocked),
                subject: Some(blocked),
                metadata: serde_json::json!({}),
            };
            audit::record(conn, acting, entry).await?;
            return Ok(block);
        }
        // Blocked before (or by a concurrent call that committed first).
        blocks::find(conn, blocker, blocked).await?.ok_or_else(|| {
            Error::Status(with_reason(
                Code::Aborted,
                "BLOCK_CHANGED",
                "the block was lifted while it was being made; try again",
            ))
        })
    })
    .await
}

/// The caller lifts their block of `blocked`, if there is one.
pub async fn unblock(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    blocked: UserId,
) -> Result<(), Error> {
    let blocker = acting.actor.person()?.id;
    conn.transaction::<_, Error, _>(async |conn| {
        if blocks::delete(conn, blocker, blocked).await? {
            let entry = AuditEntry {
                action: "UNBLOCK",
                resource_type: "block",
                resource_id: block_resource(blocker, blocked),
                subject: Some(blocked),
                metadata: serde_json::json!({}),
            };
            audit::record(conn, acting, entry).await?;
        }
        Ok(())
    })
    .await
}

/// The caller's blocks, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    after: Option<Cursor>,
    page_size: i64,
) -> Result<BlockPage, Error> {
    let blocker = acting.actor.person()?.id;
    let mut blocks = blocks::list_by_blocker(conn, blocker, after, page_size + 1).await?;
    let next = if blocks.len() as i64 > page_size {
        blocks.truncate(page_size as usize);
        blocks.last().map(|last| Cursor {
            at: last.created_at,
            id: last.blocked_id.as_uuid(),
        })
    } else {
        None
    };
    Ok(BlockPage { blocks, next })
}

/// Every block among `people`, as (blocker, blocked). Services only.
pub async fn check(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    people: Vec<UserId>,
) -> Result<Vec<(UserId, UserId)>, Error> {
    acting.actor.service()?;
    let mut seen = HashSet::new();
    let people: Vec<UserId> = people.into_iter().filter(|id| seen.insert(*id)).collect();
    if people.len() > MAX_CHECKED_PEOPLE {
        return Err(Error::invalid(
            "user_ids",
            format!("must name at most {MAX_CHECKED_PEOPLE} distinct people"),
        ));
    }
    if people.len() < 2 {
        return Ok(Vec::new());
    }
    Ok(blocks::among(conn, &people).await?)
}
