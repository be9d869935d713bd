//! Who each person could be grouped with: the nearest people within reach who are not blocked,
//! and the most compatible people within reach.
//!
//! In a city thousands of people are within reach of each other, so the nearest ones are a
//! small, arbitrary sample as far as compatibility goes. The best matches are therefore picked
//! from the nearest people plus, for each of the person's rarest interests, the nearest people
//! within reach who share it (one spatial index per interest name).

use std::thread;
use std::time::Instant;

use crate::geo::LatLng;
use crate::population::Population;
use crate::spatial::SpatialIndex;

/// Interests (the rarest ones) whose holders are searched for each person: the holders of a
/// popular interest are mostly the nearest people anyway.
const INTERESTS_QUERIED: usize = 4;

/// Per-person neighbour lists in compressed rows.
pub(crate) struct Neighbours {
    near: Rows,
    best: Rows,
    reachable_any: Vec<bool>,
    complete: Vec<bool>,
    /// Some people got their best matches from their nearest people only (the clock).
    cut: bool,
}

impl Neighbours {
    /// `near_limit` nearest unblocked people within reach (`d <= reach_a + reach_b`); the
    /// `best_limit` highest-scoring of them and of the `per_interest` nearest within reach who
    /// share each interest. Split over `threads`. People looked at after `full_until` get their
    /// best matches from their nearest people only, so that the lists fit in the time limit.
    pub(crate) fn compute(
        population: &Population,
        limits: Limits,
        threads: usize,
        full_until: Instant,
    ) -> Self {
        let n = population.len();
        let by_interest = InterestIndex::new(population);
        let by_interest = &by_interest;
        let chunk = n.div_ceil(threads.max(1)).max(1);
        let parts: Vec<Part> = thread::scope(|scope| {
            let workers: Vec<_> = (0..n)
                .step_by(chunk)
                .map(|start| {
                    let end = (start + chunk).min(n);
                    scope.spawn(move || {
                        Part::compute(population, by_interest, start..end, limits, full_until)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| w.join().expect("neighbour worker panicked"))
                .collect()
        });
        let mut all = Self {
            near: Rows::default(),
            best: Rows::default(),
            reachable_any: Vec::with_capacity(n),
            complete: Vec::with_capacity(n),
            cut: false,
        };
        for part in parts {
            all.cut |= part.late;
            all.near.append(part.near);
            all.best.append(part.best);
            all.reachable_any.extend(part.reachable_any);
            all.complete.extend(part.complete);
        }
        all
    }

    /// Unblocked people within reach, nearest first.
    pub(crate) fn near(&self, i: usize) -> &[u32] {
        self.near.row(i)
    }

    /// The most compatible of [`Self::near`], best first.
    pub(crate) fn best(&self, i: usize) -> &[u32] {
        self.best.row(i)
    }

    /// Whether anyone, blocked or not, is within reach.
    pub(crate) fn reachable_any(&self, i: usize) -> bool {
        self.reachable_any[i]
    }

    /// Whether the clock cut the search for some best matches short.
    pub(crate) fn cut(&self) -> bool {
        self.cut
    }

    /// Whether [`Self::near`] holds everyone unblocked within reach (it was not cut at the limit).
    pub(crate) fn complete(&self, i: usize) -> bool {
        self.complete[i]
    }
}

struct Part {
    near: Rows,
    best: Rows,
    reachable_any: Vec<bool>,
    complete: Vec<bool>,
    late: bool,
}

impl Part {
    fn compute(
        population: &Population,
        by_interest: &InterestIndex,
        people: std::ops::Range<usize>,
        limits: Limits,
        full_until: Instant,
    ) -> Self {
        let mut part = Self {
            near: Rows::default(),
            best: Rows::default(),
            reachable_any: Vec::with_capacity(people.len()),
            complete: Vec::with_capacity(people.len()),
            late: false,
        };
        let mut found = Vec::new();
        let mut pool: Vec<u32> = Vec::new();
        let mut scored: Vec<(f64, u32)> = Vec::new();
        let mut weights = Vec::new();
        for i in people {
            if i % 64 == 0 && !part.late {
                part.late = Instant::now() >= full_until;
            }
            let limit = limits.near + population.avoid_list(i).len();
            population.nearest_reachable(i, limit, &mut found);
            part.reachable_any.push(!found.is_empty());
            part.complete.push(found.len() < limit);
            let usable = |j: &u32| *j as usize != i && !population.avoids(i, *j as usize);
            let near: Vec<u32> = found
                .iter()
                .copied()
                .filter(usable)
                .take(limits.near)
                .collect();
            pool.clear();
            pool.extend(&near);
            let candidate = population.candidate(i);
            let mut names: Vec<u32> = population.profiles().interest_ids(i).collect();
            names.sort_by_key(|&name| (by_interest.holders[name as usize].len(), name));
            let queried = if part.late { 0 } else { INTERESTS_QUERIED };
            for name in names.into_iter().take(queried) {
                by_interest.nearest_holders(
                    name,
                    candidate.location(),
                    candidate.max_travel_km(),
                    limits.per_interest + 1,
                    &mut found,
                    &mut pool,
                );
            }
            pool.retain(usable);
            pool.sort_unstable();
            pool.dedup();
            scored.clear();
            population
                .profiles()
                .score_each(i, &pool, &mut weights, &mut scored);
            let by_score = |a: &(f64, u32), b: &(f64, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            if scored.len() > limits.best {
                scored.select_nth_unstable_by(limits.best, by_score);
                scored.truncate(limits.best);
            }
            scored.sort_by(by_score);
            part.best
                .push(scored.iter().take(limits.best).map(|&(_, j)| j));
            part.near.push(near);
        }
        part
    }
}

/// How many neighbours to keep.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Nearest unblocked people within reach.
    pub(crate) near: usize,
    /// Nearest people within reach per shared interest, as candidates for the best matches.
    pub(crate) per_interest: usize,
    /// Best matches.
    pub(crate) best: usize,
}

/// For each interest name held by two people or more, a spatial index of its holders.
struct InterestIndex {
    holders: Vec<Vec<u32>>,
    indices: Vec<Option<SpatialIndex>>,
}

impl InterestIndex {
    fn new(population: &Population) -> Self {
        let profiles = population.profiles();
        let mut holders: Vec<Vec<u32>> = vec![Vec::new(); profiles.name_count()];
        for i in 0..population.len() {
            for name in profiles.interest_ids(i) {
                holders[name as usize].push(i as u32);
            }
        }
        let indices = holders
            .iter()
            .map(|people| {
                (people.len() >= 2).then(|| {
                    let locations: Vec<LatLng> = people
                        .iter()
                        .map(|&p| population.candidate(p as usize).location())
                        .collect();
                    let reach: Vec<f64> = people
                        .iter()
                        .map(|&p| population.candidate(p as usize).max_travel_km())
                        .collect();
                    SpatialIndex::new(&locations, &reach)
                })
            })
            .collect();
        Self { holders, indices }
    }

    /// Appends to `out` the nearest `limit` holders of `name` within reach of someone at `at`.
    fn nearest_holders(
        &self,
        name: u32,
        at: LatLng,
        reach_km: f64,
        limit: usize,
        found: &mut Vec<u32>,
        out: &mut Vec<u32>,
    ) {
        if let Some(index) = &self.indices[name as usize] {
            index.nearest_reachable_from(at, reach_km, limit, found);
            let holders = &self.holders[name as usize];
            out.extend(found.iter().map(|&local| holders[local as usize]));
        }
    }
}

/// Rows of indices stored back to back.
#[derive(Default)]
pub(crate) struct Rows {
    offsets: Vec<u32>,
    items: Vec<u32>,
}

impl Rows {
    pub(crate) fn push(&mut self, row: impl IntoIterator<Item = u32>) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.items.extend(row);
        self.offsets.push(self.items.len() as u32);
    }

    pub(crate) fn row(&self, i: usize) -> &[u32] {
        &self.items[self.offsets[i] as usize..self.offsets[i + 1] as usize]
    }

    fn append(&mut self, other: Rows) {
        for i in 0..other.offsets.len().saturating_sub(1) {
            self.push(other.row(i).iter().copied());
        }
    }
}
