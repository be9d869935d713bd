//! An independent check that nobody left out could be placed by one augmenting move:
//!
//! - *join*: a group of fewer than eight takes them and still meets;
//! - *form*: they start a group of four with other people left out and members that groups of
//!   more than four can spare (a group keeps meeting without some of its members);
//! - *swap*: they take the place of a member who can join another group with room.
//!
//! It works from the candidates and a published grouping only, like [`crate::verify`]. Only the
//! people within reach of someone are looked at (the [`WIDE_POOL`] nearest, which in practice is
//! everyone within reach of a person left out).

use std::collections::HashMap;

use crate::candidate::Candidate;
use crate::feasibility::{MAX_GROUP, MIN_GROUP};
use crate::grouping::Matching;
use crate::meeting::{Reach, best_point};
use crate::population::Population;

/// Nearest people within reach looked at per person.
pub const WIDE_POOL: usize = 4096;
/// Meeting-point tries the search for a new group may spend per person.
const FORM_BUDGET: u32 = 20_000;

/// The move that places someone left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Augmentation {
    Join,
    Form,
    Swap,
}

/// For each person left out (in the order of `matching.unmatched`): the move that would place
/// them, `Some(None)` when there is none, `None` when the search for a new group gave up.
pub fn augmenting_moves(
    candidates: &[Candidate],
    matching: &Matching,
) -> Vec<Option<Option<Augmentation>>> {
    let published = Published::new(candidates, matching);
    matching
        .unmatched
        .iter()
        .map(|person| published.placing_move(published.index_of(&person.user_id)?))
        .collect()
}

/// A published grouping read back against its candidates, by input index.
pub(crate) struct Published<'a> {
    pub(crate) population: Population<'a>,
    index: HashMap<&'a str, usize>,
    pub(crate) group_of: Vec<Option<usize>>,
    pub(crate) groups: Vec<Vec<usize>>,
}

impl<'a> Published<'a> {
    pub(crate) fn new(candidates: &'a [Candidate], matching: &Matching) -> Self {
        let index: HashMap<&str, usize> = candidates
            .iter()
            .enumerate()
            .map(|(i, c)| (c.user_id(), i))
            .collect();
        let mut group_of: Vec<Option<usize>> = vec![None; candidates.len()];
        let groups: Vec<Vec<usize>> = matching
            .groups
            .iter()
            .enumerate()
            .map(|(g, group)| {
                let members: Vec<usize> = group
                    .members
                    .iter()
                    .filter_map(|id| index.get(id.as_str()).copied())
                    .collect();
                for &m in &members {
                    group_of[m] = Some(g);
                }
                members
            })
            .collect();
        Self {
            population: Population::new(candidates),
            index,
            group_of,
            groups,
        }
    }

    /// The input index of the candidate with `user_id`.
    pub(crate) fn index_of(&self, user_id: &str) -> Option<usize> {
        self.index.get(user_id).copied()
    }

    fn placing_move(&self, x: usize) -> Option<Option<Augmentation>> {
        let pool = self.pool(x);
        if self
            .groups_near(&pool)
            .into_iter()
            .any(|g| self.joins(x, g))
        {
            return Some(Some(Augmentation::Join));
        }
        let mut budget = FORM_BUDGET;
        match self.forms(&mut vec![x], &pool, 0, &mut budget) {
            Some(true) => return Some(Some(Augmentation::Form)),
            Some(false) => {}
            None => return None,
        }
        for g in self.groups_near(&pool) {
            for &y in &self.groups[g] {
                let rest: Vec<usize> = self.groups[g].iter().copied().filter(|&m| m != y).collect();
                if !self.population.fits_with(x, rest.iter().copied())
                    || !self.meets(rest.iter().copied().chain([x]))
                {
                    continue;
                }
                let elsewhere = self
                    .groups_near(&self.pool(y))
                    .into_iter()
                    .any(|h| h != g && self.joins(y, h));
                if elsewhere {
                    return Some(Some(Augmentation::Swap));
                }
            }
        }
        Some(None)
    }

    /// Unblocked people within reach of `x`, nearest first.
    pub(crate) fn pool(&self, x: usize) -> Vec<usize> {
        let mut found = Vec::new();
        self.population.nearest_reachable(x, WIDE_POOL, &mut found);
        found
            .iter()
            .map(|&j| j as usize)
            .filter(|&j| !self.population.avoids(x, j))
            .collect()
    }

    /// Distinct groups of `people`, in order of first appearance.
    fn groups_near(&self, people: &[usize]) -> Vec<usize> {
        let mut groups = Vec::new();
        for &p in people {
            if let Some(g) = self.group_of[p]
                && !groups.contains(&g)
            {
                groups.push(g);
            }
        }
        groups
    }

    fn joins(&self, x: usize, g: usize) -> bool {
        let members = &self.groups[g];
        members.len() < MAX_GROUP
            && self.population.fits_with(x, members.iter().copied())
            && self.meets(members.iter().copied().chain([x]))
    }

    /// Whether `members` share a meeting point.
    pub(crate) fn meets(&self, members: impl Iterator<Item = usize>) -> bool {
        let reach: Vec<Reach> = members.map(|m| self.population.reach(m)).collect();
        best_point(&reach).is_some()
    }

    /// Whether `chosen` can grow to four with people of `pool[from..]` who are left out or can be
    /// spared by their group; `None` when the budget ran out.
    fn forms(
        &self,
        chosen: &mut Vec<usize>,
        pool: &[usize],
        from: usize,
        budget: &mut u32,
    ) -> Option<bool> {
        if chosen.len() == MIN_GROUP {
            return Some(true);
        }
        for (k, &c) in pool.iter().enumerate().skip(from) {
            let spare = match self.group_of[c] {
                None => true,
                Some(g) => {
                    let taken = chosen
                        .iter()
                        .filter(|&&m| self.group_of[m] == Some(g))
                        .count();
                    self.groups[g].len() - taken > MIN_GROUP
                }
            };
            if !spare || !self.population.fits_with(c, chosen.iter().copied()) {
                continue;
            }
            if *budget == 0 {
                return None;
            }
            *budget -= 1;
            chosen.push(c);
            let found = if self.meets(chosen.iter().copied()) {
                self.forms(chosen, pool, k + 1, budget)
            } else {
                Some(false)
            };
            chosen.pop();
            match found {
                Some(false) => {}
                other => return other,
            }
        }
        Some(false)
    }
}
