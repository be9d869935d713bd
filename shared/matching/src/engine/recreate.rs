//! A longer search: ruin three nearby groups and recreate them from a random start, keeping the
//! result only when it places everyone again and raises the objective (large neighbourhood
//! search). It escapes the local optima of the moves, at a cost in time, so it runs only when
//! asked for (to measure how far from a deeper optimum the normal result is).

use rand::Rng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::engine::Clock;
use crate::engine::local_search::{Change, Found, best_resplit_of};
use crate::engine::region::{MAX_SIZE, MIN_SIZE, Region};
use crate::geo::LatLng;

/// Groups ruined together.
const GROUPS_RUINED: usize = 3;

/// Runs `rounds` ruin-and-recreate rounds (fewer when the clock runs out).
pub(crate) fn recreate(region: &mut Region, rng: &mut ChaCha8Rng, clock: &Clock, rounds: usize) {
    let mut groups = region.group_ids();
    for _ in 0..rounds {
        if groups.is_empty() || clock.search_over() {
            return;
        }
        let g = groups[rng.random_range(0..groups.len())];
        let chosen = nearby_groups(region, g);
        if chosen.len() < 2 {
            continue;
        }
        let before: Vec<Change> = chosen
            .iter()
            .map(|&h| (h, region.group(h).members.clone(), region.group(h).point))
            .collect();
        let old_value: f64 = chosen.iter().map(|&h| region.value(h)).sum();
        let people: Vec<u32> = before.iter().flat_map(|(_, m, _)| m.clone()).collect();
        let Some(plan) = rebuild(region, &people, chosen.len(), rng) else {
            continue;
        };
        for (&h, (members, point)) in chosen.iter().zip(plan) {
            region.set_members(h, members, point);
        }
        polish(region, &chosen);
        let new_value: f64 = chosen.iter().map(|&h| region.value(h)).sum();
        if new_value <= old_value + 1e-9 {
            for (h, members, point) in before {
                region.set_members(h, members, point);
            }
        }
        groups = region.group_ids();
    }
}

/// `g` and the groups most linked to it by its members' best matches.
fn nearby_groups(region: &Region, g: u32) -> Vec<u32> {
    let mut links: Vec<(u32, u32)> = Vec::new();
    for &m in &region.group(g).members {
        for &c in region.best(m) {
            if let Some(h) = region.group_of(c)
                && h != g
            {
                match links.iter_mut().find(|(x, _)| *x == h) {
                    Some((_, count)) => *count += 1,
                    None => links.push((h, 1)),
                }
            }
        }
    }
    links.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    std::iter::once(g)
        .chain(links.iter().take(GROUPS_RUINED - 1).map(|&(h, _)| h))
        .collect()
}

/// `count` groups from `people`: random seeds, then each person (in random order) joins the
/// group they suit best among those with room that still meet. `None` when someone fits
/// nowhere or a group stays too small.
fn rebuild(
    region: &Region,
    people: &[u32],
    count: usize,
    rng: &mut ChaCha8Rng,
) -> Option<Vec<(Vec<u32>, LatLng)>> {
    let mut order = people.to_vec();
    order.shuffle(rng);
    let mut groups: Vec<(Vec<u32>, LatLng)> = order[..count]
        .iter()
        .map(|&p| (vec![p], region.location(p)))
        .collect();
    for &p in &order[count..] {
        if !join_best(region, &mut groups, p) {
            return None;
        }
    }
    groups
        .iter()
        .all(|(members, _)| members.len() >= MIN_SIZE)
        .then_some(groups)
}

/// Best re-splits between the recreated groups until none helps.
fn polish(region: &mut Region, groups: &[u32]) {
    let mut improved = true;
    while improved {
        improved = false;
        for (i, &g) in groups.iter().enumerate() {
            for &h in &groups[i + 1..] {
                if let Some(Found { changes, .. }) = best_resplit_of(region, g, h) {
                    for (group, members, point) in changes {
                        region.set_members(group, members, point);
                    }
                    improved = true;
                }
            }
        }
    }
}

/// Adds `p` to the group of `groups` they suit best; false when none can take them.
pub(crate) fn join_best(region: &Region, groups: &mut [(Vec<u32>, LatLng)], p: u32) -> bool {
    let mut best: Option<(f64, usize, LatLng)> = None;
    for (k, (members, point)) in groups.iter().enumerate() {
        if members.len() >= MAX_SIZE || !region.fits_with(p, members) {
            continue;
        }
        // Fill the small groups first, then follow affinity.
        let need = if members.len() < MIN_SIZE { 10.0 } else { 0.0 };
        let gain = need + region.affinity(p, members) / members.len() as f64;
        if best.is_some_and(|(b, _, _)| gain <= b) {
            continue;
        }
        let mut with = members.clone();
        with.push(p);
        if let Some(at) = region.meeting_point(&with, Some(*point)) {
            best = Some((gain, k, at));
        }
    }
    let Some((_, k, at)) = best else {
        return false;
    };
    groups[k].0.push(p);
    groups[k].1 = at;
    true
}
