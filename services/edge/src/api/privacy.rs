//! circle.edge.v1.PrivacyService: consents, the data export, deletion and erasure, answered by
//! the user service's PrivacyService.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::privacy_service_server::PrivacyService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::privacy_service_client::PrivacyServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::error::Error;
use crate::translate;
use crate::upstream::USER;

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

fn consent(consent: user::Consent) -> edge::Consent {
    let user::Consent {
        granted,
        grant_time,
        withdraw_time,
        update_time,
    } = consent;
    edge::Consent {
        granted,
        grant_time,
        withdraw_time,
        update_time,
    }
}

fn consents(consents: Option<user::Consents>) -> Result<edge::Consents, Error> {
    let user::Consents {
        user_id,
        marketing,
        analytics,
    } = consents.ok_or(Error::Contract {
        service: "user",
        missing: "consents",
    })?;
    Ok(edge::Consents {
        user_id,
        marketing: marketing.map(consent),
        analytics: analytics.map(consent),
    })
}

#[tonic::async_trait]
impl PrivacyService for PrivacyApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_consents(
        &self,
        request: Request<edge::GetConsentsRequest>,
    ) -> Result<Response<edge::GetConsentsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::GetConsentsRequest { user_id } = request.into_inner();
        let user::GetConsentsResponse { consents: found } = self
            .context
            .upstream
            .call(
                USER,
                &self.privacy,
                &person.acting,
                user::GetConsentsRequest { user_id },
                |mut c, r| async move { c.get_consents(r).await },
            )
            .await?;
        Ok(Response::new(edge::GetConsentsResponse {
            consents: Some(consents(found)?),
        }))
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
        let user::UpdateConsentsResponse { consents: changed } = self
            .context
            .upstream
            .call(
                USER,
                &self.privacy,
                &person.acting,
                message,
                |mut c, r| async move { c.update_consents(r).await },
            )
            .await?;
        Ok(Response::new(edge::UpdateConsentsResponse {
            consents: Some(consents(changed)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn export_user_data(
        &self,
        request: Request<edge::ExportUserDataRequest>,
    ) -> Result<Response<edge::ExportUserDataResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ExportUserDataRequest { user_id } = request.into_inner();
        let user::ExportUserDataResponse {
            document,
            export_time,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.privacy,
                &person.acting,
                user::ExportUserDataRequest { user_id },
                |mut c, r| async move { c.export_user_data(r).await },
            )
            .await?;
        Ok(Response::new(edge::ExportUserDataResponse {
            document,
            export_time,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn delete_user(
        &self,
        request: Request<edge::DeleteUserRequest>,
    ) -> Result<Response<edge::DeleteUserResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::DeleteUserRequest { user_id } = request.into_inner();
        let user::DeleteUserResponse { user } = self
            .context
            .upstream
            .call(
                USER,
                &self.privacy,
                &person.acting,
                user::DeleteUserRequest { user_id },
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
        let person = self.context.person(&request)?;
        let edge::EraseUserRequest { user_id } = request.into_inner();
        let user::EraseUserResponse { erase_time } = self
            .context
            .upstream
            .call(
                USER,
                &self.privacy,
                &person.acting,
                user::EraseUserRequest { user_id },
                |mut c, r| async move { c.erase_user(r).await },
            )
            .await?;
        Ok(Response::new(edge::EraseUserResponse { erase_time }))
    }
}
