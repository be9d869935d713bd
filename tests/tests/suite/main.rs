//! End-to-end tests of the whole suite: every service built from its library, served over
//! loopback gRPC, each on its own schema of a fresh Postgres database.

mod accounts;
mod achievements;
mod audit;
mod blocks;
mod connections;
mod database;
mod health;
mod host_profiles;
mod identity_providers;
mod interests;
mod internal_metrics;
mod matchmaking;
mod moderation;
mod notifications;
mod outbox;
mod personality;
mod privacy;
mod profiles;
mod sessions;
mod tribe_chat;
mod tribes;
