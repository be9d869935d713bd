//! Reading candidates from JSON lines, with errors that name the line and the field.

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::candidate::{
    Candidate, CommunicationStyle, FieldError, Interest, InterestCategory, InterestLevel,
    TRAIT_NAMES, Traits,
};
use crate::geo::LatLng;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {field}: {message}")]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    pub field: String,
    pub message: String,
}

const FIELDS: [&str; 8] = [
    "user_id",
    "lat",
    "lng",
    "max_travel_km",
    "traits",
    "interests",
    "communication_style",
    "avoid",
];

/// One candidate per non-blank line; stops at the first bad line or repeated user id.
pub fn parse_candidates(input: &str) -> Result<Vec<Candidate>, ParseError> {
    let mut first_line: HashMap<String, usize> = HashMap::new();
    let mut candidates = Vec::new();
    for (index, text) in input.lines().enumerate() {
        let line = index + 1;
        if text.trim().is_empty() {
            continue;
        }
        let candidate = parse_line(text).map_err(|e| ParseError {
            line,
            field: e.field,
            message: e.message,
        })?;
        if let Some(first) = first_line.insert(candidate.user_id().to_owned(), line) {
            return Err(ParseError {
                line,
                field: "user_id".into(),
                message: format!(
                    "duplicate user id \"{}\" (first on line {first})",
                    candidate.user_id()
                ),
            });
        }
        candidates.push(candidate);
    }
    Ok(candidates)
}

/// One candidate from one JSON object.
pub fn parse_line(text: &str) -> Result<Candidate, FieldError> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| FieldError::new("json", format!("malformed JSON: {e}")))?;
    let Value::Object(object) = value else {
        return Err(FieldError::new("json", "expected a JSON object"));
    };
    if let Some(key) = object.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(FieldError::new(key.as_str(), "unknown field"));
    }
    let user_id = string(required(&object, "user_id")?, "user_id")?;
    let location = LatLng {
        lat: number(required(&object, "lat")?, "lat")?,
        lng: number(required(&object, "lng")?, "lng")?,
    };
    let max_travel_km = number(required(&object, "max_travel_km")?, "max_travel_km")?;
    let traits = traits(required(&object, "traits")?)?;
    let interests = match object.get("interests") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => array(value, "interests")?
            .iter()
            .enumerate()
            .map(|(i, v)| interest(v, &format!("interests[{i}]")))
            .collect::<Result<_, _>>()?,
    };
    let style_text = string(
        required(&object, "communication_style")?,
        "communication_style",
    )?;
    let style = CommunicationStyle::parse(&style_text).ok_or_else(|| {
        FieldError::new(
            "communication_style",
            format!(
                "unknown style \"{style_text}\" (expected one of {})",
                names(CommunicationStyle::ALL.map(CommunicationStyle::as_str))
            ),
        )
    })?;
    let avoid = match object.get("avoid") {
        None | Some(Value::Null) => Vec::new(),
        Some(value) => array(value, "avoid")?
            .iter()
            .enumerate()
            .map(|(i, v)| string(v, &format!("avoid[{i}]")))
            .collect::<Result<_, _>>()?,
    };
    Candidate::new(
        user_id,
        location,
        max_travel_km,
        traits,
        interests,
        style,
        avoid,
    )
}

fn required<'a>(object: &'a Map<String, Value>, field: &str) -> Result<&'a Value, FieldError> {
    object
        .get(field)
        .ok_or_else(|| FieldError::new(field, "missing"))
}

fn string(value: &Value, field: &str) -> Result<String, FieldError> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| FieldError::new(field, "must be a string"))
}

fn number(value: &Value, field: &str) -> Result<f64, FieldError> {
    value
        .as_f64()
        .ok_or_else(|| FieldError::new(field, "must be a number"))
}

fn array<'a>(value: &'a Value, field: &str) -> Result<&'a Vec<Value>, FieldError> {
    value
        .as_array()
        .ok_or_else(|| FieldError::new(field, "must be an array"))
}

fn traits(value: &Value) -> Result<Traits, FieldError> {
    let object = value
        .as_object()
        .ok_or_else(|| FieldError::new("traits", "must be an object"))?;
    if let Some(key) = object.keys().find(|k| !TRAIT_NAMES.contains(&k.as_str())) {
        return Err(FieldError::new(
            format!("traits.{key}"),
            format!("unknown trait (expected {})", names(TRAIT_NAMES)),
        ));
    }
    let mut values = [0u8; 5];
    for (slot, name) in values.iter_mut().zip(TRAIT_NAMES) {
        let field = format!("traits.{name}");
        let value = object
            .get(name)
            .ok_or_else(|| FieldError::new(&field, "missing"))?;
        let number = number(value, &field)?;
        if !(0.0..=100.0).contains(&number) || number.fract() != 0.0 {
            return Err(FieldError::new(
                field,
                format!("{number} is not a whole number in 0..=100"),
            ));
        }
        *slot = number as u8;
    }
    Traits::new(values)
}

fn interest(value: &Value, field: &str) -> Result<Interest, FieldError> {
    let object = value
        .as_object()
        .ok_or_else(|| FieldError::new(field, "must be an object"))?;
    if let Some(key) = object
        .keys()
        .find(|k| !["name", "category", "level"].contains(&k.as_str()))
    {
        return Err(FieldError::new(format!("{field}.{key}"), "unknown field"));
    }
    let part = |name: &str| -> Result<String, FieldError> {
        let path = format!("{field}.{name}");
        let value = object
            .get(name)
            .ok_or_else(|| FieldError::new(&path, "missing"))?;
        string(value, &path)
    };
    let name = part("name")?;
    let category_text = part("category")?;
    let category = InterestCategory::parse(&category_text).ok_or_else(|| {
        FieldError::new(
            format!("{field}.category"),
            format!(
                "unknown category \"{category_text}\" (expected one of {})",
                names(InterestCategory::ALL.map(InterestCategory::as_str))
            ),
        )
    })?;
    let level_text = part("level")?;
    let level = InterestLevel::parse(&level_text).ok_or_else(|| {
        FieldError::new(
            format!("{field}.level"),
            format!("unknown level \"{level_text}\" (expected LOW, MEDIUM or HIGH)"),
        )
    })?;
    Ok(Interest {
        name,
        category,
        level,
    })
}

fn names<const N: usize>(names: [&str; N]) -> String {
    names.join(", ")
}
