//! An independent, exact check that nobody left out could be placed by regrouping the groups
//! around them. For each person left out who could form a group on their own, and each set of up
//! to a given number of the groups nearest them, it searches every way of grouping the members
//! of those groups, the person and the other people left out within their reach, for one that
//! places more of them than the published grouping does.
//!
//! The search is exhaustive within a budget of meeting-point checks: a group only grows by people
//! who fit with all its members, stops growing once its members cannot meet (nobody added makes
//! them meet again), and whoever has fewer than three possible partners left must stay out, which
//! bounds how many may stay out.
//!
//! Like [`crate::verify`] it works from the candidates and a published grouping only.

use std::collections::{HashMap, HashSet};

use crate::candidate::Candidate;
use crate::feasibility::{MAX_GROUP, MIN_GROUP, feasible_group_exists};
use crate::grouping::Matching;
use crate::placeable::Published;
use crate::population::Population;

/// Nearest groups whose subsets are regrouped with a person left out.
const NEAREST_GROUPS: usize = 8;
/// Other people left out within reach who join a regrouping, nearest first.
const OTHERS_LEFT_OUT: usize = 8;
/// Most groups regrouped at once by the check.
pub const MOST_REGROUPED: usize = 6;
/// Meeting-point checks one regrouping may spend before the answer is "undecided".
const BUDGET: u32 = 200_000;

/// For each person left out (in the order of `matching.unmatched`): `Some(true)` when
/// regrouping some `groups` (at most [`MOST_REGROUPED`]) or fewer of the eight groups nearest
/// them, with them and up to eight others left out within their reach, places more people,
/// `Some(false)` when no such regrouping exists, `None` when a search ran out of budget.
pub fn placing_regroupings(
    candidates: &[Candidate],
    matching: &Matching,
    groups: usize,
) -> Vec<Option<bool>> {
    let published = Published::new(candidates, matching);
    matching
        .unmatched
        .iter()
        .map(|person| {
            let x = published.index_of(&person.user_id)?;
            regrouping_places(&published, x, groups.min(MOST_REGROUPED))
        })
        .collect()
}

fn regrouping_places(published: &Published, x: usize, groups: usize) -> Option<bool> {
    let found = published.pool(x);
    let pool: Vec<u32> = found.iter().map(|&j| j as u32).collect();
    if feasible_group_exists(&published.population, x, &pool) == Some(false) {
        return Some(false);
    }
    let (nearest, left_out) = neighbourhood(x, &found, |j| published.group_of[j]);
    let mut settled = true;
    for chosen in subsets(nearest.len(), groups) {
        let chosen: Vec<&[usize]> = chosen
            .iter()
            .map(|&k| published.groups[nearest[k]].as_slice())
            .collect();
        match regrouping_that_places_more(&published.population, &left_out, &chosen) {
            Some(Some(_)) => return Some(true),
            Some(None) => {}
            None => settled = false,
        }
    }
    settled.then_some(false)
}

/// The groups nearest `x` (at most eight, in order of first appearance) and the people left out
/// (`x` first, then at most eight more) among `pool` (everyone within `x`'s reach, nearest
/// first), given whose group each person is in: whom a regrouping around `x` looks at.
pub(crate) fn neighbourhood<P: Copy, G: Copy + PartialEq>(
    x: P,
    pool: &[P],
    group_of: impl Fn(P) -> Option<G>,
) -> (Vec<G>, Vec<P>) {
    let mut nearest = Vec::new();
    let mut left_out = vec![x];
    for &j in pool {
        match group_of(j) {
            Some(g) if !nearest.contains(&g) && nearest.len() < NEAREST_GROUPS => nearest.push(g),
            None if left_out.len() <= OTHERS_LEFT_OUT => left_out.push(j),
            _ => {}
        }
    }
    (nearest, left_out)
}

/// A grouping of `left_out` and the members of `groups` that places more of them than `groups`
/// do, by the exhaustive search: `Some(Some(new groups))`, `Some(None)` when there is none, `None`
/// when the budget ran out (or more than [`POCKET_BITS`] people are given).
pub(crate) fn regrouping_that_places_more(
    population: &Population,
    left_out: &[usize],
    groups: &[&[usize]],
) -> Option<Option<Vec<Vec<usize>>>> {
    let mut people = left_out.to_vec();
    for group in groups {
        people.extend(group.iter());
    }
    if people.len() > POCKET_BITS || left_out.is_empty() {
        return None;
    }
    let mut pocket = Pocket::new(population, people);
    let placed = pocket.solve(pocket.everyone(), left_out.len() - 1)?;
    Some(placed.then(|| {
        pocket
            .plan
            .iter()
            .map(|&group| bits(group).map(|k| pocket.people[k]).collect())
            .collect()
    }))
}

/// The non-empty subsets of `0..n` with at most `most` elements.
pub(crate) fn subsets(n: usize, most: usize) -> Vec<Vec<usize>> {
    (1u32..1 << n)
        .filter(|mask| mask.count_ones() as usize <= most)
        .map(|mask| (0..n).filter(|&k| mask >> k & 1 == 1).collect())
        .collect()
}

/// A set of people of a pocket, by their position in it.
type Set = u128;
/// Most people in a pocket.
pub(crate) const POCKET_BITS: usize = Set::BITS as usize;

/// People (at most [`POCKET_BITS`]) to be grouped, as bit sets.
struct Pocket<'a> {
    population: &'a Population<'a>,
    people: Vec<usize>,
    /// Each person's possible partners: no block and within reach of each other.
    partners: Vec<Set>,
    /// Whether each triple looked at shares a meeting point.
    meets: HashMap<Set, bool>,
    /// States (people still to place, how many of them may stay out) that place no one more.
    hopeless: HashSet<(Set, usize)>,
    budget: u32,
    /// The groups of the grouping found, once `solve` says yes.
    plan: Vec<Set>,
}

impl<'a> Pocket<'a> {
    fn new(population: &'a Population<'a>, people: Vec<usize>) -> Self {
        let partners = people
            .iter()
            .map(|&a| {
                people.iter().enumerate().fold(0 as Set, |bits, (k, &b)| {
                    if a != b && population.fits_with(a, [b]) {
                        bits | 1 << k
                    } else {
                        bits
                    }
                })
            })
            .collect();
        Self {
            population,
            people,
            partners,
            meets: HashMap::new(),
            hopeless: HashSet::new(),
            budget: BUDGET,
            plan: Vec::new(),
        }
    }

    fn everyone(&self) -> Set {
        if self.people.len() == POCKET_BITS {
            Set::MAX
        } else {
            (1 << self.people.len()) - 1
        }
    }

    /// Whether `open` can be grouped with at most `may_stay_out` of them left out.
    fn solve(&mut self, open: Set, may_stay_out: usize) -> Option<bool> {
        if open == 0 {
            return Some(true);
        }
        if self.hopeless.contains(&(open, may_stay_out)) {
            return Some(false);
        }
        let partners_left = |k: usize| (self.partners[k] & open).count_ones() as usize;
        let stuck = bits(open)
            .filter(|&k| partners_left(k) < MIN_GROUP - 1)
            .count();
        if stuck > may_stay_out {
            return Some(false);
        }
        // The person with the fewest partners left: either stays out or leads a group.
        let p = bits(open)
            .min_by_key(|&k| (partners_left(k), k))
            .expect("open is not empty");
        let rest = open & !(1 << p);
        let mut settled = true;
        if may_stay_out > 0 {
            match self.solve(rest, may_stay_out - 1) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => settled = false,
            }
        }
        match self.groups_with(1 << p, self.partners[p] & rest, open, may_stay_out) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => settled = false,
        }
        if !settled {
            return None;
        }
        self.hopeless.insert((open, may_stay_out));
        Some(false)
    }

    /// Whether some group grown from `group` (members who meet) with people of `candidates`
    /// (each a partner of every member) lets the rest of `open` be grouped.
    fn groups_with(
        &mut self,
        group: Set,
        candidates: Set,
        open: Set,
        may_stay_out: usize,
    ) -> Option<bool> {
        let size = group.count_ones() as usize;
        let mut settled = true;
        if size >= MIN_GROUP {
            match self.solve(open & !group, may_stay_out) {
                Some(true) => {
                    self.plan.push(group);
                    return Some(true);
                }
                Some(false) => {}
                None => settled = false,
            }
        }
        if size < MAX_GROUP {
            for c in bits(candidates) {
                let grown = group | 1 << c;
                if !self.meet(grown, group)? {
                    continue;
                }
                // Only later candidates, so each group is grown once.
                let later =
                    candidates & self.partners[c] & !(Set::MAX >> (Set::BITS - 1 - c as u32));
                match self.groups_with(grown, later, open, may_stay_out) {
                    Some(true) => return Some(true),
                    Some(false) => {}
                    None => settled = false,
                }
            }
        }
        settled.then_some(false)
    }

    /// Whether the people of `group` share a meeting point; `None` when the budget ran out.
    /// `smaller` (`group` without its newest member) shares one, and every pair of `group` can
    /// meet, so by Helly's theorem (caps smaller than a hemisphere share a point when every
    /// three of them do) `group` meets exactly when the newest member meets with every two of
    /// the others; those triples are looked at once per pocket.
    fn meet(&mut self, group: Set, smaller: Set) -> Option<bool> {
        let newest = group & !smaller;
        let others: Vec<usize> = bits(smaller).collect();
        for (i, &a) in others.iter().enumerate() {
            for &b in &others[i + 1..] {
                if !self.triple_meets(newest | 1 << a | 1 << b)? {
                    return Some(false);
                }
            }
        }
        Some(true)
    }

    /// Whether the three people of `triple` share a meeting point (cached).
    fn triple_meets(&mut self, triple: Set) -> Option<bool> {
        if let Some(&known) = self.meets.get(&triple) {
            return Some(known);
        }
        if self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        let meets = self
            .population
            .meeting_point(bits(triple).map(|k| self.people[k]), None)
            .is_some();
        self.meets.insert(triple, meets);
        Some(meets)
    }
}

/// The positions of the set bits of `set`, ascending.
fn bits(mut set: Set) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let k = set.trailing_zeros() as usize;
        (k < POCKET_BITS).then(|| {
            set &= set - 1;
            k
        })
    })
}

#[cfg(test)]
mod tests {
    use rand::seq::SliceRandom;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    use super::*;
    use crate::candidate::{CommunicationStyle, Traits};
    use crate::geo::LatLng;

    /// People within about 40 km of each other with travel limits of 5-16 km.
    fn people(n: usize, rng: &mut ChaCha8Rng) -> Vec<Candidate> {
        (0..n)
            .map(|i| {
                let at = LatLng {
                    lat: 48.0 + rng.random_range(0.0..0.35),
                    lng: 2.0 + rng.random_range(0.0..0.5),
                };
                Candidate::new(
                    format!("p{i}"),
                    at,
                    rng.random_range(5.0..16.0),
                    Traits::new([50; 5]).expect("traits in range"),
                    Vec::new(),
                    CommunicationStyle::Direct,
                    Vec::new(),
                )
                .expect("valid candidate")
            })
            .collect()
    }

    #[test]
    fn a_growing_group_meets_exactly_when_its_newest_member_meets_every_two_others() {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (mut meeting, mut apart) = (0, 0);
        for _ in 0..1000 {
            let candidates = people(12, &mut rng);
            let population = Population::new(&candidates);
            let mut order: Vec<usize> = (0..candidates.len()).collect();
            order.shuffle(&mut rng);
            let mut pocket = Pocket::new(&population, (0..candidates.len()).collect());
            let mut group: Set = 1 << order[0];
            for &k in &order[1..] {
                if pocket.partners[k] & group != group {
                    continue;
                }
                let grown = group | 1 << k;
                let members = bits(grown);
                let direct = population.meeting_point(members, None).is_some();
                assert_eq!(pocket.meet(grown, group), Some(direct));
                if !direct {
                    apart += 1;
                    break;
                }
                meeting += 1;
                group = grown;
            }
        }
        assert!(
            meeting > 500 && apart > 50,
            "{meeting} meeting, {apart} apart"
        );
    }
}
