//! circle.edge.v1.MatchmakingService: matchmaking runs (admins), the invitations they send and
//! the reasons of a group, for the signed-in person. Every call is passed to the tribe service
//! as that person; the tribe service decides who may do what (admins, the invited, members).
//!
//! The public enums mirror the internal ones value for value (a test below holds them in step),
//! so enum fields pass through as numbers; messages are translated field by field.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::matchmaking_service_server::MatchmakingService;
use circle_proto::tribe::v1 as tribe;
use circle_proto::tribe::v1::matchmaking_service_client::MatchmakingServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::tribes::{member_out, tribe_out};
use super::{Context, as_person};
use crate::error::Error;
use crate::upstream::TRIBE;

pub struct MatchmakingApi {
    context: Context,
    matchmaking: MatchmakingServiceClient<Channel>,
}

impl MatchmakingApi {
    pub fn new(context: Context) -> Self {
        Self {
            matchmaking: MatchmakingServiceClient::new(context.upstream.tribe()),
            context,
        }
    }
}

fn missing(what: &'static str) -> Error {
    Error::Contract {
        service: TRIBE,
        missing: what,
    }
}

fn run_out(run: Option<tribe::MatchmakingRun>) -> Result<edge::MatchmakingRun, Error> {
    let tribe::MatchmakingRun {
        id,
        trigger,
        status,
        started_by,
        start_time,
        finish_time,
        candidate_count,
        skipped_count,
        excluded_count,
        input_count,
        placed_count,
        group_count,
        objective,
        duration,
        failure,
    } = run.ok_or_else(|| missing("run"))?;
    Ok(edge::MatchmakingRun {
        id,
        trigger,
        status,
        started_by,
        start_time,
        finish_time,
        candidate_count,
        skipped_count,
        excluded_count,
        input_count,
        placed_count,
        group_count,
        objective,
        duration,
        failure,
    })
}

fn invitation_out(invitation: tribe::MatchInvitation) -> Result<edge::MatchInvitation, Error> {
    let tribe::MatchInvitation {
        tribe,
        run_id,
        invite_time,
    } = invitation;
    Ok(edge::MatchInvitation {
        tribe: Some(tribe_out(tribe)?),
        run_id,
        invite_time,
    })
}

fn reasons_out(reasons: Option<tribe::MatchReasons>) -> Result<edge::MatchReasons, Error> {
    let tribe::MatchReasons {
        tribe_id,
        run_id,
        group_size,
        shared_interests,
        score,
        interest_overlap,
        trait_closeness,
        style_agreement,
        farthest_travel_km,
        meeting_area,
    } = reasons.ok_or_else(|| missing("reasons"))?;
    Ok(edge::MatchReasons {
        tribe_id,
        run_id,
        group_size,
        shared_interests: shared_interests
            .into_iter()
            .map(
                |tribe::SharedInterest { name, member_count }| edge::SharedInterest {
                    name,
                    member_count,
                },
            )
            .collect(),
        score,
        interest_overlap,
        trait_closeness,
        style_agreement,
        farthest_travel_km,
        meeting_area,
    })
}

#[tonic::async_trait]
impl MatchmakingService for MatchmakingApi {
    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn start_matchmaking_run(
        &self,
        request: Request<edge::StartMatchmakingRunRequest>,
    ) -> Result<Response<edge::StartMatchmakingRunResponse>, Status> {
        let edge::StartMatchmakingRunRequest {} = request.get_ref();
        let message = tribe::StartMatchmakingRunRequest {};
        let tribe::StartMatchmakingRunResponse { run } = as_person!(
            self,
            request,
            TRIBE,
            matchmaking.start_matchmaking_run,
            message
        );
        Ok(Response::new(edge::StartMatchmakingRunResponse {
            run: Some(run_out(run)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn get_matchmaking_run(
        &self,
        request: Request<edge::GetMatchmakingRunRequest>,
    ) -> Result<Response<edge::GetMatchmakingRunResponse>, Status> {
        let edge::GetMatchmakingRunRequest { run_id } = request.get_ref().clone();
        let message = tribe::GetMatchmakingRunRequest { run_id };
        let tribe::GetMatchmakingRunResponse { run } = as_person!(
            self,
            request,
            TRIBE,
            matchmaking.get_matchmaking_run,
            message
        );
        Ok(Response::new(edge::GetMatchmakingRunResponse {
            run: Some(run_out(run)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_matchmaking_runs(
        &self,
        request: Request<edge::ListMatchmakingRunsRequest>,
    ) -> Result<Response<edge::ListMatchmakingRunsResponse>, Status> {
        let edge::ListMatchmakingRunsRequest {
            page_size,
            page_token,
        } = request.get_ref().clone();
        let message = tribe::ListMatchmakingRunsRequest {
            page_size,
            page_token,
        };
        let tribe::ListMatchmakingRunsResponse {
            runs,
            next_page_token,
        } = as_person!(
            self,
            request,
            TRIBE,
            matchmaking.list_matchmaking_runs,
            message
        );
        Ok(Response::new(edge::ListMatchmakingRunsResponse {
            runs: runs
                .into_iter()
                .map(|run| run_out(Some(run)))
                .collect::<Result<_, _>>()?,
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_match_invitations(
        &self,
        request: Request<edge::ListMatchInvitationsRequest>,
    ) -> Result<Response<edge::ListMatchInvitationsResponse>, Status> {
        let edge::ListMatchInvitationsRequest {
            page_size,
            page_token,
        } = request.get_ref().clone();
        let message = tribe::ListMatchInvitationsRequest {
            page_size,
            page_token,
        };
        let tribe::ListMatchInvitationsResponse {
            invitations,
            next_page_token,
        } = as_person!(
            self,
            request,
            TRIBE,
            matchmaking.list_match_invitations,
            message
        );
        Ok(Response::new(edge::ListMatchInvitationsResponse {
            invitations: invitations
                .into_iter()
                .map(invitation_out)
                .collect::<Result<_, _>>()?,
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn accept_match_invitation(
        &self,
        request: Request<edge::AcceptMatchInvitationRequest>,
    ) -> Result<Response<edge::AcceptMatchInvitationResponse>, Status> {
        let edge::AcceptMatchInvitationRequest { tribe_id } = request.get_ref().clone();
        let message = tribe::AcceptMatchInvitationRequest { tribe_id };
        let tribe::AcceptMatchInvitationResponse { member, tribe } = as_person!(
            self,
            request,
            TRIBE,
            matchmaking.accept_match_invitation,
            message
        );
        Ok(Response::new(edge::AcceptMatchInvitationResponse {
            member: Some(member.map(member_out).ok_or_else(|| missing("member"))?),
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn decline_match_invitation(
        &self,
        request: Request<edge::DeclineMatchInvitationRequest>,
    ) -> Result<Response<edge::DeclineMatchInvitationResponse>, Status> {
        let edge::DeclineMatchInvitationRequest { tribe_id } = request.get_ref().clone();
        let message = tribe::DeclineMatchInvitationRequest { tribe_id };
        let tribe::DeclineMatchInvitationResponse { member } = as_person!(
            self,
            request,
            TRIBE,
            matchmaking.decline_match_invitation,
            message
        );
        Ok(Response::new(edge::DeclineMatchInvitationResponse {
            member: Some(member.map(member_out).ok_or_else(|| missing("member"))?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn get_match_reasons(
        &self,
        request: Request<edge::GetMatchReasonsRequest>,
    ) -> Result<Response<edge::GetMatchReasonsResponse>, Status> {
        let edge::GetMatchReasonsRequest { tribe_id } = request.get_ref().clone();
        let message = tribe::GetMatchReasonsRequest { tribe_id };
        let tribe::GetMatchReasonsResponse { reasons } =
            as_person!(self, request, TRIBE, matchmaking.get_match_reasons, message);
        Ok(Response::new(edge::GetMatchReasonsResponse {
            reasons: Some(reasons_out(reasons)?),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every public enum value has the internal value of the same name and number.
    #[test]
    fn public_enums_mirror_the_internal_ones() {
        for n in 0..=4 {
            assert_eq!(
                edge::MatchmakingTrigger::try_from(n).map(|e| e.as_str_name()),
                tribe::MatchmakingTrigger::try_from(n).map(|e| e.as_str_name()),
            );
            assert_eq!(
                edge::MatchmakingRunStatus::try_from(n).map(|e| e.as_str_name()),
                tribe::MatchmakingRunStatus::try_from(n).map(|e| e.as_str_name()),
            );
        }
    }
}
