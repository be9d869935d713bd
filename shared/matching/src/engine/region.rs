//! The grouping state of one region (people who can only ever be grouped among themselves):
//! who is in which group, each group's meeting point and the cached scores the moves need.

use crate::engine::neighbours::{Neighbours, Rows};
use crate::feasibility::feasible_group_exists;
use crate::geo::LatLng;
use crate::placeable::WIDE_POOL;
use crate::population::Population;
use crate::score::group_value;

/// Smallest and largest group.
pub(crate) const MIN_SIZE: usize = 4;
pub(crate) const MAX_SIZE: usize = 8;

pub(crate) struct GroupState {
    /// Local indices.
    pub(crate) members: Vec<u32>,
    pub(crate) point: LatLng,
    /// Sum of the pair scores inside the group.
    pub(crate) pair_sum: f64,
    /// The pair scores of the members, row by row in member order (the re-splits reuse them).
    pub(crate) scores: Vec<f64>,
}

impl GroupState {
    /// The pair score of the members at places `i` and `j`.
    pub(crate) fn score(&self, i: usize, j: usize) -> f64 {
        self.scores[i * self.members.len() + j]
    }
}

/// Buffers of [`Region::scores_with`].
#[derive(Default)]
pub(crate) struct ScoreScratch {
    weights: Vec<u8>,
    globals: Vec<u32>,
    scored: Vec<(f64, u32)>,
}

pub(crate) struct Region<'a> {
    population: &'a Population<'a>,
    /// Global index of each local person, ascending.
    people: Vec<u32>,
    near: Rows,
    best: Rows,
    group_of: Vec<Option<u32>>,
    /// Sum of each person's pair scores with the rest of their group.
    fit: Vec<f64>,
    groups: Vec<GroupState>,
    free: Vec<u32>,
}

impl<'a> Region<'a> {
    /// `people` are global indices (ascending); `local` gives a global index's place in
    /// `people`, or `None` for someone outside (whose links are dropped).
    pub(crate) fn new(
        population: &'a Population<'a>,
        neighbours: &Neighbours,
        people: Vec<u32>,
        local: &dyn Fn(u32) -> Option<u32>,
    ) -> Self {
        let mut near = Rows::default();
        let mut best = Rows::default();
        for &g in &people {
            near.push(neighbours.near(g as usize).iter().filter_map(|&j| local(j)));
            best.push(neighbours.best(g as usize).iter().filter_map(|&j| local(j)));
        }
        let n = people.len();
        Self {
            population,
            people,
            near,
            best,
            group_of: vec![None; n],
            fit: vec![0.0; n],
            groups: Vec::new(),
            free: Vec::new(),
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.people.len()
    }

    pub(crate) fn global(&self, l: u32) -> usize {
        self.people[l as usize] as usize
    }

    /// The local index of global index `g`, when `g` is in the region.
    pub(crate) fn local(&self, g: usize) -> Option<u32> {
        self.people
            .binary_search(&(g as u32))
            .ok()
            .map(|k| k as u32)
    }

    pub(crate) fn population(&self) -> &'a Population<'a> {
        self.population
    }

    pub(crate) fn near(&self, l: u32) -> &[u32] {
        self.near.row(l as usize)
    }

    pub(crate) fn best(&self, l: u32) -> &[u32] {
        self.best.row(l as usize)
    }

    /// Unblocked people of the region within reach of `l` (the [`WIDE_POOL`] nearest), nearest
    /// first: everyone `l` could ever be grouped with, for placing the last people.
    pub(crate) fn wide(&self, l: u32) -> Vec<u32> {
        let x = self.global(l);
        let mut found = Vec::new();
        self.population.nearest_reachable(x, WIDE_POOL, &mut found);
        found
            .iter()
            .filter(|&&j| !self.population.avoids(x, j as usize))
            .filter_map(|&j| self.local(j as usize))
            .collect()
    }

    /// Whether `l` and three of `pool` could form a group ignoring everyone else's placement
    /// (also when the proof gave up).
    pub(crate) fn could_form(&self, l: u32, pool: &[u32]) -> bool {
        let pool: Vec<u32> = pool.iter().map(|&p| self.people[p as usize]).collect();
        feasible_group_exists(self.population, self.global(l), &pool) != Some(false)
    }

    pub(crate) fn location(&self, l: u32) -> LatLng {
        self.population.candidate(self.global(l)).location()
    }

    pub(crate) fn score(&self, a: u32, b: u32) -> f64 {
        self.population.score(self.global(a), self.global(b))
    }

    /// `x`'s pair scores with each of `others`, appended to `out` (as [`Self::score`], one pass
    /// over each other person's interests).
    pub(crate) fn scores_with(
        &self,
        x: u32,
        others: &[u32],
        scratch: &mut ScoreScratch,
        out: &mut Vec<f64>,
    ) {
        scratch.globals.clear();
        scratch
            .globals
            .extend(others.iter().map(|&l| self.people[l as usize]));
        scratch.scored.clear();
        self.population.profiles().score_each(
            self.global(x),
            &scratch.globals,
            &mut scratch.weights,
            &mut scratch.scored,
        );
        out.extend(scratch.scored.iter().map(|&(s, _)| s));
    }

    /// Sum of `x`'s pair scores with `members` (skipping `x` itself).
    pub(crate) fn affinity(&self, x: u32, members: &[u32]) -> f64 {
        members
            .iter()
            .filter(|&&m| m != x)
            .map(|&m| self.score(x, m))
            .sum()
    }

    /// The value (see [`group_value`]) `members` would have as a group.
    pub(crate) fn value_of(&self, members: &[u32]) -> f64 {
        let pair_sum: f64 = members
            .iter()
            .enumerate()
            .map(|(k, &m)| self.affinity(m, &members[k + 1..]))
            .sum();
        group_value(pair_sum, members.len())
    }

    /// No block and pairwise reach between `x` and each of `members`.
    pub(crate) fn fits_with(&self, x: u32, members: &[u32]) -> bool {
        self.population
            .fits_with(self.global(x), members.iter().map(|&m| self.global(m)))
    }

    pub(crate) fn meeting_point(&self, members: &[u32], hint: Option<LatLng>) -> Option<LatLng> {
        self.population
            .meeting_point(members.iter().map(|&m| self.global(m)), hint)
    }

    /// The members of group `g` with `x` in `y`'s place and their meeting point, when `x` fits
    /// with the others and they still meet.
    pub(crate) fn in_place_of(&self, g: u32, y: u32, x: u32) -> Option<(Vec<u32>, LatLng)> {
        let group = self.group(g);
        let mut swapped: Vec<u32> = group.members.iter().copied().filter(|&m| m != y).collect();
        if !self.fits_with(x, &swapped) {
            return None;
        }
        swapped.push(x);
        let point = self.meeting_point(&swapped, Some(group.point))?;
        Some((swapped, point))
    }

    pub(crate) fn group_of(&self, l: u32) -> Option<u32> {
        self.group_of[l as usize]
    }

    pub(crate) fn group(&self, g: u32) -> &GroupState {
        &self.groups[g as usize]
    }

    pub(crate) fn fit(&self, l: u32) -> f64 {
        self.fit[l as usize]
    }

    pub(crate) fn value(&self, g: u32) -> f64 {
        let group = self.group(g);
        group_value(group.pair_sum, group.members.len())
    }

    /// Ids of the groups that currently hold people.
    pub(crate) fn group_ids(&self) -> Vec<u32> {
        (0..self.groups.len() as u32)
            .filter(|&g| !self.groups[g as usize].members.is_empty())
            .collect()
    }

    /// People in no group, ascending.
    pub(crate) fn unassigned(&self) -> Vec<u32> {
        (0..self.len() as u32)
            .filter(|&l| self.group_of(l).is_none())
            .collect()
    }

    /// Distinct groups of `people`, in order of first appearance.
    pub(crate) fn groups_of(&self, people: &[u32]) -> Vec<u32> {
        let mut groups: Vec<u32> = Vec::new();
        for &p in people {
            if let Some(g) = self.group_of(p)
                && !groups.contains(&g)
            {
                groups.push(g);
            }
        }
        groups
    }

    pub(crate) fn create(&mut self, members: Vec<u32>, point: LatLng) -> u32 {
        let g = self.free.pop().unwrap_or_else(|| {
            self.groups.push(GroupState {
                members: Vec::new(),
                point,
                pair_sum: 0.0,
                scores: Vec::new(),
            });
            self.groups.len() as u32 - 1
        });
        self.set_members(g, members, point);
        g
    }

    /// Replaces the members and meeting point of group `g`; an empty list frees the group.
    pub(crate) fn set_members(&mut self, g: u32, members: Vec<u32>, point: LatLng) {
        let old = std::mem::take(&mut self.groups[g as usize].members);
        for l in old {
            // Someone already moved to another group by the same move keeps that group.
            if self.group_of[l as usize] == Some(g) {
                self.group_of[l as usize] = None;
                self.fit[l as usize] = 0.0;
            }
        }
        for &l in &members {
            self.group_of[l as usize] = Some(g);
        }
        let empty = members.is_empty();
        let group = &mut self.groups[g as usize];
        group.members = members;
        group.point = point;
        self.recompute(g);
        if empty {
            self.free.push(g);
        }
    }

    /// Empties the groups `old` and creates the groups `new` (members and meeting point).
    pub(crate) fn replace_groups(&mut self, old: &[u32], new: Vec<(Vec<u32>, LatLng)>) {
        for &g in old {
            self.set_members(g, Vec::new(), self.group(g).point);
        }
        for (members, point) in new {
            self.create(members, point);
        }
    }

    /// Takes `x` out of its group; the group keeps its meeting point (a subset still meets there).
    pub(crate) fn remove(&mut self, x: u32) {
        if let Some(g) = self.group_of(x) {
            let group = self.group(g);
            let members: Vec<u32> = group.members.iter().copied().filter(|&m| m != x).collect();
            let point = group.point;
            self.set_members(g, members, point);
        }
    }

    /// Groups of eight or more split into the two halves with the highest value, when that is
    /// better (there is always a split at least as good: over all splits the value averages out
    /// to the group's own).
    pub(crate) fn split_large_groups(&mut self) {
        for g in self.group_ids() {
            let members = self.group(g).members.clone();
            if members.len() < 2 * MIN_SIZE {
                continue;
            }
            let n = members.len();
            let mut scores = vec![vec![0.0; n]; n];
            for (i, &a) in members.iter().enumerate() {
                for (j, &b) in members.iter().enumerate().skip(i + 1) {
                    let s = self.score(a, b);
                    scores[i][j] = s;
                    scores[j][i] = s;
                }
            }
            let mut best: Option<(f64, u32)> = None;
            // Subsets containing member 0, of a size that leaves both halves valid.
            for mask in 0u32..(1 << n) {
                let size = mask.count_ones() as usize;
                if mask & 1 == 0 || size < MIN_SIZE || n - size < MIN_SIZE {
                    continue;
                }
                let (mut inside, mut outside) = (0.0, 0.0);
                for (i, row) in scores.iter().enumerate() {
                    for (j, &s) in row.iter().enumerate().skip(i + 1) {
                        match (mask >> i & 1, mask >> j & 1) {
                            (1, 1) => inside += s,
                            (0, 0) => outside += s,
                            _ => {}
                        }
                    }
                }
                let value = group_value(inside, size) + group_value(outside, n - size);
                if best.is_none_or(|(v, _)| value > v) {
                    best = Some((value, mask));
                }
            }
            if let Some((value, mask)) = best
                && value > self.value(g) + 1e-9
            {
                let point = self.group(g).point;
                let (mut first, mut second) = (Vec::new(), Vec::new());
                for (i, &m) in members.iter().enumerate() {
                    if mask >> i & 1 == 1 {
                        first.push(m);
                    } else {
                        second.push(m);
                    }
                }
                self.set_members(g, first, point);
                self.create(second, point);
            }
        }
    }

    fn recompute(&mut self, g: u32) {
        let members = std::mem::take(&mut self.groups[g as usize].members);
        let mut scores = std::mem::take(&mut self.groups[g as usize].scores);
        let n = members.len();
        scores.clear();
        scores.resize(n * n, 0.0);
        let mut total = 0.0;
        for &m in &members {
            self.fit[m as usize] = 0.0;
        }
        for (i, &a) in members.iter().enumerate() {
            for (j, &b) in members.iter().enumerate().skip(i + 1) {
                let s = self.score(a, b);
                scores[i * n + j] = s;
                scores[j * n + i] = s;
                self.fit[a as usize] += s;
                self.fit[b as usize] += s;
                total += s;
            }
        }
        let group = &mut self.groups[g as usize];
        group.members = members;
        group.scores = scores;
        group.pair_sum = total;
    }

    /// The groups (global indices and meeting point) and the people left over (global).
    pub(crate) fn into_plan(self) -> (Vec<(Vec<usize>, LatLng)>, Vec<usize>) {
        let groups = self
            .groups
            .iter()
            .filter(|g| !g.members.is_empty())
            .map(|g| {
                let mut members: Vec<usize> = g
                    .members
                    .iter()
                    .map(|&l| self.people[l as usize] as usize)
                    .collect();
                members.sort_unstable();
                (members, g.point)
            })
            .collect();
        let leftovers = (0..self.len() as u32)
            .filter(|&l| self.group_of(l).is_none())
            .map(|l| self.global(l))
            .collect();
        (groups, leftovers)
    }
}
