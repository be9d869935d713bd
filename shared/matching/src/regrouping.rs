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

/// Nearest groups whose subsets are regrouped with a person left out.
const NEAREST_GROUPS: usize = 8;
/// Other people left out within reach who join a regrouping, nearest first.
const OTHERS_LEFT_OUT: usize = 8;
/// Most groups regrouped at once, so that a pocket fits in 64 bits (6 * 8 + 1 + 8 people).
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
    let mut nearest: Vec<usize> = Vec::new();
    let mut left_out = vec![x];
    for &j in &found {
        match published.group_of[j] {
            Some(g) if !nearest.contains(&g) && nearest.len() < NEAREST_GROUPS => nearest.push(g),
            None if left_out.len() <= OTHERS_LEFT_OUT => left_out.push(j),
            _ => {}
        }
    }
    let mut settled = true;
    for chosen in subsets(nearest.len(), groups) {
        let mut people = left_out.clone();
        for &k in &chosen {
            people.extend(&published.groups[nearest[k]]);
        }
        if people.len() > 64 {
            // Only groups above the maximum size (an invalid grouping) get here.
            settled = false;
            continue;
        }
        let mut pocket = Pocket::new(published, people);
        match pocket.solve(pocket.everyone(), left_out.len() - 1) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => settled = false,
        }
    }
    settled.then_some(false)
}

/// The non-empty subsets of `0..n` with at most `most` elements.
fn subsets(n: usize, most: usize) -> Vec<Vec<usize>> {
    (1u32..1 << n)
        .filter(|mask| mask.count_ones() as usize <= most)
        .map(|mask| (0..n).filter(|&k| mask >> k & 1 == 1).collect())
        .collect()
}

/// People (at most 64, see [`MOST_REGROUPED`]) to be grouped, as bit sets.
struct Pocket<'a> {
    published: &'a Published<'a>,
    people: Vec<usize>,
    /// Each person's possible partners: no block and within reach of each other.
    partners: Vec<u64>,
    meets: HashMap<u64, bool>,
    /// States (people still to place, how many of them may stay out) that place no one more.
    hopeless: HashSet<(u64, usize)>,
    budget: u32,
}

impl<'a> Pocket<'a> {
    fn new(published: &'a Published<'a>, people: Vec<usize>) -> Self {
        let population = &published.population;
        let partners = people
            .iter()
            .map(|&a| {
                people.iter().enumerate().fold(0u64, |bits, (k, &b)| {
                    if a != b && population.fits_with(a, [b]) {
                        bits | 1 << k
                    } else {
                        bits
                    }
                })
            })
            .collect();
        Self {
            published,
            people,
            partners,
            meets: HashMap::new(),
            hopeless: HashSet::new(),
            budget: BUDGET,
        }
    }

    fn everyone(&self) -> u64 {
        if self.people.len() == 64 {
            u64::MAX
        } else {
            (1 << self.people.len()) - 1
        }
    }

    /// Whether `open` can be grouped with at most `may_stay_out` of them left out.
    fn solve(&mut self, open: u64, may_stay_out: usize) -> Option<bool> {
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
        group: u64,
        candidates: u64,
        open: u64,
        may_stay_out: usize,
    ) -> Option<bool> {
        let size = group.count_ones() as usize;
        let mut settled = true;
        if size >= MIN_GROUP {
            match self.solve(open & !group, may_stay_out) {
                Some(true) => return Some(true),
                Some(false) => {}
                None => settled = false,
            }
        }
        if size < MAX_GROUP {
            for c in bits(candidates) {
                let grown = group | 1 << c;
                if !self.meet(grown)? {
                    continue;
                }
                // Only later candidates, so each group is grown once.
                let later = candidates & self.partners[c] & !(u64::MAX >> (63 - c));
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
    fn meet(&mut self, group: u64) -> Option<bool> {
        if let Some(&known) = self.meets.get(&group) {
            return Some(known);
        }
        if self.budget == 0 {
            return None;
        }
        self.budget -= 1;
        let meets = self.published.meets(bits(group).map(|k| self.people[k]));
        self.meets.insert(group, meets);
        Some(meets)
    }
}

/// The positions of the set bits of `set`, ascending.
fn bits(set: u64) -> impl Iterator<Item = usize> {
    (0..64).filter(move |&k| set >> k & 1 == 1)
}
