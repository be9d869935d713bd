//! Queries of the `payments` schema. Each takes the connection, so callers compose them in a
//! transaction.

pub mod customers;
pub mod idempotency;
