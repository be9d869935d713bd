//! The `notifications` table: every person's inbox.

use chrono::{DateTime, Utc};
use circle_core::paging::Cursor;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::schema::notifications::notifications;

#[derive(Insertable)]
#[diesel(table_name = notifications)]
pub struct NewNotification<'a> {
    pub id: Uuid,
    pub user_id: Uuid,
    pub type_: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    pub data: &'a serde_json::Value,
    pub expires_at: Option<DateTime<Utc>>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = notifications, check_for_backend(diesel::pg::Pg))]
pub struct NotificationRow {
    pub id: Uuid,
    pub user_id: Uuid,
    pub type_: String,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

pub async fn insert(
    conn: &mut AsyncPgConnection,
    notification: &NewNotification<'_>,
) -> QueryResult<()> {
    diesel::insert_into(notifications::table)
        .values(notification)
        .execute(conn)
        .await
        .map(drop)
}

/// Up to `limit` of `user_id`'s notifications not expired at `now`, newest first, after `after`.
pub async fn page(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    after: Option<Cursor>,
    limit: i64,
    now: DateTime<Utc>,
) -> QueryResult<Vec<NotificationRow>> {
    let mut query = notifications::table
        .filter(notifications::user_id.eq(user_id))
        .filter(
            notifications::expires_at
                .is_null()
                .or(notifications::expires_at.gt(now)),
        )
        .into_boxed();
    if let Some(Cursor { at, id }) = after {
        query = query.filter(
            notifications::created_at
                .lt(at)
                .or(notifications::created_at
                    .eq(at)
                    .and(notifications::id.lt(id))),
        );
    }
    query
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)
        .await
}

/// Deletes all of `user_id`'s notifications (their deliveries go with them); returns how many.
pub async fn delete_for_user(conn: &mut AsyncPgConnection, user_id: Uuid) -> QueryResult<usize> {
    diesel::delete(notifications::table.filter(notifications::user_id.eq(user_id)))
        .execute(conn)
        .await
}
