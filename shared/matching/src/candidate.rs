//! A person who opted in to auto-matching, as validated domain values.

use std::collections::BTreeSet;
use std::fmt;

use crate::geo::LatLng;

/// The five OCEAN traits, in the order they are stored.
pub const TRAIT_NAMES: [&str; 5] = [
    "openness",
    "conscientiousness",
    "extraversion",
    "agreeableness",
    "neuroticism",
];

/// A value that failed validation, with the input field it came from (`traits.openness`,
/// `interests[2].level`, ...).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// OCEAN traits, each 0..=100.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traits([u8; 5]);

impl Traits {
    /// Values in the order of [`TRAIT_NAMES`].
    pub fn new(values: [u8; 5]) -> Result<Self, FieldError> {
        for (value, name) in values.iter().zip(TRAIT_NAMES) {
            if *value > 100 {
                return Err(FieldError::new(
                    format!("traits.{name}"),
                    format!("{value} is outside 0..=100"),
                ));
            }
        }
        Ok(Self(values))
    }

    pub fn values(&self) -> [u8; 5] {
        self.0
    }
}

/// How much someone cares about an interest; its weight in the interest similarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InterestLevel {
    Low,
    Medium,
    High,
}

impl InterestLevel {
    pub const ALL: [Self; 3] = [Self::Low, Self::Medium, Self::High];

    pub fn weight(self) -> u8 {
        match self {
            Self::Low => 1,
            Self::Medium => 2,
            Self::High => 3,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "LOW",
            Self::Medium => "MEDIUM",
            Self::High => "HIGH",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.as_str() == text)
    }
}

/// The interest categories of the Tribe data model (`InterestCategory`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum InterestCategory {
    OutdoorAdventures,
    ArtsCulture,
    FoodDining,
    SportsFitness,
    GamesEntertainment,
    LearningEducation,
    Technology,
    WellnessMindfulness,
}

impl InterestCategory {
    pub const ALL: [Self; 8] = [
        Self::OutdoorAdventures,
        Self::ArtsCulture,
        Self::FoodDining,
        Self::SportsFitness,
        Self::GamesEntertainment,
        Self::LearningEducation,
        Self::Technology,
        Self::WellnessMindfulness,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::OutdoorAdventures => "OUTDOOR_ADVENTURES",
            Self::ArtsCulture => "ARTS_CULTURE",
            Self::FoodDining => "FOOD_DINING",
            Self::SportsFitness => "SPORTS_FITNESS",
            Self::GamesEntertainment => "GAMES_ENTERTAINMENT",
            Self::LearningEducation => "LEARNING_EDUCATION",
            Self::Technology => "TECHNOLOGY",
            Self::WellnessMindfulness => "WELLNESS_MINDFULNESS",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|category| category.as_str() == text)
    }
}

/// Communication style preference of the Tribe data model (`CommunicationStyle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CommunicationStyle {
    Direct,
    Thoughtful,
    Supportive,
    Analytical,
    Expressive,
}

impl CommunicationStyle {
    pub const ALL: [Self; 5] = [
        Self::Direct,
        Self::Thoughtful,
        Self::Supportive,
        Self::Analytical,
        Self::Expressive,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Direct => "DIRECT",
            Self::Thoughtful => "THOUGHTFUL",
            Self::Supportive => "SUPPORTIVE",
            Self::Analytical => "ANALYTICAL",
            Self::Expressive => "EXPRESSIVE",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|style| style.as_str() == text)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interest {
    pub name: String,
    pub category: InterestCategory,
    pub level: InterestLevel,
}

/// One person to be matched. Built only through [`Candidate::new`], so every value is valid.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    user_id: String,
    location: LatLng,
    max_travel_km: f64,
    traits: Traits,
    interests: Vec<Interest>,
    style: CommunicationStyle,
    avoid: Vec<String>,
    reliability: f64,
    connect_again: Vec<String>,
}

impl Candidate {
    /// Validates: a non-empty user id, latitude in -90..=90, longitude in -180..=180, a finite
    /// positive travel distance, non-empty and distinct interest names, non-empty avoid entries.
    pub fn new(
        user_id: String,
        location: LatLng,
        max_travel_km: f64,
        traits: Traits,
        interests: Vec<Interest>,
        style: CommunicationStyle,
        avoid: Vec<String>,
    ) -> Result<Self, FieldError> {
        if user_id.trim().is_empty() {
            return Err(FieldError::new("user_id", "must not be empty"));
        }
        if !(location.lat.is_finite() && (-90.0..=90.0).contains(&location.lat)) {
            return Err(FieldError::new(
                "lat",
                format!("{} is outside -90..=90", location.lat),
            ));
        }
        if !(location.lng.is_finite() && (-180.0..=180.0).contains(&location.lng)) {
            return Err(FieldError::new(
                "lng",
                format!("{} is outside -180..=180", location.lng),
            ));
        }
        if !(max_travel_km.is_finite() && max_travel_km > 0.0) {
            return Err(FieldError::new(
                "max_travel_km",
                format!("{max_travel_km} is not a positive number of km"),
            ));
        }
        let mut names = BTreeSet::new();
        for (i, interest) in interests.iter().enumerate() {
            if interest.name.trim().is_empty() {
                return Err(FieldError::new(
                    format!("interests[{i}].name"),
                    "must not be empty",
                ));
            }
            if !names.insert(interest.name.as_str()) {
                return Err(FieldError::new(
                    format!("interests[{i}].name"),
                    format!("interest \"{}\" is listed twice", interest.name),
                ));
            }
        }
        no_empty_ids(&avoid, "avoid")?;
        Ok(Self {
            user_id,
            location,
            max_travel_km,
            traits,
            interests,
            style,
            avoid,
            reliability: 1.0,
            connect_again: Vec::new(),
        })
    }

    /// How reliably the person shows up, in 0..=1 (1, the default, when nothing is known). Only
    /// the engine's optional reliability signal ([`crate::MatchConfig::reliability_weight`])
    /// reads it.
    pub fn with_reliability(mut self, reliability: f64) -> Result<Self, FieldError> {
        if !(reliability.is_finite() && (0.0..=1.0).contains(&reliability)) {
            return Err(FieldError::new(
                "reliability",
                format!("{reliability} is outside 0..=1"),
            ));
        }
        self.reliability = reliability;
        Ok(self)
    }

    pub fn reliability(&self) -> f64 {
        self.reliability
    }

    /// User ids of the people this person met who want to meet again, as this person does (a
    /// mutual wish; the engine does not check that it is). Only the engine's optional
    /// connect-again signal ([`crate::MatchConfig::connect_again_weight`]) reads it.
    pub fn with_connect_again(mut self, user_ids: Vec<String>) -> Result<Self, FieldError> {
        no_empty_ids(&user_ids, "connect_again")?;
        self.connect_again = user_ids;
        Ok(self)
    }

    pub fn connect_again(&self) -> &[String] {
        &self.connect_again
    }

    pub fn user_id(&self) -> &str {
        &self.user_id
    }

    pub fn location(&self) -> LatLng {
        self.location
    }

    pub fn max_travel_km(&self) -> f64 {
        self.max_travel_km
    }

    pub fn traits(&self) -> Traits {
        self.traits
    }

    pub fn interests(&self) -> &[Interest] {
        &self.interests
    }

    pub fn style(&self) -> CommunicationStyle {
        self.style
    }

    /// User ids this person must not be grouped with (the block holds both ways).
    pub fn avoid(&self) -> &[String] {
        &self.avoid
    }
}

/// Refuses a blank entry of the user id list `field`, naming it (`avoid[2]`).
fn no_empty_ids(ids: &[String], field: &str) -> Result<(), FieldError> {
    match ids.iter().position(|id| id.trim().is_empty()) {
        Some(i) => Err(FieldError::new(
            format!("{field}[{i}]"),
            "must not be empty",
        )),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(lat: f64, travel: f64, interests: Vec<Interest>) -> Result<Candidate, FieldError> {
        Candidate::new(
            "u1".into(),
            LatLng { lat, lng: 2.0 },
            travel,
            Traits::new([50; 5]).unwrap(),
            interests,
            CommunicationStyle::Direct,
            vec![],
        )
    }

    #[test]
    fn traits_over_100_name_the_trait() {
        let err = Traits::new([10, 20, 101, 30, 40]).unwrap_err();
        assert_eq!(err.field, "traits.extraversion");
    }

    #[test]
    fn reliability_outside_0_to_1_is_refused() {
        let valid = candidate(48.0, 5.0, vec![]).unwrap();
        assert_eq!(valid.reliability(), 1.0);
        for bad in [-0.1, 1.5, f64::NAN] {
            let err = valid.clone().with_reliability(bad).unwrap_err();
            assert_eq!(err.field, "reliability");
        }
        assert_eq!(valid.with_reliability(0.25).unwrap().reliability(), 0.25);
    }

    #[test]
    fn an_empty_connect_again_entry_is_refused() {
        let valid = candidate(48.0, 5.0, vec![]).unwrap();
        let err = valid
            .clone()
            .with_connect_again(vec!["u2".into(), " ".into()])
            .unwrap_err();
        assert_eq!(err.field, "connect_again[1]");
        let with = valid.with_connect_again(vec!["u2".into()]).unwrap();
        assert_eq!(with.connect_again(), ["u2"]);
    }

    #[test]
    fn enums_round_trip_their_names() {
        for category in InterestCategory::ALL {
            assert_eq!(InterestCategory::parse(category.as_str()), Some(category));
        }
        for style in CommunicationStyle::ALL {
            assert_eq!(CommunicationStyle::parse(style.as_str()), Some(style));
        }
        for level in InterestLevel::ALL {
            assert_eq!(InterestLevel::parse(level.as_str()), Some(level));
        }
        assert_eq!(InterestLevel::parse("high"), None);
    }

    #[test]
    fn rejects_bad_location_travel_and_duplicate_interests() {
        assert_eq!(candidate(91.0, 5.0, vec![]).unwrap_err().field, "lat");
        assert_eq!(
            candidate(48.0, 0.0, vec![]).unwrap_err().field,
            "max_travel_km"
        );
        let hiking = Interest {
            name: "hiking".into(),
            category: InterestCategory::OutdoorAdventures,
            level: InterestLevel::High,
        };
        let err = candidate(48.0, 5.0, vec![hiking.clone(), hiking]).unwrap_err();
        assert_eq!(err.field, "interests[1].name");
    }
}
