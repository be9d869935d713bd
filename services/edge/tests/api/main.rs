//! The edge over real gRPC, without the internal services: what it refuses by itself, what it
//! sends inside (seen by a stand-in user service) and what it returns when the inside fails.

mod authentication;
mod helpers;
mod pass_through;
mod rate_limit;
mod server;
mod unavailable;
mod validation;
