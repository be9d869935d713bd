use circle_matching::{
    Candidate, Group, Matching, Population, Unmatched, UnmatchedReason, Violation, verify,
};

use crate::people::{near_origin, person};

/// Six people around (48, 2) travelling 10 km; "a" blocks "b".
fn people() -> Vec<Candidate> {
    vec![
        person("a").avoid("b").build(),
        person("b").at(near_origin(1.0, 0.0)).build(),
        person("c").at(near_origin(0.0, 1.0)).build(),
        person("d").at(near_origin(1.0, 1.0)).build(),
        person("e").at(near_origin(2.0, 0.0)).build(),
        person("far").at(near_origin(30.0, 0.0)).build(),
    ]
}

fn group(candidates: &[Candidate], members: &[usize]) -> Group {
    let population = Population::new(candidates);
    Group::describe(&population, members, near_origin(0.5, 0.5))
}

fn unmatched(ids: &[&str]) -> Vec<Unmatched> {
    ids.iter()
        .map(|id| Unmatched {
            user_id: (*id).to_owned(),
            reason: UnmatchedReason::RegionTooSmall,
        })
        .collect()
}

#[test]
fn a_valid_grouping_passes() {
    let candidates = people();
    let matching = Matching {
        groups: vec![group(&candidates, &[1, 2, 3, 4])],
        unmatched: unmatched(&["a", "far"]),
    };
    assert_eq!(verify(&candidates, &matching), vec![]);
}

#[test]
fn catches_each_kind_of_violation() {
    let candidates = people();
    let check = |groups: Vec<Group>, left: &[&str]| {
        verify(
            &candidates,
            &Matching {
                groups,
                unmatched: unmatched(left),
            },
        )
    };

    let small = check(vec![group(&candidates, &[1, 2, 3])], &["a", "e", "far"]);
    assert_eq!(small, vec![Violation::GroupSize { group: 0, size: 3 }]);

    let blocked = check(vec![group(&candidates, &[0, 1, 2, 3])], &["e", "far"]);
    assert_eq!(
        blocked,
        vec![Violation::AvoidedPair {
            group: 0,
            a: "a".into(),
            b: "b".into()
        }]
    );

    let out_of_reach = check(vec![group(&candidates, &[1, 2, 3, 5])], &["a", "e"]);
    assert!(matches!(
        out_of_reach.as_slice(),
        [Violation::OutOfReach { user_id, .. }] if user_id == "far"
    ));

    let mut stranger = group(&candidates, &[1, 2, 3, 4]);
    stranger.members.push("nobody".into());
    let unknown = check(vec![stranger], &["a", "far"]);
    assert_eq!(
        unknown,
        vec![Violation::UnknownMember {
            group: 0,
            user_id: "nobody".into()
        }]
    );

    let twice = check(vec![group(&candidates, &[1, 2, 3, 4])], &["a", "far", "e"]);
    assert_eq!(
        twice,
        vec![Violation::ListedTwice {
            user_id: "e".into()
        }]
    );

    let missing = check(vec![group(&candidates, &[1, 2, 3, 4])], &["a"]);
    assert_eq!(
        missing,
        vec![Violation::Missing {
            user_id: "far".into()
        }]
    );
}
