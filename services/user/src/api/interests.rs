//! circle.user.v1.InterestService.

use circle_core::error::invalid_argument;
use circle_core::paging::{Cursor, page_size};
use circle_core::text::field;
use circle_core::wire::{mask_paths, timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::interest_service_server::InterestService;
use tonic::{Request, Response, Status};

use crate::domain::{InterestCategory, InterestId, InterestLevel, InterestName, UserId};
use crate::interests::{self, InterestUpdate, ProfileInterest};
use crate::state::AppState;
use crate::store::interests::{InterestRow, NameCursor};

/// Search pages are numbered by offset; beyond this the query should be narrowed instead.
const MAX_SEARCH_OFFSET: i32 = 1000;

pub struct InterestApi {
    state: AppState,
}

impl InterestApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

#[tonic::async_trait]
impl InterestService for InterestApi {
    #[tracing::instrument(skip_all)]
    async fn create_interest(
        &self,
        request: Request<pb::CreateInterestRequest>,
    ) -> Result<Response<pb::CreateInterestResponse>, Status> {
        let pb::CreateInterestRequest { name, category } = request.get_ref();
        let name = field("name", InterestName::parse(name))?;
        let category = required_category("category", *category)?;
        let interest = interests::create(&self.state, &request, name, category).await?;
        Ok(Response::new(pb::CreateInterestResponse {
            interest: Some(interest.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_interest(
        &self,
        request: Request<pb::UpdateInterestRequest>,
    ) -> Result<Response<pb::UpdateInterestResponse>, Status> {
        let pb::UpdateInterestRequest {
            interest,
            update_mask,
        } = request.get_ref();
        let paths = mask_paths(update_mask.as_ref(), &["name", "category"])?;
        let pb::Interest {
            id,
            name,
            category,
            create_time: _,
            update_time: _,
        } = interest
            .as_ref()
            .ok_or_else(|| invalid_argument("interest", "is required"))?;
        let changes = |path: &str| paths.iter().any(|p| p == path);
        let update = InterestUpdate {
            id: InterestId::from(uuid("interest.id", id)?),
            name: changes("name")
                .then(|| field("interest.name", InterestName::parse(name)))
                .transpose()?,
            category: changes("category")
                .then(|| required_category("interest.category", *category))
                .transpose()?,
        };
        let interest = interests::update(&self.state, &request, update).await?;
        Ok(Response::new(pb::UpdateInterestResponse {
            interest: Some(interest.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_interest(
        &self,
        request: Request<pb::GetInterestRequest>,
    ) -> Result<Response<pb::GetInterestResponse>, Status> {
        let pb::GetInterestRequest { interest_id } = request.get_ref();
        let id = InterestId::from(uuid("interest_id", interest_id)?);
        let interest = interests::get(&self.state, &request, id).await?;
        Ok(Response::new(pb::GetInterestResponse {
            interest: Some(interest.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_interests(
        &self,
        request: Request<pb::ListInterestsRequest>,
    ) -> Result<Response<pb::ListInterestsResponse>, Status> {
        let pb::ListInterestsRequest {
            category,
            page_size: size,
            page_token,
        } = request.get_ref();
        let category = optional_category("category", *category)?;
        let size = page_size(*size)?;
        let after = decode_name_cursor(page_token)?;
        let (rows, next) = interests::list(&self.state, &request, category, after, size).await?;
        Ok(Response::new(pb::ListInterestsResponse {
            interests: rows.into_iter().map(Into::into).collect(),
            next_page_token: next
                .map(|cursor| encode_name_cursor(&cursor))
                .unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn search_interests(
        &self,
        request: Request<pb::SearchInterestsRequest>,
    ) -> Result<Response<pb::SearchInterestsResponse>, Status> {
        let pb::SearchInterestsRequest {
            query,
            category,
            page_size: size,
            page_token,
        } = request.get_ref();
        let query = field("query", InterestName::parse(query))?;
        let category = optional_category("category", *category)?;
        let size = page_size(*size)? as i32;
        let offset = decode_offset(page_token)?;
        let (rows, next) = interests::search(
            &self.state,
            &request,
            query.as_str(),
            category,
            offset,
            size,
        )
        .await?;
        Ok(Response::new(pb::SearchInterestsResponse {
            interests: rows.into_iter().map(Into::into).collect(),
            next_page_token: next
                .filter(|offset| *offset <= MAX_SEARCH_OFFSET)
                .map(encode_offset)
                .unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn add_profile_interest(
        &self,
        request: Request<pb::AddProfileInterestRequest>,
    ) -> Result<Response<pb::AddProfileInterestResponse>, Status> {
        let pb::AddProfileInterestRequest { interest_id, level } = request.get_ref();
        let interest_id = InterestId::from(uuid("interest_id", interest_id)?);
        let level = required_level(*level)?;
        let added = interests::add_to_profile(&self.state, &request, interest_id, level).await?;
        Ok(Response::new(pb::AddProfileInterestResponse {
            profile_interest: Some(profile_interest(added)),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_profile_interest(
        &self,
        request: Request<pb::UpdateProfileInterestRequest>,
    ) -> Result<Response<pb::UpdateProfileInterestResponse>, Status> {
        let pb::UpdateProfileInterestRequest {
            interest_id,
            level,
            update_mask,
        } = request.get_ref();
        mask_paths(update_mask.as_ref(), &["level"])?;
        let interest_id = InterestId::from(uuid("interest_id", interest_id)?);
        let level = required_level(*level)?;
        let updated =
            interests::set_profile_level(&self.state, &request, interest_id, level).await?;
        Ok(Response::new(pb::UpdateProfileInterestResponse {
            profile_interest: Some(profile_interest(updated)),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn remove_profile_interest(
        &self,
        request: Request<pb::RemoveProfileInterestRequest>,
    ) -> Result<Response<pb::RemoveProfileInterestResponse>, Status> {
        let pb::RemoveProfileInterestRequest { interest_id } = request.get_ref();
        let interest_id = InterestId::from(uuid("interest_id", interest_id)?);
        interests::remove_from_profile(&self.state, &request, interest_id).await?;
        Ok(Response::new(pb::RemoveProfileInterestResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn list_profile_interests(
        &self,
        request: Request<pb::ListProfileInterestsRequest>,
    ) -> Result<Response<pb::ListProfileInterestsResponse>, Status> {
        let pb::ListProfileInterestsRequest {
            user_id,
            page_size: size,
            page_token,
        } = request.get_ref();
        let user_id = UserId::from(uuid("user_id", user_id)?);
        let size = page_size(*size)?;
        let after = Cursor::decode(page_token)?;
        let (picks, next) =
            interests::list_of_profile(&self.state, &request, user_id, after, size).await?;
        Ok(Response::new(pb::ListProfileInterestsResponse {
            profile_interests: picks.into_iter().map(profile_interest).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        }))
    }
}

fn optional_category(name: &str, value: i32) -> Result<Option<InterestCategory>, Status> {
    use pb::InterestCategory as In;
    let category = match In::try_from(value) {
        Ok(In::Unspecified) => return Ok(None),
        Ok(In::OutdoorAdventures) => InterestCategory::OutdoorAdventures,
        Ok(In::ArtsCulture) => InterestCategory::ArtsCulture,
        Ok(In::FoodDining) => InterestCategory::FoodDining,
        Ok(In::SportsFitness) => InterestCategory::SportsFitness,
        Ok(In::GamesEntertainment) => InterestCategory::GamesEntertainment,
        Ok(In::LearningEducation) => InterestCategory::LearningEducation,
        Ok(In::Technology) => InterestCategory::Technology,
        Ok(In::WellnessMindfulness) => InterestCategory::WellnessMindfulness,
        Err(_) => return Err(invalid_argument(name, format!("unknown category {value}"))),
    };
    Ok(Some(category))
}

fn required_category(name: &str, value: i32) -> Result<InterestCategory, Status> {
    optional_category(name, value)?.ok_or_else(|| invalid_argument(name, "is required"))
}

fn required_level(value: i32) -> Result<InterestLevel, Status> {
    use pb::InterestLevel as In;
    match In::try_from(value) {
        Ok(In::Low) => Ok(InterestLevel::Low),
        Ok(In::Medium) => Ok(InterestLevel::Medium),
        Ok(In::High) => Ok(InterestLevel::High),
        Ok(In::Unspecified) => Err(invalid_argument("level", "is required")),
        Err(_) => Err(invalid_argument("level", format!("unknown level {value}"))),
    }
}

pub fn category_message(category: InterestCategory) -> pb::InterestCategory {
    use pb::InterestCategory as Out;
    match category {
        InterestCategory::OutdoorAdventures => Out::OutdoorAdventures,
        InterestCategory::ArtsCulture => Out::ArtsCulture,
        InterestCategory::FoodDining => Out::FoodDining,
        InterestCategory::SportsFitness => Out::SportsFitness,
        InterestCategory::GamesEntertainment => Out::GamesEntertainment,
        InterestCategory::LearningEducation => Out::LearningEducation,
        InterestCategory::Technology => Out::Technology,
        InterestCategory::WellnessMindfulness => Out::WellnessMindfulness,
    }
}

pub fn level_message(level: InterestLevel) -> pb::InterestLevel {
    match level {
        InterestLevel::Low => pb::InterestLevel::Low,
        InterestLevel::Medium => pb::InterestLevel::Medium,
        InterestLevel::High => pb::InterestLevel::High,
    }
}

impl From<InterestRow> for pb::Interest {
    fn from(row: InterestRow) -> Self {
        pb::Interest {
            id: row.id.to_string(),
            name: row.name,
            category: category_message(row.category).into(),
            create_time: Some(timestamp(row.created_at)),
            update_time: Some(timestamp(row.updated_at)),
        }
    }
}

fn profile_interest((pick, interest): ProfileInterest) -> pb::ProfileInterest {
    pb::ProfileInterest {
        user_id: pick.user_id.to_string(),
        interest: Some(interest.into()),
        level: level_message(pick.level).into(),
        create_time: Some(timestamp(pick.created_at)),
        update_time: Some(timestamp(pick.updated_at)),
    }
}

const BAD_TOKEN: &str = "is not a token this list returned";

fn encode_name_cursor(cursor: &NameCursor) -> String {
    hex::encode(format!("{}\n{}", cursor.id, cursor.name))
}

fn decode_name_cursor(token: &str) -> Result<Option<NameCursor>, Status> {
    if token.is_empty() {
        return Ok(None);
    }
    let invalid = || invalid_argument("page_token", BAD_TOKEN);
    let raw =
        String::from_utf8(hex::decode(token).map_err(|_| invalid())?).map_err(|_| invalid())?;
    let (id, name) = raw.split_once('\n').ok_or_else(invalid)?;
    let id: uuid::Uuid = id.parse().map_err(|_| invalid())?;
    Ok(Some(NameCursor {
        name: name.to_owned(),
        id: InterestId::from(id),
    }))
}

fn encode_offset(offset: i32) -> String {
    hex::encode(format!("offset:{offset}"))
}

fn decode_offset(token: &str) -> Result<i32, Status> {
    if token.is_empty() {
        return Ok(0);
    }
    let invalid = || invalid_argument("page_token", BAD_TOKEN);
    let raw =
        String::from_utf8(hex::decode(token).map_err(|_| invalid())?).map_err(|_| invalid())?;
    raw.strip_prefix("offset:")
        .and_then(|offset| offset.parse().ok())
        .filter(|offset| (0..=MAX_SEARCH_OFFSET).contains(offset))
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_garbage_is_refused() {
        let cursor = NameCursor {
            name: "board games\nand more".into(),
            id: InterestId::generate(),
        };
        assert_eq!(
            decode_name_cursor(&encode_name_cursor(&cursor)).unwrap(),
            Some(cursor)
        );
        assert_eq!(decode_offset(&encode_offset(40)).unwrap(), 40);
        for garbage in ["zz", "00", &hex::encode("offset:-1"), &encode_offset(5000)] {
            assert!(decode_offset(garbage).is_err(), "{garbage}");
        }
        assert!(decode_name_cursor("abc").is_err());
    }
}
