//! Writes what it takes to prove that the benchmark's grouping places as many people as any
//! grouping can. Everyone left out who could form a group on their own lives where groups barely
//! form; the people linked to them by reach (directly or through others) form a closed set,
//! small enough to list every feasible group of 4-7 in it (a group of 8 splits into two of 4,
//! so larger groups never place more). `scripts/most_placed.py` then solves that set packing
//! exactly. Everyone else left out cannot be in any group at all.
//!
//! `cargo run --release -p circle-matching --example sparse_components -- [people] [output]`
//! (the benchmark's population and seed; default 100000 people, `sparse_groups.txt`).
//! The output's first line is `people_in_the_set placed_there_by_the_engine`, then one feasible
//! group per line (indices into the set).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::io::Write;
use std::time::Duration;

use circle_matching::feasibility::feasible_group_exists;
use circle_matching::generate::realistic_population;
use circle_matching::{MatchConfig, Population, match_candidates};

/// Reachable people looked up per person; reaching it means the set may not be closed.
const LOOKUP: usize = 4096;

fn main() {
    let mut args = std::env::args().skip(1);
    let size: usize = args.next().map_or(100_000, |s| s.parse().expect("people"));
    let output = args.next().unwrap_or_else(|| "sparse_groups.txt".into());
    let candidates = realistic_population(size, 42);
    let config = MatchConfig {
        seed: 42,
        time_limit: Duration::from_secs(10),
        ..MatchConfig::default()
    };
    let matching = match_candidates(&candidates, &config, &|_| {});
    let population = Population::new(&candidates);
    let index: HashMap<&str, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.user_id(), i))
        .collect();
    let reachable = |x: usize| {
        let mut found = Vec::new();
        population.nearest_reachable(x, LOOKUP, &mut found);
        assert!(found.len() < LOOKUP, "person {x} reaches too many people");
        found
    };

    let mut set = BTreeSet::new();
    let mut queue = VecDeque::new();
    let mut could_form = 0;
    for person in &matching.unmatched {
        let x = index[person.user_id.as_str()];
        let pool: Vec<u32> = reachable(x)
            .into_iter()
            .filter(|&j| !population.avoids(x, j as usize))
            .collect();
        match feasible_group_exists(&population, x, &pool) {
            Some(true) if set.insert(x) => {
                could_form += 1;
                queue.push_back(x);
            }
            Some(_) => {}
            None => panic!("undecided whether person {x} could form a group"),
        }
    }
    while let Some(x) = queue.pop_front() {
        for j in reachable(x) {
            if set.insert(j as usize) {
                queue.push_back(j as usize);
            }
        }
    }
    let people: Vec<usize> = set.into_iter().collect();
    let position: HashMap<usize, usize> = people.iter().enumerate().map(|(k, &p)| (p, k)).collect();
    let placed = matching
        .groups
        .iter()
        .flat_map(|g| &g.members)
        .filter(|id| position.contains_key(&index[id.as_str()]))
        .count();
    eprintln!(
        "{} left out, {could_form} of them could form a group; the set linked to them: {} people, {placed} placed",
        matching.unmatched.len(),
        people.len()
    );

    let partners: Vec<Vec<usize>> = people
        .iter()
        .map(|&a| {
            (0..people.len())
                .filter(|&k| {
                    let b = people[k];
                    a != b && !population.avoids(a, b) && population.can_meet(a, b)
                })
                .collect()
        })
        .collect();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&output).expect("output"));
    writeln!(out, "{} {placed}", people.len()).expect("write");
    let mut groups = 0;
    for first in 0..people.len() {
        let later: Vec<usize> = partners[first]
            .iter()
            .copied()
            .filter(|&k| k > first)
            .collect();
        let mut group = vec![first];
        grow(
            &population,
            &people,
            &partners,
            &mut group,
            &later,
            &mut |g| {
                groups += 1;
                let line: Vec<String> = g.iter().map(usize::to_string).collect();
                writeln!(out, "{}", line.join(" ")).expect("write");
            },
        );
    }
    eprintln!("{groups} feasible groups of 4-7 written to {output}");
}

/// Every feasible group grown from `group` (members who meet) by people of `candidates` (each
/// a partner of every member, after the last member in the set's order).
fn grow(
    population: &Population,
    people: &[usize],
    partners: &[Vec<usize>],
    group: &mut Vec<usize>,
    candidates: &[usize],
    emit: &mut impl FnMut(&[usize]),
) {
    if group.len() >= 4 {
        emit(group);
    }
    if group.len() == 7 {
        return;
    }
    for (k, &c) in candidates.iter().enumerate() {
        group.push(c);
        if population
            .meeting_point(group.iter().map(|&m| people[m]), None)
            .is_some()
        {
            let later: Vec<usize> = candidates[k + 1..]
                .iter()
                .copied()
                .filter(|w| partners[c].binary_search(w).is_ok())
                .collect();
            grow(population, people, partners, group, &later, emit);
        }
        group.pop();
    }
}
