//! Cheap syntactic checks made before anything is sent inside; the internal services remain the
//! authority on everything else.

use crate::error::Error;

/// The longest address RFC 3696 allows (64 for the local part, @, 255 for the domain).
const MAX_EMAIL_LEN: usize = 320;

/// A field that must hold something other than blanks.
pub fn required(field: &'static str, value: &str) -> Result<(), Error> {
    if value.trim().is_empty() {
        return Err(Error::InvalidArgument {
            field,
            problem: "is required",
        });
    }
    Ok(())
}

pub fn email(value: &str) -> Result<(), Error> {
    required("email", value)?;
    if value.len() > MAX_EMAIL_LEN {
        return Err(Error::InvalidArgument {
            field: "email",
            problem: "is longer than 320 characters",
        });
    }
    Ok(())
}

/// A password may be anything, spaces included, but not nothing.
pub fn password(value: &str) -> Result<(), Error> {
    present("password", value)
}

/// A field that must not be empty; blanks count as content (passwords).
pub fn present(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::InvalidArgument {
            field,
            problem: "is required",
        });
    }
    Ok(())
}

/// 0 asks for the default; the notification service clamps large sizes.
pub fn page_size(value: i32) -> Result<(), Error> {
    if value < 0 {
        return Err(Error::InvalidArgument {
            field: "page_size",
            problem: "must not be negative",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(result: Result<(), Error>) -> Option<&'static str> {
        match result {
            Err(Error::InvalidArgument { field, .. }) => Some(field),
            _ => None,
        }
    }

    #[test]
    fn blanks_and_overlong_emails_are_refused_by_name() {
        assert_eq!(field_of(email("  ")), Some("email"));
        assert_eq!(field_of(email(&"a".repeat(321))), Some("email"));
        assert_eq!(field_of(email("ana@example.com")), None);
        assert_eq!(field_of(password("")), Some("password"));
        assert_eq!(field_of(password("   ")), None);
        assert_eq!(field_of(required("code", "\t")), Some("code"));
        assert_eq!(field_of(page_size(-1)), Some("page_size"));
        assert_eq!(field_of(page_size(0)), None);
    }
}
