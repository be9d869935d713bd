//! Page sizes and opaque keyset cursors for List methods.

use chrono::{DateTime, Utc};
use tonic::Status;
use uuid::Uuid;

use crate::error::invalid_argument;

pub const DEFAULT_PAGE_SIZE: i64 = 20;
pub const MAX_PAGE_SIZE: i64 = 100;

/// 0 means the default; negative is refused; above the maximum is clamped.
pub fn page_size(requested: i32) -> Result<i64, Status> {
    match requested {
        0 => Ok(DEFAULT_PAGE_SIZE),
        n if n < 0 => Err(invalid_argument("page_size", "must not be negative")),
        n => Ok(i64::from(n).min(MAX_PAGE_SIZE)),
    }
}

/// The position after the last row of a page ordered by (time, id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        hex::encode(format!("{}|{}", self.at.timestamp_micros(), self.id))
    }

    /// Decodes `page_token`; empty means the first page.
    pub fn decode(page_token: &str) -> Result<Option<Cursor>, Status> {
        if page_token.is_empty() {
            return Ok(None);
        }
        let invalid = || invalid_argument("page_token", "is not a token this list returned");
        let raw = hex::decode(page_token).map_err(|_| invalid())?;
        let raw = String::from_utf8(raw).map_err(|_| invalid())?;
        let (micros, id) = raw.split_once('|').ok_or_else(invalid)?;
        let at = micros
            .parse()
            .ok()
            .and_then(DateTime::from_timestamp_micros)
            .ok_or_else(invalid)?;
        let id = id.parse().map_err(|_| invalid())?;
        Ok(Some(Cursor { at, id }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursor_round_trips_and_rejects_garbage() {
        let at = DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap();
        let cursor = Cursor {
            at,
            id: Uuid::new_v4(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), Some(cursor));
        assert_eq!(Cursor::decode("").unwrap(), None);
        assert_eq!(
            Cursor::decode("zz").unwrap_err().code(),
            tonic::Code::InvalidArgument
        );
    }

    #[test]
    fn page_size_defaults_and_clamps() {
        assert_eq!(page_size(0).unwrap(), DEFAULT_PAGE_SIZE);
        assert_eq!(page_size(1000).unwrap(), MAX_PAGE_SIZE);
        assert!(page_size(-1).is_err());
    }
}
