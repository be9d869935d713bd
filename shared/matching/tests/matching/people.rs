//! Building candidates by hand.

use circle_matching::geo::{EARTH_RADIUS_KM, LatLng};
use circle_matching::{
    Candidate, CommunicationStyle, Interest, InterestCategory, InterestLevel, Traits,
};

pub struct Person {
    id: String,
    at: LatLng,
    travel: f64,
    traits: [u8; 5],
    interests: Vec<Interest>,
    style: CommunicationStyle,
    avoid: Vec<String>,
    reliability: f64,
    connect_again: Vec<String>,
}

pub fn person(id: &str) -> Person {
    Person {
        id: id.to_owned(),
        at: LatLng {
            lat: 48.0,
            lng: 2.0,
        },
        travel: 10.0,
        traits: [50; 5],
        interests: Vec::new(),
        style: CommunicationStyle::Direct,
        avoid: Vec::new(),
        reliability: 1.0,
        connect_again: Vec::new(),
    }
}

/// The point `east_km` east and `north_km` north of (48, 2), on a local flat approximation.
pub fn near_origin(east_km: f64, north_km: f64) -> LatLng {
    let km_per_degree = EARTH_RADIUS_KM * std::f64::consts::PI / 180.0;
    LatLng {
        lat: 48.0 + north_km / km_per_degree,
        lng: 2.0 + east_km / (km_per_degree * 48f64.to_radians().cos()),
    }
}

impl Person {
    pub fn at(mut self, at: LatLng) -> Self {
        self.at = at;
        self
    }

    pub fn travel(mut self, km: f64) -> Self {
        self.travel = km;
        self
    }

    pub fn traits(mut self, traits: [u8; 5]) -> Self {
        self.traits = traits;
        self
    }

    pub fn interest(mut self, name: &str, level: InterestLevel) -> Self {
        self.interests.push(Interest {
            name: name.to_owned(),
            category: InterestCategory::OutdoorAdventures,
            level,
        });
        self
    }

    pub fn style(mut self, style: CommunicationStyle) -> Self {
        self.style = style;
        self
    }

    pub fn avoid(mut self, id: &str) -> Self {
        self.avoid.push(id.to_owned());
        self
    }

    pub fn reliability(mut self, reliability: f64) -> Self {
        self.reliability = reliability;
        self
    }

    pub fn connect_again(mut self, id: &str) -> Self {
        self.connect_again.push(id.to_owned());
        self
    }

    pub fn build(self) -> Candidate {
        Candidate::new(
            self.id,
            self.at,
            self.travel,
            Traits::new(self.traits).expect("test traits are in range"),
            self.interests,
            self.style,
            self.avoid,
        )
        .and_then(|c| c.with_reliability(self.reliability))
        .and_then(|c| c.with_connect_again(self.connect_again))
        .expect("test candidates are valid")
    }
}
