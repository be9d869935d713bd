//! The candidates prepared for matching, addressed by index: scores, blocks (both ways),
//! distances, meeting points and the spatial index.

use std::collections::HashMap;

use crate::candidate::Candidate;
use crate::geo::{LatLng, SpherePoint};
use crate::meeting::{Reach, find_point};
use crate::score::ProfileTable;
use crate::spatial::{HalfAngle, SpatialIndex};

/// For each person, the sorted indices of the people `ids_of` either of them lists of the other
/// (unknown ids and oneself ignored; a repeated id means the first person with it).
fn symmetric_lists(
    candidates: &[&Candidate],
    ids_of: impl Fn(&Candidate) -> &[String],
) -> Vec<Box<[u32]>> {
    let by_id: HashMap<&str, u32> = candidates
        .iter()
        .enumerate()
        .rev()
        .map(|(i, c)| (c.user_id(), i as u32))
        .collect();
    let mut lists: Vec<Vec<u32>> = vec![Vec::new(); candidates.len()];
    for (i, candidate) in candidates.iter().enumerate() {
        for id in ids_of(candidate) {
            if let Some(&j) = by_id.get(id.as_str())
                && j as usize != i
            {
                lists[i].push(j);
                lists[j as usize].push(i as u32);
            }
        }
    }
    lists
        .into_iter()
        .map(|mut list| {
            list.sort_unstable();
            list.dedup();
            list.into_boxed_slice()
        })
        .collect()
}

pub struct Population<'a> {
    candidates: Vec<&'a Candidate>,
    /// Position of each person in the slice the population was made from.
    input_index: Vec<u32>,
    points: Vec<SpherePoint>,
    /// Earth-centred unit vectors and half the angle each person's travel spans at the centre,
    /// for [`Self::can_meet`] without trigonometry per pair.
    xyz: Vec<[f64; 3]>,
    half_reach: Vec<HalfAngle>,
    profiles: ProfileTable,
    /// Sorted indices each person must not be grouped with, made symmetric; unknown ids are
    /// ignored (they did not opt in).
    avoid: Vec<Box<[u32]>>,
    index: SpatialIndex,
}

impl<'a> Population<'a> {
    /// People indexed as in `candidates`. Expects distinct user ids (the parser guarantees it);
    /// a repeated id's blocks apply to the first person with it.
    pub fn new(candidates: &'a [Candidate]) -> Self {
        Self::with_order(candidates, (0..candidates.len() as u32).collect())
    }

    /// People renumbered along a Z-order curve of their locations, so that neighbours sit close
    /// in memory (the engine's hot loops touch mostly nearby people).
    pub fn spatially_ordered(candidates: &'a [Candidate]) -> Self {
        let mut order: Vec<u32> = (0..candidates.len() as u32).collect();
        order.sort_by_cached_key(|&i| (z_order(candidates[i as usize].location()), i));
        Self::with_order(candidates, order)
    }

    fn with_order(all: &'a [Candidate], input_index: Vec<u32>) -> Self {
        let candidates: Vec<&Candidate> = input_index.iter().map(|&i| &all[i as usize]).collect();
        let avoid = symmetric_lists(&candidates, Candidate::avoid);
        let locations: Vec<LatLng> = candidates.iter().map(|c| c.location()).collect();
        let reach: Vec<f64> = candidates.iter().map(|c| c.max_travel_km()).collect();
        Self {
            profiles: ProfileTable::new(&candidates),
            candidates,
            input_index,
            points: locations.iter().map(|&at| SpherePoint::new(at)).collect(),
            xyz: locations
                .iter()
                .map(|&at| SpherePoint::new(at).unit_vector())
                .collect(),
            half_reach: reach.iter().map(|&km| HalfAngle::new(km)).collect(),
            avoid,
            index: SpatialIndex::new(&locations, &reach),
        }
    }

    pub fn len(&self) -> usize {
        self.candidates.len()
    }

    pub fn is_empty(&self) -> bool {
        self.candidates.is_empty()
    }

    pub fn candidate(&self, i: usize) -> &'a Candidate {
        self.candidates[i]
    }

    /// Where person `i` was in the slice the population was made from.
    pub fn input_index(&self, i: usize) -> usize {
        self.input_index[i] as usize
    }

    /// The pair score the engine optimises: the default, blended with reliability and the wish
    /// to meet again when [`Self::weigh_reliability`] and [`Self::weigh_connect_again`] were
    /// given a weight.
    pub fn score(&self, a: usize, b: usize) -> f64 {
        self.profiles.score(a, b)
    }

    /// See [`ProfileTable::weigh_reliability`].
    pub fn weigh_reliability(&mut self, weight: f64) {
        self.profiles.weigh_reliability(weight);
    }

    /// See [`ProfileTable::weigh_connect_again`]: the pairs are those where either listed the
    /// other in [`Candidate::connect_again`] (unknown ids are ignored).
    pub fn weigh_connect_again(&mut self, weight: f64) {
        if weight == 0.0 {
            return;
        }
        let lists = symmetric_lists(&self.candidates, Candidate::connect_again);
        self.profiles.weigh_connect_again(lists, weight);
    }

    /// The interned interest names and their scorer.
    pub fn profiles(&self) -> &ProfileTable {
        &self.profiles
    }

    /// Whether `a` and `b` must not be grouped (either listed the other).
    pub fn avoids(&self, a: usize, b: usize) -> bool {
        self.avoid[a].binary_search(&(b as u32)).is_ok()
    }

    pub fn avoid_list(&self, a: usize) -> &[u32] {
        &self.avoid[a]
    }

    pub fn distance_km(&self, a: usize, b: usize) -> f64 {
        self.points[a].distance_km(&self.points[b])
    }

    /// Whether two people could share some meeting point (`d <= reach_a + reach_b`), compared
    /// as chords: `d <= r` exactly when `2 sin(d / 2R) <= 2 sin(r / 2R)` (for `r <= pi R`), with
    /// a rounding margin in favour of meeting (meeting points are checked exactly anyway).
    pub fn can_meet(&self, a: usize, b: usize) -> bool {
        let reach = self.half_reach[a].chord_with(&self.half_reach[b]) * (1.0 + 1e-9);
        let (p, q) = (self.xyz[a], self.xyz[b]);
        let (dx, dy, dz) = (p[0] - q[0], p[1] - q[1], p[2] - q[2]);
        dx * dx + dy * dy + dz * dz <= reach * reach
    }

    /// Whether `b` may join a group holding `members`: no block and pairwise reach.
    pub fn fits_with(&self, b: usize, members: impl IntoIterator<Item = usize>) -> bool {
        members
            .into_iter()
            .all(|m| m != b && !self.avoids(m, b) && self.can_meet(m, b))
    }

    pub fn reach(&self, i: usize) -> Reach {
        Reach {
            at: self.candidates[i].location(),
            max_km: self.candidates[i].max_travel_km(),
        }
    }

    /// A point everyone in `members` reaches (see [`find_point`]).
    pub fn meeting_point(
        &self,
        members: impl IntoIterator<Item = usize>,
        hint: Option<LatLng>,
    ) -> Option<LatLng> {
        let reach: Vec<Reach> = members.into_iter().map(|m| self.reach(m)).collect();
        find_point(&reach, hint)
    }

    /// Up to `limit` people who could meet `i`, nearest first.
    pub fn nearest_reachable(&self, i: usize, limit: usize, out: &mut Vec<u32>) {
        self.index.nearest_reachable(i, limit, out);
    }
}

/// Interleaved bits of the quantised latitude and longitude.
fn z_order(at: LatLng) -> u64 {
    let quantise =
        |value: f64, range: f64| ((value + range) / (2.0 * range) * f64::from(u32::MAX)) as u64;
    let spread = |mut x: u64| {
        x &= 0xffff_ffff;
        x = (x | (x << 16)) & 0x0000_ffff_0000_ffff;
        x = (x | (x << 8)) & 0x00ff_00ff_00ff_00ff;
        x = (x | (x << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
        x = (x | (x << 2)) & 0x3333_3333_3333_3333;
        (x | (x << 1)) & 0x5555_5555_5555_5555
    };
    spread(quantise(at.lat, 90.0)) << 1 | spread(quantise(at.lng, 180.0))
}
