//! The result as JSON lines: one line per group, then one per unmatched person.

use serde::Serialize;

use crate::geo::LatLng;
use crate::grouping::Matching;
use crate::reasons::SharedInterest;

#[derive(Serialize)]
struct GroupLine<'a> {
    members: &'a [String],
    meeting_point: LatLng,
    score: f64,
    reasons: ReasonsLine<'a>,
}

#[derive(Serialize)]
struct ReasonsLine<'a> {
    shared_interests: &'a [SharedInterest],
    interest_overlap: f64,
    trait_closeness: f64,
    style_agreement: f64,
    farthest_travel_km: f64,
}

#[derive(Serialize)]
struct UnmatchedLine<'a> {
    unmatched: &'a str,
    reason: &'static str,
}

/// Scores and similarities are rounded to 4 decimals, distances to 10 m.
pub fn render(matching: &Matching) -> String {
    let mut out = String::new();
    for group in &matching.groups {
        let line = GroupLine {
            members: &group.members,
            meeting_point: group.meeting_point,
            score: round(group.score, 4),
            reasons: ReasonsLine {
                shared_interests: &group.reasons.shared_interests,
                interest_overlap: round(group.reasons.interest_overlap, 4),
                trait_closeness: round(group.reasons.trait_closeness, 4),
                style_agreement: round(group.reasons.style_agreement, 4),
                farthest_travel_km: round(group.reasons.farthest_travel_km, 2),
            },
        };
        push_line(&mut out, &line);
    }
    for person in &matching.unmatched {
        let line = UnmatchedLine {
            unmatched: &person.user_id,
            reason: person.reason.code(),
        };
        push_line(&mut out, &line);
    }
    out
}

fn push_line(out: &mut String, line: &impl Serialize) {
    out.push_str(&serde_json::to_string(line).expect("plain structs serialize"));
    out.push('\n');
}

fn round(value: f64, decimals: i32) -> f64 {
    let scale = 10f64.powi(decimals);
    (value * scale).round() / scale
}
