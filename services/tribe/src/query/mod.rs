//! Queries of the `tribes` schema. Each takes the connection, so callers compose them in a
//! transaction.

pub mod activities;
pub mod goals;
pub mod interests;
pub mod matchmaking;
pub mod members;
pub mod messages;
pub mod tribes;
