//! circle.edge.v1.InterestService: the interest catalog and people's interests, passed to the
//! user service, which enforces who may change what. The public messages are wire-identical
//! copies of the internal ones (see [`crate::wire_copy`]).

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::interest_service_server::InterestService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::interest_service_client::InterestServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, promised, relay};
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
        validate::required("name", &request.get_ref().name)?;
        let answer: edge::CreateInterestResponse = relay!(
            self,
            request as person,
            USER,
            interests.create_interest,
            user::CreateInterestRequest
        );
        promised(USER, &answer.interest, "interest")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_interest(
        &self,
        request: Request<edge::UpdateInterestRequest>,
    ) -> Result<Response<edge::UpdateInterestResponse>, Status> {
        let answer: edge::UpdateInterestResponse = relay!(
            self,
            request,
            USER,
            interests.update_interest,
            user::UpdateInterestRequest
        );
        promised(USER, &answer.interest, "interest")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_interest(
        &self,
        request: Request<edge::GetInterestRequest>,
    ) -> Result<Response<edge::GetInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("interest_id", &request.get_ref().interest_id)?;
        let answer: edge::GetInterestResponse = relay!(
            self,
            request as person,
            USER,
            interests.get_interest,
            user::GetInterestRequest
        );
        promised(USER, &answer.interest, "interest")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_interests(
        &self,
        request: Request<edge::ListInterestsRequest>,
    ) -> Result<Response<edge::ListInterestsResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::page_size(request.get_ref().page_size)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            interests.list_interests,
            user::ListInterestsRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn search_interests(
        &self,
        request: Request<edge::SearchInterestsRequest>,
    ) -> Result<Response<edge::SearchInterestsResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("query", &request.get_ref().query)?;
        validate::page_size(request.get_ref().page_size)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            interests.search_interests,
            user::SearchInterestsRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn add_profile_interest(
        &self,
        request: Request<edge::AddProfileInterestRequest>,
    ) -> Result<Response<edge::AddProfileInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("interest_id", &request.get_ref().interest_id)?;
        let answer: edge::AddProfileInterestResponse = relay!(
            self,
            request as person,
            USER,
            interests.add_profile_interest,
            user::AddProfileInterestRequest
        );
        promised(USER, &answer.profile_interest, "profile_interest")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_profile_interest(
        &self,
        request: Request<edge::UpdateProfileInterestRequest>,
    ) -> Result<Response<edge::UpdateProfileInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("interest_id", &request.get_ref().interest_id)?;
        let answer: edge::UpdateProfileInterestResponse = relay!(
            self,
            request as person,
            USER,
            interests.update_profile_interest,
            user::UpdateProfileInterestRequest
        );
        promised(USER, &answer.profile_interest, "profile_interest")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn remove_profile_interest(
        &self,
        request: Request<edge::RemoveProfileInterestRequest>,
    ) -> Result<Response<edge::RemoveProfileInterestResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("interest_id", &request.get_ref().interest_id)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            interests.remove_profile_interest,
            user::RemoveProfileInterestRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_profile_interests(
        &self,
        request: Request<edge::ListProfileInterestsRequest>,
    ) -> Result<Response<edge::ListProfileInterestsResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("user_id", &request.get_ref().user_id)?;
        validate::page_size(request.get_ref().page_size)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            interests.list_profile_interests,
            user::ListProfileInterestsRequest
        )))
    }
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
