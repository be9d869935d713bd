use circle_matching::{CommunicationStyle, InterestLevel, ParseError, parse_candidates};

const GOOD: &str = r#"{"user_id": "u1", "lat": 48.85, "lng": 2.35, "max_travel_km": 15, "traits": {"openness": 70, "conscientiousness": 55, "extraversion": 40, "agreeableness": 80, "neuroticism": 30}, "interests": [{"name": "hiking", "category": "OUTDOOR_ADVENTURES", "level": "HIGH"}], "communication_style": "SUPPORTIVE", "avoid": ["u9"]}"#;

fn with(replace: &str, by: &str) -> String {
    assert!(GOOD.contains(replace), "{replace}");
    GOOD.replacen(replace, by, 1)
        .replacen("\"u1\"", "\"u2\"", 1)
}

/// Parses GOOD then `second` and returns the error, which must be on line 2.
fn error_on_line_two(second: &str) -> ParseError {
    let input = format!("{GOOD}\n{second}\n");
    let error = parse_candidates(&input).expect_err("second line is bad");
    assert_eq!(error.line, 2, "{error}");
    error
}

#[test]
fn reads_the_issue_example() {
    let candidates = parse_candidates(&format!("{GOOD}\n\n")).unwrap();
    assert_eq!(candidates.len(), 1);
    let c = &candidates[0];
    assert_eq!(c.user_id(), "u1");
    assert_eq!(c.max_travel_km(), 15.0);
    assert_eq!(c.traits().values(), [70, 55, 40, 80, 30]);
    assert_eq!(c.interests()[0].level, InterestLevel::High);
    assert_eq!(c.style(), CommunicationStyle::Supportive);
    assert_eq!(c.avoid(), ["u9"]);
}

#[test]
fn errors_name_the_line_and_field() {
    let cases = [
        (with("\"lat\": 48.85,", "\"lat\": 48.85"), "json"),
        ("[1, 2]".to_owned(), "json"),
        (
            with("\"openness\": 70", "\"openness\": 170"),
            "traits.openness",
        ),
        (
            with("\"neuroticism\": 30", "\"neuroticism\": -1"),
            "traits.neuroticism",
        ),
        (
            with("\"agreeableness\": 80", "\"agreeableness\": 80.5"),
            "traits.agreeableness",
        ),
        (
            with("\"level\": \"HIGH\"", "\"level\": \"EXTREME\""),
            "interests[0].level",
        ),
        (
            with(
                "\"category\": \"OUTDOOR_ADVENTURES\"",
                "\"category\": \"KNITTING\"",
            ),
            "interests[0].category",
        ),
        (
            with(
                "\"communication_style\": \"SUPPORTIVE\"",
                "\"communication_style\": \"LOUD\"",
            ),
            "communication_style",
        ),
        (with("\"lat\": 48.85", "\"lat\": 95"), "lat"),
        (
            with("\"max_travel_km\": 15", "\"max_travel_km\": -3"),
            "max_travel_km",
        ),
        (with("\"max_travel_km\": 15, ", ""), "max_travel_km"),
        (with("\"avoid\"", "\"avoids\""), "avoids"),
    ];
    for (line, field) in cases {
        let error = error_on_line_two(&line);
        assert_eq!(error.field, field, "{error}");
    }
}

#[test]
fn a_repeated_user_id_is_an_error() {
    let input = format!("{GOOD}\n{}\n{GOOD}\n", with("", ""));
    let error = parse_candidates(&input).unwrap_err();
    assert_eq!((error.line, error.field.as_str()), (3, "user_id"));
    assert!(error.message.contains("first on line 1"), "{error}");
}
