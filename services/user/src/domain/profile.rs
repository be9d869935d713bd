//! The values of a profile, checked once where a request enters: each refusal names the
//! request field it came from.

use chrono::{Datelike, NaiveDate};
use circle_core::text::{Lines, check_text};

use crate::error::Error;

circle_core::text_enum! {
    /// How a person prefers to communicate (Tribe).
    pub enum CommunicationStyle {
        Direct = "DIRECT",
        Thoughtful = "THOUGHTFUL",
        Supportive = "SUPPORTIVE",
        Analytical = "ANALYTICAL",
        Expressive = "EXPRESSIVE",
    }
}

/// Younger than this cannot hold an account; older is a typo.
pub const MIN_AGE: i32 = 13;
pub const MAX_AGE: i32 = 120;
/// The matching_profiles check allows 1 to 500 km.
pub const MAX_TRAVEL_KM: i32 = 500;

/// Free text: trimmed, empty clears the field.
pub fn optional_text(
    field: &'static str,
    value: &str,
    max_chars: usize,
    lines: Lines,
) -> Result<Option<String>, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    check_text(value, max_chars, lines).map_err(|reason| Error::invalid(field, reason.0))?;
    Ok(Some(value.to_owned()))
}

/// E.164 ("+" and 8 to 15 digits, the first not 0); spaces, dots and dashes between digits are
/// dropped. Empty clears the field.
pub fn phone_number(field: &'static str, value: &str) -> Result<Option<String>, Error> {
    let compact: String = value
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.'))
        .collect();
    if compact.is_empty() {
        return Ok(None);
    }
    let digits = compact.strip_prefix('+').unwrap_or("");
    let valid = (8..=15).contains(&digits.len())
        && digits.chars().all(|c| c.is_ascii_digit())
        && !digits.starts_with('0');
    if !valid {
        return Err(Error::invalid(
            field,
            "must be an international number such as +4915112345678",
        ));
    }
    Ok(Some(compact))
}

/// A "YYYY-MM-DD" date in the past giving a plausible age today. Empty clears the field.
pub fn birth_date(
    field: &'static str,
    value: &str,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, Error> {
    let value = value.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let date = NaiveDate::parse_from_str(value, "%Y-%m-%d")
        .map_err(|_| Error::invalid(field, "must be a date written YYYY-MM-DD"))?;
    if date >= today {
        return Err(Error::invalid(field, "must be in the past"));
    }
    let age = age_on(date, today);
    if !(MIN_AGE..=MAX_AGE).contains(&age) {
        return Err(Error::invalid(
            field,
            format!("must give an age between {MIN_AGE} and {MAX_AGE} years"),
        ));
    }
    Ok(Some(date))
}

/// Whole years from `birth` to `today`.
pub fn age_on(birth: NaiveDate, today: NaiveDate) -> i32 {
    let years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years - 1
    } else {
        years
    }
}

/// Latitude and longitude in WGS84 degrees.
pub fn position(field: &'static str, latitude: f64, longitude: f64) -> Result<(f64, f64), Error> {
    if !latitude.is_finite() || !(-90.0..=90.0).contains(&latitude) {
        return Err(Error::invalid(field, "latitude must be between -90 and 90"));
    }
    if !longitude.is_finite() || !(-180.0..=180.0).contains(&longitude) {
        return Err(Error::invalid(
            field,
            "longitude must be between -180 and 180",
        ));
    }
    Ok((latitude, longitude))
}

/// 0 clears the distance; otherwise 1 to [`MAX_TRAVEL_KM`].
pub fn max_travel_km(field: &'static str, value: i32) -> Result<Option<i32>, Error> {
    match value {
        0 => Ok(None),
        1..=MAX_TRAVEL_KM => Ok(Some(value)),
        _ => Err(Error::invalid(
            field,
            format!("must be between 1 and {MAX_TRAVEL_KM} km (0 clears it)"),
        )),
    }
}

/// Only https URLs of a sane length are stored.
pub fn https_url(field: &'static str, value: &str) -> Result<String, Error> {
    const MAX_URL_LEN: usize = 2048;
    let value = value.trim();
    if value.is_empty() {
        return Err(Error::invalid(field, "is required"));
    }
    if value.len() > MAX_URL_LEN {
        return Err(Error::invalid(field, "must be at most 2048 characters"));
    }
    let url = url::Url::parse(value).map_err(|_| Error::invalid(field, "must be a URL"))?;
    if url.scheme() != "https" || url.host_str().is_none_or(str::is_empty) {
        return Err(Error::invalid(field, "must be an https URL"));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn phone_numbers_are_e164() {
        assert_eq!(
            phone_number("p", "+49 151-1234 5678").unwrap(),
            Some("+4915112345678".to_owned())
        );
        assert_eq!(phone_number("p", "").unwrap(), None);
        for bad in [
            "015112345678",
            "+0151123456",
            "+49abc12345",
            "+1234",
            "+1234567890123456",
        ] {
            assert!(phone_number("p", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn birth_dates_are_past_and_plausible() {
        let today = date(2026, 12, 7);
        assert_eq!(
            birth_date("b", "1990-05-01", today).unwrap(),
            Some(date(1990, 5, 1))
        );
        for bad in [
            "2027-01-01",
            "2026-12-07",
            "2020-01-01",
            "1850-01-01",
            "1990-13-01",
            "01.05.1990",
        ] {
            assert!(birth_date("b", bad, today).is_err(), "{bad}");
        }
    }

    #[test]
    fn age_counts_whole_years() {
        assert_eq!(age_on(date(2000, 12, 8), date(2026, 12, 7)), 25);
        assert_eq!(age_on(date(2000, 12, 7), date(2026, 12, 7)), 26);
        assert_eq!(age_on(date(2000, 2, 29), date(2026, 2, 28)), 25);
    }

    #[test]
    fn positions_and_distances_stay_in_range() {
        assert!(position("p", 52.5, 13.4).is_ok());
        assert!(position("p", 90.5, 0.0).is_err());
        assert!(position("p", 0.0, -180.5).is_err());
        assert!(position("p", f64::NAN, 0.0).is_err());
        assert_eq!(max_travel_km("m", 0).unwrap(), None);
        assert_eq!(max_travel_km("m", 25).unwrap(), Some(25));
        assert!(max_travel_km("m", -1).is_err());
        assert!(max_travel_km("m", 501).is_err());
    }

    #[test]
    fn only_https_urls() {
        assert!(https_url("u", "https://cdn.example.com/a.jpg").is_ok());
        for bad in [
            "http://cdn.example.com/a.jpg",
            "ftp://x/y",
            "not a url",
            "",
            "https://",
        ] {
            assert!(https_url("u", bad).is_err(), "{bad}");
        }
    }
}
