//! First grouping: the hardest people to place (fewest people within reach) go first, and each
//! gets the most compatible people who keep a common meeting point, up to the minimum size.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::engine::Clock;
use crate::engine::region::{MIN_SIZE, Region};
use crate::geo::LatLng;

/// Nearest people a seed looks at first, beside its best matches.
const SHORT_NEAR: usize = 16;
/// Meeting-point tries one seed may spend backtracking.
const SEED_BUDGET: u32 = 200;

/// Forms groups of the minimum size; returns false when the clock ran out first.
pub(crate) fn seed(region: &mut Region, rng: &mut ChaCha8Rng, clock: &Clock) -> bool {
    let keys: Vec<u64> = (0..region.len()).map(|_| rng.random()).collect();
    let mut order: Vec<u32> = (0..region.len() as u32).collect();
    order.sort_by_key(|&l| (region.near(l).len(), keys[l as usize]));
    for l in order {
        if region.group_of(l).is_some() {
            continue;
        }
        if clock.expired() {
            return false;
        }
        // Best matches and the nearest people first; everyone nearby when that fails.
        let near = region.near(l);
        let best = region.best(l);
        let mut short: Vec<u32> = best.to_vec();
        short.extend(near.iter().take(SHORT_NEAR));
        let mut full: Vec<u32> = best.to_vec();
        full.extend(near);
        let pools = [short, full];
        let unassigned = |c: u32, _: &[u32]| region.group_of(c).is_none();
        let found = pools.iter().find_map(|pool| {
            let mut members = vec![l];
            let mut budget = SEED_BUDGET;
            let point = grow(
                region,
                &mut members,
                region.location(l),
                pool,
                &unassigned,
                &mut budget,
            )?;
            Some((members, point))
        });
        if let Some((members, point)) = found {
            region.create(members, point);
        }
    }
    true
}

/// Completes `members` (meeting at `point`) to the minimum size with people from `pool` that
/// `available` accepts, most compatible first, backtracking within `budget` meeting-point tries.
/// Returns the meeting point of the completed group.
pub(crate) fn grow(
    region: &Region,
    members: &mut Vec<u32>,
    point: LatLng,
    pool: &[u32],
    available: &dyn Fn(u32, &[u32]) -> bool,
    budget: &mut u32,
) -> Option<LatLng> {
    if members.len() >= MIN_SIZE {
        return Some(point);
    }
    let mut ranked: Vec<(f64, u32)> = pool
        .iter()
        .copied()
        .filter(|&c| !members.contains(&c) && available(c, members) && region.fits_with(c, members))
        .map(|c| (region.affinity(c, members), c))
        .collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.dedup_by_key(|&mut (_, c)| c);
    for (_, c) in ranked {
        if *budget == 0 {
            return None;
        }
        *budget -= 1;
        members.push(c);
        if let Some(next) = region.meeting_point(members, Some(point))
            && let Some(done) = grow(region, members, next, pool, available, budget)
        {
            return Some(done);
        }
        members.pop();
    }
    None
}
