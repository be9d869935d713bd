//! circle.user.v1.MatchingService (internal).

use circle_core::error::invalid_argument;
use circle_core::wire::timestamp;
use circle_proto::common::v1::GeoPoint;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::matching_service_server::MatchingService;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use super::interests::{category_message, level_message};
use super::personality::traits_message;
use crate::domain::UserId;
use crate::matching::{self, Candidate};
use crate::state::AppState;

const DEFAULT_PAGE_SIZE: i64 = 100;
const MAX_PAGE_SIZE: i64 = 1000;
const MAX_BATCH: usize = 1000;

pub struct MatchingApi {
    state: AppState,
}

impl MatchingApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

#[tonic::async_trait]
impl MatchingService for MatchingApi {
    #[tracing::instrument(skip_all)]
    async fn list_matching_candidates(
        &self,
        request: Request<pb::ListMatchingCandidatesRequest>,
    ) -> Result<Response<pb::ListMatchingCandidatesResponse>, Status> {
        let pb::ListMatchingCandidatesRequest {
            page_size,
            page_token,
        } = request.get_ref();
        let size = match *page_size {
            0 => DEFAULT_PAGE_SIZE,
            n if n < 0 => return Err(invalid_argument("page_size", "must not be negative")),
            n => i64::from(n).min(MAX_PAGE_SIZE),
        };
        let after = decode_after(page_token)?;
        let (candidates, next) = matching::page(&self.state, &request, after, size).await?;
        Ok(Response::new(pb::ListMatchingCandidatesResponse {
            candidates: candidates.into_iter().map(candidate_message).collect(),
            next_page_token: next.map(encode_after).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn batch_get_matching_candidates(
        &self,
        request: Request<pb::BatchGetMatchingCandidatesRequest>,
    ) -> Result<Response<pb::BatchGetMatchingCandidatesResponse>, Status> {
        let pb::BatchGetMatchingCandidatesRequest { user_ids } = request.get_ref();
        if user_ids.len() > MAX_BATCH {
            return Err(invalid_argument(
                "user_ids",
                format!("at most {MAX_BATCH} ids at a time"),
            ));
        }
        let mut people = user_ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                Uuid::parse_str(id)
                    .map(UserId::from)
                    .map_err(|_| invalid_argument(&format!("user_ids[{i}]"), "must be a UUID"))
            })
            .collect::<Result<Vec<_>, _>>()?;
        people.sort_by_key(UserId::as_uuid);
        people.dedup();
        let candidates = matching::among(&self.state, &request, &people).await?;
        Ok(Response::new(pb::BatchGetMatchingCandidatesResponse {
            candidates: candidates.into_iter().map(candidate_message).collect(),
        }))
    }
}

fn candidate_message(candidate: Candidate) -> pb::MatchingCandidate {
    let Candidate {
        profile,
        traits,
        interests,
        avoid,
        connect_again,
        reliability,
    } = candidate;
    let location = match (profile.latitude, profile.longitude) {
        (Some(latitude), Some(longitude)) => Some(GeoPoint {
            latitude,
            longitude,
        }),
        _ => None,
    };
    let style = profile
        .communication_style
        .and_then(|style| {
            pb::CommunicationStyle::from_str_name(&format!("COMMUNICATION_STYLE_{style}"))
        })
        .unwrap_or(pb::CommunicationStyle::Unspecified);
    pb::MatchingCandidate {
        user_id: profile.user_id.to_string(),
        personality: traits.map(|assessment| pb::PersonalityAssessment {
            id: assessment.id.to_string(),
            user_id: assessment.user_id.to_string(),
            traits: Some(traits_message(assessment.traits)),
            assess_time: Some(timestamp(assessment.assessed_at)),
        }),
        interests: interests
            .into_iter()
            .map(|picked| pb::MatchingInterest {
                interest_id: picked.interest_id.to_string(),
                name: picked.name,
                category: category_message(picked.category).into(),
                level: level_message(picked.level).into(),
            })
            .collect(),
        location,
        max_travel_km: profile.max_travel_km,
        communication_style: style.into(),
        reliability: Some(pb::Reliability {
            absentee_rating: reliability.absentee_rating,
            events_attended: reliability.events_attended,
            no_shows: reliability.no_shows,
            late_arrivals: reliability.late_arrivals,
        }),
        avoid_user_ids: avoid.iter().map(ToString::to_string).collect(),
        connect_again_user_ids: connect_again.iter().map(ToString::to_string).collect(),
    }
}

fn encode_after(user_id: UserId) -> String {
    hex::encode(format!("after:{user_id}"))
}

fn decode_after(token: &str) -> Result<Option<UserId>, Status> {
    if token.is_empty() {
        return Ok(None);
    }
    let invalid = || invalid_argument("page_token", "is not a token this list returned");
    let raw =
        String::from_utf8(hex::decode(token).map_err(|_| invalid())?).map_err(|_| invalid())?;
    raw.strip_prefix("after:")
        .and_then(|id| Uuid::parse_str(id).ok())
        .map(|id| Some(UserId::from(id)))
        .ok_or_else(invalid)
}
