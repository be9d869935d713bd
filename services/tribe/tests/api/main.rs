//! The tribe service over gRPC, each test against a database of its own.

mod chat;
mod create_tribe;
mod discovery;
mod get_tribe;
mod goals;
mod helpers;
mod idempotency;
mod lifecycle;
mod matchmaking;
mod members;
mod migrations;
mod server;
mod update_tribe;
