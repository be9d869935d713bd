//! The result of a matching run: groups with meeting points and reasons, and the people left
//! unmatched with the reason why.

use crate::geo::LatLng;
use crate::population::Population;
use crate::reasons::{Reasons, explain};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Matching {
    pub groups: Vec<Group>,
    pub unmatched: Vec<Unmatched>,
}

impl Matching {
    /// How many people are in a group.
    pub fn placed(&self) -> usize {
        self.groups.iter().map(|g| g.members.len()).sum()
    }

    /// Sum over groups of size times score.
    pub fn objective(&self) -> f64 {
        self.groups
            .iter()
            .map(|g| g.members.len() as f64 * g.score)
            .fold(0.0, |sum, value| sum + value)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// User ids, in input order.
    pub members: Vec<String>,
    pub meeting_point: LatLng,
    /// Mean pair score.
    pub score: f64,
    pub reasons: Reasons,
}

impl Group {
    /// Scores and explains the group of `members` (indices into the population).
    pub fn describe(population: &Population, members: &[usize], meeting_point: LatLng) -> Self {
        let mut members = members.to_vec();
        members.sort_unstable_by_key(|&m| population.input_index(m));
        let candidates: Vec<_> = members.iter().map(|&m| population.candidate(m)).collect();
        let (score, reasons) = explain(&candidates, meeting_point);
        Self {
            members: candidates.iter().map(|c| c.user_id().to_owned()).collect(),
            meeting_point,
            score,
            reasons,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmatched {
    pub user_id: String,
    pub reason: UnmatchedReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnmatchedReason {
    /// Nobody is within reach: no one else shares a meeting point with this person.
    NoOneWithinReach,
    /// Everyone within reach is blocked (by this person or by them).
    AllReachableAvoided,
    /// Fewer than four people can reach each other here, or the region's remainder after its
    /// groups were formed cannot make another group nor join one.
    RegionTooSmall,
    /// Enough people are within reach, but no four of them (with this person) share a meeting
    /// point without a blocked pair.
    NoCommonMeetingPoint,
    /// The time limit ran out before this person's region was fully grouped.
    NotPlacedWithinTimeLimit,
}

impl UnmatchedReason {
    pub const ALL: [Self; 5] = [
        Self::NoOneWithinReach,
        Self::AllReachableAvoided,
        Self::RegionTooSmall,
        Self::NoCommonMeetingPoint,
        Self::NotPlacedWithinTimeLimit,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::NoOneWithinReach => "NO_ONE_WITHIN_REACH",
            Self::AllReachableAvoided => "ALL_REACHABLE_AVOIDED",
            Self::RegionTooSmall => "REGION_TOO_SMALL",
            Self::NoCommonMeetingPoint => "NO_COMMON_MEETING_POINT",
            Self::NotPlacedWithinTimeLimit => "NOT_PLACED_WITHIN_TIME_LIMIT",
        }
    }
}
