//! Why someone was left out.

use crate::engine::neighbours::Neighbours;
use crate::engine::region::MIN_SIZE;
use crate::feasibility::feasible_group_exists;
use crate::grouping::UnmatchedReason;
use crate::population::Population;

/// The reason for person `i` (global index) of a region of `region_size` people; `cut` tells
/// that the time limit stopped the region's grouping before it was complete.
pub(crate) fn classify(
    population: &Population,
    neighbours: &Neighbours,
    region_size: usize,
    i: usize,
    cut: bool,
) -> UnmatchedReason {
    let near = neighbours.near(i);
    if !neighbours.reachable_any(i) {
        UnmatchedReason::NoOneWithinReach
    } else if near.is_empty() {
        UnmatchedReason::AllReachableAvoided
    } else if region_size < MIN_SIZE || near.len() < MIN_SIZE - 1 {
        UnmatchedReason::RegionTooSmall
    } else if neighbours.complete(i) && feasible_group_exists(population, i, near) == Some(false) {
        UnmatchedReason::NoCommonMeetingPoint
    } else if cut {
        UnmatchedReason::NotPlacedWithinTimeLimit
    } else {
        UnmatchedReason::RegionTooSmall
    }
}
