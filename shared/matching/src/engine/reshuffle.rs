//! Placing more of the people the repairs leave out, by reshuffling the groups around them (a
//! large neighbourhood search). Each round picks a person left out who could form a group and
//! two to eight linked groups, starting from one of the nearest within their reach, and regroups
//! those people with the people left out nearby: by the exhaustive search of
//! [`crate::regrouping`] when some grouping of them places more, otherwise by random
//! recreations (as [`crate::engine::ruin_around`] makes them), kept whenever they place at
//! least as many people. Keeping the equal ones lets the grouping drift (someone else left out,
//! a group shifted over) until somebody more fits: where groups barely form (sparse areas, where
//! most groups have four members and nobody can be spared), that is how most of the last people
//! get placed, and the repairs, which keep only what places more at once, cannot get there. The
//! objective may drop on the way: at the end the best grouping met (most placed, then highest
//! objective) is restored.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::engine::Clock;
use crate::engine::region::Region;
use crate::engine::repair::{Memo, exact_regrouping};
use crate::engine::ruin_around::{Plan, beats, left_out_near, placed_and_value, recreate};

/// Nearest groups within a person's reach that a round may start from.
const NEAREST_GROUPS: usize = 8;
/// Most groups ruined together (at least two).
const MOST_RUINED: usize = 8;
/// Other people left out who join the ruined people.
const LEFTOVERS: usize = 7;

/// Runs `rounds` reshuffles per person left out who could form a group (fewer when the clock
/// runs out) and keeps the best grouping met. Returns the people whose group changed on the way,
/// ascending (none when nothing changed).
pub(crate) fn reshuffle(
    region: &mut Region,
    rng: &mut ChaCha8Rng,
    clock: &Clock,
    memo: &mut Memo,
    rounds: usize,
) -> Vec<u32> {
    let mut targets = Targets::new(region.len());
    for x in region.unassigned() {
        targets.add(region, memo, x);
    }
    let mut journal = Journal::new(region.len());
    for _ in 0..rounds * targets.people.len() {
        let Some(x) = targets.pick(region, rng) else {
            break;
        };
        if clock.expired() {
            break;
        }
        let chosen = linked_groups(region, memo.wide(region, x), rng);
        if chosen.len() < 2 {
            continue;
        }
        let mut people: Vec<u32> = chosen
            .iter()
            .flat_map(|&g| region.group(g).members.clone())
            .collect();
        let placed_now = people.len();
        let left_out = left_out_near(region, x, &people, LEFTOVERS);
        people.extend(&left_out);
        let value_now: f64 = chosen.iter().map(|&g| region.value(g)).sum();
        let (placed, value, plan) = recreation(region, &chosen, &left_out, &people, rng);
        if placed < placed_now {
            continue;
        }
        journal.before_change(region, &chosen, &people);
        region.replace_groups(&chosen, plan);
        journal.after_change(region, placed - placed_now, value - value_now);
        for &p in &people {
            if region.group_of(p).is_none() {
                targets.add(region, memo, p);
            }
        }
    }
    journal.restore_best(region)
}

/// The people placed, value and groups of a grouping of `people` (the members of `chosen` and
/// `left_out`): one that places more of them when the exhaustive search finds it, otherwise the
/// better of two random recreations, in as many groups as `chosen` or one more.
fn recreation(
    region: &Region,
    chosen: &[u32],
    left_out: &[u32],
    people: &[u32],
    rng: &mut ChaCha8Rng,
) -> (usize, f64, Plan) {
    if let Some(plan) = exact_regrouping(region, left_out, chosen) {
        let (placed, value) = placed_and_value(region, &plan);
        return (placed, value, plan);
    }
    let [fewer, more] = [chosen.len(), chosen.len() + 1].map(|count| {
        let plan = recreate(region, people, count, rng);
        let (placed, value) = placed_and_value(region, &plan);
        (placed, value, plan)
    });
    if beats((more.0, more.1), (fewer.0, fewer.1)) {
        more
    } else {
        fewer
    }
}

/// What the reshuffles changed, to restore the best grouping met.
struct Journal {
    moved: Vec<bool>,
    moved_list: Vec<u32>,
    /// Groups as they were before their first change, in that order.
    originals: Plan,
    /// People placed and objective gained so far, and at the best grouping met.
    now: (usize, f64),
    best: (usize, f64),
    /// At the best grouping: the groups of the people moved by then, and how many originals
    /// were recorded by then (the groups changed later were still as recorded).
    best_groups: Plan,
    best_originals: usize,
}

impl Journal {
    fn new(size: usize) -> Self {
        Self {
            moved: vec![false; size],
            moved_list: Vec::new(),
            originals: Vec::new(),
            now: (0, 0.0),
            best: (0, 0.0),
            best_groups: Vec::new(),
            best_originals: 0,
        }
    }

    fn before_change(&mut self, region: &Region, groups: &[u32], people: &[u32]) {
        for &g in groups {
            let group = region.group(g);
            if !self.moved[group.members[0] as usize] {
                self.originals.push((group.members.clone(), group.point));
            }
        }
        for &p in people {
            if !std::mem::replace(&mut self.moved[p as usize], true) {
                self.moved_list.push(p);
            }
        }
    }

    fn after_change(&mut self, region: &Region, placed: usize, value: f64) {
        self.now = (self.now.0 + placed, self.now.1 + value);
        if beats(self.now, self.best) {
            self.best = self.now;
            self.best_groups = self.groups(region);
            self.best_originals = self.originals.len();
        }
    }

    fn groups(&self, region: &Region) -> Plan {
        region
            .groups_of(&self.moved_list)
            .into_iter()
            .map(|g| (region.group(g).members.clone(), region.group(g).point))
            .collect()
    }

    /// Puts back the best grouping met unless it is the current one; returns the people moved.
    fn restore_best(mut self, region: &mut Region) -> Vec<u32> {
        self.moved_list.sort_unstable();
        let moved = self.moved_list;
        if self.now.0 == self.best.0 && self.now.1 == self.best.1 {
            return moved;
        }
        let later = self.originals.into_iter().skip(self.best_originals);
        region.replace_groups(
            &region.groups_of(&moved),
            self.best_groups.into_iter().chain(later).collect(),
        );
        moved
    }
}

/// The people left out who could form a group.
struct Targets {
    people: Vec<u32>,
    listed: Vec<bool>,
}

impl Targets {
    fn new(size: usize) -> Self {
        Self {
            people: Vec::new(),
            listed: vec![false; size],
        }
    }

    fn add(&mut self, region: &Region, memo: &mut Memo, x: u32) {
        if self.listed[x as usize] {
            return;
        }
        if memo.could_form(region, x) {
            self.listed[x as usize] = true;
            self.people.push(x);
        }
    }

    /// A random one still left out (those placed meanwhile are dropped).
    fn pick(&mut self, region: &Region, rng: &mut ChaCha8Rng) -> Option<u32> {
        while !self.people.is_empty() {
            let k = rng.random_range(0..self.people.len());
            let x = self.people[k];
            if region.group_of(x).is_none() {
                return Some(x);
            }
            self.people.swap_remove(k);
            self.listed[x as usize] = false;
        }
        None
    }
}

/// A random group among the nearest within reach (`wide`), then random groups linked to those
/// chosen through their members' nearest people (the more links, the likelier), two to
/// [`MOST_RUINED`] in all.
fn linked_groups(region: &Region, wide: &[u32], rng: &mut ChaCha8Rng) -> Vec<u32> {
    let nearest: Vec<u32> = region
        .groups_of(wide)
        .into_iter()
        .take(NEAREST_GROUPS)
        .collect();
    if nearest.is_empty() {
        return Vec::new();
    }
    let size = rng.random_range(2..=MOST_RUINED);
    let mut chosen = vec![nearest[rng.random_range(0..nearest.len())]];
    let mut links: Vec<u32> = Vec::new();
    while chosen.len() < size {
        links.clear();
        for &c in &chosen {
            for &m in &region.group(c).members {
                links.extend(
                    region
                        .near(m)
                        .iter()
                        .filter_map(|&p| region.group_of(p))
                        .filter(|h| !chosen.contains(h)),
                );
            }
        }
        if links.is_empty() {
            break;
        }
        chosen.push(links[rng.random_range(0..links.len())]);
    }
    chosen
}
