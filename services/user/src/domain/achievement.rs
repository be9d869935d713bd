//! Achievements (Tribe seed 000): ids, categories stored as text, and the values of an entry of
//! the catalog.

use circle_core::text::{InvalidValue, Lines, check_text};
use uuid::Uuid;

circle_core::uuid_id! {
    /// The id of an achievement of the catalog.
    pub struct AchievementId(Uuid);
}

circle_core::uuid_id! {
    /// The id of an award of an achievement to a person.
    pub struct AwardId(Uuid);
}

impl AchievementId {
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl From<Uuid> for AchievementId {
    fn from(id: Uuid) -> Self {
        Self(id)
    }
}

impl AwardId {
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl From<Uuid> for AwardId {
    fn from(id: Uuid) -> Self {
        Self(id)
    }
}

circle_core::text_enum! {
    /// What kind of accomplishment an achievement recognizes.
    pub enum AchievementCategory {
        Participation = "PARTICIPATION",
        Social = "SOCIAL",
        Hosting = "HOSTING",
        Milestone = "MILESTONE",
    }
}

/// The name of an achievement: trimmed, 1 to 80 characters on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AchievementName(String);

impl AchievementName {
    pub const MAX_CHARS: usize = 80;

    pub fn parse(raw: &str) -> Result<AchievementName, InvalidValue> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(InvalidValue("is required".to_owned()));
        }
        check_text(name, Self::MAX_CHARS, Lines::Single)?;
        Ok(AchievementName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How to earn an achievement: trimmed, 1 to 1000 characters, line breaks allowed.
pub fn description(raw: &str) -> Result<String, InvalidValue> {
    const MAX_CHARS: usize = 1000;
    let text = raw.trim();
    if text.is_empty() {
        return Err(InvalidValue("is required".to_owned()));
    }
    check_text(text, MAX_CHARS, Lines::Multi)?;
    Ok(text.to_owned())
}

pub fn points(value: i32) -> Result<i32, InvalidValue> {
    if value < 0 {
        return Err(InvalidValue("must not be negative".to_owned()));
    }
    Ok(value)
}

/// A JSON object (criteria, award metadata) small and shallow enough to keep.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonObject(serde_json::Value);

impl JsonObject {
    pub const MAX_BYTES: usize = 8192;

    pub fn parse(value: serde_json::Value) -> Result<JsonObject, InvalidValue> {
        if !value.is_object() {
            return Err(InvalidValue("must be a JSON object".to_owned()));
        }
        if value.to_string().len() > Self::MAX_BYTES {
            return Err(InvalidValue(format!(
                "must be at most {} bytes of JSON",
                Self::MAX_BYTES
            )));
        }
        Ok(JsonObject(value))
    }

    pub fn empty() -> JsonObject {
        JsonObject(serde_json::Value::Object(Default::default()))
    }

    pub fn as_json(&self) -> &serde_json::Value {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn names_descriptions_and_points_are_checked() {
        assert_eq!(
            AchievementName::parse(" First event ").unwrap().as_str(),
            "First event"
        );
        assert!(AchievementName::parse(" ").is_err());
        assert!(AchievementName::parse("a\nb").is_err());
        assert!(AchievementName::parse(&"x".repeat(81)).is_err());
        assert_eq!(description(" two\nlines ").unwrap(), "two\nlines");
        assert!(description("").is_err());
        assert!(description(&"x".repeat(1001)).is_err());
        assert_eq!(points(0).unwrap(), 0);
        assert!(points(-1).is_err());
    }

    #[test]
    fn only_small_objects_are_json_objects() {
        assert!(JsonObject::parse(json!({ "events_attended": 5 })).is_ok());
        assert!(JsonObject::parse(json!([1, 2])).is_err());
        assert!(JsonObject::parse(json!("text")).is_err());
        assert!(JsonObject::parse(json!({ "x": "y".repeat(JsonObject::MAX_BYTES) })).is_err());
    }
}
