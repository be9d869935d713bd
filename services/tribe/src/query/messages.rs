//! The `tribe_messages` table: each tribe's chat.

use chrono::{DateTime, Utc};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel::{OptionalExtension, QueryResult};
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::domain::{Message, MessageType, TribeId, UserId};
use crate::schema::tribes::tribe_messages;

#[derive(Insertable)]
#[diesel(table_name = tribe_messages, check_for_backend(diesel::pg::Pg))]
pub struct NewMessage {
    pub id: Uuid,
    pub tribe_id: TribeId,
    pub user_id: Option<UserId>,
    pub message_type: MessageType,
    pub content: String,
    pub metadata: serde_json::Value,
}

pub async fn insert(conn: &mut AsyncPgConnection, message: &NewMessage) -> QueryResult<Message> {
    diesel::insert_into(tribe_messages::table)
        .values(message)
        .returning(Message::as_returning())
        .get_result(conn)
        .await
}

pub async fn find(conn: &mut AsyncPgConnection, id: Uuid) -> QueryResult<Option<Message>> {
    tribe_messages::table
        .find(id)
        .select(Message::as_select())
        .first(conn)
        .await
        .optional()
}

/// Newest first, after `cursor`; `limit` rows at most.
pub async fn page(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    cursor: Option<Cursor>,
    limit: i64,
) -> QueryResult<Vec<Message>> {
    let mut query = tribe_messages::table
        .filter(tribe_messages::tribe_id.eq(tribe))
        .order((tribe_messages::sent_at.desc(), tribe_messages::id.desc()))
        .limit(limit)
        .select(Message::as_select())
        .into_boxed();
    if let Some(Cursor { at, id }) = cursor {
        query = query.filter(
            tribe_messages::sent_at.lt(at).or(tribe_messages::sent_at
                .eq(at)
                .and(tribe_messages::id.lt(id))),
        );
    }
    query.load(conn).await
}

/// Messages written after `since` (all without it), oldest first.
pub async fn written_after(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    since: Option<DateTime<Utc>>,
) -> QueryResult<Vec<Message>> {
    let mut query = tribe_messages::table
        .filter(tribe_messages::tribe_id.eq(tribe))
        .order((tribe_messages::sent_at.asc(), tribe_messages::id.asc()))
        .select(Message::as_select())
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(tribe_messages::sent_at.gt(since));
    }
    query.load(conn).await
}

/// Messages of others than `reader` after `position` (all of them without one).
pub async fn count_after(
    conn: &mut AsyncPgConnection,
    tribe: TribeId,
    reader: UserId,
    position: Option<(DateTime<Utc>, Uuid)>,
) -> QueryResult<i64> {
    let mut query = tribe_messages::table
        .filter(tribe_messages::tribe_id.eq(tribe))
        .filter(
            tribe_messages::user_id
                .is_null()
                .or(tribe_messages::user_id.ne(reader)),
        )
        .into_boxed();
    if let Some((at, id)) = position {
        query = query.filter(
            tribe_messages::sent_at.gt(at).or(tribe_messages::sent_at
                .eq(at)
                .and(tribe_messages::id.gt(id))),
        );
    }
    query.count().get_result(conn).await
}
