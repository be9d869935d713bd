//! circle.edge.v1.IdentityProviderService: sign-in with Google, Apple or Facebook, answered by
//! the user service, which verifies the ID token.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::identity_provider_service_server::IdentityProviderService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::identity_provider_service_client::IdentityProviderServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::error::Error;
use crate::translate;
use crate::upstream::USER;
use crate::validate;

pub struct IdentityProviderApi {
    context: Context,
    providers: IdentityProviderServiceClient<Channel>,
}

impl IdentityProviderApi {
    pub fn new(context: Context) -> Self {
        Self {
            providers: IdentityProviderServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

#[tonic::async_trait]
impl IdentityProviderService for IdentityProviderApi {
    #[tracing::instrument(skip_all)]
    async fn sign_in_with_provider(
        &self,
        request: Request<edge::SignInWithProviderRequest>,
    ) -> Result<Response<edge::SignInWithProviderResponse>, Status> {
        let acting = self.context.anonymous(&request);
        let edge::SignInWithProviderRequest {
            provider,
            id_token,
            device,
        } = request.into_inner();
        let provider = provider_inside(provider)?;
        validate::required("id_token", &id_token)?;
        let message = user::SignInWithProviderRequest {
            provider: provider as i32,
            id_token,
            client: Some(super::accounts::client_info(&acting.origin, device)),
        };
        let user::SignInWithProviderResponse {
            user,
            tokens,
            account_created,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.providers,
                &acting,
                message,
                |mut c, r| async move { c.sign_in_with_provider(r).await },
            )
            .await?;
        Ok(Response::new(edge::SignInWithProviderResponse {
            account: Some(translate::required_account(user)?),
            tokens: Some(translate::tokens(tokens)?),
            account_created,
        }))
    }
}

fn provider_inside(provider: i32) -> Result<user::IdentityProvider, Error> {
    match edge::IdentityProvider::try_from(provider) {
        Ok(edge::IdentityProvider::Google) => Ok(user::IdentityProvider::Google),
        Ok(edge::IdentityProvider::Apple) => Ok(user::IdentityProvider::Apple),
        Ok(edge::IdentityProvider::Facebook) => Ok(user::IdentityProvider::Facebook),
        Ok(edge::IdentityProvider::Unspecified) | Err(_) => Err(Error::InvalidArgument {
            field: "provider",
            problem: "must be GOOGLE, APPLE or FACEBOOK",
        }),
    }
}
