//! The pieces every service of the suite is built from.

pub mod auth;
pub mod client;
pub mod config;
pub mod db;
pub mod error;
pub mod origin;
pub mod outbox;
pub mod paging;
pub mod prepared;
pub mod server;
pub mod sql;
pub mod telemetry;
pub mod text;
pub mod wire;
