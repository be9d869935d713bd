//! The last search for the people left out: regroup exactly the groups linked to a person left
//! out, found in widening rings (everyone within reach of whoever is already in the pocket,
//! nearest first). Where groups barely form, placing one more person can take a chain of
//! changes through a dozen groups, beyond the few nearest groups the repairs regroup exactly and
//! the random choices of the reshuffles; the exhaustive search of [`crate::regrouping`] settles a
//! pocket of this size in a fraction of a second when few people in it are left out.

use std::collections::{HashSet, VecDeque};

use crate::engine::Clock;
use crate::engine::region::Region;
use crate::engine::repair::{Memo, exact_regrouping, neighbourhood_key};
use crate::regrouping::POCKET_BITS;

/// Most people left out in a pocket (the person it is built around included): each one more
/// widens the search, since as many minus one may stay out.
const POCKET_LEFT_OUT: usize = 8;

/// Regroups the pocket (at most `most_groups` groups) around each person left out who could form
/// a group whenever a grouping of it places more people, until none does; returns the people
/// moved, ascending.
pub(crate) fn regroup_linked_pockets(
    region: &mut Region,
    clock: &Clock,
    memo: &mut Memo,
    most_groups: usize,
) -> Vec<u32> {
    let mut moved = Vec::new();
    let mut progress = most_groups > 0;
    while progress {
        progress = false;
        for x in region.unassigned() {
            if clock.expired() {
                return moved;
            }
            if region.group_of(x).is_some() || !memo.could_form(region, x) {
                continue;
            }
            let (left_out, groups) = pocket(region, memo, x, most_groups);
            let key = neighbourhood_key(region, &left_out, &groups);
            if memo.settled_pockets.contains(&key) {
                continue;
            }
            let Some(plan) = exact_regrouping(region, &left_out, &groups) else {
                memo.settled_pockets.insert(key);
                continue;
            };
            moved.extend(&left_out);
            for &g in &groups {
                moved.extend(&region.group(g).members);
            }
            region.replace_groups(&groups, plan);
            progress = true;
        }
    }
    moved.sort_unstable();
    moved.dedup();
    moved
}

/// The people left out who could form a group (`x` first) and the groups of the pocket around
/// `x`, in the order the rings meet them.
fn pocket(region: &Region, memo: &mut Memo, x: u32, most_groups: usize) -> (Vec<u32>, Vec<u32>) {
    let mut seen = HashSet::from([x]);
    let mut queue = VecDeque::from([x]);
    let mut left_out = vec![x];
    let mut groups = Vec::new();
    let mut people = 1;
    while let Some(p) = queue.pop_front() {
        for q in memo.wide(region, p).to_vec() {
            if groups.len() == most_groups {
                return (left_out, groups);
            }
            if !seen.insert(q) {
                continue;
            }
            match region.group_of(q) {
                Some(g) => {
                    let members = &region.group(g).members;
                    if people + members.len() > POCKET_BITS {
                        continue;
                    }
                    people += members.len();
                    groups.push(g);
                    seen.extend(members);
                    queue.extend(members);
                }
                None => {
                    if people < POCKET_BITS
                        && left_out.len() < POCKET_LEFT_OUT
                        && memo.could_form(region, q)
                    {
                        people += 1;
                        left_out.push(q);
                        queue.push_back(q);
                    }
                }
            }
        }
    }
    (left_out, groups)
}
