//! circle.edge.v1.PrivacyService: consents, the data export, deletion and erasure, answered by
//! the user service's PrivacyService.
//!
//! The public messages are wire-identical copies of the internal ones (see
//! [`crate::wire_copy`]) but for two: an update passes only whether each consent is granted,
//! and a deleted user is answered as the public account.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::privacy_service_server::PrivacyService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::privacy_service_client::PrivacyServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, promised, relay};
use crate::upstream::USER;
use crate::{translate, wire_copy};

pub struct PrivacyApi {
    context: Context,
    privacy: PrivacyServiceClient<Channel>,
}

impl PrivacyApi {
    pub fn new(context: Context) -> Self {
        Self {
            privacy: PrivacyServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

fn consent_inside(consent: edge::Consent) -> user::Consent {
    let edge::Consent {
        granted,
        grant_time: _,
        withdraw_time: _,
        update_time: _,
    } = consent;
    user::Consent {
        granted,
        ..Default::default()
    }
}

#[tonic::async_trait]
impl PrivacyService for PrivacyApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_consents(
        &self,
        request: Request<edge::GetConsentsRequest>,
    ) -> Result<Response<edge::GetConsentsResponse>, Status> {
        let answer: edge::GetConsentsResponse = relay!(
            self,
            request,
            USER,
            privacy.get_consents,
            user::GetConsentsRequest
        );
        promised(USER, &answer.consents, "consents")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_consents(
        &self,
        request: Request<edge::UpdateConsentsRequest>,
    ) -> Result<Response<edge::UpdateConsentsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::UpdateConsentsRequest {
            consents: given,
            update_mask,
        } = request.into_inner();
        let message = user::UpdateConsentsRequest {
            consents: given.map(
                |edge::Consents {
                     user_id,
                     marketing,
                     analytics,
                 }| user::Consents {
                    user_id,
                    marketing: marketing.map(consent_inside),
                    analytics: analytics.map(consent_inside),
                },
            ),
            update_mask,
        };
        let answer: edge::UpdateConsentsResponse =
            relay!(self, message => person, USER, privacy.update_consents);
        promised(USER, &answer.consents, "consents")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn export_user_data(
        &self,
        request: Request<edge::ExportUserDataRequest>,
    ) -> Result<Response<edge::ExportUserDataResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            USER,
            privacy.export_user_data,
            user::ExportUserDataRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn delete_user(
        &self,
        request: Request<edge::DeleteUserRequest>,
    ) -> Result<Response<edge::DeleteUserResponse>, Status> {
        let person = self.context.person(&request)?;
        let message: user::DeleteUserRequest = wire_copy::copy(request.get_ref())?;
        let user::DeleteUserResponse { user } = self
            .context
            .upstream
            .call(
                USER,
                &self.privacy,
                &person.acting,
                message,
                |mut c, r| async move { c.delete_user(r).await },
            )
            .await?;
        Ok(Response::new(edge::DeleteUserResponse {
            account: Some(translate::required_account(user)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn erase_user(
        &self,
        request: Request<edge::EraseUserRequest>,
    ) -> Result<Response<edge::EraseUserResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            USER,
            privacy.erase_user,
            user::EraseUserRequest
        )))
    }
}
