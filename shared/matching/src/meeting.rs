//! Meeting points: a point within every member's travel distance.
//!
//! The feasible region is an intersection of spherical caps. We look at the problem
//! "minimise the worst excess `max_i (d(p, member_i) - max_travel_i)`": a group can meet exactly
//! when that minimum is at most 0, and its minimiser is the point that leaves the worst-off member
//! the most spare travel. The minimum is fixed by one, two or three members (an LP-type problem of
//! dimension three), so it is found by trying each member's own location, the balanced point on the
//! great circle between each pair, and the point equally tight for each triple (Newton's method on
//! the sphere). Every answer is checked with the haversine distance before it is returned.

use crate::geo::{LatLng, SpherePoint, destination, toward};

/// A member's location and how far they will travel, in km.
#[derive(Debug, Clone, Copy)]
pub struct Reach {
    pub at: LatLng,
    pub max_km: f64,
}

struct Site {
    at: LatLng,
    point: SpherePoint,
    max_km: f64,
}

/// A candidate meeting point: `bound` is the least possible worst excess of the members that fix
/// it, `excess` its worst excess over everyone.
#[derive(Clone, Copy)]
struct Candidate {
    point: LatLng,
    bound: f64,
    excess: f64,
}

impl Candidate {
    /// Optimal over all members when no other member is tighter than the ones that fix it.
    fn is_optimal(&self) -> bool {
        self.excess <= self.bound + 1e-9
    }
}

/// The worst excess `max_i (d(p, member_i) - max_travel_i)` in km; at most 0 means everyone
/// reaches `p`.
pub fn worst_excess(p: LatLng, members: &[Reach]) -> f64 {
    let at = SpherePoint::new(p);
    members
        .iter()
        .map(|m| at.distance_km(&SpherePoint::new(m.at)) - m.max_km)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// The meeting point that leaves the worst-off member the most spare travel, or `None` when the
/// members share no meeting point.
pub fn best_point(members: &[Reach]) -> Option<LatLng> {
    let sites = sites(members);
    if !pairwise_reachable(&sites) {
        return None;
    }
    let best = search(&sites, f64::NEG_INFINITY)?;
    (best.excess <= 0.0).then_some(best.point)
}

/// Any meeting point, found quickly: `hint` when everyone reaches it, otherwise the first
/// candidate that leaves everyone some spare travel, otherwise the best one.
pub fn find_point(members: &[Reach], hint: Option<LatLng>) -> Option<LatLng> {
    if let Some(hint) = hint
        && worst_excess(hint, members) <= 0.0
    {
        return Some(hint);
    }
    let sites = sites(members);
    if !pairwise_reachable(&sites) {
        return None;
    }
    let min_reach = sites.iter().map(|s| s.max_km).fold(f64::INFINITY, f64::min);
    let comfortable = -(0.1 * min_reach).min(0.5);
    let best = search(&sites, comfortable)?;
    (best.excess <= 0.0).then_some(best.point)
}

fn sites(members: &[Reach]) -> Vec<Site> {
    members
        .iter()
        .map(|m| Site {
            at: m.at,
            point: SpherePoint::new(m.at),
            max_km: m.max_km,
        })
        .collect()
}

/// Two caps can only overlap when the centres are within the sum of the radii.
fn pairwise_reachable(sites: &[Site]) -> bool {
    sites.iter().enumerate().all(|(i, a)| {
        sites[i + 1..]
            .iter()
            .all(|b| a.point.distance_km(&b.point) <= a.max_km + b.max_km)
    })
}

fn excess(p: LatLng, sites: &[Site]) -> f64 {
    let at = SpherePoint::new(p);
    sites
        .iter()
        .map(|s| at.distance_km(&s.point) - s.max_km)
        .fold(f64::NEG_INFINITY, f64::max)
}

/// Tries bases of growing size; stops at the first candidate whose excess is at most
/// `good_enough`, or at the optimum.
fn search(sites: &[Site], good_enough: f64) -> Option<Candidate> {
    let mut tracker = Tracker {
        best: None,
        optimal: false,
        good_enough,
    };
    for (i, site) in sites.iter().enumerate() {
        let own = Candidate {
            point: site.at,
            bound: -site.max_km,
            excess: excess(site.at, sites),
        };
        if tracker.consider(own) {
            return tracker.best;
        }
        for other in &sites[..i] {
            if tracker.consider(pair_candidate(other, site, sites)) {
                return tracker.best;
            }
        }
    }
    if tracker.optimal {
        return tracker.best;
    }
    for k in 2..sites.len() {
        for j in 1..k {
            for i in 0..j {
                if let Some(candidate) = triple_candidate([&sites[i], &sites[j], &sites[k]], sites)
                    && tracker.consider(candidate)
                {
                    return tracker.best;
                }
            }
        }
    }
    tracker.best
}

struct Tracker {
    best: Option<Candidate>,
    /// Whether a candidate was proven optimal (then `best` is optimal too).
    optimal: bool,
    good_enough: f64,
}

impl Tracker {
    /// Keeps the better candidate; true when the search can stop.
    fn consider(&mut self, candidate: Candidate) -> bool {
        self.optimal |= candidate.is_optimal();
        if self.best.is_none_or(|b| candidate.excess < b.excess) {
            self.best = Some(candidate);
        }
        self.optimal || self.best.is_some_and(|b| b.excess <= self.good_enough)
    }
}

/// The point on the great circle between two members where both have the same excess (clamped
/// to the segment).
fn pair_candidate(a: &Site, b: &Site, sites: &[Site]) -> Candidate {
    let span = a.point.distance_km(&b.point);
    let from_a = ((span + a.max_km - b.max_km) * 0.5).clamp(0.0, span);
    let point = if span > 0.0 {
        toward(a.at, b.at, from_a)
    } else {
        a.at
    };
    Candidate {
        point,
        bound: (from_a - a.max_km).max(span - from_a - b.max_km),
        excess: excess(point, sites),
    }
}

/// The point where three members have the same excess `t`: Newton's method on
/// `d(p, c_k) - r_k - t = 0`, with each step taken in the tangent plane at the current point.
fn triple_candidate(basis: [&Site; 3], sites: &[Site]) -> Option<Candidate> {
    let start = [(0, 1), (0, 2), (1, 2)]
        .into_iter()
        .map(|(i, j)| pair_candidate(basis[i], basis[j], &[]))
        .max_by(|x, y| x.bound.total_cmp(&y.bound))?;
    let mut p = start.point;
    let mut t = start.bound;
    for _ in 0..30 {
        let at = SpherePoint::new(p);
        let mut jacobian = [[0.0; 3]; 3];
        let mut residual = [0.0; 3];
        for (row, site) in basis.iter().enumerate() {
            let d = at.distance_km(&site.point);
            if d < 1e-9 {
                return None;
            }
            let bearing = at.bearing_to(&site.point);
            jacobian[row] = [-bearing.sin(), -bearing.cos(), -1.0];
            residual[row] = -(d - site.max_km - t);
        }
        let [east, north, dt] = solve3(jacobian, residual)?;
        let step = east.hypot(north);
        if step > 0.0 {
            p = destination(p, east.atan2(north), step);
        }
        t += dt;
        if step < 1e-9 && dt.abs() < 1e-9 {
            break;
        }
    }
    let at = SpherePoint::new(p);
    // Equal excess for all three only fixes the minimum when the three members surround the
    // point (no half-plane holds all three directions); otherwise it is the other solution of
    // the equations and proves nothing.
    let mut bearings: Vec<f64> = basis.iter().map(|s| at.bearing_to(&s.point)).collect();
    bearings.sort_by(f64::total_cmp);
    let widest_gap = [
        bearings[1] - bearings[0],
        bearings[2] - bearings[1],
        bearings[0] + std::f64::consts::TAU - bearings[2],
    ]
    .into_iter()
    .fold(0.0, f64::max);
    let worst_of_three = |at: &SpherePoint| {
        basis
            .iter()
            .map(|s| at.distance_km(&s.point) - s.max_km)
            .fold(f64::NEG_INFINITY, f64::max)
    };
    // Newton's method can also end at the point where the three are equally far beyond their
    // reach, such as the far side of the earth: that point surrounds them too but maximises
    // their excess. The minimum is never worse than the start.
    let bound = worst_of_three(&at);
    let bound = if widest_gap < std::f64::consts::PI
        && bound <= worst_of_three(&SpherePoint::new(start.point)) + 1e-9
    {
        bound
    } else {
        f64::NEG_INFINITY
    };
    Some(Candidate {
        point: p,
        bound,
        excess: excess(p, sites),
    })
}

/// Cramer's rule; `None` for a (nearly) singular system such as three members on one line.
fn solve3(m: [[f64; 3]; 3], b: [f64; 3]) -> Option<[f64; 3]> {
    let det = |m: &[[f64; 3]; 3]| {
        m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1])
            - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0])
            + m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0])
    };
    let d = det(&m);
    if d.abs() < 1e-12 {
        return None;
    }
    let mut x = [0.0; 3];
    for (col, value) in x.iter_mut().enumerate() {
        let mut replaced = m;
        for row in 0..3 {
            replaced[row][col] = b[row];
        }
        *value = det(&replaced) / d;
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geo::distance_km;

    fn reach(lat: f64, lng: f64, max_km: f64) -> Reach {
        Reach {
            at: LatLng { lat, lng },
            max_km,
        }
    }

    fn assert_reachable(p: LatLng, members: &[Reach]) {
        for m in members {
            assert!(
                distance_km(p, m.at) <= m.max_km,
                "{p:?} out of reach of {m:?}"
            );
        }
    }

    #[test]
    fn two_people_meet_on_the_segment_between_them() {
        // 0.2 degrees of latitude is about 22.24 km.
        let members = [reach(48.0, 2.0, 15.0), reach(48.2, 2.0, 10.0)];
        let p = best_point(&members).unwrap();
        assert_reachable(p, &members);
        // Equal spare travel: d1 - 15 == d2 - 10.
        let d1 = distance_km(p, members[0].at);
        let d2 = distance_km(p, members[1].at);
        assert!(((d1 - 15.0) - (d2 - 10.0)).abs() < 1e-6);
    }

    #[test]
    fn three_people_in_a_triangle_need_the_triple_point() {
        // An equilateral-ish triangle with sides of about 17 km; each travels 10 km.
        let members = [
            reach(48.0, 2.0, 10.0),
            reach(48.0, 2.23, 10.0),
            reach(48.135, 2.115, 10.0),
        ];
        let p = best_point(&members).unwrap();
        assert_reachable(p, &members);
        let d: Vec<f64> = members.iter().map(|m| distance_km(p, m.at)).collect();
        assert!((d[0] - d[1]).abs() < 1e-6 && (d[1] - d[2]).abs() < 1e-6);
    }

    #[test]
    fn pairwise_reachable_people_may_still_share_no_point() {
        // Three people about 26 km apart pairwise, each travelling 13.5 km: every pair can meet
        // (27 km > 26 km) but the circumradius (about 15 km) is too large for all three.
        let members = [
            reach(48.0, 2.0, 13.5),
            reach(48.0, 2.35, 13.5),
            reach(48.203, 2.175, 13.5),
        ];
        assert!(best_point(&members).is_none());
        assert!(find_point(&members, None).is_none());
        let roomier: Vec<Reach> = members
            .iter()
            .map(|m| reach(m.at.lat, m.at.lng, 16.0))
            .collect();
        assert_reachable(find_point(&roomier, None).unwrap(), &roomier);
    }

    #[test]
    fn a_far_side_solution_of_a_triple_does_not_end_the_search() {
        // Eight people who can all reach a point about 0.4 km inside everyone's limit; Newton's
        // method on one of their triples ends on the far side of the earth, which once ended
        // the search as if it were the optimum.
        let members = [
            reach(48.15117102403212, 2.428659831073874, 20.671157346123486),
            reach(48.1782326779258, 2.312931227641459, 22.862218891764947),
            reach(48.20927133825341, 2.2985251614326496, 23.59023254726167),
            reach(48.1659491732767, 2.182682546789197, 14.628471908570692),
            reach(48.222982082335754, 2.2927384807849776, 22.91381103324882),
            reach(48.210382077208834, 2.341817904930787, 24.658981036595005),
            reach(48.02038782890454, 2.06619469479788, 11.228505944486876),
            reach(48.20579726305786, 2.01602662307626, 18.43086947405025),
        ];
        let p = best_point(&members).expect("everyone reaches some point");
        assert_reachable(p, &members);
        assert!(worst_excess(p, &members) < -0.4);
        assert_reachable(find_point(&members, None).unwrap(), &members);
    }

    #[test]
    fn find_point_keeps_a_hint_everyone_reaches() {
        let members = [reach(48.0, 2.0, 20.0), reach(48.05, 2.0, 20.0)];
        let hint = LatLng {
            lat: 48.01,
            lng: 2.01,
        };
        assert_eq!(find_point(&members, Some(hint)), Some(hint));
    }
}
