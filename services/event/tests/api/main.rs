//! The event service over gRPC, each test against a database of its own.

mod create_event;
mod get_event;
mod helpers;
mod idempotency;
mod migrations;
mod server;
