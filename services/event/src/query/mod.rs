//! Queries of the `events` schema. Each takes the connection, so callers compose them in a
//! transaction.

pub mod events;
