//! Great-circle geometry on a spherical earth (radius 6371.0088 km).

use serde::Serialize;

/// Mean earth radius used for every distance.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// A position in degrees.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LatLng {
    pub lat: f64,
    pub lng: f64,
}

/// A position prepared for repeated distance computations. [`distance_km`] goes through it too,
/// so both give bit-identical results.
#[derive(Debug, Clone, Copy)]
pub struct SpherePoint {
    lat: f64,
    lng: f64,
    cos_lat: f64,
}

impl SpherePoint {
    pub fn new(at: LatLng) -> Self {
        let lat = at.lat.to_radians();
        Self {
            lat,
            lng: at.lng.to_radians(),
            cos_lat: lat.cos(),
        }
    }

    /// Haversine distance in km.
    pub fn distance_km(&self, other: &SpherePoint) -> f64 {
        let half_dlat = (other.lat - self.lat) * 0.5;
        let half_dlng = (other.lng - self.lng) * 0.5;
        let s_lat = half_dlat.sin();
        let s_lng = half_dlng.sin();
        let h = s_lat * s_lat + self.cos_lat * other.cos_lat * s_lng * s_lng;
        2.0 * EARTH_RADIUS_KM * h.clamp(0.0, 1.0).sqrt().asin()
    }

    /// Initial bearing towards `other`, radians clockwise from north.
    pub fn bearing_to(&self, other: &SpherePoint) -> f64 {
        let dlng = other.lng - self.lng;
        let y = dlng.sin() * other.cos_lat;
        let x = self.cos_lat * other.lat.sin() - self.lat.sin() * other.cos_lat * dlng.cos();
        y.atan2(x)
    }

    /// Unit vector in earth-centred coordinates.
    pub fn unit_vector(&self) -> [f64; 3] {
        [
            self.cos_lat * self.lng.cos(),
            self.cos_lat * self.lng.sin(),
            self.lat.sin(),
        ]
    }
}

/// Great-circle (haversine) distance in km.
pub fn distance_km(a: LatLng, b: LatLng) -> f64 {
    SpherePoint::new(a).distance_km(&SpherePoint::new(b))
}

/// The point `distance` km from `from` along the initial `bearing` (radians from north).
pub fn destination(from: LatLng, bearing: f64, distance: f64) -> LatLng {
    let delta = distance / EARTH_RADIUS_KM;
    let lat1 = from.lat.to_radians();
    let lng1 = from.lng.to_radians();
    let sin_lat2 = lat1.sin() * delta.cos() + lat1.cos() * delta.sin() * bearing.cos();
    let lat2 = sin_lat2.clamp(-1.0, 1.0).asin();
    let lng2 = lng1
        + (bearing.sin() * delta.sin() * lat1.cos()).atan2(delta.cos() - lat1.sin() * sin_lat2);
    LatLng {
        lat: lat2.to_degrees(),
        lng: normalize_lng(lng2.to_degrees()),
    }
}

/// The point `distance` km from `from` on the great circle towards `to`.
pub fn toward(from: LatLng, to: LatLng, distance: f64) -> LatLng {
    let bearing = SpherePoint::new(from).bearing_to(&SpherePoint::new(to));
    destination(from, bearing, distance)
}

fn normalize_lng(lng: f64) -> f64 {
    let wrapped = (lng + 180.0).rem_euclid(360.0) - 180.0;
    if wrapped == -180.0 && lng > 0.0 {
        180.0
    } else {
        wrapped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paris_to_london_is_about_344_km() {
        let paris = LatLng {
            lat: 48.8566,
            lng: 2.3522,
        };
        let london = LatLng {
            lat: 51.5074,
            lng: -0.1278,
        };
        let d = distance_km(paris, london);
        assert!((d - 343.5).abs() < 1.0, "{d}");
    }

    #[test]
    fn one_degree_of_latitude_is_r_times_pi_over_180() {
        let d = distance_km(LatLng { lat: 0.0, lng: 0.0 }, LatLng { lat: 1.0, lng: 0.0 });
        assert!((d - EARTH_RADIUS_KM * std::f64::consts::PI / 180.0).abs() < 1e-9);
    }

    #[test]
    fn toward_lands_on_the_great_circle_at_the_distance() {
        let a = LatLng {
            lat: 48.0,
            lng: 179.9,
        };
        let b = LatLng {
            lat: 48.3,
            lng: -179.7,
        };
        let total = distance_km(a, b);
        let mid = toward(a, b, total * 0.25);
        assert!((distance_km(a, mid) - total * 0.25).abs() < 1e-6);
        assert!((distance_km(mid, b) - total * 0.75).abs() < 1e-6);
        assert!(mid.lng >= -180.0 && mid.lng <= 180.0);
    }
}
