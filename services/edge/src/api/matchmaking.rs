//! circle.edge.v1.MatchmakingService: matchmaking runs (admins), the invitations they send and
//! the reasons of a group, for the signed-in person. Every call is passed to the tribe service
//! as that person; the tribe service decides who may do what (admins, the invited, members).
//!
//! The public messages are wire-identical copies of the internal ones (see
//! [`crate::wire_copy`]): requests and answers cross whole, and the edge only checks that an
//! answer holds what the contract promises.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::matchmaking_service_server::MatchmakingService;
use circle_proto::tribe::v1 as tribe;
use circle_proto::tribe::v1::matchmaking_service_client::MatchmakingServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, promised, relay};
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

#[tonic::async_trait]
impl MatchmakingService for MatchmakingApi {
    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn start_matchmaking_run(
        &self,
        request: Request<edge::StartMatchmakingRunRequest>,
    ) -> Result<Response<edge::StartMatchmakingRunResponse>, Status> {
        let answer: edge::StartMatchmakingRunResponse = relay!(
            self,
            request,
            TRIBE,
            matchmaking.start_matchmaking_run,
            tribe::StartMatchmakingRunRequest
        );
        promised(TRIBE, &answer.run, "run")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn get_matchmaking_run(
        &self,
        request: Request<edge::GetMatchmakingRunRequest>,
    ) -> Result<Response<edge::GetMatchmakingRunResponse>, Status> {
        let answer: edge::GetMatchmakingRunResponse = relay!(
            self,
            request,
            TRIBE,
            matchmaking.get_matchmaking_run,
            tribe::GetMatchmakingRunRequest
        );
        promised(TRIBE, &answer.run, "run")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_matchmaking_runs(
        &self,
        request: Request<edge::ListMatchmakingRunsRequest>,
    ) -> Result<Response<edge::ListMatchmakingRunsResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            TRIBE,
            matchmaking.list_matchmaking_runs,
            tribe::ListMatchmakingRunsRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_match_invitations(
        &self,
        request: Request<edge::ListMatchInvitationsRequest>,
    ) -> Result<Response<edge::ListMatchInvitationsResponse>, Status> {
        let answer: edge::ListMatchInvitationsResponse = relay!(
            self,
            request,
            TRIBE,
            matchmaking.list_match_invitations,
            tribe::ListMatchInvitationsRequest
        );
        for invitation in &answer.invitations {
            promised(TRIBE, &invitation.tribe, "tribe")?;
        }
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn accept_match_invitation(
        &self,
        request: Request<edge::AcceptMatchInvitationRequest>,
    ) -> Result<Response<edge::AcceptMatchInvitationResponse>, Status> {
        let answer: edge::AcceptMatchInvitationResponse = relay!(
            self,
            request,
            TRIBE,
            matchmaking.accept_match_invitation,
            tribe::AcceptMatchInvitationRequest
        );
        promised(TRIBE, &answer.member, "member")?;
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn decline_match_invitation(
        &self,
        request: Request<edge::DeclineMatchInvitationRequest>,
    ) -> Result<Response<edge::DeclineMatchInvitationResponse>, Status> {
        let answer: edge::DeclineMatchInvitationResponse = relay!(
            self,
            request,
            TRIBE,
            matchmaking.decline_match_invitation,
            tribe::DeclineMatchInvitationRequest
        );
        promised(TRIBE, &answer.member, "member")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn get_match_reasons(
        &self,
        request: Request<edge::GetMatchReasonsRequest>,
    ) -> Result<Response<edge::GetMatchReasonsResponse>, Status> {
        let answer: edge::GetMatchReasonsResponse = relay!(
            self,
            request,
            TRIBE,
            matchmaking.get_match_reasons,
            tribe::GetMatchReasonsRequest
        );
        promised(TRIBE, &answer.reasons, "reasons")?;
        Ok(Response::new(answer))
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
