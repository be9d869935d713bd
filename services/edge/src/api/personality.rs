//! circle.edge.v1.PersonalityService: a person's OCEAN traits, passed to the user service,
//! which decides who may read them.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::personality_service_server::PersonalityService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::personality_service_client::PersonalityServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::error::Error;
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
        let person = self.context.person(&request)?;
        let edge::CreatePersonalityAssessmentRequest { traits, request_id } = request.into_inner();
        let message = user::CreatePersonalityAssessmentRequest {
            traits: traits.map(inward),
            request_id,
        };
        let user::CreatePersonalityAssessmentResponse { assessment } = self
            .context
            .upstream
            .call(
                USER,
                &self.personality,
                &person.acting,
                message,
                |mut c, r| async move { c.create_personality_assessment(r).await },
            )
            .await?;
        Ok(Response::new(edge::CreatePersonalityAssessmentResponse {
            assessment: Some(required(assessment).map(outward_assessment)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_personality(
        &self,
        request: Request<edge::GetPersonalityRequest>,
    ) -> Result<Response<edge::GetPersonalityResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::GetPersonalityRequest { user_id } = request.into_inner();
        validate::required("user_id", &user_id)?;
        let message = user::GetPersonalityRequest { user_id };
        let user::GetPersonalityResponse { personality } = self
            .context
            .upstream
            .call(
                USER,
                &self.personality,
                &person.acting,
                message,
                |mut c, r| async move { c.get_personality(r).await },
            )
            .await?;
        let user::Personality {
            user_id,
            traits,
            assess_time,
            assessment_id,
        } = personality.ok_or(Error::Contract {
            service: USER,
            missing: "personality",
        })?;
        Ok(Response::new(edge::GetPersonalityResponse {
            personality: Some(edge::Personality {
                user_id,
                traits: traits.map(outward),
                assess_time,
                assessment_id,
            }),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_personality_assessments(
        &self,
        request: Request<edge::ListPersonalityAssessmentsRequest>,
    ) -> Result<Response<edge::ListPersonalityAssessmentsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ListPersonalityAssessmentsRequest {
            user_id,
            page_size,
            page_token,
        } = request.into_inner();
        validate::required("user_id", &user_id)?;
        validate::page_size(page_size)?;
        let message = user::ListPersonalityAssessmentsRequest {
            user_id,
            page_size,
            page_token,
        };
        let user::ListPersonalityAssessmentsResponse {
            assessments,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.personality,
                &person.acting,
                message,
                |mut c, r| async move { c.list_personality_assessments(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListPersonalityAssessmentsResponse {
            assessments: assessments.into_iter().map(outward_assessment).collect(),
            next_page_token,
        }))
    }
}

fn required(
    assessment: Option<user::PersonalityAssessment>,
) -> Result<user::PersonalityAssessment, Error> {
    assessment.ok_or(Error::Contract {
        service: USER,
        missing: "assessment",
    })
}

fn inward(traits: edge::PersonalityTraits) -> user::PersonalityTraits {
    let edge::PersonalityTraits {
        openness,
        conscientiousness,
        extraversion,
        agreeableness,
        neuroticism,
    } = traits;
    user::PersonalityTraits {
        openness,
        conscientiousness,
        extraversion,
        agreeableness,
        neuroticism,
    }
}

fn outward(traits: user::PersonalityTraits) -> edge::PersonalityTraits {
    let user::PersonalityTraits {
        openness,
        conscientiousness,
        extraversion,
        agreeableness,
        neuroticism,
    } = traits;
    edge::PersonalityTraits {
        openness,
        conscientiousness,
        extraversion,
        agreeableness,
        neuroticism,
    }
}

fn outward_assessment(assessment: user::PersonalityAssessment) -> edge::PersonalityAssessment {
    let user::PersonalityAssessment {
        id,
        user_id,
        traits,
        assess_time,
    } = assessment;
    edge::PersonalityAssessment {
        id,
        user_id,
        traits: traits.map(outward),
        assess_time,
    }
}
