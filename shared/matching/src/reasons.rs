//! Why a group was formed: what its members share and how far they travel.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::candidate::Candidate;
use crate::geo::{LatLng, distance_km};
use crate::score::pair_score;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reasons {
    /// Interest names held by at least two members, most shared first.
    pub shared_interests: Vec<SharedInterest>,
    /// Mean interest similarity over the pairs (weighted Jaccard).
    pub interest_overlap: f64,
    /// Mean trait similarity over the pairs (1 = identical OCEAN profiles).
    pub trait_closeness: f64,
    /// Mean style agreement over the pairs (1 = everyone has the same communication style).
    pub style_agreement: f64,
    /// The longest distance a member travels to the meeting point.
    pub farthest_travel_km: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SharedInterest {
    pub name: String,
    pub members: usize,
}

/// The group's score (mean pair score) and its reasons.
pub fn explain(members: &[&Candidate], meeting_point: LatLng) -> (f64, Reasons) {
    let mut totals = [0.0; 4];
    let mut pairs = 0usize;
    for (i, a) in members.iter().enumerate() {
        for b in &members[i + 1..] {
            let pair = pair_score(a, b);
            totals[0] += pair.total();
            totals[1] += pair.interests;
            totals[2] += pair.traits;
            totals[3] += pair.style;
            pairs += 1;
        }
    }
    let mean = |sum: f64| if pairs == 0 { 0.0 } else { sum / pairs as f64 };

    let mut holders: BTreeMap<&str, usize> = BTreeMap::new();
    for member in members {
        for interest in member.interests() {
            *holders.entry(&interest.name).or_default() += 1;
        }
    }
    let mut shared_interests: Vec<SharedInterest> = holders
        .into_iter()
        .filter(|&(_, count)| count >= 2)
        .map(|(name, members)| SharedInterest {
            name: name.to_owned(),
            members,
        })
        .collect();
    shared_interests.sort_by(|a, b| b.members.cmp(&a.members).then(a.name.cmp(&b.name)));

    let farthest_travel_km = members
        .iter()
        .map(|m| distance_km(meeting_point, m.location()))
        .fold(0.0, f64::max);
    (
        mean(totals[0]),
        Reasons {
            shared_interests,
            interest_overlap: mean(totals[1]),
            trait_closeness: mean(totals[2]),
            style_agreement: mean(totals[3]),
            farthest_travel_km,
        },
    )
}
