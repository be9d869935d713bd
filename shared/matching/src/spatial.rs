//! A k-d tree over earth-centred unit vectors, for "who can reach me" queries.
//!
//! Working in 3-D avoids the special cases of a latitude/longitude grid (the antimeridian, the
//! poles, cells of varying width) and adapts to any density. Each node keeps the largest travel
//! distance below it, so subtrees whose people cannot reach the query person are skipped.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::geo::{EARTH_RADIUS_KM, LatLng, SpherePoint};

const LEAF_SIZE: usize = 12;

pub struct SpatialIndex {
    xyz: Vec<[f64; 3]>,
    reach_km: Vec<f64>,
    order: Vec<u32>,
    /// The same people in tree order, so a leaf is one contiguous run.
    slots: Vec<Slot>,
    nodes: Vec<Node>,
}

struct Slot {
    xyz: [f64; 3],
    reach: HalfAngle,
    index: u32,
}

/// Sine and cosine of half the angle a travel distance spans at the earth's centre, so the chord
/// of two reaches added is `2 sin(a + b) = 2 (sin a cos b + cos a sin b)`, without trigonometry
/// per pair.
#[derive(Clone, Copy)]
pub(crate) struct HalfAngle {
    angle: f64,
    sin: f64,
    cos: f64,
}

impl HalfAngle {
    pub(crate) fn new(km: f64) -> Self {
        let angle = km / (2.0 * EARTH_RADIUS_KM);
        Self {
            angle,
            sin: angle.sin(),
            cos: angle.cos(),
        }
    }

    /// The chord between two points whose distance is the sum of both reaches (the diameter
    /// when that is half the earth's circumference or more).
    pub(crate) fn chord_with(&self, other: &HalfAngle) -> f64 {
        if self.angle + other.angle >= std::f64::consts::FRAC_PI_2 {
            2.0
        } else {
            2.0 * (self.sin * other.cos + self.cos * other.sin)
        }
    }
}

struct Node {
    lo: [f64; 3],
    hi: [f64; 3],
    max_reach: HalfAngle,
    start: u32,
    end: u32,
    /// Indices of the two children; `None` for a leaf.
    children: Option<(u32, u32)>,
}

/// A found person and their squared chord distance; ordered by distance, then index.
#[derive(Clone, Copy, PartialEq)]
struct Found {
    chord_sq: f64,
    index: u32,
}

impl Eq for Found {}

impl Ord for Found {
    fn cmp(&self, other: &Self) -> Ordering {
        self.chord_sq
            .total_cmp(&other.chord_sq)
            .then(self.index.cmp(&other.index))
    }
}

impl PartialOrd for Found {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl SpatialIndex {
    /// Indexes people at `locations` who travel up to `reach_km[i]`.
    pub fn new(locations: &[LatLng], reach_km: &[f64]) -> Self {
        let xyz = locations
            .iter()
            .map(|&at| SpherePoint::new(at).unit_vector())
            .collect();
        let mut index = Self {
            xyz,
            reach_km: reach_km.to_vec(),
            order: (0..locations.len() as u32).collect(),
            slots: Vec::new(),
            nodes: Vec::new(),
        };
        if !locations.is_empty() {
            index.build(0, locations.len());
        }
        index.slots = index
            .order
            .iter()
            .map(|&i| Slot {
                xyz: index.xyz[i as usize],
                reach: HalfAngle::new(index.reach_km[i as usize]),
                index: i,
            })
            .collect();
        index
    }

    fn build(&mut self, start: usize, end: usize) -> u32 {
        let mut lo = [f64::INFINITY; 3];
        let mut hi = [f64::NEG_INFINITY; 3];
        let mut max_reach: f64 = 0.0;
        for &i in &self.order[start..end] {
            let p = self.xyz[i as usize];
            for axis in 0..3 {
                lo[axis] = lo[axis].min(p[axis]);
                hi[axis] = hi[axis].max(p[axis]);
            }
            max_reach = max_reach.max(self.reach_km[i as usize]);
        }
        let id = self.nodes.len() as u32;
        self.nodes.push(Node {
            lo,
            hi,
            max_reach: HalfAngle::new(max_reach),
            start: start as u32,
            end: end as u32,
            children: None,
        });
        if end - start > LEAF_SIZE {
            let axis = (0..3)
                .max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b])))
                .unwrap_or(0);
            let mid = (start + end) / 2;
            let xyz = &self.xyz;
            self.order[start..end].select_nth_unstable_by(mid - start, |&a, &b| {
                xyz[a as usize][axis]
                    .total_cmp(&xyz[b as usize][axis])
                    .then(a.cmp(&b))
            });
            let left = self.build(start, mid);
            let right = self.build(mid, end);
            self.nodes[id as usize].children = Some((left, right));
        }
        id
    }

    /// Up to `limit` other indexed people `j` with `d(i, j) <= reach_i + reach_j`, nearest
    /// first.
    pub fn nearest_reachable(&self, i: usize, limit: usize, out: &mut Vec<u32>) {
        let query = Query {
            xyz: self.xyz[i],
            reach: HalfAngle::new(self.reach_km[i]),
            exclude: i as u32,
        };
        self.search(&query, limit, out);
    }

    /// Up to `limit` indexed people `j` with `d(at, j) <= reach_km + reach_j`, nearest first.
    pub fn nearest_reachable_from(
        &self,
        at: LatLng,
        reach_km: f64,
        limit: usize,
        out: &mut Vec<u32>,
    ) {
        let query = Query {
            xyz: SpherePoint::new(at).unit_vector(),
            reach: HalfAngle::new(reach_km),
            exclude: u32::MAX,
        };
        self.search(&query, limit, out);
    }

    fn search(&self, query: &Query, limit: usize, out: &mut Vec<u32>) {
        out.clear();
        if self.nodes.is_empty() || limit == 0 {
            return;
        }
        // The nearest found so far, the farthest on top.
        let mut kept = BinaryHeap::with_capacity(limit.min(1024) + 1);
        self.visit(
            0,
            chord_sq_to_box(&self.nodes[0], &query.xyz),
            query,
            limit,
            &mut kept,
        );
        out.extend(kept.into_sorted_vec().into_iter().map(|f| f.index));
    }

    /// Visits `node`, whose box is `box_sq` (squared chord) away from the query.
    fn visit(
        &self,
        node: u32,
        box_sq: f64,
        query: &Query,
        limit: usize,
        kept: &mut BinaryHeap<Found>,
    ) {
        let n = &self.nodes[node as usize];
        // Everything in squared chord lengths (monotonic in distance): a node is skipped when
        // even its nearest corner is beyond the query's reach plus the largest reach inside, or
        // beyond the farthest person kept once the list is full.
        let reach = query.reach.chord_with(&n.max_reach) * (1.0 + 1e-12);
        let mut limit_sq = reach * reach;
        if kept.len() == limit {
            limit_sq = limit_sq.min(kept.peek().map_or(f64::INFINITY, |t| t.chord_sq));
        }
        if box_sq * (1.0 - 1e-12) > limit_sq {
            return;
        }
        match n.children {
            None => {
                let q = query.xyz;
                for slot in &self.slots[n.start as usize..n.end as usize] {
                    let dx = slot.xyz[0] - q[0];
                    let dy = slot.xyz[1] - q[1];
                    let dz = slot.xyz[2] - q[2];
                    let chord_sq = dx * dx + dy * dy + dz * dz;
                    let reach = query.reach.chord_with(&slot.reach) * (1.0 + 1e-12);
                    if slot.index == query.exclude || chord_sq > reach * reach {
                        continue;
                    }
                    let found = Found {
                        chord_sq,
                        index: slot.index,
                    };
                    if kept.len() < limit {
                        kept.push(found);
                    } else if kept.peek().is_some_and(|worst| found < *worst) {
                        kept.pop();
                        kept.push(found);
                    }
                }
            }
            Some((left, right)) => {
                let left_sq = chord_sq_to_box(&self.nodes[left as usize], &query.xyz);
                let right_sq = chord_sq_to_box(&self.nodes[right as usize], &query.xyz);
                if left_sq <= right_sq {
                    self.visit(left, left_sq, query, limit, kept);
                    self.visit(right, right_sq, query, limit, kept);
                } else {
                    self.visit(right, right_sq, query, limit, kept);
                    self.visit(left, left_sq, query, limit, kept);
                }
            }
        }
    }
}

/// Who is asking: their position, reach, and which indexed person (themselves) to skip.
struct Query {
    xyz: [f64; 3],
    reach: HalfAngle,
    exclude: u32,
}

/// The squared straight-line distance from `q` to the node's box: no one inside is nearer.
fn chord_sq_to_box(node: &Node, q: &[f64; 3]) -> f64 {
    let mut sq = 0.0;
    for ((lo, hi), q) in node.lo.iter().zip(&node.hi).zip(q) {
        let gap = (lo - q).max(q - hi).max(0.0);
        sq += gap * gap;
    }
    sq
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn matches_a_brute_force_scan() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let locations: Vec<LatLng> = (0..600)
            .map(|_| LatLng {
                lat: 45.0 + rng.random::<f64>() * 2.0,
                lng: 179.0 + rng.random::<f64>() * 2.0
                    - if rng.random_bool(0.5) { 360.0 } else { 0.0 },
            })
            .collect();
        let reach: Vec<f64> = (0..600).map(|_| 5.0 + rng.random::<f64>() * 45.0).collect();
        let index = SpatialIndex::new(&locations, &reach);
        let mut found = Vec::new();
        for i in (0..600).step_by(37) {
            for limit in [5, 40, 1000] {
                index.nearest_reachable(i, limit, &mut found);
                let points: Vec<SpherePoint> =
                    locations.iter().map(|&l| SpherePoint::new(l)).collect();
                let mut expected: Vec<(f64, u32)> = (0..600)
                    .filter(|&j| j != i)
                    .map(|j| (points[i].distance_km(&points[j]), j as u32))
                    .filter(|&(d, j)| d <= reach[i] + reach[j as usize])
                    .collect();
                expected.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                expected.truncate(limit);
                let expected: Vec<u32> = expected.iter().map(|&(_, j)| j).collect();
                assert_eq!(found, expected);
            }
        }
    }
}
