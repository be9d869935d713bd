//! circle.edge.v1.HostProfileService: host profiles, answered by the user service, which
//! decides who may see and change them. Ratings are counted by the event service, not here.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::host_profile_service_server::HostProfileService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::host_profile_service_client::HostProfileServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::error::Error;
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

/// The host profile a response must carry.
fn required(host_profile: Option<user::HostProfile>) -> Result<Option<edge::HostProfile>, Error> {
    let user::HostProfile {
        id,
        user_id,
        host_name,
        host_bio,
        rating_sum,
        rating_count,
        create_time,
        update_time,
    } = host_profile.ok_or(Error::Contract {
        service: USER,
        missing: "host_profile",
    })?;
    Ok(Some(edge::HostProfile {
        id,
        user_id,
        host_name,
        host_bio,
        rating_sum,
        rating_count,
        create_time,
        update_time,
    }))
}

#[tonic::async_trait]
impl HostProfileService for HostProfileApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn create_host_profile(
        &self,
        request: Request<edge::CreateHostProfileRequest>,
    ) -> Result<Response<edge::CreateHostProfileResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::CreateHostProfileRequest {
            request_id,
            host_name,
            host_bio,
        } = request.into_inner();
        let message = user::CreateHostProfileRequest {
            request_id,
            host_name,
            host_bio,
        };
        let user::CreateHostProfileResponse { host_profile } = self
            .context
            .upstream
            .call(
                USER,
                &self.hosts,
                &person.acting,
                message,
                |mut c, r| async move { c.create_host_profile(r).await },
            )
            .await?;
        Ok(Response::new(edge::CreateHostProfileResponse {
            host_profile: required(host_profile)?,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_host_profile(
        &self,
        request: Request<edge::GetHostProfileRequest>,
    ) -> Result<Response<edge::GetHostProfileResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::GetHostProfileRequest { user_id } = request.into_inner();
        validate::required("user_id", &user_id)?;
        let message = user::GetHostProfileRequest { user_id };
        let user::GetHostProfileResponse { host_profile } = self
            .context
            .upstream
            .call(
                USER,
                &self.hosts,
                &person.acting,
                message,
                |mut c, r| async move { c.get_host_profile(r).await },
            )
            .await?;
        Ok(Response::new(edge::GetHostProfileResponse {
            host_profile: required(host_profile)?,
        }))
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
        let user::UpdateHostProfileResponse { host_profile } = self
            .context
            .upstream
            .call(
                USER,
                &self.hosts,
                &person.acting,
                message,
                |mut c, r| async move { c.update_host_profile(r).await },
            )
            .await?;
        Ok(Response::new(edge::UpdateHostProfileResponse {
            host_profile: required(host_profile)?,
        }))
    }
}
