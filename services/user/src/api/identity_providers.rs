//! circle.user.v1.IdentityProviderService: sign-in with an identity provider's ID token.

use circle_core::auth::{Principal, caller};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::identity_provider_service_server::IdentityProviderService;
use tonic::{Request, Response, Status};
use tracing::field::{Empty, display};

use crate::authentication::ClientDetails;
use crate::domain::IdentityProvider;
use crate::error::Error;
use crate::identity_providers::{self, ProviderSignIn};
use crate::state::AppState;

/// Longer than any real ID token (a few KiB at most); bigger is refused before any parsing.
const MAX_ID_TOKEN_LENGTH: usize = 16 * 1024;

pub struct IdentityProviderApi {
    state: AppState,
}

impl IdentityProviderApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

#[tonic::async_trait]
impl IdentityProviderService for IdentityProviderApi {
    #[tracing::instrument(skip_all, fields(provider = Empty, user_id = Empty))]
    async fn sign_in_with_provider(
        &self,
        request: Request<pb::SignInWithProviderRequest>,
    ) -> Result<Response<pb::SignInWithProviderResponse>, Status> {
        // Like Login: the edge calls on behalf of someone not signed in.
        if !matches!(caller(&request)?, Principal::Service { .. }) {
            return Err(Error::Forbidden("only an internal service may call this method").into());
        }
        let sign_in = ProviderSignIn::try_from(request.into_inner())?;
        tracing::Span::current().record("provider", sign_in.provider.as_str());
        let signed_in = identity_providers::sign_in(&self.state, sign_in).await?;
        tracing::Span::current().record("user_id", display(signed_in.account.id));
        Ok(Response::new(pb::SignInWithProviderResponse {
            user: Some(signed_in.account.into()),
            tokens: Some(signed_in.tokens.into()),
            account_created: signed_in.created,
        }))
    }
}

impl TryFrom<pb::SignInWithProviderRequest> for ProviderSignIn {
    type Error = Error;

    fn try_from(request: pb::SignInWithProviderRequest) -> Result<Self, Error> {
        let pb::SignInWithProviderRequest {
            provider,
            id_token,
            client,
        } = request;
        let provider = match pb::IdentityProvider::try_from(provider) {
            Ok(pb::IdentityProvider::Google) => IdentityProvider::Google,
            Ok(pb::IdentityProvider::Apple) => IdentityProvider::Apple,
            Ok(pb::IdentityProvider::Facebook) => IdentityProvider::Facebook,
            Ok(pb::IdentityProvider::Unspecified) => {
                return Err(Error::invalid("provider", "is required"));
            }
            Err(_) => {
                return Err(Error::invalid(
                    "provider",
                    "is not a known identity provider",
                ));
            }
        };
        let id_token = id_token.trim().to_owned();
        if id_token.is_empty() {
            return Err(Error::invalid("id_token", "is required"));
        }
        if id_token.len() > MAX_ID_TOKEN_LENGTH {
            return Err(Error::invalid("id_token", "is too long"));
        }
        Ok(ProviderSignIn {
            provider,
            id_token,
            client: client.map(ClientDetails::from).unwrap_or_default(),
        })
    }
}
