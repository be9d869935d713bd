//! circle.user.v1.PersonalityService.

use circle_core::paging::{Cursor, page_size};
use circle_core::wire::{optional_uuid, timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::personality_service_server::PersonalityService;
use tonic::{Request, Response, Status};

use crate::domain::UserId;
use crate::error::Error;
use crate::personality::{self, Assessment, NewAssessmentRequest, Traits};
use crate::state::AppState;

pub struct PersonalityApi {
    state: AppState,
}

impl PersonalityApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

#[tonic::async_trait]
impl PersonalityService for PersonalityApi {
    #[tracing::instrument(skip_all)]
    async fn create_personality_assessment(
        &self,
        request: Request<pb::CreatePersonalityAssessmentRequest>,
    ) -> Result<Response<pb::CreatePersonalityAssessmentResponse>, Status> {
        let pb::CreatePersonalityAssessmentRequest { traits, request_id } = request.get_ref();
        let new = NewAssessmentRequest {
            traits: traits_of(traits.as_ref())?,
            request_id: optional_uuid("request_id", request_id)?,
        };
        let assessment = personality::create_assessment(&self.state, &request, new).await?;
        Ok(Response::new(pb::CreatePersonalityAssessmentResponse {
            assessment: Some(assessment.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_personality(
        &self,
        request: Request<pb::GetPersonalityRequest>,
    ) -> Result<Response<pb::GetPersonalityResponse>, Status> {
        let pb::GetPersonalityRequest { user_id } = request.get_ref();
        let user_id = UserId::from(uuid("user_id", user_id)?);
        let current = personality::current(&self.state, &request, user_id).await?;
        Ok(Response::new(pb::GetPersonalityResponse {
            personality: Some(pb::Personality {
                user_id: current.user_id.to_string(),
                traits: Some(traits_message(current.traits)),
                assess_time: Some(timestamp(current.assessed_at)),
                assessment_id: current.id.to_string(),
            }),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_personality_assessments(
        &self,
        request: Request<pb::ListPersonalityAssessmentsRequest>,
    ) -> Result<Response<pb::ListPersonalityAssessmentsResponse>, Status> {
        let pb::ListPersonalityAssessmentsRequest {
            user_id,
            page_size: size,
            page_token,
        } = request.get_ref();
        let user_id = UserId::from(uuid("user_id", user_id)?);
        let size = page_size(*size)?;
        let after = Cursor::decode(page_token)?;
        let (assessments, next) =
            personality::history(&self.state, &request, user_id, after, size).await?;
        Ok(Response::new(pb::ListPersonalityAssessmentsResponse {
            assessments: assessments.into_iter().map(Into::into).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        }))
    }
}

/// The five scores of a request; the whole message missing is refused as `traits`.
pub fn traits_of(traits: Option<&pb::PersonalityTraits>) -> Result<Traits, Error> {
    let pb::PersonalityTraits {
        openness,
        conscientiousness,
        extraversion,
        agreeableness,
        neuroticism,
    } = traits.ok_or_else(|| Error::invalid("traits", "is required"))?;
    Traits::parse([
        *openness,
        *conscientiousness,
        *extraversion,
        *agreeableness,
        *neuroticism,
    ])
}

pub fn traits_message(traits: Traits) -> pb::PersonalityTraits {
    let [
        openness,
        conscientiousness,
        extraversion,
        agreeableness,
        neuroticism,
    ] = traits.scores().map(|score| Some(i32::from(score)));
    pb::PersonalityTraits {
        openness,
        conscientiousness,
        extraversion,
        agreeableness,
        neuroticism,
    }
}

impl From<Assessment> for pb::PersonalityAssessment {
    fn from(assessment: Assessment) -> Self {
        pb::PersonalityAssessment {
            id: assessment.id.to_string(),
            user_id: assessment.user_id.to_string(),
            traits: Some(traits_message(assessment.traits)),
            assess_time: Some(timestamp(assessment.assessed_at)),
        }
    }
}
