//! The event domain: value types that can hold only valid values, and the service's actions.

mod create_event;
mod event;
mod get_event;

pub use create_event::{NewEvent, create_event};
pub use event::{Event, EventDescription, EventId, EventStatus, EventTitle, Schedule};
pub use get_event::get_event;

circle_core::uuid_id! {
    /// A person, as the user service knows them (no foreign key across services).
    pub struct UserId(pub Uuid);
}
