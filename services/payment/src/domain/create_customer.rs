//! Making a person a payment customer: one customer per person.

use diesel_async::AsyncPgConnection;

use super::{CurrencyCode, Customer, CustomerId, UserId};
use crate::error::Error;
use crate::query::customers;

/// Refuses a person who is a customer already, also when their first create is still in
/// flight (the insert waits for it).
pub async fn create_customer(
    conn: &mut AsyncPgConnection,
    user: UserId,
    currency: CurrencyCode,
) -> Result<Customer, Error> {
    let row = customers::NewCustomerRow {
        id: CustomerId::generate(),
        user_id: user,
        currency_code: currency.as_str(),
    };
    customers::insert(conn, &row)
        .await?
        .ok_or(Error::CustomerExists)
}
