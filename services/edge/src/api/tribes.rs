//! circle.edge.v1.TribeService: tribes, their members, activity feeds and goals, for the
//! signed-in person. Every call is passed to the tribe service as that person; the tribe
//! service enforces the rules (membership, the creator's rights, capacity, blocks, privacy).
//!
//! The public enums mirror the internal ones value for value (a test below holds them in step),
//! so enum fields pass through as numbers; messages are translated field by field.

use std::pin::Pin;

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::tribe_service_server::TribeService;
use circle_proto::tribe::v1 as tribe;
use circle_proto::tribe::v1::tribe_service_client::TribeServiceClient;
use futures::{Stream, StreamExt};
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, as_person};
use crate::error::Error;
use crate::upstream::TRIBE;

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

fn missing(what: &'static str) -> Error {
    Error::Contract {
        service: TRIBE,
        missing: what,
    }
}

fn interest_in(interest: edge::TribeInterest) -> tribe::TribeInterest {
    let edge::TribeInterest {
        category,
        name,
        primary,
    } = interest;
    tribe::TribeInterest {
        category,
        name,
        primary,
    }
}

fn interest_out(interest: tribe::TribeInterest) -> edge::TribeInterest {
    let tribe::TribeInterest {
        category,
        name,
        primary,
    } = interest;
    edge::TribeInterest {
        category,
        name,
        primary,
    }
}

fn tribe_in(t: edge::Tribe) -> tribe::Tribe {
    let edge::Tribe {
        id,
        name,
        description,
        status,
        privacy,
        max_members,
        creator_id,
        create_time,
        location_name,
        location,
        member_count,
        interests,
    } = t;
    tribe::Tribe {
        id,
        name,
        description,
        status,
        privacy,
        max_members,
        creator_id,
        create_time,
        location_name,
        location,
        member_count,
        interests: interests.into_iter().map(interest_in).collect(),
    }
}

pub(super) fn tribe_out(t: Option<tribe::Tribe>) -> Result<edge::Tribe, Error> {
    let tribe::Tribe {
        id,
        name,
        description,
        status,
        privacy,
        max_members,
        creator_id,
        create_time,
        location_name,
        location,
        member_count,
        interests,
    } = t.ok_or_else(|| missing("tribe"))?;
    Ok(edge::Tribe {
        id,
        name,
        description,
        status,
        privacy,
        max_members,
        creator_id,
        create_time,
        location_name,
        location,
        member_count,
        interests: interests.into_iter().map(interest_out).collect(),
    })
}

pub(super) fn member_out(m: tribe::Member) -> edge::Member {
    let tribe::Member {
        user_id,
        role,
        status,
        join_time,
        invited_by,
    } = m;
    edge::Member {
        user_id,
        role,
        status,
        join_time,
        invited_by,
    }
}

fn required_member(m: Option<tribe::Member>) -> Result<edge::Member, Error> {
    m.map(member_out).ok_or_else(|| missing("member"))
}

fn activity_out(a: tribe::Activity) -> edge::Activity {
    let tribe::Activity {
        id,
        tribe_id,
        user_id,
        r#type,
        description,
        metadata,
        create_time,
    } = a;
    edge::Activity {
        id,
        tribe_id,
        user_id,
        r#type,
        description,
        metadata,
        create_time,
    }
}

fn message_out(m: tribe::Message) -> edge::Message {
    let tribe::Message {
        id,
        tribe_id,
        sender_id,
        r#type,
        content,
        metadata,
        send_time,
    } = m;
    edge::Message {
        id,
        tribe_id,
        sender_id,
        r#type,
        content,
        metadata,
        send_time,
    }
}

fn read_state_out(state: Option<tribe::ReadState>) -> Result<edge::ReadState, Error> {
    let tribe::ReadState {
        last_read_message_id,
        unread_count,
    } = state.ok_or_else(|| missing("read_state"))?;
    Ok(edge::ReadState {
        last_read_message_id,
        unread_count,
    })
}

type MessageStream = Pin<Box<dyn Stream<Item = Result<edge::SubscribeResponse, Status>> + Send>>;

fn goal_out(g: tribe::Goal) -> edge::Goal {
    let tribe::Goal {
        id,
        tribe_id,
        title,
        description,
        creator_id,
        target_time,
        completed,
        complete_time,
        completed_by,
        create_time,
    } = g;
    edge::Goal {
        id,
        tribe_id,
        title,
        description,
        creator_id,
        target_time,
        completed,
        complete_time,
        completed_by,
        create_time,
    }
}

fn required_goal(g: Option<tribe::Goal>) -> Result<edge::Goal, Error> {
    g.map(goal_out).ok_or_else(|| missing("goal"))
}

#[tonic::async_trait]
impl TribeService for TribeApi {
    type SubscribeStream = MessageStream;

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn create_tribe(
        &self,
        request: Request<edge::CreateTribeRequest>,
    ) -> Result<Response<edge::CreateTribeResponse>, Status> {
        let edge::CreateTribeRequest {
            name,
            description,
            privacy,
            max_members,
            request_id,
            location_name,
            location,
            interests,
        } = request.get_ref().clone();
        let message = tribe::CreateTribeRequest {
            name,
            description,
            privacy,
            max_members,
            request_id,
            location_name,
            location,
            interests: interests.into_iter().map(interest_in).collect(),
        };
        let tribe::CreateTribeResponse { tribe } =
            as_person!(self, request, TRIBE, tribes.create_tribe, message);
        Ok(Response::new(edge::CreateTribeResponse {
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn get_tribe(
        &self,
        request: Request<edge::GetTribeRequest>,
    ) -> Result<Response<edge::GetTribeResponse>, Status> {
        let edge::GetTribeRequest { tribe_id } = request.get_ref().clone();
        let message = tribe::GetTribeRequest { tribe_id };
        let tribe::GetTribeResponse { tribe } =
            as_person!(self, request, TRIBE, tribes.get_tribe, message);
        Ok(Response::new(edge::GetTribeResponse {
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn update_tribe(
        &self,
        request: Request<edge::UpdateTribeRequest>,
    ) -> Result<Response<edge::UpdateTribeResponse>, Status> {
        let edge::UpdateTribeRequest { tribe, update_mask } = request.get_ref().clone();
        let message = tribe::UpdateTribeRequest {
            tribe: tribe.map(tribe_in),
            update_mask,
        };
        let tribe::UpdateTribeResponse { tribe } =
            as_person!(self, request, TRIBE, tribes.update_tribe, message);
        Ok(Response::new(edge::UpdateTribeResponse {
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn dissolve_tribe(
        &self,
        request: Request<edge::DissolveTribeRequest>,
    ) -> Result<Response<edge::DissolveTribeResponse>, Status> {
        let edge::DissolveTribeRequest { tribe_id } = request.get_ref().clone();
        let message = tribe::DissolveTribeRequest { tribe_id };
        let tribe::DissolveTribeResponse { tribe } =
            as_person!(self, request, TRIBE, tribes.dissolve_tribe, message);
        Ok(Response::new(edge::DissolveTribeResponse {
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn join_tribe(
        &self,
        request: Request<edge::JoinTribeRequest>,
    ) -> Result<Response<edge::JoinTribeResponse>, Status> {
        let edge::JoinTribeRequest { tribe_id } = request.get_ref().clone();
        let message = tribe::JoinTribeRequest { tribe_id };
        let tribe::JoinTribeResponse { member, tribe } =
            as_person!(self, request, TRIBE, tribes.join_tribe, message);
        Ok(Response::new(edge::JoinTribeResponse {
            member: Some(required_member(member)?),
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn invite_member(
        &self,
        request: Request<edge::InviteMemberRequest>,
    ) -> Result<Response<edge::InviteMemberResponse>, Status> {
        let edge::InviteMemberRequest { tribe_id, user_id } = request.get_ref().clone();
        let message = tribe::InviteMemberRequest { tribe_id, user_id };
        let tribe::InviteMemberResponse { member } =
            as_person!(self, request, TRIBE, tribes.invite_member, message);
        Ok(Response::new(edge::InviteMemberResponse {
            member: Some(required_member(member)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn approve_member(
        &self,
        request: Request<edge::ApproveMemberRequest>,
    ) -> Result<Response<edge::ApproveMemberResponse>, Status> {
        let edge::ApproveMemberRequest { tribe_id, user_id } = request.get_ref().clone();
        let message = tribe::ApproveMemberRequest { tribe_id, user_id };
        let tribe::ApproveMemberResponse { member, tribe } =
            as_person!(self, request, TRIBE, tribes.approve_member, message);
        Ok(Response::new(edge::ApproveMemberResponse {
            member: Some(required_member(member)?),
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn decline_member(
        &self,
        request: Request<edge::DeclineMemberRequest>,
    ) -> Result<Response<edge::DeclineMemberResponse>, Status> {
        let edge::DeclineMemberRequest { tribe_id, user_id } = request.get_ref().clone();
        let message = tribe::DeclineMemberRequest { tribe_id, user_id };
        let tribe::DeclineMemberResponse {} =
            as_person!(self, request, TRIBE, tribes.decline_member, message);
        Ok(Response::new(edge::DeclineMemberResponse {}))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn leave_tribe(
        &self,
        request: Request<edge::LeaveTribeRequest>,
    ) -> Result<Response<edge::LeaveTribeResponse>, Status> {
        let edge::LeaveTribeRequest { tribe_id } = request.get_ref().clone();
        let message = tribe::LeaveTribeRequest { tribe_id };
        let tribe::LeaveTribeResponse { tribe } =
            as_person!(self, request, TRIBE, tribes.leave_tribe, message);
        Ok(Response::new(edge::LeaveTribeResponse {
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn remove_member(
        &self,
        request: Request<edge::RemoveMemberRequest>,
    ) -> Result<Response<edge::RemoveMemberResponse>, Status> {
        let edge::RemoveMemberRequest { tribe_id, user_id } = request.get_ref().clone();
        let message = tribe::RemoveMemberRequest { tribe_id, user_id };
        let tribe::RemoveMemberResponse { tribe } =
            as_person!(self, request, TRIBE, tribes.remove_member, message);
        Ok(Response::new(edge::RemoveMemberResponse {
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn transfer_creator_role(
        &self,
        request: Request<edge::TransferCreatorRoleRequest>,
    ) -> Result<Response<edge::TransferCreatorRoleResponse>, Status> {
        let edge::TransferCreatorRoleRequest { tribe_id, user_id } = request.get_ref().clone();
        let message = tribe::TransferCreatorRoleRequest { tribe_id, user_id };
        let tribe::TransferCreatorRoleResponse { tribe } =
            as_person!(self, request, TRIBE, tribes.transfer_creator_role, message);
        Ok(Response::new(edge::TransferCreatorRoleResponse {
            tribe: Some(tribe_out(tribe)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_members(
        &self,
        request: Request<edge::ListMembersRequest>,
    ) -> Result<Response<edge::ListMembersResponse>, Status> {
        let edge::ListMembersRequest {
            tribe_id,
            page_size,
            page_token,
        } = request.get_ref().clone();
        let message = tribe::ListMembersRequest {
            tribe_id,
            page_size,
            page_token,
        };
        let tribe::ListMembersResponse {
            members,
            next_page_token,
        } = as_person!(self, request, TRIBE, tribes.list_members, message);
        Ok(Response::new(edge::ListMembersResponse {
            members: members.into_iter().map(member_out).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_activities(
        &self,
        request: Request<edge::ListActivitiesRequest>,
    ) -> Result<Response<edge::ListActivitiesResponse>, Status> {
        let edge::ListActivitiesRequest {
            tribe_id,
            page_size,
            page_token,
        } = request.get_ref().clone();
        let message = tribe::ListActivitiesRequest {
            tribe_id,
            page_size,
            page_token,
        };
        let tribe::ListActivitiesResponse {
            activities,
            next_page_token,
        } = as_person!(self, request, TRIBE, tribes.list_activities, message);
        Ok(Response::new(edge::ListActivitiesResponse {
            activities: activities.into_iter().map(activity_out).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn create_goal(
        &self,
        request: Request<edge::CreateGoalRequest>,
    ) -> Result<Response<edge::CreateGoalResponse>, Status> {
        let edge::CreateGoalRequest {
            tribe_id,
            title,
            description,
            target_time,
        } = request.get_ref().clone();
        let message = tribe::CreateGoalRequest {
            tribe_id,
            title,
            description,
            target_time,
        };
        let tribe::CreateGoalResponse { goal } =
            as_person!(self, request, TRIBE, tribes.create_goal, message);
        Ok(Response::new(edge::CreateGoalResponse {
            goal: Some(required_goal(goal)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn complete_goal(
        &self,
        request: Request<edge::CompleteGoalRequest>,
    ) -> Result<Response<edge::CompleteGoalResponse>, Status> {
        let edge::CompleteGoalRequest { goal_id } = request.get_ref().clone();
        let message = tribe::CompleteGoalRequest { goal_id };
        let tribe::CompleteGoalResponse { goal } =
            as_person!(self, request, TRIBE, tribes.complete_goal, message);
        Ok(Response::new(edge::CompleteGoalResponse {
            goal: Some(required_goal(goal)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_goals(
        &self,
        request: Request<edge::ListGoalsRequest>,
    ) -> Result<Response<edge::ListGoalsResponse>, Status> {
        let edge::ListGoalsRequest {
            tribe_id,
            page_size,
            page_token,
        } = request.get_ref().clone();
        let message = tribe::ListGoalsRequest {
            tribe_id,
            page_size,
            page_token,
        };
        let tribe::ListGoalsResponse {
            goals,
            next_page_token,
        } = as_person!(self, request, TRIBE, tribes.list_goals, message);
        Ok(Response::new(edge::ListGoalsResponse {
            goals: goals.into_iter().map(goal_out).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn search_tribes(
        &self,
        request: Request<edge::SearchTribesRequest>,
    ) -> Result<Response<edge::SearchTribesResponse>, Status> {
        let edge::SearchTribesRequest {
            near,
            radius_km,
            categories,
            with_free_seats,
            query,
            page_size,
            page_token,
        } = request.get_ref().clone();
        let message = tribe::SearchTribesRequest {
            near,
            radius_km,
            categories,
            with_free_seats,
            query,
            page_size,
            page_token,
        };
        let tribe::SearchTribesResponse {
            tribes,
            next_page_token,
        } = as_person!(self, request, TRIBE, tribes.search_tribes, message);
        Ok(Response::new(edge::SearchTribesResponse {
            tribes: tribes
                .into_iter()
                .map(|found| {
                    let tribe::FoundTribe {
                        tribe,
                        distance_km,
                        score,
                    } = found;
                    Ok(edge::FoundTribe {
                        tribe: Some(tribe_out(tribe)?),
                        distance_km,
                        score,
                    })
                })
                .collect::<Result<_, Error>>()?,
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn send_message(
        &self,
        request: Request<edge::SendMessageRequest>,
    ) -> Result<Response<edge::SendMessageResponse>, Status> {
        let edge::SendMessageRequest {
            tribe_id,
            r#type,
            content,
        } = request.get_ref().clone();
        let message = tribe::SendMessageRequest {
            tribe_id,
            r#type,
            content,
        };
        let tribe::SendMessageResponse { message } =
            as_person!(self, request, TRIBE, tribes.send_message, message);
        Ok(Response::new(edge::SendMessageResponse {
            message: Some(message.map(message_out).ok_or_else(|| missing("message"))?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn list_messages(
        &self,
        request: Request<edge::ListMessagesRequest>,
    ) -> Result<Response<edge::ListMessagesResponse>, Status> {
        let edge::ListMessagesRequest {
            tribe_id,
            page_size,
            page_token,
        } = request.get_ref().clone();
        let message = tribe::ListMessagesRequest {
            tribe_id,
            page_size,
            page_token,
        };
        let tribe::ListMessagesResponse {
            messages,
            next_page_token,
        } = as_person!(self, request, TRIBE, tribes.list_messages, message);
        Ok(Response::new(edge::ListMessagesResponse {
            messages: messages.into_iter().map(message_out).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn mark_read(
        &self,
        request: Request<edge::MarkReadRequest>,
    ) -> Result<Response<edge::MarkReadResponse>, Status> {
        let edge::MarkReadRequest {
            tribe_id,
            message_id,
        } = request.get_ref().clone();
        let message = tribe::MarkReadRequest {
            tribe_id,
            message_id,
        };
        let tribe::MarkReadResponse { read_state } =
            as_person!(self, request, TRIBE, tribes.mark_read, message);
        Ok(Response::new(edge::MarkReadResponse {
            read_state: Some(read_state_out(read_state)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn get_read_state(
        &self,
        request: Request<edge::GetReadStateRequest>,
    ) -> Result<Response<edge::GetReadStateResponse>, Status> {
        let edge::GetReadStateRequest { tribe_id } = request.get_ref().clone();
        let message = tribe::GetReadStateRequest { tribe_id };
        let tribe::GetReadStateResponse { read_state } =
            as_person!(self, request, TRIBE, tribes.get_read_state, message);
        Ok(Response::new(edge::GetReadStateResponse {
            read_state: Some(read_state_out(read_state)?),
        }))
    }

    /// Passes the tribe service's stream through, message by message.
    #[tracing::instrument(skip_all, fields(user_id = tracing::field::Empty))]
    async fn subscribe(
        &self,
        request: Request<edge::SubscribeRequest>,
    ) -> Result<Response<Self::SubscribeStream>, Status> {
        let edge::SubscribeRequest { tribe_id } = request.get_ref().clone();
        let message = tribe::SubscribeRequest { tribe_id };
        let inside = as_person!(self, request, TRIBE, tribes.subscribe, message);
        let outside = inside.map(|item| {
            let tribe::SubscribeResponse { message } = item?;
            Ok(edge::SubscribeResponse {
                message: message.map(message_out),
            })
        });
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
