//! The inbox: applying facts as notifications (once each), erasing a person's, and reading a
//! person's inbox.

use chrono::{DateTime, Utc};
use circle_core::outbox::record_processed;
use circle_core::paging::Cursor;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::error::Error;
use crate::facts::{Envelope, Payload};
use crate::model::{Channel, DeliveryStatus, NotificationType};
use crate::store::deliveries::{self, NewDelivery};
use crate::store::erasures;
use crate::store::notifications::{self, NewNotification};
use crate::templates::{self, Draft, Route};

/// The outcome of applying a fact.
#[derive(Debug)]
pub enum Applied {
    /// The fact had been applied before; nothing was done.
    Before,
    /// Written now; the email deliveries are pending and ready to send.
    Now { pending_emails: Vec<Uuid> },
}

/// Applies `payload` of the fact in `envelope` once, in one transaction that records it as
/// processed and either writes its notifications (one delivery per channel each; none for a
/// person erased before) or erases the person.
pub async fn apply(
    conn: &mut AsyncPgConnection,
    envelope: &Envelope,
    payload: Payload,
) -> Result<Applied, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        if !record_processed(conn, envelope.id, &envelope.topic, &envelope.producer).await? {
            return Ok(Applied::Before);
        }
        let notice = match payload {
            Payload::Notice(notice) => notice,
            Payload::UserErased { user_id } => {
                erase(conn, user_id).await?;
                return Ok(Applied::Now {
                    pending_emails: Vec::new(),
                });
            }
        };
        let mut drafts = templates::drafts(envelope.id, notice);
        drafts.sort_by_key(|draft| draft.user_id);
        let now = Utc::now();
        let mut pending_emails = Vec::new();
        for draft in &drafts {
            erasures::lock_shared(conn, draft.user_id).await?;
            if erasures::is_erased(conn, draft.user_id).await? {
                tracing::info!(user_id = %draft.user_id, "no notification for an erased person");
                continue;
            }
            pending_emails.extend(create(conn, draft, now).await?);
        }
        Ok(Applied::Now { pending_emails })
    })
    .await
}

/// Deletes everything kept about `user_id` (notifications and their deliveries) and remembers
/// the person as erased, so that facts about them arriving later write nothing.
async fn erase(conn: &mut AsyncPgConnection, user_id: Uuid) -> Result<(), Error> {
    erasures::lock_exclusive(conn, user_id).await?;
    erasures::insert(conn, user_id).await?;
    let deleted = notifications::delete_for_user(conn, user_id).await?;
    tracing::info!(%user_id, deleted, "erased a person's notifications");
    Ok(())
}

/// Writes `draft` and its deliveries; in-app counts as delivered at once. Returns the ids of
/// the pending email deliveries.
async fn create(
    conn: &mut AsyncPgConnection,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<Vec<Uuid>, Error> {
    let notification_id = Uuid::now_v7();
    notifications::insert(
        conn,
        &NewNotification {
            id: notification_id,
            user_id: draft.user_id,
            type_: draft.kind.as_str(),
            title: &draft.title,
            body: &draft.body,
            data: &draft.data,
            expires_at: draft.expires_at,
        },
    )
    .await?;
    let mut pending_emails = Vec::new();
    let rows: Vec<NewDelivery> = draft
        .routes
        .iter()
        .map(|route| {
            let id = Uuid::now_v7();
            match route {
                Route::InApp => NewDelivery {
                    id,
                    notification_id,
                    channel: Channel::InApp.as_str(),
                    destination: None,
                    status: DeliveryStatus::Sent.as_str(),
                    sent_at: Some(now),
                },
                Route::Email(address) => {
                    pending_emails.push(id);
                    NewDelivery {
                        id,
                        notification_id,
                        channel: Channel::Email.as_str(),
                        destination: Some(address.as_str()),
                        status: DeliveryStatus::Pending.as_str(),
                        sent_at: None,
                    }
                }
            }
        })
        .collect();
    deliveries::insert_all(conn, &rows).await?;
    Ok(pending_emails)
}

/// One notification as its person sees it.
#[derive(Debug)]
pub struct Notification {
    pub id: Uuid,
    pub user_id: Uuid,
    /// `None` for a type this version does not know.
    pub kind: Option<NotificationType>,
    pub title: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

#[derive(Debug)]
pub struct Page {
    pub notifications: Vec<Notification>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}

/// A page of `user_id`'s unexpired notifications, newest first.
pub async fn list(
    conn: &mut AsyncPgConnection,
    user_id: Uuid,
    page_size: i64,
    after: Option<Cursor>,
) -> Result<Page, Error> {
    let mut rows = notifications::page(conn, user_id, after, page_size + 1, Utc::now()).await?;
    let more = rows.len() as i64 > page_size;
    rows.truncate(page_size as usize);
    let next = more.then(|| rows.last()).flatten().map(|last| Cursor {
        at: last.created_at,
        id: last.id,
    });
    let notifications = rows
        .into_iter()
        .map(|row| Notification {
            id: row.id,
            user_id: row.user_id,
            kind: NotificationType::parse(&row.type_),
            title: row.title,
            body: row.body,
            created_at: row.created_at,
            read_at: row.read_at,
        })
        .collect();
    Ok(Page {
        notifications,
        next,
    })
}
