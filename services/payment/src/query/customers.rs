//! The `customers` table: one per person.

use diesel::OptionalExtension;
use diesel::QueryResult;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::{Customer, CustomerId, UserId};
use crate::schema::payments::customers;

#[derive(Insertable)]
#[diesel(table_name = customers, check_for_backend(diesel::pg::Pg))]
pub struct NewCustomerRow {
    pub id: CustomerId,
    pub user_id: UserId,
    pub currency_code: &'static str,
}

/// Inserts the customer; `None` when the user has one already (waiting for a concurrent
/// insert for the same user to commit or roll back first).
pub async fn insert(
    conn: &mut AsyncPgConnection,
    row: &NewCustomerRow,
) -> QueryResult<Option<Customer>> {
    diesel::insert_into(customers::table)
        .values(row)
        .on_conflict(customers::user_id)
        .do_nothing()
        .returning(Customer::as_returning())
        .get_result(conn)
        .await
        .optional()
}

pub async fn find(conn: &mut AsyncPgConnection, id: CustomerId) -> QueryResult<Option<Customer>> {
    customers::table
        .find(id)
        .select(Customer::as_select())
        .first(conn)
        .await
        .optional()
}
