//! The Tribe interest vocabulary, stored as text, and a catalog name.

use circle_core::text::{InvalidValue, Lines, check_text};

circle_core::text_enum! {
    pub enum InterestCategory {
        OutdoorAdventures = "OUTDOOR_ADVENTURES",
        ArtsCulture = "ARTS_CULTURE",
        FoodDining = "FOOD_DINING",
        SportsFitness = "SPORTS_FITNESS",
        GamesEntertainment = "GAMES_ENTERTAINMENT",
        LearningEducation = "LEARNING_EDUCATION",
        Technology = "TECHNOLOGY",
        WellnessMindfulness = "WELLNESS_MINDFULNESS",
    }
}

circle_core::text_enum! {
    pub enum InterestLevel {
        Low = "LOW",
        Medium = "MEDIUM",
        High = "HIGH",
    }
}

/// The name of a catalog interest: trimmed, 1 to 64 characters on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InterestName(String);

impl InterestName {
    pub const MAX_CHARS: usize = 64;

    pub fn parse(raw: &str) -> Result<InterestName, InvalidValue> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(InvalidValue("is required".to_owned()));
        }
        check_text(name, Self::MAX_CHARS, Lines::Single)?;
        Ok(InterestName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_single_line_and_bounded() {
        assert_eq!(InterestName::parse("  Hiking ").unwrap().as_str(), "Hiking");
        assert!(InterestName::parse("   ").is_err());
        assert!(InterestName::parse("a\nb").is_err());
        assert!(InterestName::parse(&"x".repeat(65)).is_err());
        assert!(InterestName::parse(&"é".repeat(64)).is_ok());
    }
}
