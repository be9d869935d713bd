//! circle.edge.v1.TribeService: tribes, their members, activity feeds and goals, for the
//! signed-in person. Every call is passed to the tribe service as that person; the tribe
//! service enforces the rules (membership, the creator's rights, capacity, blocks, privacy).
//!
//! The public messages are wire-identical copies of the internal ones (see
//! [`crate::wire_copy`]): requests and answers cross whole, and the edge only checks that an
//! answer holds what the contract promises.

use std::pin::Pin;

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::tribe_service_server::TribeService;
use circle_proto::tribe::v1 as tribe;
use circle_proto::tribe::v1::tribe_service_client::TribeServiceClient;
use futures::{Stream, StreamExt};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, promised, relay};
use crate::upstream::TRIBE;
use crate::wire_copy;

pub struct TribeApi {
    context: Context,
    tribes: TribeServiceClient<Channel>,
}

impl TribeApi {
    pub fn new(context: Context) -> Self {
        Self {
            tribes: TribeServiceClient::new(context.upstream.tribe()),
            context,
        }
    }
}

type MessageStream = Pin<Box<dyn Stream<Item = Result<edge::SubscribeResponse, Status>> + Send>>;

#[tonic::async_trait]
impl TribeService for TribeApi {
    type SubscribeStream = MessageStream;

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn create_tribe(
        &self,
        request: Request<edge::CreateTribeRequest>,
    ) -> Result<Response<edge::CreateTribeResponse>, Status> {
        let answer: edge::CreateTribeResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.create_tribe,
            tribe::CreateTribeRequest
        );
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn get_tribe(
        &self,
        request: Request<edge::GetTribeRequest>,
    ) -> Result<Response<edge::GetTribeResponse>, Status> {
        let answer: edge::GetTribeResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.get_tribe,
            tribe::GetTribeRequest
        );
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn update_tribe(
        &self,
        request: Request<edge::UpdateTribeRequest>,
    ) -> Result<Response<edge::UpdateTribeResponse>, Status> {
        let answer: edge::UpdateTribeResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.update_tribe,
            tribe::UpdateTribeRequest
        );
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn dissolve_tribe(
        &self,
        request: Request<edge::DissolveTribeRequest>,
    ) -> Result<Response<edge::DissolveTribeResponse>, Status> {
        let answer: edge::DissolveTribeResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.dissolve_tribe,
            tribe::DissolveTribeRequest
        );
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn join_tribe(
        &self,
        request: Request<edge::JoinTribeRequest>,
    ) -> Result<Response<edge::JoinTribeResponse>, Status> {
        let answer: edge::JoinTribeResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.join_tribe,
            tribe::JoinTribeRequest
        );
        promised(TRIBE, &answer.member, "member")?;
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn invite_member(
        &self,
        request: Request<edge::InviteMemberRequest>,
    ) -> Result<Response<edge::InviteMemberResponse>, Status> {
        let answer: edge::InviteMemberResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.invite_member,
            tribe::InviteMemberRequest
        );
        promised(TRIBE, &answer.member, "member")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn approve_member(
        &self,
        request: Request<edge::ApproveMemberRequest>,
    ) -> Result<Response<edge::ApproveMemberResponse>, Status> {
        let answer: edge::ApproveMemberResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.approve_member,
            tribe::ApproveMemberRequest
        );
        promised(TRIBE, &answer.member, "member")?;
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn decline_member(
        &self,
        request: Request<edge::DeclineMemberRequest>,
    ) -> Result<Response<edge::DeclineMemberResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            TRIBE,
            tribes.decline_member,
            tribe::DeclineMemberRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn leave_tribe(
        &self,
        request: Request<edge::LeaveTribeRequest>,
    ) -> Result<Response<edge::LeaveTribeResponse>, Status> {
        let answer: edge::LeaveTribeResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.leave_tribe,
            tribe::LeaveTribeRequest
        );
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn remove_member(
        &self,
        request: Request<edge::RemoveMemberRequest>,
    ) -> Result<Response<edge::RemoveMemberResponse>, Status> {
        let answer: edge::RemoveMemberResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.remove_member,
            tribe::RemoveMemberRequest
        );
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn transfer_creator_role(
        &self,
        request: Request<edge::TransferCreatorRoleRequest>,
    ) -> Result<Response<edge::TransferCreatorRoleResponse>, Status> {
        let answer: edge::TransferCreatorRoleResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.transfer_creator_role,
            tribe::TransferCreatorRoleRequest
        );
        promised(TRIBE, &answer.tribe, "tribe")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_members(
        &self,
        request: Request<edge::ListMembersRequest>,
    ) -> Result<Response<edge::ListMembersResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            TRIBE,
            tribes.list_members,
            tribe::ListMembersRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_activities(
        &self,
        request: Request<edge::ListActivitiesRequest>,
    ) -> Result<Response<edge::ListActivitiesResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            TRIBE,
            tribes.list_activities,
            tribe::ListActivitiesRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn create_goal(
        &self,
        request: Request<edge::CreateGoalRequest>,
    ) -> Result<Response<edge::CreateGoalResponse>, Status> {
        let answer: edge::CreateGoalResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.create_goal,
            tribe::CreateGoalRequest
        );
        promised(TRIBE, &answer.goal, "goal")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn complete_goal(
        &self,
        request: Request<edge::CompleteGoalRequest>,
    ) -> Result<Response<edge::CompleteGoalResponse>, Status> {
        let answer: edge::CompleteGoalResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.complete_goal,
            tribe::CompleteGoalRequest
        );
        promised(TRIBE, &answer.goal, "goal")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_goals(
        &self,
        request: Request<edge::ListGoalsRequest>,
    ) -> Result<Response<edge::ListGoalsResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            TRIBE,
            tribes.list_goals,
            tribe::ListGoalsRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn search_tribes(
        &self,
        request: Request<edge::SearchTribesRequest>,
    ) -> Result<Response<edge::SearchTribesResponse>, Status> {
        let answer: edge::SearchTribesResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.search_tribes,
            tribe::SearchTribesRequest
        );
        for found in &answer.tribes {
            promised(TRIBE, &found.tribe, "tribe")?;
        }
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn send_message(
        &self,
        request: Request<edge::SendMessageRequest>,
    ) -> Result<Response<edge::SendMessageResponse>, Status> {
        let answer: edge::SendMessageResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.send_message,
            tribe::SendMessageRequest
        );
        promised(TRIBE, &answer.message, "message")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_messages(
        &self,
        request: Request<edge::ListMessagesRequest>,
    ) -> Result<Response<edge::ListMessagesResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            TRIBE,
            tribes.list_messages,
            tribe::ListMessagesRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn mark_read(
        &self,
        request: Request<edge::MarkReadRequest>,
    ) -> Result<Response<edge::MarkReadResponse>, Status> {
        let answer: edge::MarkReadResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.mark_read,
            tribe::MarkReadRequest
        );
        promised(TRIBE, &answer.read_state, "read_state")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn get_read_state(
        &self,
        request: Request<edge::GetReadStateRequest>,
    ) -> Result<Response<edge::GetReadStateResponse>, Status> {
        let answer: edge::GetReadStateResponse = relay!(
            self,
            request,
            TRIBE,
            tribes.get_read_state,
            tribe::GetReadStateRequest
        );
        promised(TRIBE, &answer.read_state, "read_state")?;
        Ok(Response::new(answer))
    }

    /// Passes the tribe service's stream through, message by message.
    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn subscribe(
        &self,
        request: Request<edge::SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let person = self.context.person(&request)?;
        let message: tribe::SubscribeRequest = wire_copy::copy(request.get_ref())?;
        let inside = self
            .context
            .upstream
            .call(
                TRIBE,
                &self.tribes,
                &person.acting,
                message,
                |mut c, r| async move { c.subscribe(r).await },
            )
            .await?;
        let outside = inside.map(|item| Ok(wire_copy::copy::<_, edge::SubscribeResponse>(&item?)?));
        Ok(Response::new(Box::pin(outside)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use circle_proto::user::v1 as user;

    /// Every public enum value has the internal value of the same name and number.
    #[test]
    fn public_enums_mirror_the_internal_ones() {
        fn check(
            max: i32,
            public: impl Fn(i32) -> Option<String>,
            inside: impl Fn(i32) -> Option<String>,
        ) {
            for n in 0..=max + 1 {
                let (public, inside) = (public(n), inside(n));
                let suffix = |name: &Option<String>| {
                    name.as_ref().map(|name| {
                        name.split_once('_')
                            .map(|(_, rest)| rest.to_owned())
                            .unwrap_or_default()
                    })
                };
                assert_eq!(public.is_some(), inside.is_some(), "value {n}");
                assert_eq!(suffix(&public), suffix(&inside), "value {n}");
            }
        }
        macro_rules! names {
            ($enum:ty) => {
                |n: i32| {
                    <$enum>::try_from(n)
                        .ok()
                        .map(|e| e.as_str_name().to_owned())
                }
            };
        }
        check(5, names!(edge::TribeStatus), names!(tribe::TribeStatus));
        check(2, names!(edge::TribePrivacy), names!(tribe::TribePrivacy));
        check(2, names!(edge::MemberRole), names!(tribe::MemberRole));
        check(
            6,
            names!(edge::MembershipStatus),
            names!(tribe::MembershipStatus),
        );
        check(16, names!(edge::ActivityType), names!(tribe::ActivityType));
        check(
            8,
            names!(edge::InterestCategory),
            names!(user::InterestCategory),
        );
        check(5, names!(edge::MessageType), names!(tribe::MessageType));
    }
}
