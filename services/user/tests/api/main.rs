//! The user service over gRPC, against a database of its own per test.

mod achievements;
mod admin;
mod blocks;
mod connections;
mod helpers;
mod host_profiles;
mod identity;
mod identity_providers;
mod interests;
mod internal_metrics;
mod login;
mod matching;
mod migrations;
mod moderation;
mod personality;
mod photos;
mod privacy;
mod profile_audit;
mod profiles;
mod refresh;
mod register;
mod relay;
mod session_management;
mod sessions;
mod verify_email;
