//! circle.user.v1.AchievementService.

use circle_core::error::invalid_argument;
use circle_core::paging::{Cursor, page_size};
use circle_core::text::field;
use circle_core::wire::{mask_paths, optional_uuid, timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::achievement_service_server::AchievementService;
use tonic::{Request, Response, Status};

use super::convert::{json_struct, struct_json};
use crate::achievements::{self, Award, EntryUpdate, NewEntry};
use crate::domain::achievement::{description, points};
use crate::domain::profile::https_url;
use crate::domain::{AchievementCategory, AchievementId, AchievementName, JsonObject, UserId};
use crate::error::Error;
use crate::state::AppState;
use crate::store::achievements::AchievementRow;

pub struct AchievementApi {
    state: AppState,
}

impl AchievementApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

#[tonic::async_trait]
impl AchievementService for AchievementApi {
    #[tracing::instrument(skip_all)]
    async fn create_achievement(
        &self,
        request: Request<pb::CreateAchievementRequest>,
    ) -> Result<Response<pb::CreateAchievementResponse>, Status> {
        let pb::CreateAchievementRequest {
            request_id,
            name,
            description: about,
            category,
            points: worth,
            icon_url,
            criteria,
        } = request.get_ref().clone();
        let new = NewEntry {
            request_id: optional_uuid("request_id", &request_id)?,
            name: field("name", AchievementName::parse(&name))?,
            description: field("description", description(&about))?,
            category: required_category("category", category)?,
            points: field("points", points(worth))?,
            icon_url: https_url("icon_url", &icon_url)?,
            criteria: json_object("criteria", criteria)?,
        };
        let achievement = achievements::create(&self.state, &request, new).await?;
        Ok(Response::new(pb::CreateAchievementResponse {
            achievement: Some(achievement.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_achievement(
        &self,
        request: Request<pb::UpdateAchievementRequest>,
    ) -> Result<Response<pb::UpdateAchievementResponse>, Status> {
        let pb::UpdateAchievementRequest {
            achievement,
            update_mask,
        } = request.get_ref().clone();
        let paths = mask_paths(
            update_mask.as_ref(),
            &[
                "name",
                "description",
                "category",
                "points",
                "icon_url",
                "criteria",
            ],
        )?;
        let pb::Achievement {
            id,
            name,
            description: about,
            category,
            points: worth,
            icon_url,
            criteria,
            create_time: _,
            update_time: _,
        } = achievement.ok_or_else(|| invalid_argument("achievement", "is required"))?;
        let changes = |path: &str| paths.iter().any(|p| p == path);
        let update = EntryUpdate {
            id: AchievementId::from(uuid("achievement.id", &id)?),
            name: changes("name")
                .then(|| field("achievement.name", AchievementName::parse(&name)))
                .transpose()?,
            description: changes("description")
                .then(|| field("achievement.description", description(&about)))
                .transpose()?,
            category: changes("category")
                .then(|| required_category("achievement.category", category))
                .transpose()?,
            points: changes("points")
                .then(|| field("achievement.points", points(worth)))
                .transpose()?,
            icon_url: changes("icon_url")
                .then(|| https_url("achievement.icon_url", &icon_url))
                .transpose()?,
            criteria: changes("criteria")
                .then(|| json_object("achievement.criteria", criteria))
                .transpose()?,
        };
        let achievement = achievements::update(&self.state, &request, update).await?;
        Ok(Response::new(pb::UpdateAchievementResponse {
            achievement: Some(achievement.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_achievement(
        &self,
        request: Request<pb::GetAchievementRequest>,
    ) -> Result<Response<pb::GetAchievementResponse>, Status> {
        let pb::GetAchievementRequest { achievement_id } = request.get_ref();
        let id = AchievementId::from(uuid("achievement_id", achievement_id)?);
        let achievement = achievements::get(&self.state, &request, id).await?;
        Ok(Response::new(pb::GetAchievementResponse {
            achievement: Some(achievement.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_achievements(
        &self,
        request: Request<pb::ListAchievementsRequest>,
    ) -> Result<Response<pb::ListAchievementsResponse>, Status> {
        let pb::ListAchievementsRequest {
            category,
            page_size: size,
            page_token,
        } = request.get_ref();
        let category = optional_category("category", *category)?;
        let size = page_size(*size)?;
        let after = Cursor::decode(page_token)?;
        let (rows, next) = achievements::list(&self.state, &request, category, after, size).await?;
        Ok(Response::new(pb::ListAchievementsResponse {
            achievements: rows.into_iter().map(Into::into).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all, fields(newly_awarded))]
    async fn award_achievement(
        &self,
        request: Request<pb::AwardAchievementRequest>,
    ) -> Result<Response<pb::AwardAchievementResponse>, Status> {
        let pb::AwardAchievementRequest {
            user_id,
            achievement_id,
            metadata,
        } = request.get_ref().clone();
        let user = UserId::from(uuid("user_id", &user_id)?);
        let achievement = AchievementId::from(uuid("achievement_id", &achievement_id)?);
        let metadata = match metadata {
            Some(fields) => json_object("metadata", Some(fields))?,
            None => JsonObject::empty(),
        };
        let awarded =
            achievements::award(&self.state, &request, user, achievement, metadata).await?;
        tracing::Span::current().record("newly_awarded", awarded.newly);
        Ok(Response::new(pb::AwardAchievementResponse {
            user_achievement: Some(user_achievement(awarded.award)),
            newly_awarded: awarded.newly,
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_user_achievements(
        &self,
        request: Request<pb::ListUserAchievementsRequest>,
    ) -> Result<Response<pb::ListUserAchievementsResponse>, Status> {
        let pb::ListUserAchievementsRequest {
            user_id,
            page_size: size,
            page_token,
        } = request.get_ref();
        let user = UserId::from(uuid("user_id", user_id)?);
        let size = page_size(*size)?;
        let after = Cursor::decode(page_token)?;
        let (awards, next, total) =
            achievements::list_of_user(&self.state, &request, user, after, size).await?;
        Ok(Response::new(pb::ListUserAchievementsResponse {
            user_achievements: awards.into_iter().map(user_achievement).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
            total_points: total,
        }))
    }
}

/// A required JSON object: absent, or not one to keep, is refused naming `name`.
fn json_object(
    name: &'static str,
    value: Option<prost_types::Struct>,
) -> Result<JsonObject, Error> {
    let fields = value.ok_or_else(|| Error::invalid(name, "is required (may be {})"))?;
    JsonObject::parse(struct_json(name, fields)?).map_err(|reason| Error::invalid(name, reason.0))
}

fn optional_category(name: &str, value: i32) -> Result<Option<AchievementCategory>, Status> {
    use pb::AchievementCategory as In;
    let category = match In::try_from(value) {
        Ok(In::Unspecified) => return Ok(None),
        Ok(In::Participation) => AchievementCategory::Participation,
        Ok(In::Social) => AchievementCategory::Social,
        Ok(In::Hosting) => AchievementCategory::Hosting,
        Ok(In::Milestone) => AchievementCategory::Milestone,
        Err(_) => return Err(invalid_argument(name, format!("unknown category {value}"))),
    };
    Ok(Some(category))
}

fn required_category(name: &str, value: i32) -> Result<AchievementCategory, Status> {
    optional_category(name, value)?.ok_or_else(|| invalid_argument(name, "is required"))
}

fn category_message(category: AchievementCategory) -> pb::AchievementCategory {
    use pb::AchievementCategory as Out;
    match category {
        AchievementCategory::Participation => Out::Participation,
        AchievementCategory::Social => Out::Social,
        AchievementCategory::Hosting => Out::Hosting,
        AchievementCategory::Milestone => Out::Milestone,
    }
}

impl From<AchievementRow> for pb::Achievement {
    fn from(row: AchievementRow) -> Self {
        pb::Achievement {
            id: row.id.to_string(),
            name: row.name,
            description: row.description,
            category: category_message(row.category).into(),
            points: row.points,
            icon_url: row.icon_url,
            criteria: Some(json_struct(row.criteria)),
            create_time: Some(timestamp(row.created_at)),
            update_time: Some(timestamp(row.updated_at)),
        }
    }
}

fn user_achievement((award, achievement): Award) -> pb::UserAchievement {
    pb::UserAchievement {
        id: award.id.to_string(),
        user_id: award.user_id.to_string(),
        achievement: Some(achievement.into()),
        points: award.points,
        metadata: Some(json_struct(award.metadata)),
        award_time: Some(timestamp(award.awarded_at)),
    }
}
