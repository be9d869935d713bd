//! The payment domain: value types that can hold only valid values, and the service's actions.

mod create_customer;
mod customer;
mod get_customer;

pub use create_customer::create_customer;
pub use customer::{CurrencyCode, Customer, CustomerId};
pub use get_customer::get_customer;

crate::sql::uuid_id! {
    /// A person, as the user service knows them (no foreign key across services).
    UserId
}

/// Why a value was refused, worded for the caller.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct InvalidValue(pub String);
