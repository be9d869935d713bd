//! circle.edge.v1.AchievementService: the achievement catalog and people's awards, passed to
//! the user service, which enforces who may change and read what. Awards are made inside the
//! suite only, so the edge offers no way to make one.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::achievement_service_server::AchievementService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::achievement_service_client::AchievementServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::error::Error;
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
        let edge::CreateAchievementRequest {
            request_id,
            name,
            description,
            category,
            points,
            icon_url,
            criteria,
        } = request.into_inner();
        validate::required("name", &name)?;
        let message = user::CreateAchievementRequest {
            request_id,
            name,
            description,
            category,
            points,
            icon_url,
            criteria,
        };
        let user::CreateAchievementResponse { achievement } = self
            .context
            .upstream
            .call(
                USER,
                &self.achievements,
                &person.acting,
                message,
                |mut c, r| async move { c.create_achievement(r).await },
            )
            .await?;
        Ok(Response::new(edge::CreateAchievementResponse {
            achievement: Some(required_achievement(achievement)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_achievement(
        &self,
        request: Request<edge::UpdateAchievementRequest>,
    ) -> Result<Response<edge::UpdateAchievementResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::UpdateAchievementRequest {
            achievement,
            update_mask,
        } = request.into_inner();
        let message = user::UpdateAchievementRequest {
            achievement: achievement.map(inward_achievement),
            update_mask,
        };
        let user::UpdateAchievementResponse { achievement } = self
            .context
            .upstream
            .call(
                USER,
                &self.achievements,
                &person.acting,
                message,
                |mut c, r| async move { c.update_achievement(r).await },
            )
            .await?;
        Ok(Response::new(edge::UpdateAchievementResponse {
            achievement: Some(required_achievement(achievement)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_achievement(
        &self,
        request: Request<edge::GetAchievementRequest>,
    ) -> Result<Response<edge::GetAchievementResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::GetAchievementRequest { achievement_id } = request.into_inner();
        validate::required("achievement_id", &achievement_id)?;
        let message = user::GetAchievementRequest { achievement_id };
        let user::GetAchievementResponse { achievement } = self
            .context
            .upstream
            .call(
                USER,
                &self.achievements,
                &person.acting,
                message,
                |mut c, r| async move { c.get_achievement(r).await },
            )
            .await?;
        Ok(Response::new(edge::GetAchievementResponse {
            achievement: Some(required_achievement(achievement)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_achievements(
        &self,
        request: Request<edge::ListAchievementsRequest>,
    ) -> Result<Response<edge::ListAchievementsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ListAchievementsRequest {
            category,
            page_size,
            page_token,
        } = request.into_inner();
        validate::page_size(page_size)?;
        let message = user::ListAchievementsRequest {
            category,
            page_size,
            page_token,
        };
        let user::ListAchievementsResponse {
            achievements,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.achievements,
                &person.acting,
                message,
                |mut c, r| async move { c.list_achievements(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListAchievementsResponse {
            achievements: achievements.into_iter().map(outward_achievement).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_user_achievements(
        &self,
        request: Request<edge::ListUserAchievementsRequest>,
    ) -> Result<Response<edge::ListUserAchievementsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ListUserAchievementsRequest {
            user_id,
            page_size,
            page_token,
        } = request.into_inner();
        validate::required("user_id", &user_id)?;
        validate::page_size(page_size)?;
        let message = user::ListUserAchievementsRequest {
            user_id,
            page_size,
            page_token,
        };
        let user::ListUserAchievementsResponse {
            user_achievements,
            next_page_token,
            total_points,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.achievements,
                &person.acting,
                message,
                |mut c, r| async move { c.list_user_achievements(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListUserAchievementsResponse {
            user_achievements: user_achievements
                .into_iter()
                .map(outward_user_achievement)
                .collect(),
            next_page_token,
            total_points,
        }))
    }
}

fn inward_achievement(achievement: edge::Achievement) -> user::Achievement {
    let edge::Achievement {
        id,
        name,
        description,
        category,
        points,
        icon_url,
        criteria,
        create_time,
        update_time,
    } = achievement;
    user::Achievement {
        id,
        name,
        description,
        category,
        points,
        icon_url,
        criteria,
        create_time,
        update_time,
    }
}

fn outward_achievement(achievement: user::Achievement) -> edge::Achievement {
    let user::Achievement {
        id,
        name,
        description,
        category,
        points,
        icon_url,
        criteria,
        create_time,
        update_time,
    } = achievement;
    edge::Achievement {
        id,
        name,
        description,
        category,
        points,
        icon_url,
        criteria,
        create_time,
        update_time,
    }
}

fn required_achievement(
    achievement: Option<user::Achievement>,
) -> Result<edge::Achievement, Error> {
    achievement.map(outward_achievement).ok_or(Error::Contract {
        service: USER,
        missing: "achievement",
    })
}

fn outward_user_achievement(award: user::UserAchievement) -> edge::UserAchievement {
    let user::UserAchievement {
        id,
        user_id,
        achievement,
        points,
        metadata,
        award_time,
    } = award;
    edge::UserAchievement {
        id,
        user_id,
        achievement: achievement.map(outward_achievement),
        points,
        metadata,
        award_time,
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
