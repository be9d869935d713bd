//! Checks of free text and other values the domains' value types accept, and how a refusal
//! reaches the caller.

use tonic::Status;

use crate::error::invalid_argument;

/// Why a value was refused, worded for the caller.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);

/// Whether line breaks may appear.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// A name or a title: no control character at all.
    Single,
    /// A description: line breaks and tabs, but no other control character.
    Multi,
}

/// At most `max_chars` characters (Unicode scalar values, as Postgres' `char_length` counts
/// them) and no control characters beyond what `lines` allows (Postgres text cannot hold NUL).
pub fn check_text(value: &str, max_chars: usize, lines: Lines) -> Result<(), InvalidValue> {
    if value.chars().count() > max_chars {
        return Err(InvalidValue(format!(
            "must be at most {max_chars} characters"
        )));
    }
    let allowed = |c: char| lines == Lines::Multi && matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(InvalidValue(
            "must not contain control characters".to_owned(),
        ));
    }
    Ok(())
}

/// Names the field a domain value was refused for: INVALID_ARGUMENT with a field violation.
pub fn field<T>(name: &str, parsed: Result<T, InvalidValue>) -> Result<T, Status> {
    parsed.map_err(|InvalidValue(reason)| invalid_argument(name, reason))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_characters_not_bytes() {
        assert!(check_text(&"é".repeat(3), 3, Lines::Single).is_ok());
        assert!(check_text(&"é".repeat(4), 3, Lines::Single).is_err());
    }

    #[test]
    fn line_breaks_only_where_allowed() {
        assert!(check_text("a\nb\tc", 10, Lines::Multi).is_ok());
        assert!(check_text("a\nb", 10, Lines::Single).is_err());
        assert!(check_text("a\0b", 10, Lines::Multi).is_err());
    }
}
