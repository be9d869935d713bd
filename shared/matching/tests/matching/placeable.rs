use std::time::Duration;

use circle_matching::meeting::best_point;
use circle_matching::{
    Augmentation, Candidate, Group, MatchConfig, Matching, Population, Unmatched, UnmatchedReason,
    augmenting_moves, improve, placing_regroupings, verify,
};

use crate::people::{near_origin, person};

/// The group of `members` (input indices) at the point that suits them best.
fn meeting_group(candidates: &[Candidate], members: impl IntoIterator<Item = usize>) -> Group {
    let population = Population::new(candidates);
    let members: Vec<usize> = members.into_iter().collect();
    let reach: Vec<_> = members.iter().map(|&m| population.reach(m)).collect();
    let point = best_point(&reach).expect("the group meets");
    Group::describe(&population, &members, point)
}

/// Improves `start` with seed `seed`, checks that the result is feasible and places everyone,
/// and returns it.
fn improving_places_everyone(candidates: &[Candidate], start: &Matching, seed: u64) -> Matching {
    let config = MatchConfig {
        seed,
        time_limit: Duration::from_secs(60),
        ..MatchConfig::default()
    };
    let improved = improve(candidates, start, &config, &|_| {});
    assert_eq!(verify(candidates, &improved), vec![]);
    assert_eq!(improved.unmatched, vec![]);
    improved
}

/// A group of five (g1-g5) and three people left out (x, u1, u2) 12 km east of it. Each of the
/// three blocks one of g1-g3 and cannot reach g4 (21 km west of them, both travel 10 km), so
/// none can join the group or take anyone's place; the only way to place them is to take g5
/// out of the group (which keeps four members) and form a new group with it.
fn ejection_case() -> (Vec<Candidate>, Matching) {
    let group_ids = ["g1", "g2", "g3", "g4", "g5"];
    let mut candidates: Vec<Candidate> = group_ids
        .iter()
        .map(|&id| {
            let at = if id == "g4" {
                near_origin(-9.0, 0.0)
            } else {
                near_origin(0.0, 0.0)
            };
            person(id).at(at).build()
        })
        .collect();
    for (id, blocks) in [("x", "g1"), ("u1", "g2"), ("u2", "g3")] {
        candidates.push(person(id).at(near_origin(12.0, 0.0)).avoid(blocks).build());
    }
    let start = Matching {
        groups: vec![meeting_group(&candidates, 0..group_ids.len())],
        unmatched: ["x", "u1", "u2"]
            .iter()
            .map(|&id| Unmatched {
                user_id: id.to_owned(),
                reason: UnmatchedReason::RegionTooSmall,
            })
            .collect(),
    };
    assert_eq!(verify(&candidates, &start), vec![]);
    (candidates, start)
}

#[test]
fn the_check_finds_that_taking_a_member_out_of_a_group_places_someone() {
    let (candidates, start) = ejection_case();
    assert_eq!(
        augmenting_moves(&candidates, &start),
        vec![Some(Some(Augmentation::Form)); 3]
    );
}

#[test]
fn someone_only_an_ejection_can_place_is_placed() {
    let (candidates, start) = ejection_case();
    let improved = improving_places_everyone(&candidates, &start, 3);
    let with_x = improved
        .groups
        .iter()
        .find(|g| g.members.iter().any(|m| m == "x"))
        .expect("x is placed");
    let mut members = with_x.members.clone();
    members.sort();
    assert_eq!(members, ["g5", "u1", "u2", "x"]);
    assert_eq!(augmenting_moves(&candidates, &improved), vec![]);
}

#[test]
fn nobody_left_out_of_a_random_population_can_be_placed_by_one_move_or_a_regrouping() {
    let candidates = circle_matching::generate::realistic_population(1_500, 11);
    let config = MatchConfig {
        seed: 5,
        time_limit: Duration::from_secs(60),
        ..MatchConfig::default()
    };
    let matching = circle_matching::match_candidates(&candidates, &config, &|_| {});
    assert_eq!(verify(&candidates, &matching), vec![]);
    assert!(!matching.unmatched.is_empty());
    for found in augmenting_moves(&candidates, &matching) {
        assert_eq!(found, Some(None));
    }
    for found in placing_regroupings(&candidates, &matching, 3) {
        assert_eq!(found, Some(false));
    }
}

/// Two groups of six at one place, A (a1-a6) and B (b1-b6), and x left out. x blocks a1, a2, b1
/// and b2, and a3-a6 block b3-b6, so no one move places x: x cannot join either group or take
/// anyone's place in it (two blocked members stay), and a new group would need three of
/// a3-a6 (A can spare two) or would mix them with b3-b6. Regrouping both groups places
/// everyone: x with a3-a5, a1, a2 and a6 with b1, and b2-b6.
fn regrouping_case() -> (Vec<Candidate>, Matching) {
    let a: Vec<String> = (1..=6).map(|k| format!("a{k}")).collect();
    let b: Vec<String> = (1..=6).map(|k| format!("b{k}")).collect();
    let mut candidates: Vec<Candidate> = Vec::new();
    for id in &a {
        let mut p = person(id);
        if !["a1", "a2"].contains(&id.as_str()) {
            for other in &b[2..] {
                p = p.avoid(other);
            }
        }
        candidates.push(p.build());
    }
    candidates.extend(b.iter().map(|id| person(id).build()));
    candidates.push(
        person("x")
            .avoid("a1")
            .avoid("a2")
            .avoid("b1")
            .avoid("b2")
            .build(),
    );
    let start = Matching {
        groups: vec![
            meeting_group(&candidates, 0..6),
            meeting_group(&candidates, 6..12),
        ],
        unmatched: vec![Unmatched {
            user_id: "x".to_owned(),
            reason: UnmatchedReason::RegionTooSmall,
        }],
    };
    assert_eq!(verify(&candidates, &start), vec![]);
    (candidates, start)
}

#[test]
fn someone_only_a_regrouping_of_several_groups_can_place_is_placed() {
    let (candidates, start) = regrouping_case();
    assert_eq!(augmenting_moves(&candidates, &start), vec![Some(None)]);
    improving_places_everyone(&candidates, &start, 5);
}

/// The regrouping case with x 1 km east of the two groups and, 0.2 km further east, three more
/// groups of six (d, e, f) that block everyone in A and B. x blocks all of them but d1, who is
/// the nearest person x can be grouped with, so the nearest group within x's reach is D, and D's
/// most linked groups are E and F: ruining those places no one. Only the groups around the next
/// nearest group (A, linked to B) place x.
fn decoy_case() -> (Vec<Candidate>, Matching) {
    let (mut candidates, mut start) = regrouping_case();
    candidates.retain(|c| c.user_id() != "x");
    let decoys: Vec<String> = ["d", "e", "f"]
        .iter()
        .flat_map(|g| (1..=6).map(move |k| format!("{g}{k}")))
        .collect();
    let blocked_by_decoys: Vec<String> =
        candidates.iter().map(|c| c.user_id().to_owned()).collect();
    for id in &decoys {
        let mut p = person(id).at(near_origin(1.2, 0.0));
        for other in &blocked_by_decoys {
            p = p.avoid(other);
        }
        candidates.push(p.build());
    }
    let mut x = person("x").at(near_origin(1.0, 0.0));
    for other in ["a1", "a2", "b1", "b2"]
        .into_iter()
        .chain(decoys.iter().map(String::as_str).filter(|&id| id != "d1"))
    {
        x = x.avoid(other);
    }
    candidates.push(x.build());
    for members in [12..18, 18..24, 24..30] {
        start.groups.push(meeting_group(&candidates, members));
    }
    assert_eq!(verify(&candidates, &start), vec![]);
    (candidates, start)
}

#[test]
fn the_groups_around_a_farther_group_are_ruined_when_the_nearest_ones_cannot_place_someone() {
    let (candidates, start) = decoy_case();
    assert_eq!(augmenting_moves(&candidates, &start), vec![Some(None)]);
    improving_places_everyone(&candidates, &start, 5);
}

/// The regrouping case with y (blocking a1, a2, b1, b2) placed in a group G with g1-g4, who
/// block everyone in A and B, three more groups of six (c, d, e) who block y and everyone in A
/// and B, and x left out, who blocks everyone but g1-g4. x can only take y's place, and y can
/// then only be placed by regrouping A and B. G's most linked groups are C, D and E (y alone
/// links it to A and B), so ruining the groups around x places no one.
fn chain_case() -> (Vec<Candidate>, Matching) {
    let (mut candidates, mut start) = regrouping_case();
    candidates.retain(|c| c.user_id() != "x");
    let in_a_or_b: Vec<String> = candidates.iter().map(|c| c.user_id().to_owned()).collect();
    let mut y = person("y");
    for other in ["a1", "a2", "b1", "b2"] {
        y = y.avoid(other);
    }
    candidates.push(y.build());
    for k in 1..=4 {
        let mut g = person(&format!("g{k}"));
        for other in &in_a_or_b {
            g = g.avoid(other);
        }
        candidates.push(g.build());
    }
    let decoys: Vec<String> = ["c", "d", "e"]
        .iter()
        .flat_map(|g| (1..=6).map(move |k| format!("{g}{k}")))
        .collect();
    for id in &decoys {
        let mut p = person(id).avoid("y");
        for other in &in_a_or_b {
            p = p.avoid(other);
        }
        candidates.push(p.build());
    }
    let mut x = person("x").avoid("y");
    for other in in_a_or_b.iter().chain(&decoys) {
        x = x.avoid(other);
    }
    candidates.push(x.build());
    for members in [12..17, 17..23, 23..29, 29..35] {
        start.groups.push(meeting_group(&candidates, members));
    }
    assert_eq!(verify(&candidates, &start), vec![]);
    (candidates, start)
}

#[test]
fn someone_who_can_only_take_the_place_of_a_member_placed_by_a_regrouping_is_placed() {
    let (candidates, start) = chain_case();
    assert_eq!(augmenting_moves(&candidates, &start), vec![Some(None)]);
    improving_places_everyone(&candidates, &start, 5);
}

#[test]
fn the_exact_check_finds_the_regroupings_that_place_someone() {
    for (name, (candidates, start)) in [("regrouping", regrouping_case()), ("decoy", decoy_case())]
    {
        // Two groups regrouped with x place everyone; one group does not.
        let one = placing_regroupings(&candidates, &start, 1);
        let two = placing_regroupings(&candidates, &start, 2);
        assert_eq!(
            (name, one, two),
            (name, vec![Some(false)], vec![Some(true)])
        );
        let improved = improving_places_everyone(&candidates, &start, 5);
        assert_eq!(placing_regroupings(&candidates, &improved, 3), vec![]);
    }
    // Only groups with someone within x's reach are regrouped: the chain through y (whose
    // regrouping lies beyond x's reach) is not seen.
    let (candidates, start) = chain_case();
    assert_eq!(
        placing_regroupings(&candidates, &start, 3),
        vec![Some(false)]
    );
}
