//! The `deliveries` table: one row per channel a notification goes out on.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use uuid::Uuid;

use crate::model::{Channel, DeliveryStatus};
use crate::schema::notifications::{deliveries, notifications};

#[derive(Insertable)]
#[diesel(table_name = deliveries)]
pub struct NewDelivery<'a> {
    pub id: Uuid,
    pub notification_id: Uuid,
    pub channel: &'a str,
    pub destination: Option<&'a str>,
    pub status: &'a str,
    pub sent_at: Option<DateTime<Utc>>,
}

/// A pending email, locked for sending by the transaction that read it.
pub struct PendingEmail {
    pub id: Uuid,
    pub destination: String,
    pub subject: String,
    pub body: String,
}

/// What happened to a delivery, which becomes its changeset.
pub enum Transition<'a> {
    Sent {
        at: DateTime<Utc>,
    },
    /// A temporary failure: stays PENDING for the next try.
    Retry {
        error: &'a str,
    },
    /// A permanent failure.
    Fail {
        error: &'a str,
    },
}

pub async fn insert_all(conn: &mut AsyncPgConnection, rows: &[NewDelivery<'_>]) -> QueryResult<()> {
    diesel::insert_into(deliveries::table)
        .values(rows)
        .execute(conn)
        .await
        .map(drop)
}

/// Locks email delivery `id` (waiting for whoever holds it) if it is still pending.
pub async fn lock_pending_email(
    conn: &mut AsyncPgConnection,
    id: Uuid,
) -> QueryResult<Option<PendingEmail>> {
    let Some((notification_id, destination)) = deliveries::table
        .filter(deliveries::id.eq(id))
        .filter(deliveries::channel.eq(Channel::Email.as_str()))
        .filter(deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .select((deliveries::notification_id, deliveries::destination))
        .for_update()
        .first::<(Uuid, Option<String>)>(conn)
        .await
        .optional()?
    else {
        return Ok(None);
    };
    let (subject, body) = notifications::table
        .find(notification_id)
        .select((notifications::title, notifications::body))
        .first::<(String, String)>(conn)
        .await?;
    Ok(Some(PendingEmail {
        id,
        // The table requires a destination on every channel but IN_APP.
        destination: destination.unwrap_or_default(),
        subject,
        body,
    }))
}

/// Pending email deliveries, least tried first, so one that keeps failing does not starve the rest.
pub async fn pending_email_ids(conn: &mut AsyncPgConnection, limit: i64) -> QueryResult<Vec<Uuid>> {
    deliveries::table
        .filter(deliveries::channel.eq(Channel::Email.as_str()))
        .filter(deliveries::status.eq(DeliveryStatus::Pending.as_str()))
        .order((deliveries::attempts, deliveries::created_at))
        .limit(limit)
        .select(deliveries::id)
        .load(conn)
        .await
}

pub async fn record(
    conn: &mut AsyncPgConnection,
    id: Uuid,
    transition: Transition<'_>,
) -> QueryResult<()> {
    let target = deliveries::table.find(id);
    let attempts = deliveries::attempts.eq(deliveries::attempts + 1);
    match transition {
        Transition::Sent { at } => {
            diesel::update(target)
                .set((
                    deliveries::status.eq(DeliveryStatus::Sent.as_str()),
                    deliveries::sent_at.eq(at),
                    attempts,
                    deliveries::last_error.eq(None::<String>),
                ))
                .execute(conn)
                .await
        }
        Transition::Retry { error } => {
            diesel::update(target)
                .set((attempts, deliveries::last_error.eq(error)))
                .execute(conn)
                .await
        }
        Transition::Fail { error } => {
            diesel::update(target)
                .set((
                    deliveries::status.eq(DeliveryStatus::Failed.as_str()),
                    attempts,
                    deliveries::last_error.eq(error),
                ))
                .execute(conn)
                .await
        }
    }
    .map(drop)
}
