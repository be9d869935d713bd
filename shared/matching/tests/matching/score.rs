use circle_matching::InterestLevel::{High, Low, Medium};
use circle_matching::generate::realistic_population;
use circle_matching::score::{ProfileTable, pair_score};
use circle_matching::{CommunicationStyle, Population};

use crate::people::person;

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-12
}

#[test]
fn hand_computed_pair() {
    // Interests: hiking min(3, 2) = 2; max: hiking 3 + cooking 1 + chess 3 = 7 -> 2/7.
    // Traits: |70-60| + 0 + |40-50| + |80-70| + 0 = 30 -> 1 - 30/500 = 0.94.
    // Styles differ -> 0.5. Pair = 0.5 * 2/7 + 0.35 * 0.94 + 0.15 * 0.5.
    let a = person("a")
        .traits([70, 55, 40, 80, 30])
        .interest("hiking", High)
        .interest("cooking", Low)
        .style(CommunicationStyle::Supportive)
        .build();
    let b = person("b")
        .traits([60, 55, 50, 70, 30])
        .interest("hiking", Medium)
        .interest("chess", High)
        .style(CommunicationStyle::Direct)
        .build();
    let pair = pair_score(&a, &b);
    assert!(close(pair.interests, 2.0 / 7.0));
    assert!(close(pair.traits, 0.94));
    assert!(close(pair.style, 0.5));
    assert!(close(
        pair.total(),
        0.5 * 2.0 / 7.0 + 0.35 * 0.94 + 0.15 * 0.5
    ));
    assert!(close(pair_score(&b, &a).total(), pair.total()));
}

#[test]
fn no_interests_count_as_zero_and_twins_score_one() {
    let a = person("a").build();
    let b = person("b").build();
    let pair = pair_score(&a, &b);
    assert_eq!(pair.interests, 0.0);
    assert!(close(pair.total(), 0.35 + 0.15));

    let twin = |id| {
        person(id)
            .interest("chess", High)
            .interest("tea", Low)
            .build()
    };
    assert!(close(pair_score(&twin("x"), &twin("y")).total(), 1.0));

    // Opposite traits: sum of differences 500 -> 0.
    let low = person("l").traits([0; 5]).build();
    let high = person("h").traits([100; 5]).build();
    assert!(close(pair_score(&low, &high).traits, 0.0));
}

#[test]
fn the_fast_table_equals_the_reference() {
    let candidates = realistic_population(400, 3);
    let refs: Vec<_> = candidates.iter().collect();
    let table = ProfileTable::new(&refs);
    for a in (0..400).step_by(7) {
        for b in (0..400).step_by(13) {
            let reference = pair_score(&candidates[a], &candidates[b]).total();
            assert!(close(table.score(a, b), reference), "{a} {b}");
        }
    }
    // The population's own (reordered) table agrees too.
    let population = Population::new(&candidates);
    assert!(close(
        population.score(5, 9),
        pair_score(&candidates[5], &candidates[9]).total()
    ));
}

#[test]
fn scoring_one_person_against_many_equals_scoring_each_pair() {
    let candidates = circle_matching::generate::realistic_population(300, 4);
    let population = circle_matching::Population::new(&candidates);
    let table = population.profiles();
    let others: Vec<u32> = (0..300).collect();
    let mut weights = Vec::new();
    let mut scored = Vec::new();
    for a in [0, 17, 150, 299] {
        scored.clear();
        table.score_each(a, &others, &mut weights, &mut scored);
        for &(score, b) in &scored {
            assert_eq!(score, table.score(a, b as usize), "{a} and {b}");
        }
        assert!(weights.iter().all(|&w| w == 0));
    }
}
