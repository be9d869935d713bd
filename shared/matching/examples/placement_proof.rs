//! Writes what it takes to prove that the benchmark's grouping places as many people as any
//! grouping can; `scripts/most_placed.py` solves it.
//!
//! The argument. Take the people left out who could form a group on their own (everyone else
//! left out is in no feasible group at all), and a set S around them: themselves, then rings of
//! everyone within reach, widening only through people who reach at most [`SPARSE_REACH`] others
//! (denser people join S but are not widened from). A person of S is *inside* when everyone
//! within their reach is in S; the people left out who could form a group must all be inside.
//! In any grouping, a person who is not inside is placed only if they could form a group, and
//! the engine places all of those (the only ones it leaves out are inside). A group holding
//! someone inside lies within S (its members are within that person's reach). So no grouping
//! places more than: the people not inside who could form a group, plus the most people inside
//! that disjoint feasible groups within S can hold. When that most equals the people inside the
//! engine places, nobody more can be placed anywhere. Groups of 4-7 suffice (a group of 8 splits
//! into two of 4 holding the same people), and only those with someone inside count.
//!
//! `cargo run --release -p circle-matching --example placement_proof -- [people] [rings] [output]`
//! (the benchmark's population and seed; default 100000 people, 6 rings, `placement.txt`; the
//! 10k benchmark needs 3 rings, the 100k 6: with fewer the bound is not tight). The output's
//! first line is `people_in_S people_inside placed_inside_by_the_engine`, then one feasible group
//! per line: how many of its members are inside, then its members (indices into S).

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::time::Duration;

use circle_matching::feasibility::feasible_group_exists;
use circle_matching::generate::realistic_population;
use circle_matching::{MatchConfig, Population, Progress, match_candidates};

/// People who reach more others than this are not widened from.
const SPARSE_REACH: usize = 20;

fn main() {
    let mut args = std::env::args().skip(1);
    let size: usize = args.next().map_or(100_000, |s| s.parse().expect("people"));
    let rings: usize = args.next().map_or(6, |s| s.parse().expect("rings"));
    let output = args.next().unwrap_or_else(|| "placement.txt".into());
    let candidates = realistic_population(size, 42);
    let config = MatchConfig {
        seed: 42,
        time_limit: Duration::from_secs(10),
        ..MatchConfig::default()
    };
    let matching = match_candidates(&candidates, &config, &|progress| {
        if progress == Progress::CutShort {
            eprintln!(
                "warning: the time limit cut the engine short; its grouping may differ from the benchmark's"
            );
        }
    });
    let population = Population::new(&candidates);
    let index: HashMap<&str, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.user_id(), i))
        .collect();
    let reach = |x: usize| {
        let mut found = Vec::new();
        population.nearest_reachable(x, candidates.len(), &mut found);
        found
    };

    let mut left_out = Vec::new();
    for person in &matching.unmatched {
        let x = index[person.user_id.as_str()];
        let pool: Vec<u32> = reach(x)
            .into_iter()
            .filter(|&j| !population.avoids(x, j as usize))
            .collect();
        match feasible_group_exists(&population, x, &pool) {
            Some(true) => left_out.push(x),
            Some(false) => {}
            None => panic!("undecided whether person {x} could form a group"),
        }
    }
    let mut set: BTreeSet<usize> = left_out.iter().copied().collect();
    let mut ring = left_out.clone();
    for _ in 0..rings {
        let mut next = Vec::new();
        for &x in &ring {
            let within = reach(x);
            if within.len() <= SPARSE_REACH {
                next.extend(
                    within
                        .into_iter()
                        .map(|j| j as usize)
                        .filter(|&j| set.insert(j)),
                );
            }
        }
        ring = next;
    }
    let people: Vec<usize> = set.iter().copied().collect();
    let position: HashMap<usize, usize> = people.iter().enumerate().map(|(k, &p)| (p, k)).collect();
    let within: Vec<Vec<u32>> = people.iter().map(|&p| reach(p)).collect();
    let inside: Vec<bool> = within
        .iter()
        .map(|reached| reached.iter().all(|&j| set.contains(&(j as usize))))
        .collect();
    let not_inside = left_out.iter().filter(|x| !inside[position[x]]).count();
    assert_eq!(
        not_inside, 0,
        "people left out who could form a group are not inside S"
    );
    let placed: BTreeSet<usize> = matching
        .groups
        .iter()
        .flat_map(|g| &g.members)
        .map(|id| index[id.as_str()])
        .collect();
    let placed_inside = (0..people.len())
        .filter(|&k| inside[k] && placed.contains(&people[k]))
        .count();
    let inside_count = inside.iter().filter(|&&b| b).count();
    eprintln!(
        "{} left out, {} of them could form a group; S: {} people, {inside_count} inside, {placed_inside} of them placed",
        matching.unmatched.len(),
        left_out.len(),
        people.len()
    );

    let partners: Vec<Vec<usize>> = people
        .iter()
        .zip(&within)
        .map(|(&a, reached)| {
            let mut partners: Vec<usize> = reached
                .iter()
                .filter_map(|&j| position.get(&(j as usize)).copied())
                .filter(|&k| !population.avoids(a, people[k]))
                .collect();
            partners.sort_unstable();
            partners
        })
        .collect();
    let mut out = std::io::BufWriter::new(std::fs::File::create(&output).expect("output"));
    writeln!(out, "{} {inside_count} {placed_inside}", people.len()).expect("write");
    let mut groups = 0;
    for first in (0..people.len()).filter(|&k| inside[k]) {
        // Each group once: from its first member inside, with no one inside before it.
        let others: Vec<usize> = partners[first]
            .iter()
            .copied()
            .filter(|&k| !(inside[k] && k < first))
            .collect();
        let mut group = vec![first];
        grow(
            &population,
            &people,
            &partners,
            &mut group,
            &others,
            &mut |g| {
                groups += 1;
                let mut members = g.to_vec();
                members.sort_unstable();
                let line: Vec<String> = members.iter().map(usize::to_string).collect();
                let held = members.iter().filter(|&&k| inside[k]).count();
                writeln!(out, "{held} {}", line.join(" ")).expect("write");
            },
        );
    }
    eprintln!("{groups} feasible groups of 4-7 with someone inside written to {output}");
}

/// Every feasible group grown from `group` (members who meet) by people of `candidates` (each
/// a partner of every member), each candidate after the previous one.
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
