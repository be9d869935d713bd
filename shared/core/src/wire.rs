//! Conversions between protobuf wire types and domain values.

use chrono::{DateTime, Utc};
use tonic::Status;
use uuid::Uuid;

use crate::error::invalid_argument;

pub fn timestamp(at: DateTime<Utc>) -> prost_types::Timestamp {
    prost_types::Timestamp {
        seconds: at.timestamp(),
        nanos: at.timestamp_subsec_nanos() as i32,
    }
}

pub fn from_timestamp(field: &str, at: &prost_types::Timestamp) -> Result<DateTime<Utc>, Status> {
    DateTime::from_timestamp(at.seconds, at.nanos.max(0) as u32)
        .ok_or_else(|| invalid_argument(field, "timestamp out of range"))
}

/// Parses a required UUID field, naming it when it is empty or malformed.
pub fn uuid(field: &str, value: &str) -> Result<Uuid, Status> {
    if value.is_empty() {
        return Err(invalid_argument(field, "is required"));
    }
    Uuid::parse_str(value).map_err(|_| invalid_argument(field, "must be a UUID"))
}

/// Parses an optional UUID field: empty means unset.
pub fn optional_uuid(field: &str, value: &str) -> Result<Option<Uuid>, Status> {
    match value {
        "" => Ok(None),
        value => uuid(field, value).map(Some),
    }
}

/// The paths of an update's field mask (request field `update_mask`), each one of `allowed`.
/// An absent or empty mask is refused: an update names what it changes.
pub fn mask_paths(
    mask: Option<&prost_types::FieldMask>,
    allowed: &[&str],
) -> Result<Vec<String>, Status> {
    let paths = mask.map(|mask| mask.paths.as_slice()).unwrap_or_default();
    if paths.is_empty() {
        return Err(invalid_argument(
            "update_mask",
            "must name at least one field to change",
        ));
    }
    for path in paths {
        if !allowed.contains(&path.as_str()) {
            return Err(invalid_argument(
                "update_mask",
                format!(
                    "unknown or read-only field {path:?}; allowed: {}",
                    allowed.join(", ")
                ),
            ));
        }
    }
    Ok(paths.to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_name_known_fields_only() {
        let mask = |paths: &[&str]| prost_types::FieldMask {
            paths: paths.iter().map(|p| p.to_string()).collect(),
        };
        assert_eq!(
            mask_paths(Some(&mask(&["bio"])), &["bio", "gender"]).unwrap(),
            vec!["bio".to_string()]
        );
        for refused in [Some(mask(&[])), None, Some(mask(&["bio", "email"]))] {
            let status = mask_paths(refused.as_ref(), &["bio"]).unwrap_err();
            assert!(status.message().starts_with("update_mask"), "{status:?}");
        }
    }

    #[test]
    fn malformed_uuid_names_the_field() {
        let status = uuid("tribe_id", "nope").unwrap_err();
        assert_eq!(status.code(), tonic::Code::InvalidArgument);
        assert!(status.message().starts_with("tribe_id"));
    }

    #[test]
    fn timestamps_round_trip() {
        let now = Utc::now();
        assert_eq!(from_timestamp("t", &timestamp(now)).unwrap(), now);
    }
}
