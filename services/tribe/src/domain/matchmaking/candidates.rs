//! The people to match, as the user service's MatchingService lists them, converted into the
//! engine's candidates.

use std::collections::HashMap;

use circle_core::auth::{IdentityKey, Principal};
use circle_core::client::retry_unavailable;
use circle_matching::{
    Candidate, CommunicationStyle, InterestCategory as EngineCategory, InterestLevel, LatLng,
    Traits,
};
use circle_proto::user::v1 as user;
use circle_proto::user::v1::matching_service_client::MatchingServiceClient;
use tonic::transport::Channel;

use crate::domain::{InterestCategory, UserId};
use crate::error::Error;

/// Tries per page, the first included.
const ATTEMPTS: u32 = 3;
/// The largest page the user service serves.
const PAGE_SIZE: i32 = 1000;

#[derive(Clone)]
pub struct CandidateSource {
    client: MatchingServiceClient<Channel>,
    identity: IdentityKey,
}

impl CandidateSource {
    pub fn new(user_service: Channel, identity: IdentityKey) -> Self {
        Self {
            client: MatchingServiceClient::new(user_service),
            identity,
        }
    }

    /// Everyone who opted in, page by page.
    pub(super) async fn all(&self) -> Result<Vec<user::MatchingCandidate>, Error> {
        let me = Principal::Service {
            name: crate::SERVICE.to_owned(),
        };
        let mut everyone = Vec::new();
        let mut page_token = String::new();
        loop {
            let message = user::ListMatchingCandidatesRequest {
                page_size: PAGE_SIZE,
                page_token: page_token.clone(),
            };
            let page = retry_unavailable(ATTEMPTS, || {
                let request = self.identity.outgoing(&me, message.clone());
                let mut client = self.client.clone();
                async move { client.list_matching_candidates(request).await }
            })
            .await
            .map_err(Error::Candidates)?
            .into_inner();
            everyone.extend(page.candidates);
            if page.next_page_token.is_empty() {
                return Ok(everyone);
            }
            page_token = page.next_page_token;
        }
    }
}

/// A person the engine can take, with what the tribe needs of them later.
pub(super) struct Person {
    pub user_id: UserId,
    pub candidate: Candidate,
}

/// The engine's candidate for `listed`, kept apart from the people the user service's avoid
/// list names and from those `declined_with` holds for them; `None` when they lack a location,
/// a travel distance or an assessment (or the user service sent something the engine refuses).
pub(super) fn person(
    listed: user::MatchingCandidate,
    declined_with: &HashMap<UserId, Vec<UserId>>,
) -> Option<Person> {
    let user::MatchingCandidate {
        user_id,
        personality,
        interests,
        location,
        max_travel_km,
        communication_style,
        reliability,
        mut avoid_user_ids,
        connect_again_user_ids,
    } = listed;
    let id = UserId(uuid::Uuid::parse_str(&user_id).ok()?);
    if let Some(others) = declined_with.get(&id) {
        avoid_user_ids.extend(others.iter().map(UserId::to_string));
    }
    let traits = personality?.traits?;
    let score = |value: Option<i32>| value.and_then(|v| u8::try_from(v).ok());
    let traits = Traits::new([
        score(traits.openness)?,
        score(traits.conscientiousness)?,
        score(traits.extraversion)?,
        score(traits.agreeableness)?,
        score(traits.neuroticism)?,
    ])
    .ok()?;
    let location = location?;
    let max_travel_km = f64::from(max_travel_km.filter(|km| *km > 0)?);
    let interests = interests
        .into_iter()
        .filter_map(|interest| {
            Some(circle_matching::Interest {
                category: engine_category(interest.category())?,
                level: match interest.level() {
                    user::InterestLevel::Low => InterestLevel::Low,
                    user::InterestLevel::Medium => InterestLevel::Medium,
                    user::InterestLevel::High => InterestLevel::High,
                    user::InterestLevel::Unspecified => return None,
                },
                name: interest.name,
            })
        })
        .collect();
    let style = match user::CommunicationStyle::try_from(communication_style) {
        Ok(user::CommunicationStyle::Direct) => CommunicationStyle::Direct,
        Ok(user::CommunicationStyle::Thoughtful) => CommunicationStyle::Thoughtful,
        Ok(user::CommunicationStyle::Analytical) => CommunicationStyle::Analytical,
        Ok(user::CommunicationStyle::Expressive) => CommunicationStyle::Expressive,
        // Unset: the most common default of the product, so the person is still matched.
        Ok(user::CommunicationStyle::Supportive | user::CommunicationStyle::Unspecified)
        | Err(_) => CommunicationStyle::Supportive,
    };
    let candidate = Candidate::new(
        user_id,
        LatLng {
            lat: location.latitude,
            lng: location.longitude,
        },
        max_travel_km,
        traits,
        interests,
        style,
        avoid_user_ids,
    )
    .and_then(|c| c.with_reliability(reliability.map_or(1.0, |r| r.absentee_rating)))
    .and_then(|c| c.with_connect_again(connect_again_user_ids))
    .ok()?;
    Some(Person {
        user_id: id,
        candidate,
    })
}

fn engine_category(category: user::InterestCategory) -> Option<EngineCategory> {
    Some(match category {
        user::InterestCategory::OutdoorAdventures => EngineCategory::OutdoorAdventures,
        user::InterestCategory::ArtsCulture => EngineCategory::ArtsCulture,
        user::InterestCategory::FoodDining => EngineCategory::FoodDining,
        user::InterestCategory::SportsFitness => EngineCategory::SportsFitness,
        user::InterestCategory::GamesEntertainment => EngineCategory::GamesEntertainment,
        user::InterestCategory::LearningEducation => EngineCategory::LearningEducation,
        user::InterestCategory::Technology => EngineCategory::Technology,
        user::InterestCategory::WellnessMindfulness => EngineCategory::WellnessMindfulness,
        user::InterestCategory::Unspecified => return None,
    })
}

/// The tribe's category of an engine category.
pub(super) fn tribe_category(category: EngineCategory) -> InterestCategory {
    match category {
        EngineCategory::OutdoorAdventures => InterestCategory::OutdoorAdventures,
        EngineCategory::ArtsCulture => InterestCategory::ArtsCulture,
        EngineCategory::FoodDining => InterestCategory::FoodDining,
        EngineCategory::SportsFitness => InterestCategory::SportsFitness,
        EngineCategory::GamesEntertainment => InterestCategory::GamesEntertainment,
        EngineCategory::LearningEducation => InterestCategory::LearningEducation,
        EngineCategory::Technology => InterestCategory::Technology,
        EngineCategory::WellnessMindfulness => InterestCategory::WellnessMindfulness,
    }
}

/// The category each interest name has with the first person holding it.
pub(super) fn categories<'a>(
    people: impl IntoIterator<Item = &'a Candidate>,
) -> HashMap<&'a str, EngineCategory> {
    let mut found = HashMap::new();
    for person in people {
        for interest in person.interests() {
            found
                .entry(interest.name.as_str())
                .or_insert(interest.category);
        }
    }
    found
}
