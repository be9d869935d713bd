//! The tribe service over gRPC, each test against a database of its own.

mod create_tribe;
mod get_tribe;
mod helpers;
mod idempotency;
mod migrations;
mod server;
