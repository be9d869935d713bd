//! The last resort for a person no single move places: ruin the groups around them (a group
//! within their reach and the groups most linked to it, with the people left out nearby) and
//! recreate those people in as many groups, or one more, from random starts. Two, three and
//! four groups are ruined in turn, around each of the nearest groups within reach. A recreation
//! is kept only when it places more people, so an ejection chain or a regrouping of several
//! groups that the moves cannot see still places the person. Failing that, the person takes
//! someone's place in a nearby group and the groups around that someone are ruined instead.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::engine::recreate::join_best;
use crate::engine::region::{MIN_SIZE, Region};
use crate::geo::LatLng;

/// Nearest groups within a person's reach whose surroundings are ruined in turn.
const STARTS: usize = 3;
/// Groups ruined together, fewest first.
const SIZES: [usize; 3] = [2, 3, 4];
/// Other people left out who join the ruined people.
const LEFTOVERS: usize = 4;
/// Random recreations tried per set of ruined groups.
const TRIES: usize = 8;

/// Groups to create: members and meeting point.
pub(crate) type Plan = Vec<(Vec<u32>, LatLng)>;

/// Tries to place `x` (left out, but able to form a group on their own) by recreating the
/// groups around them; `wide` is everyone within `x`'s reach. Deterministic: the random starts
/// depend on `x` only.
pub(crate) fn ruin_around(region: &mut Region, x: u32, wide: &[u32]) -> bool {
    let starts: Vec<u32> = region.groups_of(wide).into_iter().take(STARTS).collect();
    if starts.is_empty() {
        return false;
    }
    let mut rng = ChaCha8Rng::seed_from_u64(region.global(x) as u64);
    let mut tried: Vec<Vec<u32>> = Vec::new();
    for size in SIZES {
        for &first in &starts {
            let mut chosen = linked_groups(region, first, size);
            chosen.sort_unstable();
            if tried.contains(&chosen) {
                continue;
            }
            if ruin(region, x, &chosen, &mut rng) {
                return true;
            }
            tried.push(chosen);
        }
    }
    false
}

/// Tries to place `x` (left out, but able to form a group on their own) by taking the place of
/// a member of one of the nearest groups within reach and placing that member by
/// [`ruin_around`] (they could form a group with their former group): an ejection chain whose
/// last step regroups several groups.
pub(crate) fn eject_then_ruin(region: &mut Region, x: u32, wide: &[u32]) -> bool {
    for g in region.groups_of(wide).into_iter().take(STARTS) {
        let members = region.group(g).members.clone();
        let point = region.group(g).point;
        for &y in &members {
            let Some((swapped, at)) = region.in_place_of(g, y, x) else {
                continue;
            };
            region.set_members(g, swapped, at);
            if ruin_around(region, y, &region.wide(y)) {
                return true;
            }
            region.set_members(g, members.clone(), point);
        }
    }
    false
}

/// Ruins `chosen` and recreates their members with `x` and the people left out near them;
/// keeps the best recreation when it places more people.
fn ruin(region: &mut Region, x: u32, chosen: &[u32], rng: &mut ChaCha8Rng) -> bool {
    let mut people: Vec<u32> = chosen
        .iter()
        .flat_map(|&g| region.group(g).members.clone())
        .collect();
    let placed_now = people.len();
    people.extend(left_out_near(region, x, &people, LEFTOVERS));
    let mut best: Option<(usize, f64, Plan)> = None;
    for t in 0..TRIES {
        let count = chosen.len() + t % 2;
        let plan = recreate(region, &people, count, rng);
        let (placed, value) = placed_and_value(region, &plan);
        let better = best
            .as_ref()
            .is_none_or(|(p, v, _)| beats((placed, value), (*p, *v)));
        if placed > placed_now && better {
            best = Some((placed, value, plan));
        }
    }
    let Some((_, _, plan)) = best else {
        return false;
    };
    region.replace_groups(chosen, plan);
    true
}

/// `g` and, one by one, the group most linked to those chosen by their members' nearest people,
/// up to `size` groups.
fn linked_groups(region: &Region, g: u32, size: usize) -> Vec<u32> {
    let mut chosen = vec![g];
    while chosen.len() < size {
        let mut links: Vec<(u32, u32)> = Vec::new();
        for &c in &chosen {
            for &m in &region.group(c).members {
                for h in region.near(m).iter().filter_map(|&p| region.group_of(p)) {
                    if chosen.contains(&h) {
                        continue;
                    }
                    match links.iter_mut().find(|(k, _)| *k == h) {
                        Some((_, count)) => *count += 1,
                        None => links.push((h, 1)),
                    }
                }
            }
        }
        let Some(&(h, _)) = links
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
        else {
            break;
        };
        chosen.push(h);
    }
    chosen
}

/// `x` (left out) and up to `others` more people left out among the nearest people of `x` and
/// of `people`.
pub(crate) fn left_out_near(region: &Region, x: u32, people: &[u32], others: usize) -> Vec<u32> {
    let mut leftovers = vec![x];
    for &p in std::iter::once(&x).chain(people) {
        for &c in region.near(p) {
            if leftovers.len() > others {
                return leftovers;
            }
            if region.group_of(c).is_none() && !leftovers.contains(&c) {
                leftovers.push(c);
            }
        }
    }
    leftovers
}

/// Whether a grouping placing `a.0` people with value `a.1` beats one with `b`: more people
/// placed first, then the higher value.
pub(crate) fn beats(a: (usize, f64), b: (usize, f64)) -> bool {
    a.0 > b.0 || (a.0 == b.0 && a.1 > b.1)
}

/// The people `plan` places and its value.
pub(crate) fn placed_and_value(region: &Region, plan: &Plan) -> (usize, f64) {
    let placed = plan.iter().map(|(members, _)| members.len()).sum();
    let value = plan
        .iter()
        .map(|(members, _)| region.value_of(members))
        .sum();
    (placed, value)
}

/// Up to `count` groups from `people`: random seeds, then each person in random order joins
/// the group they suit best among those that still meet with them (the ones below the minimum
/// first); groups that stay too small are dropped, and those left out try again.
pub(crate) fn recreate(
    region: &Region,
    people: &[u32],
    count: usize,
    rng: &mut ChaCha8Rng,
) -> Plan {
    let mut order = people.to_vec();
    order.shuffle(rng);
    let count = count.min(order.len());
    let mut groups: Plan = order[..count]
        .iter()
        .map(|&p| (vec![p], region.location(p)))
        .collect();
    let mut out = Vec::new();
    for &p in &order[count..] {
        if !join_best(region, &mut groups, p) {
            out.push(p);
        }
    }
    let (kept, dropped): (Plan, Plan) = groups
        .into_iter()
        .partition(|(members, _)| members.len() >= MIN_SIZE);
    let mut groups = kept;
    out.extend(dropped.into_iter().flat_map(|(members, _)| members));
    for p in out {
        join_best(region, &mut groups, p);
    }
    groups
}
