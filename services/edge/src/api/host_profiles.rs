//! circle.edge.v1.HostProfileService: host profiles, answered by the user service, which
//! decides who may see and change them. Ratings are counted by the event service, not here.
//!
//! The public messages are wire-identical copies of the internal ones (see
//! [`crate::wire_copy`]); an update passes only the fields a person may set.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::host_profile_service_server::HostProfileService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::host_profile_service_client::HostProfileServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, promised, relay};
use crate::upstream::USER;
use crate::validate;

pub struct HostProfileApi {
    context: Context,
    hosts: HostProfileServiceClient<Channel>,
}

impl HostProfileApi {
    pub fn new(context: Context) -> Self {
        Self {
            hosts: HostProfileServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

#[tonic::async_trait]
impl HostProfileService for HostProfileApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn create_host_profile(
        &self,
        request: Request<edge::CreateHostProfileRequest>,
    ) -> Result<Response<edge::CreateHostProfileResponse>, Status> {
        let answer: edge::CreateHostProfileResponse = relay!(
            self,
            request,
            USER,
            hosts.create_host_profile,
            user::CreateHostProfileRequest
        );
        promised(USER, &answer.host_profile, "host_profile")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_host_profile(
        &self,
        request: Request<edge::GetHostProfileRequest>,
    ) -> Result<Response<edge::GetHostProfileResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("user_id", &request.get_ref().user_id)?;
        let answer: edge::GetHostProfileResponse = relay!(
            self,
            request as person,
            USER,
            hosts.get_host_profile,
            user::GetHostProfileRequest
        );
        promised(USER, &answer.host_profile, "host_profile")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_host_profile(
        &self,
        request: Request<edge::UpdateHostProfileRequest>,
    ) -> Result<Response<edge::UpdateHostProfileResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::UpdateHostProfileRequest {
            user_id,
            host_profile,
            update_mask,
        } = request.into_inner();
        validate::required("user_id", &user_id)?;
        let message = user::UpdateHostProfileRequest {
            user_id,
            // Only the fields a person may set travel inward.
            host_profile: host_profile.map(|profile| user::HostProfile {
                host_name: profile.host_name,
                host_bio: profile.host_bio,
                ..Default::default()
            }),
            update_mask,
        };
        let answer: edge::UpdateHostProfileResponse =
            relay!(self, message => person, USER, hosts.update_host_profile);
        promised(USER, &answer.host_profile, "host_profile")?;
        Ok(Response::new(answer))
    }
}
