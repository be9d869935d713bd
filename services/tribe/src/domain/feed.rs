//! Reading a tribe's activity feed.

use circle_core::auth::Principal;
use circle_core::paging::Cursor;
use diesel_async::AsyncPgConnection;

use super::members::{next_cursor, require_visible};
use super::{Activity, TribeId};
use crate::error::Error;
use crate::query::{activities, tribes};

/// A page of the feed, newest first.
pub async fn list_activities(
    conn: &mut AsyncPgConnection,
    viewer: &Principal,
    id: TribeId,
    cursor: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<Activity>, Option<Cursor>), Error> {
    let tribe = tribes::find(conn, id)
        .await?
        .ok_or(Error::TribeNotFound(id))?;
    require_visible(conn, viewer, &tribe).await?;
    let mut page = activities::page(conn, id, cursor, limit + 1).await?;
    let next = next_cursor(&mut page, limit, |a| Cursor {
        at: a.created_at,
        id: a.id,
    });
    Ok((page, next))
}
