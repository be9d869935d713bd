//! Two simple groupings to compare the engine with, built from the library's public parts.

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use circle_matching::geo::LatLng;
use circle_matching::{Candidate, Group, Population};

const MIN: usize = 4;
const MAX: usize = 8;

/// People in random order; each unplaced one starts a group of a random size (4-8) filled with
/// random unplaced people within reach who keep a meeting point; groups that stay below four
/// are given up.
pub fn random_grouping(candidates: &[Candidate], seed: u64) -> Vec<Group> {
    let population = Population::new(candidates);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut order: Vec<usize> = (0..population.len()).collect();
    order.shuffle(&mut rng);
    let mut placed = vec![false; population.len()];
    let mut found = Vec::new();
    let mut groups = Vec::new();
    for a in order {
        if placed[a] {
            continue;
        }
        population.nearest_reachable(a, 64, &mut found);
        let mut pool: Vec<usize> = found
            .iter()
            .map(|&j| j as usize)
            .filter(|&j| !placed[j])
            .collect();
        pool.shuffle(&mut rng);
        let target = rng.random_range(MIN..=MAX);
        if let Some((members, point)) = fill(&population, a, &pool, target) {
            for &m in &members {
                placed[m] = true;
            }
            groups.push(Group::describe(&population, &members, point));
        }
    }
    groups
}

/// People in input order; each unplaced one starts a group and adds, one at a time, the most
/// compatible of the 160 nearest unplaced people within reach that keeps a meeting point, up to
/// four; then each leftover joins the nearby group with room it suits best.
pub fn greedy_grouping(candidates: &[Candidate]) -> Vec<Group> {
    let population = Population::new(candidates);
    let n = population.len();
    let mut group_of: Vec<Option<usize>> = vec![None; n];
    let mut groups: Vec<(Vec<usize>, LatLng)> = Vec::new();
    let mut found = Vec::new();
    for a in 0..n {
        if group_of[a].is_some() {
            continue;
        }
        population.nearest_reachable(a, 160, &mut found);
        let pool: Vec<usize> = found
            .iter()
            .map(|&j| j as usize)
            .filter(|&j| group_of[j].is_none())
            .collect();
        let mut members = vec![a];
        let mut point = population.candidate(a).location();
        while members.len() < MIN {
            let mut ranked: Vec<(f64, usize)> = pool
                .iter()
                .filter(|&&c| !members.contains(&c))
                .map(|&c| (members.iter().map(|&m| population.score(c, m)).sum(), c))
                .collect();
            ranked.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
            let next = ranked.into_iter().find_map(|(_, c)| {
                if !population.fits_with(c, members.iter().copied()) {
                    return None;
                }
                let with: Vec<usize> = members.iter().copied().chain([c]).collect();
                population.meeting_point(with, Some(point)).map(|p| (c, p))
            });
            let Some((c, p)) = next else {
                break;
            };
            members.push(c);
            point = p;
        }
        if members.len() >= MIN {
            for &m in &members {
                group_of[m] = Some(groups.len());
            }
            groups.push((members, point));
        }
    }
    for x in 0..n {
        if group_of[x].is_some() {
            continue;
        }
        population.nearest_reachable(x, 160, &mut found);
        let mut best: Option<(f64, usize, LatLng)> = None;
        for &j in &found {
            let Some(g) = group_of[j as usize] else {
                continue;
            };
            let (members, point) = &groups[g];
            if members.len() >= MAX || !population.fits_with(x, members.iter().copied()) {
                continue;
            }
            let affinity: f64 =
                members.iter().map(|&m| population.score(x, m)).sum::<f64>() / members.len() as f64;
            if best.is_some_and(|(b, _, _)| affinity <= b) {
                continue;
            }
            let with: Vec<usize> = members.iter().copied().chain([x]).collect();
            if let Some(p) = population.meeting_point(with, Some(*point)) {
                best = Some((affinity, g, p));
            }
        }
        if let Some((_, g, p)) = best {
            groups[g].0.push(x);
            groups[g].1 = p;
            group_of[x] = Some(g);
        }
    }
    groups
        .iter()
        .map(|(members, point)| Group::describe(&population, members, *point))
        .collect()
}

/// `a` plus people from `pool` in order, each kept when the group still fits and meets.
fn fill(
    population: &Population,
    a: usize,
    pool: &[usize],
    target: usize,
) -> Option<(Vec<usize>, LatLng)> {
    let mut members = vec![a];
    let mut point = population.candidate(a).location();
    for &c in pool {
        if members.len() == target {
            break;
        }
        if !population.fits_with(c, members.iter().copied()) {
            continue;
        }
        let with: Vec<usize> = members.iter().copied().chain([c]).collect();
        if let Some(p) = population.meeting_point(with, Some(point)) {
            members.push(c);
            point = p;
        }
    }
    (members.len() >= MIN).then_some((members, point))
}
