//! Matchmaking: runs that group everyone who opted in (as the user service lists them) with
//! the circle-matching engine, and create each group's tribe in FORMING with PENDING
//! invitations; the invitations' answers; and why a group was formed.
//!
//! Who is matched: opted-in people with an ACTIVE account (the user service's rule) who have a
//! location, a travel distance and a personality assessment, and who are not already matched,
//! i.e. hold no PENDING invitation of a run and are not an ACTIVE member of a matched tribe that
//! is FORMING, ACTIVE or AT_RISK. Tribes people created or joined themselves do not count: a
//! person may belong to several tribes, and opting in asks for one formed for them.

mod candidates;
mod invitations;
mod reasons;
mod run;

use chrono::{DateTime, Utc};

pub use candidates::CandidateSource;
pub use invitations::{Invitation, accept_invitation, decline_invitation, list_invitations};
pub use reasons::{GroupReasons, match_reasons};
pub use run::{Matchmaker, Settings, get_run, list_runs};

use super::UserId;

circle_core::uuid_id! {
    /// Identifies a matchmaking run.
    pub struct RunId(pub Uuid);
}

impl RunId {
    pub fn generate() -> Self {
        Self(uuid::Uuid::now_v7())
    }
}

/// Who stands for matchmaking where a person is expected: the creator of a matched tribe
/// until its first member accepts, and the inviter of its invitations.
pub const MATCHMAKER: UserId = UserId(uuid::Uuid::nil());

circle_core::text_enum! {
    /// What started a run.
    pub enum RunTrigger {
        Admin = "ADMIN",
        Schedule = "SCHEDULE",
    }
}

circle_core::text_enum! {
    pub enum RunStatus {
        /// At most one at a time (a unique index).
        Running = "RUNNING",
        Succeeded = "SUCCEEDED",
        Failed = "FAILED",
    }
}

/// A run as recorded.
#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = crate::schema::tribes::matchmaking_runs, check_for_backend(diesel::pg::Pg))]
pub struct Run {
    pub id: RunId,
    pub trigger: RunTrigger,
    pub started_by: Option<UserId>,
    pub status: RunStatus,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub candidate_count: i32,
    pub skipped_count: i32,
    pub excluded_count: i32,
    pub input_count: i32,
    pub placed_count: i32,
    pub group_count: i32,
    pub objective: f64,
    pub duration_ms: Option<i64>,
    pub failure: Option<String>,
}
