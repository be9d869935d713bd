//! Improving the objective without losing anyone: move a person to a nearby group, swap two
//! people between nearby groups, or trade a leftover for a group member who suits the group
//! less, whenever that raises the objective and the groups still meet.
//!
//! Each person is looked at from a queue; after a move the members of both groups go back on it,
//! so the search ends when no move helps anyone (a local optimum), or when the clock runs out.

use std::collections::VecDeque;

use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::engine::Clock;
use crate::engine::region::{MAX_SIZE, MIN_SIZE, Region, ScoreScratch};
use crate::geo::LatLng;
use crate::score::group_value;

/// Best matches whose groups a person tries to move or swap into.
const MOVE_MATCHES: usize = 16;

/// People looked at per person the search starts from, at most: a work budget that depends
/// only on the input, so that the search ends at the same point on any machine, with the clock
/// only as the safety net. The benchmark's searches converge within about 2.3 per person.
const MOVE_STEPS_PER_PERSON: usize = 8;
/// Groups examined per group the re-split starts from, at most (as above; about 1.6 suffice).
const RESPLIT_STEPS_PER_GROUP: usize = 6;

/// The smallest gain worth a move (keeps rounding noise from cycling).
const MIN_GAIN: f64 = 1e-9;

/// A group's new members and meeting point.
pub(crate) type Change = (u32, Vec<u32>, LatLng);

pub(crate) struct Found {
    pub(crate) gain: f64,
    /// The (one or two) changed groups.
    pub(crate) changes: Vec<Change>,
}

/// Runs to a local optimum (or until the clock runs out), starting from `focus` (everyone
/// when `None`).
pub(crate) fn improve(
    region: &mut Region,
    rng: &mut ChaCha8Rng,
    clock: &Clock,
    focus: Option<&[u32]>,
) {
    let mut order: Vec<u32> = match focus {
        Some(people) => people.to_vec(),
        None => (0..region.len() as u32).collect(),
    };
    order.shuffle(rng);
    let mut queued = vec![false; region.len()];
    for &l in &order {
        queued[l as usize] = true;
    }
    let mut budget = MOVE_STEPS_PER_PERSON * order.len();
    let mut queue: VecDeque<u32> = order.into();
    let mut scratch = MoveScratch::default();
    while let Some(a) = queue.pop_front() {
        queued[a as usize] = false;
        if budget == 0 || clock.search_over() {
            return;
        }
        budget -= 1;
        let Some(found) = best_move(region, a, &mut scratch) else {
            continue;
        };
        for (g, members, point) in found.changes {
            // The old members too: whoever was traded out is now a leftover to look at.
            let old = region.group(g).members.clone();
            for &m in members.iter().chain(&old) {
                if !queued[m as usize] {
                    queued[m as usize] = true;
                    queue.push_back(m);
                }
            }
            region.set_members(g, members, point);
        }
    }
}

/// The best improving move for `a` into the groups of its best matches.
/// Buffers reused between moves.
#[derive(Default)]
struct MoveScratch {
    score: ScoreScratch,
    targets: Vec<u32>,
    members: Vec<u32>,
    scores: Vec<f64>,
    /// Improving moves: gain, target group and whom `a` swaps with (`None`: `a` joins).
    moves: Vec<(f64, u32, Option<u32>)>,
}

fn best_move(region: &Region, a: u32, scratch: &mut MoveScratch) -> Option<Found> {
    let Some(home) = region.group_of(a) else {
        return best_replacement(region, a);
    };
    let home_group = region.group(home);
    let home_size = home_group.members.len();
    let home_value = region.value(home);
    let without_a = home_group.pair_sum - region.fit(a);
    let matches = region.best(a);
    // `a`'s scores with the members of every target group, in one pass.
    let MoveScratch {
        score,
        targets,
        members,
        scores,
        moves,
    } = scratch;
    targets.clear();
    targets.extend(
        region
            .groups_of(&matches[..matches.len().min(MOVE_MATCHES)])
            .into_iter()
            .filter(|&to| to != home),
    );
    members.clear();
    for &to in targets.iter() {
        members.extend(&region.group(to).members);
    }
    scores.clear();
    region.scores_with(a, members, score, scores);
    // Every improving move by its gain; whether the groups still meet (the costly part) is
    // checked from the largest gain down, so only until the first that does.
    moves.clear();
    let mut offset = 0;
    for &to in targets.iter() {
        let target = region.group(to);
        let size = target.members.len();
        let target_value = region.value(to);
        let scores = &scores[offset..offset + size];
        offset += size;
        let affinity: f64 = scores.iter().sum();

        if home_size > MIN_SIZE && size < MAX_SIZE {
            let gain = group_value(without_a, home_size - 1) - home_value
                + group_value(target.pair_sum + affinity, size + 1)
                - target_value;
            if gain > MIN_GAIN {
                moves.push((gain, to, None));
            }
        }

        for (k, &b) in target.members.iter().enumerate() {
            let with_a = target.pair_sum - region.fit(b) + affinity - scores[k];
            let target_gain = group_value(with_a, size) - target_value;
            if target_gain <= 0.0 {
                continue;
            }
            let with_b = without_a + region.affinity(b, &home_group.members) - scores[k];
            let gain = target_gain + group_value(with_b, home_size) - home_value;
            if gain > MIN_GAIN {
                moves.push((gain, to, Some(b)));
            }
        }
    }
    // Largest gain first; among equal gains the first found (a stable sort).
    moves.sort_by(|x, y| y.0.total_cmp(&x.0));
    moves.iter().find_map(|&(gain, to, swap)| {
        let changes = match swap {
            Some(b) => swap_changes(region, a, home, b, to)?,
            None => {
                let target = region.group(to);
                if !region.fits_with(a, &target.members) {
                    return None;
                }
                let mut joined = target.members.clone();
                joined.push(a);
                let point = region.meeting_point(&joined, Some(target.point))?;
                let left: Vec<u32> = home_group
                    .members
                    .iter()
                    .copied()
                    .filter(|&m| m != a)
                    .collect();
                vec![(home, left, home_group.point), (to, joined, point)]
            }
        };
        Some(Found { gain, changes })
    })
}

/// For someone left over: the best trade with a member of a nearby group who suits that group
/// less (the number of people placed stays the same).
fn best_replacement(region: &Region, x: u32) -> Option<Found> {
    let mut best: Option<Found> = None;
    for to in region.groups_of(region.near(x)) {
        let target = region.group(to);
        let size = target.members.len();
        let affinity = region.affinity(x, &target.members);
        for &b in &target.members {
            let with_x = target.pair_sum - region.fit(b) + affinity - region.score(x, b);
            let gain = group_value(with_x, size) - region.value(to);
            if gain <= MIN_GAIN || best.as_ref().is_some_and(|f| gain <= f.gain) {
                continue;
            }
            let rest: Vec<u32> = target.members.iter().copied().filter(|&m| m != b).collect();
            if !region.fits_with(x, &rest) {
                continue;
            }
            let mut members = rest;
            members.push(x);
            if let Some(point) = region.meeting_point(&members, Some(target.point)) {
                best = Some(Found {
                    gain,
                    changes: vec![(to, members, point)],
                });
            }
        }
    }
    best
}

/// The two groups after `a` (in `home`) and `b` (in `to`) trade places, if both still meet.
fn swap_changes(region: &Region, a: u32, home: u32, b: u32, to: u32) -> Option<Vec<Change>> {
    let side = |g: u32, out: u32, inn: u32| {
        let group = region.group(g);
        let rest: Vec<u32> = group
            .members
            .iter()
            .copied()
            .filter(|&m| m != out)
            .collect();
        if !region.fits_with(inn, &rest) {
            return None;
        }
        let mut members = rest;
        members.push(inn);
        let point = region.meeting_point(&members, Some(group.point))?;
        Some((g, members, point))
    };
    Some(vec![side(home, a, b)?, side(to, b, a)?])
}

/// Two groups together hold at most this many people for a joint re-split.
const MAX_PAIR_PEOPLE: usize = 12;
/// Best splits of a pair whose meeting points are tried.
const SPLITS_TRIED: usize = 24;
/// Nearby groups (most linked by best matches first) each group is re-split with.
const PAIRS_PER_GROUP: usize = 16;

/// Buffers reused between re-splits.
#[derive(Default)]
struct Scratch {
    people: Vec<u32>,
    inside: Vec<f64>,
    row_sums: Vec<f64>,
    splits: Vec<(f64, usize)>,
}

/// Re-splits pairs of nearby groups: the people of both are divided again in the best way
/// (every division into two valid sizes is scored), which finds the double swaps and moves that
/// single moves cannot reach. Starts from the groups of `focus` (all groups when `None`) and
/// runs until no pair improves or the clock runs out.
pub(crate) fn resplit_pairs(
    region: &mut Region,
    rng: &mut ChaCha8Rng,
    clock: &Clock,
    focus: Option<&[u32]>,
) {
    let mut order = match focus {
        Some(people) => region.groups_of(people),
        None => region.group_ids(),
    };
    order.shuffle(rng);
    let slots = order.iter().max().map_or(0, |&g| g as usize + 1);
    let mut queued = vec![false; slots];
    for &g in &order {
        queued[g as usize] = true;
    }
    let mut budget = RESPLIT_STEPS_PER_GROUP * order.len();
    let mut queue: VecDeque<u32> = order.into();
    let mut scratch = Scratch::default();
    // A step counter, when each group last changed and when it was last examined: a pair was
    // already tried when its other group was examined after both last changed.
    let mut step = 1u64;
    let mut changed: Vec<u64> = vec![0; slots];
    let mut examined: Vec<u64> = vec![0; slots];
    while let Some(g) = queue.pop_front() {
        step += 1;
        if (g as usize) < queued.len() {
            queued[g as usize] = false;
        }
        if budget == 0 || clock.search_over() {
            return;
        }
        budget -= 1;
        let members = region.group(g).members.clone();
        if members.is_empty() {
            continue;
        }
        // The groups most linked from this group's best matches.
        let mut links: Vec<(u32, u32)> = Vec::new();
        for &m in &members {
            for &c in region.best(m) {
                match region.group_of(c) {
                    Some(h) if h != g => match links.iter_mut().find(|(x, _)| *x == h) {
                        Some((_, count)) => *count += 1,
                        None => links.push((h, 1)),
                    },
                    _ => {}
                }
            }
        }
        links.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
        let mut best: Option<Found> = None;
        let stamp = |v: &[u64], x: u32| v.get(x as usize).copied().unwrap_or(0);
        let own_change = stamp(&changed, g);
        for &(h, _) in links.iter().take(PAIRS_PER_GROUP) {
            let seen = stamp(&examined, h);
            if seen > own_change && seen > stamp(&changed, h) {
                continue;
            }
            if let Some(found) = best_resplit(region, g, h, &mut scratch)
                && best.as_ref().is_none_or(|b| found.gain > b.gain)
            {
                best = Some(found);
            }
        }
        if examined.len() <= g as usize {
            examined.resize(g as usize + 1, 0);
        }
        examined[g as usize] = step;
        if let Some(Found { changes, .. }) = best {
            for (group, people, point) in changes {
                region.set_members(group, people, point);
                if group as usize >= queued.len() {
                    queued.resize(group as usize + 1, false);
                    changed.resize(group as usize + 1, 0);
                }
                changed[group as usize] = step;
                if !queued[group as usize] {
                    queued[group as usize] = true;
                    queue.push_back(group);
                }
            }
        }
    }
}

/// The best feasible division of the people of groups `g` and `h` into two groups, when it
/// beats the current one.
/// [`best_resplit`] with fresh buffers.
pub(crate) fn best_resplit_of(region: &Region, g: u32, h: u32) -> Option<Found> {
    best_resplit(region, g, h, &mut Scratch::default())
}

fn best_resplit(region: &Region, g: u32, h: u32, scratch: &mut Scratch) -> Option<Found> {
    let (a, b) = (region.group(g), region.group(h));
    let people = &mut scratch.people;
    people.clear();
    people.extend(a.members.iter().chain(&b.members));
    let n = people.len();
    if n > MAX_PAIR_PEOPLE {
        return None;
    }
    let mut scores = [[0.0; MAX_PAIR_PEOPLE]; MAX_PAIR_PEOPLE];
    // compatible[i]: the people `i` may share a group with (no block, within reach), and `i`.
    // Pairs inside either group are known (their scores cached, and they fit: the groups are
    // feasible); only the pairs across are computed.
    let mut compatible = [0usize; MAX_PAIR_PEOPLE];
    let first = a.members.len();
    for i in 0..n {
        compatible[i] |= 1 << i;
        for j in i + 1..n {
            let (s, fits) = match (i < first, j < first) {
                (true, true) => (a.score(i, j), true),
                (false, false) => (b.score(i - first, j - first), true),
                _ => {
                    let (x, y) = (people[i], people[j]);
                    (region.score(x, y), region.fits_with(x, &[y]))
                }
            };
            scores[i][j] = s;
            scores[j][i] = s;
            if fits {
                compatible[i] |= 1 << j;
                compatible[j] |= 1 << i;
            }
        }
    }
    let pairwise_ok = |mask: usize| {
        let mut bits = mask;
        while bits != 0 {
            let i = bits.trailing_zeros() as usize;
            if mask & !compatible[i] != 0 {
                return false;
            }
            bits &= bits - 1;
        }
        true
    };
    // inside[mask]: sum of pair scores within `mask`. Masks below `1 << (top + 1)` are built
    // from those below `1 << top` plus the row of `top`: the row's sum over each lower mask
    // comes from the same mask without its lowest bit, so every mask costs O(1).
    let full = (1usize << n) - 1;
    let inside = &mut scratch.inside;
    let row_sums = &mut scratch.row_sums;
    inside.clear();
    inside.resize(full + 1, 0.0);
    row_sums.clear();
    row_sums.resize(1 << (n - 1), 0.0);
    for (top, top_scores) in scores.iter().enumerate().take(n) {
        let base = 1usize << top;
        for rest in 1..base {
            let row = row_sums[rest & (rest - 1)] + top_scores[rest.trailing_zeros() as usize];
            row_sums[rest] = row;
            inside[base | rest] = inside[rest] + row;
        }
    }
    let current = region.value(g) + region.value(h);
    let splits = &mut scratch.splits;
    splits.clear();
    for mask in (1..=full).step_by(2) {
        let size = mask.count_ones() as usize;
        if !(MIN_SIZE..=MAX_SIZE).contains(&size) || !(MIN_SIZE..=MAX_SIZE).contains(&(n - size)) {
            continue;
        }
        let value = group_value(inside[mask], size) + group_value(inside[full ^ mask], n - size);
        if value > current + MIN_GAIN && pairwise_ok(mask) && pairwise_ok(full ^ mask) {
            splits.push((value, mask));
        }
    }
    let by_value = |x: &(f64, usize), y: &(f64, usize)| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1));
    if splits.len() > SPLITS_TRIED {
        splits.select_nth_unstable_by(SPLITS_TRIED, by_value);
        splits.truncate(SPLITS_TRIED);
    }
    splits.sort_by(by_value);
    for &(value, mask) in splits.iter() {
        let side = |want: usize, group: u32| {
            let members: Vec<u32> = (0..n)
                .filter(|&i| (mask >> i & 1) == want)
                .map(|i| people[i])
                .collect();
            let hint = region.group(group).point;
            let point = region.meeting_point(&members, Some(hint))?;
            Some((group, members, point))
        };
        if let (Some(first), Some(second)) = (side(1, g), side(0, h)) {
            return Some(Found {
                gain: value - current,
                changes: vec![first, second],
            });
        }
    }
    None
}
