//! Creating an event: a DRAFT owned by its creator, at most once per request id of an owner.

use circle_core::db::StoreError;
use diesel_async::AsyncPgConnection;
use uuid::Uuid;

use super::{Event, EventDescription, EventId, EventStatus, EventTitle, Schedule, UserId};
use crate::error::Error;
use crate::query::events;

/// What a person asks for when creating an event, validated.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub title: EventTitle,
    pub description: EventDescription,
    pub schedule: Schedule,
    /// The owner's idempotency key: the same key returns the event created first.
    pub request_id: Option<Uuid>,
}

impl NewEvent {
    /// Whether `event` is what this request would have created.
    fn created(&self, event: &Event) -> bool {
        event.title == self.title.as_str()
            && event.description == self.description.as_str()
            && event.starts_at == self.schedule.starts_at()
            && event.ends_at == self.schedule.ends_at()
    }
}

pub async fn create_event(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    new: NewEvent,
) -> Result<Event, Error> {
    let row = events::NewEventRow {
        id: EventId::generate(),
        title: new.title.as_str(),
        description: new.description.as_str(),
        status: EventStatus::Draft,
        owner_id: owner,
        starts_at: new.schedule.starts_at(),
        ends_at: new.schedule.ends_at(),
        request_id: new.request_id,
    };
    match events::insert(conn, &row).await? {
        Some(event) => Ok(event),
        None => replay(conn, owner, &new).await,
    }
}

/// The insert met the owner's earlier event with the same request id (after that transaction
/// committed): the same request gets that event, a different one is refused.
async fn replay(
    conn: &mut AsyncPgConnection,
    owner: UserId,
    new: &NewEvent,
) -> Result<Event, Error> {
    let first = match new.request_id {
        Some(request_id) => events::find_by_request(conn, owner, request_id).await?,
        None => None,
    };
    match first {
        Some(event) if new.created(&event) => Ok(event),
        Some(_) => Err(Error::RequestIdReused),
        // The conflicting row is gone again: a retry creates the event afresh.
        None => Err(Error::Store(StoreError::Conflict)),
    }
}
