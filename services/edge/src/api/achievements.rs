//! circle.edge.v1.AchievementService: the achievement catalog and people's awards, passed to
//! the user service, which enforces who may change and read what. Awards are made inside the
//! suite only, so the edge offers no way to make one. The public messages are wire-identical
//! copies of the internal ones (see [`crate::wire_copy`]).

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::achievement_service_server::AchievementService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::achievement_service_client::AchievementServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, promised, relay};
use crate::upstream::USER;
use crate::validate;

pub struct AchievementApi {
    context: Context,
    achievements: AchievementServiceClient<Channel>,
}

impl AchievementApi {
    pub fn new(context: Context) -> Self {
        Self {
            achievements: AchievementServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

#[tonic::async_trait]
impl AchievementService for AchievementApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn create_achievement(
        &self,
        request: Request<edge::CreateAchievementRequest>,
    ) -> Result<Response<edge::CreateAchievementResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("name", &request.get_ref().name)?;
        let answer: edge::CreateAchievementResponse = relay!(
            self,
            request as person,
            USER,
            achievements.create_achievement,
            user::CreateAchievementRequest
        );
        promised(USER, &answer.achievement, "achievement")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_achievement(
        &self,
        request: Request<edge::UpdateAchievementRequest>,
    ) -> Result<Response<edge::UpdateAchievementResponse>, Status> {
        let person = self.context.person(&request)?;
        let answer: edge::UpdateAchievementResponse = relay!(
            self,
            request as person,
            USER,
            achievements.update_achievement,
            user::UpdateAchievementRequest
        );
        promised(USER, &answer.achievement, "achievement")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_achievement(
        &self,
        request: Request<edge::GetAchievementRequest>,
    ) -> Result<Response<edge::GetAchievementResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("achievement_id", &request.get_ref().achievement_id)?;
        let answer: edge::GetAchievementResponse = relay!(
            self,
            request as person,
            USER,
            achievements.get_achievement,
            user::GetAchievementRequest
        );
        promised(USER, &answer.achievement, "achievement")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_achievements(
        &self,
        request: Request<edge::ListAchievementsRequest>,
    ) -> Result<Response<edge::ListAchievementsResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::page_size(request.get_ref().page_size)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            achievements.list_achievements,
            user::ListAchievementsRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_user_achievements(
        &self,
        request: Request<edge::ListUserAchievementsRequest>,
    ) -> Result<Response<edge::ListUserAchievementsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ListUserAchievementsRequest {
            user_id, page_size, ..
        } = request.get_ref();
        validate::required("user_id", user_id)?;
        validate::page_size(*page_size)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            achievements.list_user_achievements,
            user::ListUserAchievementsRequest
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_share_their_numbers() {
        use edge::AchievementCategory as E;
        use user::AchievementCategory as U;
        for (inside, outside) in [
            (U::Unspecified, E::Unspecified),
            (U::Participation, E::Participation),
            (U::Social, E::Social),
            (U::Hosting, E::Hosting),
            (U::Milestone, E::Milestone),
        ] {
            assert_eq!(inside as i32, outside as i32);
            assert_eq!(inside.as_str_name(), outside.as_str_name());
        }
    }
}
