//! The payment service over gRPC, each test against a database of its own.

mod create_customer;
mod get_customer;
mod helpers;
mod idempotency;
mod migrations;
mod server;
