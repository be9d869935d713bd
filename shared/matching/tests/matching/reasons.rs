use circle_matching::InterestLevel::{High, Low};
use circle_matching::geo::distance_km;
use circle_matching::{Group, Matching, Unmatched, UnmatchedReason};
use circle_matching::{Population, render};
use serde_json::Value;

use crate::people::{near_origin, person};

#[test]
fn reasons_explain_the_group_and_render_as_the_issue_shows() {
    let candidates = vec![
        person("a")
            .interest("hiking", High)
            .interest("chess", Low)
            .build(),
        person("b")
            .at(near_origin(2.0, 0.0))
            .interest("hiking", High)
            .build(),
        person("c")
            .at(near_origin(0.0, 2.0))
            .interest("hiking", Low)
            .interest("chess", High)
            .build(),
        person("d")
            .at(near_origin(2.0, 2.0))
            .interest("tea", Low)
            .build(),
    ];
    let population = Population::new(&candidates);
    let point = near_origin(1.0, 1.0);
    let group = Group::describe(&population, &[3, 0, 1, 2], point);
    assert_eq!(group.members, ["a", "b", "c", "d"]);
    let shared: Vec<(&str, usize)> = group
        .reasons
        .shared_interests
        .iter()
        .map(|s| (s.name.as_str(), s.members))
        .collect();
    assert_eq!(shared, [("hiking", 3), ("chess", 2)]);
    assert_eq!(group.reasons.trait_closeness, 1.0);
    assert_eq!(group.reasons.style_agreement, 1.0);
    let farthest = distance_km(point, candidates[0].location());
    assert!((group.reasons.farthest_travel_km - farthest).abs() < 1e-9);

    let matching = Matching {
        groups: vec![group],
        unmatched: vec![Unmatched {
            user_id: "z".into(),
            reason: UnmatchedReason::NoOneWithinReach,
        }],
    };
    let lines: Vec<Value> = render(&matching)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["members"][0], "a");
    assert!(lines[0]["meeting_point"]["lat"].is_f64());
    assert!(lines[0]["score"].is_f64());
    assert_eq!(lines[0]["reasons"]["shared_interests"][0]["name"], "hiking");
    assert!(lines[0]["reasons"]["farthest_travel_km"].is_f64());
    assert_eq!(
        lines[1],
        serde_json::json!({"unmatched": "z", "reason": "NO_ONE_WITHIN_REACH"})
    );
}
