//! Queries of the `tribes` schema. Each takes the connection, so callers compose them in a
//! transaction.

pub mod members;
pub mod tribes;
