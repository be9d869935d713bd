//! A payment customer and the values it is made of.

use chrono::{DateTime, Utc};
use circle_core::text::InvalidValue;
use diesel::pg::Pg;
use diesel::prelude::*;

use super::UserId;
use crate::schema::payments::customers;

circle_core::uuid_id! {
    /// Identifies a payment customer.
    pub struct CustomerId(pub Uuid);
}

impl CustomerId {
    /// A new, time-ordered id.
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7())
    }
}

/// An ISO 4217 currency the suite takes payments in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CurrencyCode(&'static str);

impl CurrencyCode {
    pub const SUPPORTED: [&'static str; 11] = [
        "EUR", "USD", "GBP", "CHF", "CAD", "AUD", "JPY", "SEK", "NOK", "DKK", "PLN",
    ];

    /// One of [`Self::SUPPORTED`], spelled exactly (upper case).
    pub fn parse(code: &str) -> Result<Self, InvalidValue> {
        Self::SUPPORTED
            .iter()
            .find(|supported| **supported == code)
            .map(|supported| Self(supported))
            .ok_or_else(|| InvalidValue(format!("must be one of {}", Self::SUPPORTED.join(", "))))
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }
}

/// A customer as read.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = customers, check_for_backend(Pg))]
pub struct Customer {
    pub id: CustomerId,
    pub user_id: UserId,
    pub currency_code: String,
    pub created_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_supported_codes_spelled_exactly() {
        assert_eq!(CurrencyCode::parse("EUR").unwrap().as_str(), "EUR");
        for code in ["", "eur", "EURO", " EUR", "XXX", "BTC"] {
            assert!(CurrencyCode::parse(code).is_err(), "{code:?}");
        }
    }
}
