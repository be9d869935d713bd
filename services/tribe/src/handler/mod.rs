//! The gRPC face of the service: each handler checks the caller, converts the request into
//! domain values, runs one domain action and converts the result back.

mod convert;
mod matchmaking;

use std::pin::Pin;
use std::sync::Arc;

use circle_core::auth::{caller, require_user};
use circle_core::db::{DbConn, DbPool};
use circle_proto::tribe::v1 as proto;
use circle_proto::tribe::v1::tribe_service_server::TribeService;
use futures::Stream;
use tokio::sync::Notify;
use tonic::{Request, Response, Status};
use tracing::field::{Empty, display};

use crate::domain::{self, Blocks, Hub, NewGoal, NewTribe, Profiles, UserId};
use crate::error::Error;

pub use matchmaking::MatchmakingHandler;

pub struct TribeHandler {
    pool: DbPool,
    blocks: Blocks,
    profiles: Profiles,
    hub: Hub,
    /// Wakes the outbox relay after a commit that may have written facts.
    outbox_wake: Arc<Notify>,
}

impl TribeHandler {
    pub fn new(
        pool: DbPool,
        blocks: Blocks,
        profiles: Profiles,
        hub: Hub,
        outbox_wake: Arc<Notify>,
    ) -> Self {
        Self {
            pool,
            blocks,
            profiles,
            hub,
            outbox_wake,
        }
    }

    async fn conn(&self) -> Result<DbConn, Error> {
        Ok(self.pool.get().await?)
    }

    /// Passes a change's outcome on, waking the relay for the facts it wrote.
    fn changed<T>(&self, outcome: Result<T, Error>) -> Result<T, Error> {
        if outcome.is_ok() {
            self.outbox_wake.notify_one();
        }
        outcome
    }
}

fn person<T>(request: &Request<T>) -> Result<UserId, Status> {
    require_user(request).map(UserId)
}

fn record_tribe(id: impl std::fmt::Display) {
    tracing::Span::current().record("tribe_id", display(id));
}

type MessageStream = Pin<Box<dyn Stream<Item = Result<proto::SubscribeResponse, Status>> + Send>>;

#[tonic::async_trait]
impl TribeService for TribeHandler {
    type SubscribeStream = MessageStream;

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn create_tribe(
        &self,
        request: Request<proto::CreateTribeRequest>,
    ) -> Result<Response<proto::CreateTribeResponse>, Status> {
        let creator = person(&request)?;
        let new = NewTribe::try_from(request.into_inner())?;
        let tribe =
            self.changed(domain::create_tribe(&mut *self.conn().await?, creator, new).await)?;
        record_tribe(tribe.tribe.id);
        Ok(Response::new(proto::CreateTribeResponse {
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(tribe_id = Empty))]
    async fn get_tribe(
        &self,
        request: Request<proto::GetTribeRequest>,
    ) -> Result<Response<proto::GetTribeResponse>, Status> {
        let viewer = caller(&request)?.clone();
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        record_tribe(id);
        let tribe = domain::get_tribe(&mut *self.conn().await?, &viewer, id).await?;
        Ok(Response::new(proto::GetTribeResponse {
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn update_tribe(
        &self,
        request: Request<proto::UpdateTribeRequest>,
    ) -> Result<Response<proto::UpdateTribeResponse>, Status> {
        let user = person(&request)?;
        let (id, update) = convert::tribe_update(request.into_inner())?;
        record_tribe(id);
        let tribe = domain::update_tribe(&mut *self.conn().await?, user, id, update).await?;
        Ok(Response::new(proto::UpdateTribeResponse {
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn dissolve_tribe(
        &self,
        request: Request<proto::DissolveTribeRequest>,
    ) -> Result<Response<proto::DissolveTribeResponse>, Status> {
        let user = person(&request)?;
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        record_tribe(id);
        let mut conn = self.conn().await?;
        let tribe = self.changed(domain::dissolve_tribe(&mut conn, id, user).await)?;
        let tribe = domain::details(&mut conn, tribe).await?;
        Ok(Response::new(proto::DissolveTribeResponse {
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn join_tribe(
        &self,
        request: Request<proto::JoinTribeRequest>,
    ) -> Result<Response<proto::JoinTribeResponse>, Status> {
        let user = person(&request)?;
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        record_tribe(id);
        let mut conn = self.conn().await?;
        let joined = self.changed(domain::join_tribe(&mut conn, &self.blocks, id, user).await)?;
        let tribe = domain::details(&mut conn, joined.tribe).await?;
        Ok(Response::new(proto::JoinTribeResponse {
            member: Some(joined.member.into()),
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn invite_member(
        &self,
        request: Request<proto::InviteMemberRequest>,
    ) -> Result<Response<proto::InviteMemberResponse>, Status> {
        let inviter = person(&request)?;
        let proto::InviteMemberRequest { tribe_id, user_id } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        let invitee = convert::user_id(&user_id)?;
        record_tribe(id);
        let member =
            domain::invite_member(&mut *self.conn().await?, &self.blocks, id, inviter, invitee)
                .await?;
        Ok(Response::new(proto::InviteMemberResponse {
            member: Some(member.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn approve_member(
        &self,
        request: Request<proto::ApproveMemberRequest>,
    ) -> Result<Response<proto::ApproveMemberResponse>, Status> {
        let creator = person(&request)?;
        let proto::ApproveMemberRequest { tribe_id, user_id } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        let user = convert::user_id(&user_id)?;
        record_tribe(id);
        let mut conn = self.conn().await?;
        let joined =
            self.changed(domain::approve_member(&mut conn, &self.blocks, id, creator, user).await)?;
        let tribe = domain::details(&mut conn, joined.tribe).await?;
        Ok(Response::new(proto::ApproveMemberResponse {
            member: Some(joined.member.into()),
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn decline_member(
        &self,
        request: Request<proto::DeclineMemberRequest>,
    ) -> Result<Response<proto::DeclineMemberResponse>, Status> {
        let creator = person(&request)?;
        let proto::DeclineMemberRequest { tribe_id, user_id } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        let user = convert::user_id(&user_id)?;
        record_tribe(id);
        domain::decline_member(&mut *self.conn().await?, id, creator, user).await?;
        Ok(Response::new(proto::DeclineMemberResponse {}))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn leave_tribe(
        &self,
        request: Request<proto::LeaveTribeRequest>,
    ) -> Result<Response<proto::LeaveTribeResponse>, Status> {
        let user = person(&request)?;
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        record_tribe(id);
        let mut conn = self.conn().await?;
        let tribe = self.changed(domain::leave_tribe(&mut conn, id, user).await)?;
        let tribe = domain::details(&mut conn, tribe).await?;
        Ok(Response::new(proto::LeaveTribeResponse {
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn remove_member(
        &self,
        request: Request<proto::RemoveMemberRequest>,
    ) -> Result<Response<proto::RemoveMemberResponse>, Status> {
        let creator = person(&request)?;
        let proto::RemoveMemberRequest { tribe_id, user_id } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        let user = convert::user_id(&user_id)?;
        record_tribe(id);
        let mut conn = self.conn().await?;
        let tribe = self.changed(domain::remove_member(&mut conn, id, creator, user).await)?;
        let tribe = domain::details(&mut conn, tribe).await?;
        Ok(Response::new(proto::RemoveMemberResponse {
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn transfer_creator_role(
        &self,
        request: Request<proto::TransferCreatorRoleRequest>,
    ) -> Result<Response<proto::TransferCreatorRoleResponse>, Status> {
        let creator = person(&request)?;
        let proto::TransferCreatorRoleRequest { tribe_id, user_id } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        let successor = convert::user_id(&user_id)?;
        record_tribe(id);
        let mut conn = self.conn().await?;
        let tribe = domain::transfer_creator_role(&mut conn, id, creator, successor).await?;
        let tribe = domain::details(&mut conn, tribe).await?;
        Ok(Response::new(proto::TransferCreatorRoleResponse {
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(tribe_id = Empty))]
    async fn list_members(
        &self,
        request: Request<proto::ListMembersRequest>,
    ) -> Result<Response<proto::ListMembersResponse>, Status> {
        let viewer = caller(&request)?.clone();
        let proto::ListMembersRequest {
            tribe_id,
            page_size,
            page_token,
        } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        record_tribe(id);
        let (limit, cursor) = convert::page(page_size, &page_token)?;
        let (members, next) =
            domain::list_members(&mut *self.conn().await?, &viewer, id, cursor, limit).await?;
        Ok(Response::new(proto::ListMembersResponse {
            members: members.into_iter().map(Into::into).collect(),
            next_page_token: convert::next_page_token(next),
        }))
    }

    #[tracing::instrument(skip_all, fields(tribe_id = Empty))]
    async fn list_activities(
        &self,
        request: Request<proto::ListActivitiesRequest>,
    ) -> Result<Response<proto::ListActivitiesResponse>, Status> {
        let viewer = caller(&request)?.clone();
        let proto::ListActivitiesRequest {
            tribe_id,
            page_size,
            page_token,
        } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        record_tribe(id);
        let (limit, cursor) = convert::page(page_size, &page_token)?;
        let (activities, next) =
            domain::list_activities(&mut *self.conn().await?, &viewer, id, cursor, limit).await?;
        Ok(Response::new(proto::ListActivitiesResponse {
            activities: activities.into_iter().map(Into::into).collect(),
            next_page_token: convert::next_page_token(next),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn create_goal(
        &self,
        request: Request<proto::CreateGoalRequest>,
    ) -> Result<Response<proto::CreateGoalResponse>, Status> {
        let author = person(&request)?;
        let new = NewGoal::try_from(request.into_inner())?;
        record_tribe(new.tribe_id);
        let goal = domain::create_goal(&mut *self.conn().await?, author, new).await?;
        Ok(Response::new(proto::CreateGoalResponse {
            goal: Some(goal.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty))]
    async fn complete_goal(
        &self,
        request: Request<proto::CompleteGoalRequest>,
    ) -> Result<Response<proto::CompleteGoalResponse>, Status> {
        let user = person(&request)?;
        let id = circle_core::wire::uuid("goal_id", &request.get_ref().goal_id)?;
        let goal = domain::complete_goal(&mut *self.conn().await?, user, id).await?;
        Ok(Response::new(proto::CompleteGoalResponse {
            goal: Some(goal.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(tribe_id = Empty))]
    async fn list_goals(
        &self,
        request: Request<proto::ListGoalsRequest>,
    ) -> Result<Response<proto::ListGoalsResponse>, Status> {
        let viewer = caller(&request)?.clone();
        let proto::ListGoalsRequest {
            tribe_id,
            page_size,
            page_token,
        } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        record_tribe(id);
        let (limit, cursor) = convert::page(page_size, &page_token)?;
        let (goals, next) =
            domain::list_goals(&mut *self.conn().await?, &viewer, id, cursor, limit).await?;
        Ok(Response::new(proto::ListGoalsResponse {
            goals: goals.into_iter().map(Into::into).collect(),
            next_page_token: convert::next_page_token(next),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn search_tribes(
        &self,
        request: Request<proto::SearchTribesRequest>,
    ) -> Result<Response<proto::SearchTribesResponse>, Status> {
        let seeker = caller(&request)?.clone();
        let (search, after, limit) = convert::search(request.into_inner())?;
        let area = domain::search_area(&self.profiles, &seeker, &search).await?;
        let (found, next) =
            domain::search_tribes(&mut *self.conn().await?, &search, area, after, limit).await?;
        Ok(Response::new(proto::SearchTribesResponse {
            tribes: found.into_iter().map(Into::into).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn send_message(
        &self,
        request: Request<proto::SendMessageRequest>,
    ) -> Result<Response<proto::SendMessageResponse>, Status> {
        let sender = person(&request)?;
        let proto::SendMessageRequest {
            tribe_id,
            r#type,
            content,
        } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        record_tribe(id);
        let post = convert::member_post(r#type, content)?;
        let message =
            self.changed(domain::send_message(&mut *self.conn().await?, sender, id, post).await)?;
        Ok(Response::new(proto::SendMessageResponse {
            message: Some(message.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn list_messages(
        &self,
        request: Request<proto::ListMessagesRequest>,
    ) -> Result<Response<proto::ListMessagesResponse>, Status> {
        let reader = person(&request)?;
        let proto::ListMessagesRequest {
            tribe_id,
            page_size,
            page_token,
        } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        record_tribe(id);
        let (limit, cursor) = convert::page(page_size, &page_token)?;
        let (messages, next) =
            domain::list_messages(&mut *self.conn().await?, reader, id, cursor, limit).await?;
        Ok(Response::new(proto::ListMessagesResponse {
            messages: messages.into_iter().map(Into::into).collect(),
            next_page_token: convert::next_page_token(next),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn mark_read(
        &self,
        request: Request<proto::MarkReadRequest>,
    ) -> Result<Response<proto::MarkReadResponse>, Status> {
        let reader = person(&request)?;
        let proto::MarkReadRequest {
            tribe_id,
            message_id,
        } = request.into_inner();
        let id = convert::tribe_id(&tribe_id)?;
        record_tribe(id);
        let message = circle_core::wire::uuid("message_id", &message_id)?;
        let state = domain::mark_read(&mut *self.conn().await?, reader, id, message).await?;
        Ok(Response::new(proto::MarkReadResponse {
            read_state: Some(state.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn get_read_state(
        &self,
        request: Request<proto::GetReadStateRequest>,
    ) -> Result<Response<proto::GetReadStateResponse>, Status> {
        let reader = person(&request)?;
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        record_tribe(id);
        let state = domain::read_state(&mut *self.conn().await?, reader, id).await?;
        Ok(Response::new(proto::GetReadStateResponse {
            read_state: Some(state.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn subscribe(
        &self,
        request: Request<proto::SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let follower = person(&request)?;
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        record_tribe(id);
        let following =
            domain::Follower::start(&mut *self.conn().await?, &self.hub, follower, id).await?;
        let stream = futures::stream::unfold(
            (following, self.pool.clone()),
            |(mut following, pool)| async move {
                let next = following.next(&pool).await?.map_or_else(
                    |err| Err(err.into()),
                    |message| {
                        Ok(proto::SubscribeResponse {
                            message: Some(message.into()),
                        })
                    },
                );
                Some((next, (following, pool)))
            },
        );
        Ok(Response::new(Box::pin(stream)))
    }
}

/// How Postgres runs the first page of the search `request` (EXPLAIN ANALYZE), which must give
/// `near` and `radius_km`.
pub async fn explain_search(
    pool: &DbPool,
    request: proto::SearchTribesRequest,
) -> Result<Vec<String>, Status> {
    let (search, _, limit) = convert::search(request)?;
    let (Some(near), Some(radius)) = (search.near, search.radius) else {
        return Err(circle_core::error::invalid_argument(
            "near",
            "near and radius_km are required here",
        ));
    };
    let area = domain::Area { near, radius };
    let mut conn = pool.get().await.map_err(Error::from)?;
    Ok(domain::explain_search(&mut conn, &search, area, limit).await?)
}
