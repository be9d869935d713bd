//! Reading an event: a draft by its owner and the suite's services, any other by anyone.

use circle_core::auth::Principal;
use diesel_async::AsyncPgConnection;

use super::{Event, EventId, EventStatus};
use crate::error::Error;
use crate::query::events;

pub async fn get_event(
    conn: &mut AsyncPgConnection,
    viewer: &Principal,
    id: EventId,
) -> Result<Event, Error> {
    let event = events::find(conn, id)
        .await?
        .ok_or(Error::EventNotFound(id))?;
    let visible = match (event.status, viewer) {
        (EventStatus::Draft, Principal::User { id: user, .. }) => *user == event.owner_id.0,
        (EventStatus::Draft, Principal::Service { .. }) => true,
        (
            EventStatus::Scheduled
            | EventStatus::InProgress
            | EventStatus::Completed
            | EventStatus::Cancelled,
            _,
        ) => true,
    };
    if visible {
        Ok(event)
    } else {
        Err(Error::DraftEvent(id))
    }
}
