//! circle.tribe.v1.MatchmakingService: runs (admins), invitations and reasons (people).

use std::sync::Arc;

use circle_core::auth::caller;
use circle_core::db::{DbConn, DbPool};
use circle_core::wire;
use circle_proto::tribe::v1 as proto;
use circle_proto::tribe::v1::matchmaking_service_server::MatchmakingService;
use tokio::sync::Notify;
use tonic::{Request, Response, Status};
use tracing::field::Empty;

use super::{convert, person, record_tribe};
use crate::domain::matchmaking::{
    self, GroupReasons, Invitation, Matchmaker, Run, RunId, RunStatus, RunTrigger,
};
use crate::domain::{self, Blocks};
use crate::error::Error;

pub struct MatchmakingHandler {
    pool: DbPool,
    blocks: Blocks,
    matchmaker: Matchmaker,
    outbox_wake: Arc<Notify>,
}

impl MatchmakingHandler {
    pub fn new(
        pool: DbPool,
        blocks: Blocks,
        matchmaker: Matchmaker,
        outbox_wake: Arc<Notify>,
    ) -> Self {
        Self {
            pool,
            blocks,
            matchmaker,
            outbox_wake,
        }
    }

    async fn conn(&self) -> Result<DbConn, Error> {
        Ok(self.pool.get().await?)
    }

    fn changed<T>(&self, outcome: Result<T, Error>) -> Result<T, Error> {
        if outcome.is_ok() {
            self.outbox_wake.notify_one();
        }
        outcome
    }
}

fn run_id(value: &str) -> Result<RunId, Status> {
    wire::uuid("run_id", value).map(RunId)
}

impl From<Run> for proto::MatchmakingRun {
    fn from(run: Run) -> Self {
        let Run {
            id,
            trigger,
            started_by,
            status,
            started_at,
            finished_at,
            candidate_count,
            skipped_count,
            excluded_count,
            input_count,
            placed_count,
            group_count,
            objective,
            duration_ms,
            failure,
        } = run;
        proto::MatchmakingRun {
            id: id.to_string(),
            trigger: match trigger {
                RunTrigger::Admin => proto::MatchmakingTrigger::Admin,
                RunTrigger::Schedule => proto::MatchmakingTrigger::Schedule,
            }
            .into(),
            status: match status {
                RunStatus::Running => proto::MatchmakingRunStatus::Running,
                RunStatus::Succeeded => proto::MatchmakingRunStatus::Succeeded,
                RunStatus::Failed => proto::MatchmakingRunStatus::Failed,
            }
            .into(),
            started_by: started_by.map(|id| id.to_string()).unwrap_or_default(),
            start_time: Some(wire::timestamp(started_at)),
            finish_time: finished_at.map(wire::timestamp),
            candidate_count,
            skipped_count,
            excluded_count,
            input_count,
            placed_count,
            group_count,
            objective,
            duration: duration_ms.map(|ms| prost_types::Duration {
                seconds: ms / 1000,
                nanos: i32::try_from((ms % 1000) * 1_000_000).unwrap_or(0),
            }),
            failure: failure.unwrap_or_default(),
        }
    }
}

impl From<Invitation> for proto::MatchInvitation {
    fn from(invitation: Invitation) -> Self {
        let Invitation {
            tribe,
            run_id,
            invited_at,
        } = invitation;
        proto::MatchInvitation {
            tribe: Some(tribe.into()),
            run_id: run_id.to_string(),
            invite_time: Some(wire::timestamp(invited_at)),
        }
    }
}

impl From<GroupReasons> for proto::MatchReasons {
    fn from(reasons: GroupReasons) -> Self {
        let GroupReasons {
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
        } = reasons;
        proto::MatchReasons {
            tribe_id: tribe_id.to_string(),
            run_id: run_id.to_string(),
            group_size,
            shared_interests: shared_interests
                .into_iter()
                .map(|(name, member_count)| proto::SharedInterest { name, member_count })
                .collect(),
            score,
            interest_overlap,
            trait_closeness,
            style_agreement,
            farthest_travel_km,
            meeting_area,
        }
    }
}

#[tonic::async_trait]
impl MatchmakingService for MatchmakingHandler {
    #[tracing::instrument(skip_all)]
    async fn start_matchmaking_run(
        &self,
        request: Request<proto::StartMatchmakingRunRequest>,
    ) -> Result<Response<proto::StartMatchmakingRunResponse>, Status> {
        let proto::StartMatchmakingRunRequest {} = request.get_ref();
        let run = self.changed(self.matchmaker.start(caller(&request)?).await)?;
        Ok(Response::new(proto::StartMatchmakingRunResponse {
            run: Some(run.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_matchmaking_run(
        &self,
        request: Request<proto::GetMatchmakingRunRequest>,
    ) -> Result<Response<proto::GetMatchmakingRunResponse>, Status> {
        let id = run_id(&request.get_ref().run_id)?;
        let run = matchmaking::get_run(&mut *self.conn().await?, caller(&request)?, id).await?;
        Ok(Response::new(proto::GetMatchmakingRunResponse {
            run: Some(run.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_matchmaking_runs(
        &self,
        request: Request<proto::ListMatchmakingRunsRequest>,
    ) -> Result<Response<proto::ListMatchmakingRunsResponse>, Status> {
        let proto::ListMatchmakingRunsRequest {
            page_size,
            page_token,
        } = request.get_ref();
        let (limit, cursor) = convert::page(*page_size, page_token)?;
        let (runs, next) =
            matchmaking::list_runs(&mut *self.conn().await?, caller(&request)?, cursor, limit)
                .await?;
        Ok(Response::new(proto::ListMatchmakingRunsResponse {
            runs: runs.into_iter().map(Into::into).collect(),
            next_page_token: convert::next_page_token(next),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty))]
    async fn list_match_invitations(
        &self,
        request: Request<proto::ListMatchInvitationsRequest>,
    ) -> Result<Response<proto::ListMatchInvitationsResponse>, Status> {
        let user = person(&request)?;
        let proto::ListMatchInvitationsRequest {
            page_size,
            page_token,
        } = request.into_inner();
        let (limit, cursor) = convert::page(page_size, &page_token)?;
        let (invitations, next) =
            matchmaking::list_invitations(&mut *self.conn().await?, user, cursor, limit).await?;
        Ok(Response::new(proto::ListMatchInvitationsResponse {
            invitations: invitations.into_iter().map(Into::into).collect(),
            next_page_token: convert::next_page_token(next),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn accept_match_invitation(
        &self,
        request: Request<proto::AcceptMatchInvitationRequest>,
    ) -> Result<Response<proto::AcceptMatchInvitationResponse>, Status> {
        let user = person(&request)?;
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        record_tribe(id);
        let mut conn = self.conn().await?;
        let joined =
            self.changed(matchmaking::accept_invitation(&mut conn, &self.blocks, id, user).await)?;
        let tribe = domain::details(&mut conn, joined.tribe).await?;
        Ok(Response::new(proto::AcceptMatchInvitationResponse {
            member: Some(joined.member.into()),
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn decline_match_invitation(
        &self,
        request: Request<proto::DeclineMatchInvitationRequest>,
    ) -> Result<Response<proto::DeclineMatchInvitationResponse>, Status> {
        let user = person(&request)?;
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        record_tribe(id);
        let member = self
            .changed(matchmaking::decline_invitation(&mut *self.conn().await?, id, user).await)?;
        Ok(Response::new(proto::DeclineMatchInvitationResponse {
            member: Some(member.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn get_match_reasons(
        &self,
        request: Request<proto::GetMatchReasonsRequest>,
    ) -> Result<Response<proto::GetMatchReasonsResponse>, Status> {
        let user = person(&request)?;
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        record_tribe(id);
        let reasons = matchmaking::match_reasons(&mut *self.conn().await?, id, user).await?;
        Ok(Response::new(proto::GetMatchReasonsResponse {
            reasons: Some(reasons.into()),
        }))
    }
}
