use std::collections::{HashMap, HashSet};
use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use circle_matching::generate::realistic_population;
use circle_matching::geo::distance_km;
use circle_matching::{Candidate, LatLng, parse_candidates};
use serde_json::{Value, json};

fn workdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("circle-match-{}-{name}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    dir
}

fn circle_match(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_circle-match"))
        .args(args)
        .output()
        .expect("circle-match runs")
}

/// A generated population as the tool's input.
fn input_lines(people: usize) -> String {
    realistic_population(people, 4)
        .iter()
        .map(|c| {
            let t = c.traits().values();
            let line = json!({
                "user_id": c.user_id(),
                "lat": c.location().lat,
                "lng": c.location().lng,
                "max_travel_km": c.max_travel_km(),
                "traits": {"openness": t[0], "conscientiousness": t[1], "extraversion": t[2],
                           "agreeableness": t[3], "neuroticism": t[4]},
                "interests": c.interests().iter().map(|i| json!({
                    "name": i.name, "category": i.category.as_str(), "level": i.level.as_str()
                })).collect::<Vec<_>>(),
                "communication_style": c.style().as_str(),
                "avoid": c.avoid(),
            });
            format!("{line}\n")
        })
        .collect()
}

#[test]
fn writes_groups_and_unmatched_people_deterministically() {
    let dir = workdir("ok");
    let input = dir.join("candidates.jsonl");
    let text = input_lines(300);
    fs::write(&input, &text).unwrap();
    let run = |out: &str| {
        let output = dir.join(out);
        let result = circle_match(&[
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--seed",
            "7",
            "--time-limit",
            "30",
        ]);
        assert!(
            result.status.success(),
            "{}",
            String::from_utf8_lossy(&result.stderr)
        );
        fs::read_to_string(output).unwrap()
    };
    let first = run("groups1.jsonl");
    assert_eq!(first, run("groups2.jsonl"), "same seed, same output");

    let candidates = parse_candidates(&text).unwrap();
    let by_id: HashMap<&str, &Candidate> = candidates.iter().map(|c| (c.user_id(), c)).collect();
    let mut seen = HashSet::new();
    for line in first.lines() {
        let value: Value = serde_json::from_str(line).unwrap();
        if let Some(members) = value["members"].as_array() {
            assert!((4..=8).contains(&members.len()), "{line}");
            assert!(value["score"].is_f64() && value["reasons"]["shared_interests"].is_array());
            // The written (rounded) meeting point suits every member.
            let point = LatLng {
                lat: value["meeting_point"]["lat"].as_f64().unwrap(),
                lng: value["meeting_point"]["lng"].as_f64().unwrap(),
            };
            for member in members {
                let candidate = by_id[member.as_str().unwrap()];
                assert!(distance_km(point, candidate.location()) <= candidate.max_travel_km());
                assert!(seen.insert(candidate.user_id()));
            }
        } else {
            assert!(value["reason"].is_string(), "{line}");
            assert!(seen.insert(by_id[value["unmatched"].as_str().unwrap()].user_id()));
        }
    }
    assert_eq!(
        seen.len(),
        candidates.len(),
        "everyone appears exactly once"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn bad_input_names_the_line_and_field_and_writes_nothing() {
    let dir = workdir("bad");
    let input = dir.join("candidates.jsonl");
    let mut text = input_lines(5);
    text = text.replacen("\"level\":\"", "\"level\":\"VERY_", 1);
    let bad_line = text
        .lines()
        .position(|l| l.contains("VERY_"))
        .expect("some candidate has an interest")
        + 1;
    fs::write(&input, &text).unwrap();
    let fresh = dir.join("fresh.jsonl");
    let existing = dir.join("existing.jsonl");
    fs::write(&existing, "previous result\n").unwrap();
    for output in [&fresh, &existing] {
        let result = circle_match(&[
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ]);
        assert!(!result.status.success());
        let stderr = String::from_utf8_lossy(&result.stderr);
        assert!(stderr.contains(&format!("line {bad_line}")), "{stderr}");
        assert!(stderr.contains("interests[0].level"), "{stderr}");
    }
    assert!(!fresh.exists());
    assert_eq!(fs::read_to_string(&existing).unwrap(), "previous result\n");
    let leftovers: Vec<_> = fs::read_dir(&dir).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        2,
        "only the input and the untouched output remain"
    );
    let _ = fs::remove_dir_all(dir);
}

#[test]
fn missing_arguments_are_explained() {
    let result = circle_match(&["--input", "x.jsonl"]);
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("usage"));
}
