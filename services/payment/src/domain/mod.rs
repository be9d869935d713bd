//! The payment domain: value types that can hold only valid values, and the service's actions.

mod create_customer;
mod customer;
mod get_customer;

pub use create_customer::create_customer;
pub use customer::{CurrencyCode, Customer, CustomerId};
pub use get_customer::get_customer;

circle_core::uuid_id! {
    /// A person, as the user service knows them (no foreign key across services).
    pub struct UserId(pub Uuid);
}
