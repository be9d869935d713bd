//! An independent check of a grouping against the rules, and its figures.
//!
//! It works from the candidates and the published result only (user ids, meeting points), with
//! the reference distance and score, so it can judge the engine, the baselines and the tool's
//! output alike.

use std::collections::HashMap;

use crate::candidate::Candidate;
use crate::geo::distance_km;
use crate::grouping::{Group, Matching};
use crate::population::Population;
use crate::score::pair_score;

pub const MIN_GROUP: usize = 4;
pub const MAX_GROUP: usize = 8;

#[derive(Debug, Clone, PartialEq)]
pub enum Violation {
    /// A group outside 4..=8 members.
    GroupSize { group: usize, size: usize },
    /// A member who is not a candidate.
    UnknownMember { group: usize, user_id: String },
    /// Someone listed twice (in two groups, twice in one, or both grouped and unmatched).
    ListedTwice { user_id: String },
    /// Two members of one group, one of whom blocks the other.
    AvoidedPair { group: usize, a: String, b: String },
    /// A member farther from the meeting point than they travel.
    OutOfReach {
        group: usize,
        user_id: String,
        distance_km: f64,
        max_travel_km: f64,
    },
    /// A candidate neither in a group nor listed as unmatched.
    Missing { user_id: String },
}

/// Checks every group and that each candidate appears exactly once, grouped or unmatched.
pub fn verify(candidates: &[Candidate], matching: &Matching) -> Vec<Violation> {
    let mut violations = verify_groups(candidates, &matching.groups);
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for group in &matching.groups {
        for id in &group.members {
            *seen.entry(id).or_default() += 1;
        }
    }
    for unmatched in &matching.unmatched {
        let count = seen.entry(&unmatched.user_id).or_default();
        *count += 1;
        if *count == 2 {
            violations.push(Violation::ListedTwice {
                user_id: unmatched.user_id.clone(),
            });
        }
    }
    for candidate in candidates {
        if !seen.contains_key(candidate.user_id()) {
            violations.push(Violation::Missing {
                user_id: candidate.user_id().to_owned(),
            });
        }
    }
    violations
}

/// Checks the groups alone: sizes, members, blocks and the meeting point.
pub fn verify_groups(candidates: &[Candidate], groups: &[Group]) -> Vec<Violation> {
    let by_id: HashMap<&str, &Candidate> = candidates.iter().map(|c| (c.user_id(), c)).collect();
    let mut placed: HashMap<&str, usize> = HashMap::new();
    let mut violations = Vec::new();
    for (g, group) in groups.iter().enumerate() {
        if !(MIN_GROUP..=MAX_GROUP).contains(&group.members.len()) {
            violations.push(Violation::GroupSize {
                group: g,
                size: group.members.len(),
            });
        }
        let mut members = Vec::new();
        for id in &group.members {
            let count = placed.entry(id).or_default();
            *count += 1;
            if *count == 2 {
                violations.push(Violation::ListedTwice {
                    user_id: id.clone(),
                });
            }
            match by_id.get(id.as_str()) {
                Some(candidate) => members.push(*candidate),
                None => violations.push(Violation::UnknownMember {
                    group: g,
                    user_id: id.clone(),
                }),
            }
        }
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                let blocked = a.avoid().iter().any(|id| id == b.user_id())
                    || b.avoid().iter().any(|id| id == a.user_id());
                if blocked {
                    violations.push(Violation::AvoidedPair {
                        group: g,
                        a: a.user_id().to_owned(),
                        b: b.user_id().to_owned(),
                    });
                }
            }
            let distance = distance_km(group.meeting_point, a.location());
            if distance.is_nan() || distance > a.max_travel_km() {
                violations.push(Violation::OutOfReach {
                    group: g,
                    user_id: a.user_id().to_owned(),
                    distance_km: distance,
                    max_travel_km: a.max_travel_km(),
                });
            }
        }
    }
    violations
}

/// Figures of a grouping, recomputed from the candidates with the reference score.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Evaluation {
    pub groups: usize,
    pub placed: usize,
    /// Mean over groups of the mean pair score.
    pub mean_group_score: f64,
    /// Sum over groups of size times mean pair score.
    pub objective: f64,
}

pub fn evaluate(candidates: &[Candidate], groups: &[Group]) -> Evaluation {
    let by_id: HashMap<&str, &Candidate> = candidates.iter().map(|c| (c.user_id(), c)).collect();
    let mut placed = 0;
    let mut objective = 0.0;
    let mut score_sum = 0.0;
    for group in groups {
        let members: Vec<&Candidate> = group
            .members
            .iter()
            .filter_map(|id| by_id.get(id.as_str()).copied())
            .collect();
        let mut sum = 0.0;
        let mut pairs = 0;
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                sum += pair_score(a, b).total();
                pairs += 1;
            }
        }
        let score = if pairs == 0 { 0.0 } else { sum / pairs as f64 };
        placed += members.len();
        objective += members.len() as f64 * score;
        score_sum += score;
    }
    Evaluation {
        groups: groups.len(),
        placed,
        mean_group_score: if groups.is_empty() {
            0.0
        } else {
            score_sum / groups.len() as f64
        },
        objective,
    }
}

/// Meeting-point tries a proof may spend before giving up.
const PROOF_BUDGET: u32 = 20_000;

/// Whether person `x` and three of `pool` (unblocked people within `x`'s reach) can form a
/// group of four on their own, ignoring everyone else: `Some(false)` is a proof that none can,
/// `None` that the search gave up.
pub fn feasible_group_exists(population: &Population, x: usize, pool: &[u32]) -> Option<bool> {
    let mut budget = PROOF_BUDGET;
    let mut chosen = vec![x];
    extend(population, &mut chosen, pool, 0, &mut budget)
}

fn extend(
    population: &Population,
    chosen: &mut Vec<usize>,
    pool: &[u32],
    from: usize,
    budget: &mut u32,
) -> Option<bool> {
    if chosen.len() == MIN_GROUP {
        return Some(true);
    }
    let mut settled = true;
    for (k, &c) in pool.iter().enumerate().skip(from) {
        let c = c as usize;
        if !population.fits_with(c, chosen.iter().copied()) {
            continue;
        }
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        chosen.push(c);
        if population
            .meeting_point(chosen.iter().copied(), None)
            .is_some()
        {
            match extend(population, chosen, pool, k + 1, budget) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => settled = false,
            }
        }
        chosen.pop();
        if !settled {
            return None;
        }
    }
    Some(false)
}
