//! circle.edge.v1.PersonalityService: a person's OCEAN traits, passed to the user service,
//! which decides who may read them. The public messages are wire-identical copies of the
//! internal ones (see [`crate::wire_copy`]).

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::personality_service_server::PersonalityService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::personality_service_client::PersonalityServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, promised, relay};
use crate::upstream::USER;
use crate::validate;

pub struct PersonalityApi {
    context: Context,
    personality: PersonalityServiceClient<Channel>,
}

impl PersonalityApi {
    pub fn new(context: Context) -> Self {
        Self {
            personality: PersonalityServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

#[tonic::async_trait]
impl PersonalityService for PersonalityApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn create_personality_assessment(
        &self,
        request: Request<edge::CreatePersonalityAssessmentRequest>,
    ) -> Result<Response<edge::CreatePersonalityAssessmentResponse>, Status> {
        let answer: edge::CreatePersonalityAssessmentResponse = relay!(
            self,
            request,
            USER,
            personality.create_personality_assessment,
            user::CreatePersonalityAssessmentRequest
        );
        promised(USER, &answer.assessment, "assessment")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_personality(
        &self,
        request: Request<edge::GetPersonalityRequest>,
    ) -> Result<Response<edge::GetPersonalityResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("user_id", &request.get_ref().user_id)?;
        let answer: edge::GetPersonalityResponse = relay!(
            self,
            request as person,
            USER,
            personality.get_personality,
            user::GetPersonalityRequest
        );
        promised(USER, &answer.personality, "personality")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_personality_assessments(
        &self,
        request: Request<edge::ListPersonalityAssessmentsRequest>,
    ) -> Result<Response<edge::ListPersonalityAssessmentsResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("user_id", &request.get_ref().user_id)?;
        validate::page_size(request.get_ref().page_size)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            personality.list_personality_assessments,
            user::ListPersonalityAssessmentsRequest
        )))
    }
}
