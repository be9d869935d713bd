//! Reading a customer: by the person it belongs to and the suite's services.

use circle_core::auth::Principal;
use diesel_async::AsyncPgConnection;

use super::{Customer, CustomerId};
use crate::error::Error;
use crate::query::customers;

pub async fn get_customer(
    conn: &mut AsyncPgConnection,
    viewer: &Principal,
    id: CustomerId,
) -> Result<Customer, Error> {
    let customer = customers::find(conn, id)
        .await?
        .ok_or(Error::CustomerNotFound(id))?;
    let visible = match viewer {
        Principal::User { id: user, .. } => *user == customer.user_id.0,
        Principal::Service { .. } => true,
    };
    if visible {
        Ok(customer)
    } else {
        Err(Error::NotCustomerOwner(id))
    }
}
