//! Placing the people the first grouping left over: join a group with room, take someone's place
//! who can move to another group, start a new group with other leftovers and people that groups
//! larger than the minimum can spare, or regroup a small pocket (the leftover, other leftovers
//! nearby and one or two nearby groups) exactly, placing as many of them as possible; at the end
//! (with everyone within reach), regroup up to five of the eight nearest groups exactly, then
//! ruin and recreate the groups around them, or around someone whose place they take
//! ([`crate::engine::ruin_around`]).

use std::collections::{HashMap, HashSet};

use crate::engine::Clock;
use crate::engine::region::{MAX_SIZE, MIN_SIZE, Region};
use crate::engine::ruin_around::{Plan, beats, eject_then_ruin, ruin_around};
use crate::engine::seed::grow;
use crate::geo::LatLng;
use crate::regrouping::{neighbourhood, regrouping_that_places_more, subsets};
use crate::score::group_value;

/// Meeting-point tries for a new group around a leftover, with the nearest and with everyone
/// within reach.
const REGROUP_BUDGET: u32 = 300;
const WIDE_REGROUP_BUDGET: u32 = 20_000;

/// Whom a leftover is placed with.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pool {
    /// The nearest people (quick, for the first grouping).
    Near,
    /// Everyone within reach, so that no single move (join, swap, new group with people that
    /// groups can spare) places anyone afterwards; for the few people left at the end.
    Wide,
}
/// Most people in a pocket regrouped exactly (the search looks at every subset).
const POCKET_PEOPLE: usize = 11;
/// Nearby groups considered for a pocket, most linked first.
const POCKET_GROUPS: usize = 3;

/// What the repairs of a region learn that stays true however its groups change, so that later
/// passes and calls do not search it again.
pub(crate) struct Memo {
    /// The most people the exact regrouping of a pocket (people, ascending) places.
    pockets: HashMap<Vec<u32>, usize>,
    /// Everyone within each person's reach ([`Region::wide`]), once asked.
    wide: Vec<Option<Vec<u32>>>,
    /// Whether each person could form a group with everyone within reach, once asked.
    could_form: Vec<Option<bool>>,
    /// Whom the costly last resort (ruining the groups around them) has tried to place.
    ruin_tried: Vec<bool>,
    /// Neighbourhoods (see [`neighbourhood_key`]) no exact regrouping of up to
    /// [`EXACTLY_REGROUPED`] groups places more people in.
    settled: HashSet<Vec<u32>>,
    /// Linked pockets (keyed the same way) the exact regrouping of all their groups together
    /// does not place more people in (the search is deterministic: asking again gives the same).
    pub(crate) settled_pockets: HashSet<Vec<u32>>,
}

impl Memo {
    pub(crate) fn new(people: usize) -> Self {
        Self {
            pockets: HashMap::new(),
            wide: vec![None; people],
            could_form: vec![None; people],
            ruin_tried: vec![false; people],
            settled: HashSet::new(),
            settled_pockets: HashSet::new(),
        }
    }

    /// [`Region::wide`], computed once per person.
    pub(crate) fn wide(&mut self, region: &Region, x: u32) -> &[u32] {
        self.wide[x as usize].get_or_insert_with(|| region.wide(x))
    }

    /// [`Region::could_form`] with everyone within reach, computed once per person.
    pub(crate) fn could_form(&mut self, region: &Region, x: u32) -> bool {
        if let Some(known) = self.could_form[x as usize] {
            return known;
        }
        let could = region.could_form(x, self.wide(region, x));
        self.could_form[x as usize] = Some(could);
        could
    }

    /// Whether the last resort may still try `x` (once per person), marking it tried.
    fn may_ruin(&mut self, x: u32) -> bool {
        !std::mem::replace(&mut self.ruin_tried[x as usize], true)
    }
}

/// Whether the costly last resort (ruining the groups around a person left out, once per
/// person) runs; only with everyone within reach.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum LastResort {
    Ruin,
    Skip,
}

/// Repeats over the leftovers while anyone gets placed; returns false when the clock ran out.
pub(crate) fn repair(
    region: &mut Region,
    clock: &Clock,
    reach: Pool,
    last_resort: LastResort,
    memo: &mut Memo,
) -> bool {
    loop {
        let mut leftovers = region.unassigned();
        leftovers.sort_by_key(|&l| (region.near(l).len(), l));
        let mut progress = false;
        for x in leftovers {
            if region.group_of(x).is_some() {
                continue;
            }
            if clock.expired() {
                return false;
            }
            let pool = match reach {
                Pool::Near => region.near(x).to_vec(),
                Pool::Wide => memo.wide(region, x).to_vec(),
            };
            progress |= insert(region, x, &pool)
                || eject(region, x, &pool, reach, memo)
                || regroup(region, x, &pool, reach)
                || regroup_pocket(region, x, &mut memo.pockets)
                || reach == Pool::Wide
                    && memo.could_form(region, x)
                    && (regroup_exactly(region, x, &pool, &mut memo.settled)
                        || last_resort == LastResort::Ruin
                            && memo.may_ruin(x)
                            && (ruin_around(region, x, &pool)
                                || eject_then_ruin(region, x, &pool)));
        }
        if !progress {
            return true;
        }
    }
}

/// Joins the nearby group with room where `x` adds the most value (or loses the least).
fn insert(region: &mut Region, x: u32, pool: &[u32]) -> bool {
    let mut best = None;
    for g in region.groups_of(pool) {
        let group = region.group(g);
        if group.members.len() >= MAX_SIZE || !region.fits_with(x, &group.members) {
            continue;
        }
        let gain = group_value(
            group.pair_sum + region.affinity(x, &group.members),
            group.members.len() + 1,
        ) - region.value(g);
        if best.as_ref().is_some_and(|&(b, _, _)| gain <= b) {
            continue;
        }
        let mut members = group.members.clone();
        members.push(x);
        if let Some(point) = region.meeting_point(&members, Some(group.point)) {
            best = Some((gain, g, (members, point)));
        }
    }
    match best {
        Some((_, g, (members, point))) => {
            region.set_members(g, members, point);
            true
        }
        None => false,
    }
}

/// Takes the place of someone in a nearby group who can join another group.
fn eject(region: &mut Region, x: u32, pool: &[u32], reach: Pool, memo: &mut Memo) -> bool {
    for g in region.groups_of(pool) {
        let members = region.group(g).members.clone();
        for &y in &members {
            let Some((swapped, point)) = region.in_place_of(g, y, x) else {
                continue;
            };
            let targets = match reach {
                Pool::Near => region.groups_of(region.near(y)),
                Pool::Wide => region.groups_of(memo.wide(region, y)),
            };
            for g2 in targets {
                let target = region.group(g2);
                if g2 == g
                    || target.members.len() >= MAX_SIZE
                    || !region.fits_with(y, &target.members)
                {
                    continue;
                }
                let mut joined = target.members.clone();
                joined.push(y);
                if let Some(point2) = region.meeting_point(&joined, Some(target.point)) {
                    region.set_members(g, swapped, point);
                    region.set_members(g2, joined, point2);
                    return true;
                }
            }
        }
    }
    false
}

/// Starts a new group around `x` from leftovers and members that groups above the minimum size
/// can spare.
fn regroup(region: &mut Region, x: u32, pool: &[u32], reach: Pool) -> bool {
    let available = |c: u32, chosen: &[u32]| match region.group_of(c) {
        None => true,
        Some(g) => {
            let taken = chosen
                .iter()
                .filter(|&&m| region.group_of(m) == Some(g))
                .count();
            region.group(g).members.len() - taken > MIN_SIZE
        }
    };
    let mut members = vec![x];
    let mut budget = match reach {
        Pool::Near => REGROUP_BUDGET,
        Pool::Wide => WIDE_REGROUP_BUDGET,
    };
    let Some(point) = grow(
        region,
        &mut members,
        region.location(x),
        pool,
        &available,
        &mut budget,
    ) else {
        return false;
    };
    for &m in &members[1..] {
        region.remove(m);
    }
    region.create(members, point);
    true
}

/// Regroups `x`, up to three leftovers near it and one or two nearby groups by an exact search
/// over their subsets, when that places more of them. `known` holds the most each pocket already
/// searched can place (the same people give the same answer).
fn regroup_pocket(region: &mut Region, x: u32, known: &mut HashMap<Vec<u32>, usize>) -> bool {
    let mut leftovers = vec![x];
    leftovers.extend(
        region
            .near(x)
            .iter()
            .copied()
            .filter(|&c| region.group_of(c).is_none())
            .take(3),
    );
    let groups = region.groups_of(region.near(x));
    let mut options: Vec<Vec<u32>> = groups
        .iter()
        .take(POCKET_GROUPS)
        .map(|&g| vec![g])
        .collect();
    for (i, &g) in groups.iter().take(POCKET_GROUPS).enumerate() {
        for &h in groups.iter().take(POCKET_GROUPS).skip(i + 1) {
            options.push(vec![g, h]);
        }
    }
    for option in options {
        let mut people = leftovers.clone();
        for &g in &option {
            people.extend(&region.group(g).members);
        }
        if people.len() > POCKET_PEOPLE {
            continue;
        }
        let placed_now = people.len() - leftovers.len();
        let mut key = people.clone();
        key.sort_unstable();
        if known.get(&key).is_some_and(|&most| most <= placed_now) {
            continue;
        }
        let Some(plan) = best_pocket(region, &people) else {
            continue;
        };
        let placed: usize = plan.iter().map(|(members, _)| members.len()).sum();
        known.insert(key, placed);
        if placed > placed_now {
            region.replace_groups(&option, plan);
            return true;
        }
    }
    false
}

/// Most of the nearest groups regrouped at once by [`regroup_exactly`].
const EXACTLY_REGROUPED: usize = 5;

/// Regroups up to five of the eight groups nearest `x` within reach (`wide`) with `x` and up to
/// eight others left out within reach, when the exhaustive search of
/// [`regrouping_that_places_more`] finds a grouping of them that places more people. Skips
/// neighbourhoods in `settled`, where it found none before; adds those where it finds none.
fn regroup_exactly(
    region: &mut Region,
    x: u32,
    wide: &[u32],
    settled: &mut HashSet<Vec<u32>>,
) -> bool {
    let (nearest, left_out) = neighbourhood(x, wide, |j| region.group_of(j));
    let key = neighbourhood_key(region, &left_out, &nearest);
    if settled.contains(&key) {
        return false;
    }
    for chosen in subsets(nearest.len(), EXACTLY_REGROUPED) {
        let groups: Vec<u32> = chosen.iter().map(|&k| nearest[k]).collect();
        if let Some(plan) = exact_regrouping(region, &left_out, &groups) {
            region.replace_groups(&groups, plan);
            return true;
        }
    }
    settled.insert(key);
    false
}

/// A grouping of `left_out` and the members of `groups` that places more of them, found by the
/// exhaustive search of [`regrouping_that_places_more`], with each new group's meeting point.
pub(crate) fn exact_regrouping(region: &Region, left_out: &[u32], groups: &[u32]) -> Option<Plan> {
    let global =
        |people: &[u32]| -> Vec<usize> { people.iter().map(|&l| region.global(l)).collect() };
    let members: Vec<Vec<usize>> = groups
        .iter()
        .map(|&g| global(&region.group(g).members))
        .collect();
    let members: Vec<&[usize]> = members.iter().map(Vec::as_slice).collect();
    let plan = regrouping_that_places_more(region.population(), &global(left_out), &members)??;
    plan.iter()
        .map(|group| {
            let local: Vec<u32> = group.iter().filter_map(|&g| region.local(g)).collect();
            let point = region.meeting_point(&local, None)?;
            Some((local, point))
        })
        .collect()
}

/// The people left out and the members of each group, each ascending, with separators: the
/// same key means the same regrouping problem.
pub(crate) fn neighbourhood_key(region: &Region, left_out: &[u32], groups: &[u32]) -> Vec<u32> {
    let mut key = left_out.to_vec();
    key.sort_unstable();
    for &g in groups {
        key.push(u32::MAX);
        let start = key.len();
        key.extend(&region.group(g).members);
        key[start..].sort_unstable();
    }
    key
}

/// The grouping of `people` that places the most, then has the highest value: dynamic
/// programming over subsets, each person with the lowest index either left out or leading a
/// feasible group.
fn best_pocket(region: &Region, people: &[u32]) -> Option<Vec<(Vec<u32>, LatLng)>> {
    let n = people.len();
    let full = (1usize << n) - 1;
    let members_of = |mask: usize| -> Vec<u32> {
        (0..n)
            .filter(|&i| mask >> i & 1 == 1)
            .map(|i| people[i])
            .collect()
    };
    let mut meeting: Vec<Option<Option<LatLng>>> = vec![None; full + 1];
    let mut feasible = |mask: usize| -> Option<LatLng> {
        *meeting[mask].get_or_insert_with(|| {
            let members = members_of(mask);
            let fits = members
                .iter()
                .enumerate()
                .all(|(k, &m)| region.fits_with(m, &members[k + 1..]));
            if fits {
                region.meeting_point(&members, None)
            } else {
                None
            }
        })
    };
    // best[mask] = (placed, value, group led by the lowest person or 0 when left out)
    let mut best: Vec<(usize, f64, usize)> = vec![(0, 0.0, 0); full + 1];
    for mask in 1..=full {
        let low = 1 << mask.trailing_zeros();
        let rest = mask ^ low;
        let mut choice = (best[rest].0, best[rest].1, 0);
        let mut sub = rest;
        loop {
            let group = sub | low;
            let size = group.count_ones() as usize;
            if (MIN_SIZE..=MAX_SIZE).contains(&size) {
                let after = best[mask ^ group];
                let placed = after.0 + size;
                if placed >= choice.0 && feasible(group).is_some() {
                    let value = after.1 + region.value_of(&members_of(group));
                    if beats((placed, value), (choice.0, choice.1)) {
                        choice = (placed, value, group);
                    }
                }
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & rest;
        }
        best[mask] = choice;
    }
    let mut plan = Vec::new();
    let mut mask = full;
    while mask != 0 {
        let group = best[mask].2;
        if group == 0 {
            mask &= mask - 1;
        } else {
            plan.push((members_of(group), feasible(group)?));
            mask ^= group;
        }
    }
    Some(plan)
}
