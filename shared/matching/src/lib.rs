//! Matchmaking for Tribe: forms groups of 4-8 people who are compatible and share a meeting
//! point within everyone's travel distance.
//!
//! A pure library (no I/O): [`parse_candidates`] reads JSON lines, [`match_candidates`] groups
//! them, [`render`] writes the result as JSON lines, and [`verify`] checks any grouping
//! independently. The `circle-match` tool runs the same steps on a file.

pub mod candidate;
pub mod engine;
pub mod feasibility;
pub mod generate;
pub mod geo;
pub mod grouping;
pub mod meeting;
pub mod output;
pub mod parse;
pub mod placeable;
pub mod population;
pub mod reasons;
pub mod regrouping;
pub mod score;
pub mod spatial;

pub use candidate::{
    Candidate, CommunicationStyle, FieldError, Interest, InterestCategory, InterestLevel, Traits,
};
pub use engine::{MatchConfig, Progress, improve, match_candidates};
pub use feasibility::{Evaluation, Violation, evaluate, verify, verify_groups};
pub use geo::LatLng;
pub use grouping::{Group, Matching, Unmatched, UnmatchedReason};
pub use output::render;
pub use parse::{ParseError, parse_candidates};
pub use placeable::{Augmentation, augmenting_moves};
pub use population::Population;
pub use regrouping::placing_regroupings;
