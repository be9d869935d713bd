//! circle.edge.v1.InterestService: the interest catalog and people's interests, passed to the
//! user service, which enforces who may change what.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::interest_service_server::InterestService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::interest_service_client::InterestServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::error::Error;
use crate::upstream::USER;
use crate::validate;

pub struct InterestApi {
    context: Context,
    interests: InterestServiceClient<Channel>,
}

impl InterestApi {
    pub fn new(context: Context) -> Self {
        Self {
            interests: InterestServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

#[tonic::async_trait]
impl InterestService for InterestApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn create_interest(
        &self,
        request: Request<edge::CreateInterestRequest>,
    ) -> Result<Response<edge::CreateInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::CreateInterestRequest { name, category } = request.into_inner();
        validate::required("name", &name)?;
        let message = user::CreateInterestRequest { name, category };
        let user::CreateInterestResponse { interest } = self
            .context
            .upstream
            .call(
                USER,
                &self.interests,
                &person.acting,
                message,
                |mut c, r| async move { c.create_interest(r).await },
            )
            .await?;
        Ok(Response::new(edge::CreateInterestResponse {
            interest: Some(required_interest(interest)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_interest(
        &self,
        request: Request<edge::UpdateInterestRequest>,
    ) -> Result<Response<edge::UpdateInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::UpdateInterestRequest {
            interest,
            update_mask,
        } = request.into_inner();
        let message = user::UpdateInterestRequest {
            interest: interest.map(inward_interest),
            update_mask,
        };
        let user::UpdateInterestResponse { interest } = self
            .context
            .upstream
            .call(
                USER,
                &self.interests,
                &person.acting,
                message,
                |mut c, r| async move { c.update_interest(r).await },
            )
            .await?;
        Ok(Response::new(edge::UpdateInterestResponse {
            interest: Some(required_interest(interest)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_interest(
        &self,
        request: Request<edge::GetInterestRequest>,
    ) -> Result<Response<edge::GetInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::GetInterestRequest { interest_id } = request.into_inner();
        validate::required("interest_id", &interest_id)?;
        let message = user::GetInterestRequest { interest_id };
        let user::GetInterestResponse { interest } = self
            .context
            .upstream
            .call(
                USER,
                &self.interests,
                &person.acting,
                message,
                |mut c, r| async move { c.get_interest(r).await },
            )
            .await?;
        Ok(Response::new(edge::GetInterestResponse {
            interest: Some(required_interest(interest)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_interests(
        &self,
        request: Request<edge::ListInterestsRequest>,
    ) -> Result<Response<edge::ListInterestsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ListInterestsRequest {
            category,
            page_size,
            page_token,
        } = request.into_inner();
        validate::page_size(page_size)?;
        let message = user::ListInterestsRequest {
            category,
            page_size,
            page_token,
        };
        let user::ListInterestsResponse {
            interests,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.interests,
                &person.acting,
                message,
                |mut c, r| async move { c.list_interests(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListInterestsResponse {
            interests: interests.into_iter().map(outward_interest).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn search_interests(
        &self,
        request: Request<edge::SearchInterestsRequest>,
    ) -> Result<Response<edge::SearchInterestsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::SearchInterestsRequest {
            query,
            category,
            page_size,
            page_token,
        } = request.into_inner();
        validate::required("query", &query)?;
        validate::page_size(page_size)?;
        let message = user::SearchInterestsRequest {
            query,
            category,
            page_size,
            page_token,
        };
        let user::SearchInterestsResponse {
            interests,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.interests,
                &person.acting,
                message,
                |mut c, r| async move { c.search_interests(r).await },
            )
            .await?;
        Ok(Response::new(edge::SearchInterestsResponse {
            interests: interests.into_iter().map(outward_interest).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn add_profile_interest(
        &self,
        request: Request<edge::AddProfileInterestRequest>,
    ) -> Result<Response<edge::AddProfileInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::AddProfileInterestRequest { interest_id, level } = request.into_inner();
        validate::required("interest_id", &interest_id)?;
        let message = user::AddProfileInterestRequest { interest_id, level };
        let user::AddProfileInterestResponse { profile_interest } = self
            .context
            .upstream
            .call(
                USER,
                &self.interests,
                &person.acting,
                message,
                |mut c, r| async move { c.add_profile_interest(r).await },
            )
            .await?;
        Ok(Response::new(edge::AddProfileInterestResponse {
            profile_interest: Some(required_profile_interest(profile_interest)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_profile_interest(
        &self,
        request: Request<edge::UpdateProfileInterestRequest>,
    ) -> Result<Response<edge::UpdateProfileInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::UpdateProfileInterestRequest {
            interest_id,
            level,
            update_mask,
        } = request.into_inner();
        validate::required("interest_id", &interest_id)?;
        let message = user::UpdateProfileInterestRequest {
            interest_id,
            level,
            update_mask,
        };
        let user::UpdateProfileInterestResponse { profile_interest } = self
            .context
            .upstream
            .call(
                USER,
                &self.interests,
                &person.acting,
                message,
                |mut c, r| async move { c.update_profile_interest(r).await },
            )
            .await?;
        Ok(Response::new(edge::UpdateProfileInterestResponse {
            profile_interest: Some(required_profile_interest(profile_interest)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn remove_profile_interest(
        &self,
        request: Request<edge::RemoveProfileInterestRequest>,
    ) -> Result<Response<edge::RemoveProfileInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::RemoveProfileInterestRequest { interest_id } = request.into_inner();
        validate::required("interest_id", &interest_id)?;
        let message = user::RemoveProfileInterestRequest { interest_id };
        let user::RemoveProfileInterestResponse {} = self
            .context
            .upstream
            .call(
                USER,
                &self.interests,
                &person.acting,
                message,
                |mut c, r| async move { c.remove_profile_interest(r).await },
            )
            .await?;
        Ok(Response::new(edge::RemoveProfileInterestResponse {}))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_profile_interests(
        &self,
        request: Request<edge::ListProfileInterestsRequest>,
    ) -> Result<Response<edge::ListProfileInterestsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ListProfileInterestsRequest {
            user_id,
            page_size,
            page_token,
        } = request.into_inner();
        validate::required("user_id", &user_id)?;
        validate::page_size(page_size)?;
        let message = user::ListProfileInterestsRequest {
            user_id,
            page_size,
            page_token,
        };
        let user::ListProfileInterestsResponse {
            profile_interests,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.interests,
                &person.acting,
                message,
                |mut c, r| async move { c.list_profile_interests(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListProfileInterestsResponse {
            profile_interests: profile_interests
                .into_iter()
                .map(outward_profile_interest)
                .collect(),
            next_page_token,
        }))
    }
}

// The enums of both packages share their numbers, so they pass through as they are.

fn inward_interest(interest: edge::Interest) -> user::Interest {
    let edge::Interest {
        id,
        name,
        category,
        create_time,
        update_time,
    } = interest;
    user::Interest {
        id,
        name,
        category,
        create_time,
        update_time,
    }
}

fn outward_interest(interest: user::Interest) -> edge::Interest {
    let user::Interest {
        id,
        name,
        category,
        create_time,
        update_time,
    } = interest;
    edge::Interest {
        id,
        name,
        category,
        create_time,
        update_time,
    }
}

fn required_interest(interest: Option<user::Interest>) -> Result<edge::Interest, Error> {
    interest.map(outward_interest).ok_or(Error::Contract {
        service: USER,
        missing: "interest",
    })
}

fn outward_profile_interest(pick: user::ProfileInterest) -> edge::ProfileInterest {
    let user::ProfileInterest {
        user_id,
        interest,
        level,
        create_time,
        update_time,
    } = pick;
    edge::ProfileInterest {
        user_id,
        interest: interest.map(outward_interest),
        level,
        create_time,
        update_time,
    }
}

fn required_profile_interest(
    pick: Option<user::ProfileInterest>,
) -> Result<edge::ProfileInterest, Error> {
    pick.map(outward_profile_interest).ok_or(Error::Contract {
        service: USER,
        missing: "profile_interest",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_and_levels_share_their_numbers() {
        use edge::{InterestCategory as E, InterestLevel as EL};
        use user::{InterestCategory as U, InterestLevel as UL};
        let categories = [
            (U::Unspecified, E::Unspecified),
            (U::OutdoorAdventures, E::OutdoorAdventures),
            (U::ArtsCulture, E::ArtsCulture),
            (U::FoodDining, E::FoodDining),
            (U::SportsFitness, E::SportsFitness),
            (U::GamesEntertainment, E::GamesEntertainment),
            (U::LearningEducation, E::LearningEducation),
            (U::Technology, E::Technology),
            (U::WellnessMindfulness, E::WellnessMindfulness),
        ];
        for (inside, outside) in categories {
            assert_eq!(inside as i32, outside as i32);
            assert_eq!(inside.as_str_name(), outside.as_str_name());
        }
        for (inside, outside) in [
            (UL::Unspecified, EL::Unspecified),
            (UL::Low, EL::Low),
            (UL::Medium, EL::Medium),
            (UL::High, EL::High),
        ] {
            assert_eq!(inside as i32, outside as i32);
            assert_eq!(inside.as_str_name(), outside.as_str_name());
        }
    }
}
