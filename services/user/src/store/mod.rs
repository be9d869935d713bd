//! Queries of the users schema. Each takes a connection, so callers compose them in
//! transactions.

pub mod accounts;
pub mod achievements;
pub mod blocks;
pub mod connections;
pub mod consents;
pub mod erasure;
pub mod export;
pub mod host_profiles;
pub mod interests;
pub mod internal_metrics;
pub mod matching;
pub mod oauth_identities;
pub mod personality_assessments;
pub mod photos;
pub mod profile_interests;
pub mod profiles;
pub mod refresh_tokens;
pub mod reports;
pub mod sessions;
pub mod verification_codes;
