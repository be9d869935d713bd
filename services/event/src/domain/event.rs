//! An event and the values it is made of.

use chrono::{DateTime, Utc};
use circle_core::text::{InvalidValue, Lines, check_text};
use diesel::pg::Pg;
use diesel::prelude::*;

use super::UserId;
use crate::schema::events::events;

circle_core::uuid_id! {
    /// Identifies an event.
    pub struct EventId(pub Uuid);
}

impl EventId {
    /// A new, time-ordered id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7())
    }
}

circle_core::text_enum! {
    /// Where an event is in its life.
    pub enum EventStatus {
        /// Being prepared; visible to its owner only. Every event starts here.
        Draft = "DRAFT",
        /// Published, with its time set.
        Scheduled = "SCHEDULED",
        InProgress = "IN_PROGRESS",
        Completed = "COMPLETED",
        Cancelled = "CANCELLED",
    }
}

/// An event's title: trimmed, 1 to 120 characters, on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventTitle(String);

impl EventTitle {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let title = raw.trim();
        if title.is_empty() {
            return Err(InvalidValue("must not be empty".to_owned()));
        }
        check_text(title, Self::MAX_CHARS, Lines::Single)?;
        Ok(Self(title.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What an event is about: at most 5000 characters, possibly empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventDescription(String);

impl EventDescription {
    pub const MAX_CHARS: usize = 5000;

    pub fn parse(raw: String) -> Result<Self, InvalidValue> {
        check_text(&raw, Self::MAX_CHARS, Lines::Multi)?;
        Ok(Self(raw))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// When an event starts and, if known, ends: never before it starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    starts_at: DateTime<Utc>,
    ends_at: Option<DateTime<Utc>>,
}

impl Schedule {
    /// Refuses an end that is not after the start.
    pub fn new(
        starts_at: DateTime<Utc>,
        ends_at: Option<DateTime<Utc>>,
    ) -> Result<Self, InvalidValue> {
        match ends_at {
            Some(ends_at) if ends_at <= starts_at => {
                Err(InvalidValue("must be after start_time".to_owned()))
            }
            _ => Ok(Self { starts_at, ends_at }),
        }
    }

    pub fn starts_at(&self) -> DateTime<Utc> {
        self.starts_at
    }

    pub fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.ends_at
    }
}

/// An event as read.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = events, check_for_backend(Pg))]
pub struct Event {
    pub id: EventId,
    pub title: String,
    pub description: String,
    pub status: EventStatus,
    pub owner_id: UserId,
    pub starts_at: DateTime<Utc>,
    pub ends_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use chrono::TimeDelta;

    use super::*;

    #[test]
    fn a_schedule_ends_after_it_starts() {
        let start = Utc::now();
        assert!(Schedule::new(start, None).is_ok());
        assert!(Schedule::new(start, Some(start + TimeDelta::microseconds(1))).is_ok());
        assert!(Schedule::new(start, Some(start)).is_err());
        assert!(Schedule::new(start, Some(start - TimeDelta::hours(1))).is_err());
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(EventTitle::parse(" Picnic  ").unwrap().as_str(), "Picnic");
        assert!(EventTitle::parse("  ").is_err());
        assert!(EventTitle::parse(&"t".repeat(120)).is_ok());
        assert!(EventTitle::parse(&"t".repeat(121)).is_err());
    }
}
