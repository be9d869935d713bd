//! Conversions between the contract's messages and domain values. Requests are destructured
//! field by field, so a field added to the contract does not compile until it is handled.

use chrono::{DateTime, Utc};
use circle_core::error::invalid_argument;
use circle_core::text::field;
use circle_core::wire;
use circle_proto::event::v1 as proto;
use tonic::Status;

use crate::domain::{
    Event, EventDescription, EventId, EventStatus, EventTitle, NewEvent, Schedule,
};

impl TryFrom<proto::CreateEventRequest> for NewEvent {
    type Error = Status;

    fn try_from(request: proto::CreateEventRequest) -> Result<Self, Status> {
        let proto::CreateEventRequest {
            title,
            description,
            start_time,
            end_time,
            request_id,
        } = request;
        let title = field("title", EventTitle::parse(&title))?;
        let description = field("description", EventDescription::parse(description))?;
        let starts_at = match start_time {
            Some(start_time) => time("start_time", &start_time)?,
            None => return Err(invalid_argument("start_time", "is required")),
        };
        let ends_at = end_time
            .map(|end_time| time("end_time", &end_time))
            .transpose()?;
        Ok(NewEvent {
            title,
            description,
            schedule: field("end_time", Schedule::new(starts_at, ends_at))?,
            request_id: wire::optional_uuid("request_id", &request_id)?,
        })
    }
}

pub fn event_id(value: &str) -> Result<EventId, Status> {
    wire::uuid("event_id", value).map(EventId)
}

impl From<Event> for proto::Event {
    fn from(event: Event) -> Self {
        let Event {
            id,
            title,
            description,
            status,
            owner_id,
            starts_at,
            ends_at,
            created_at,
        } = event;
        proto::Event {
            id: id.to_string(),
            title,
            description,
            status: proto::EventStatus::from(status).into(),
            owner_id: owner_id.to_string(),
            start_time: Some(wire::timestamp(starts_at)),
            end_time: ends_at.map(wire::timestamp),
            create_time: Some(wire::timestamp(created_at)),
        }
    }
}

impl From<EventStatus> for proto::EventStatus {
    fn from(status: EventStatus) -> Self {
        match status {
            EventStatus::Draft => proto::EventStatus::Draft,
            EventStatus::Scheduled => proto::EventStatus::Scheduled,
            EventStatus::InProgress => proto::EventStatus::InProgress,
            EventStatus::Completed => proto::EventStatus::Completed,
            EventStatus::Cancelled => proto::EventStatus::Cancelled,
        }
    }
}

/// 0001-01-01T00:00:00Z, the earliest `google.protobuf.Timestamp`.
const MIN_SECONDS: i64 = -62_135_596_800;
/// 9999-12-31T23:59:59Z, the latest `google.protobuf.Timestamp`.
const MAX_SECONDS: i64 = 253_402_300_799;

/// A timestamp within the range the contract's type allows, kept to the microsecond as
/// Postgres stores it (so a repeated request compares equal to what was stored).
fn time(name: &str, at: &prost_types::Timestamp) -> Result<DateTime<Utc>, Status> {
    let invalid = || invalid_argument(name, "is not a valid timestamp");
    if !(MIN_SECONDS..=MAX_SECONDS).contains(&at.seconds) || !(0..1_000_000_000).contains(&at.nanos)
    {
        return Err(invalid());
    }
    DateTime::from_timestamp_micros(at.seconds * 1_000_000 + i64::from(at.nanos / 1_000))
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64, nanos: i32) -> prost_types::Timestamp {
        prost_types::Timestamp { seconds, nanos }
    }

    #[test]
    fn times_are_kept_to_the_microsecond() {
        let kept = time("t", &at(1_800_000_000, 123_456_789)).unwrap();
        assert_eq!(kept.timestamp_subsec_nanos(), 123_456_000);
    }

    #[test]
    fn times_outside_the_contract_are_refused() {
        assert!(time("t", &at(MIN_SECONDS, 0)).is_ok());
        assert!(time("t", &at(MAX_SECONDS, 999_999_999)).is_ok());
        for bad in [
            at(MIN_SECONDS - 1, 0),
            at(MAX_SECONDS + 1, 0),
            at(0, -1),
            at(0, 1_000_000_000),
        ] {
            assert!(time("t", &bad).is_err(), "{bad:?}");
        }
    }
}
