//! circle.edge.v1.AccountService: each call is authenticated (where it needs a person), limited
//! (login), validated, translated, and answered by the internal service that owns the data.

use std::net::{IpAddr, Ipv6Addr};

use circle_core::auth::{AccessTokenKey, Principal};
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::account_service_server::AccountService;
use circle_proto::notification::v1 as notification;
use circle_proto::user::v1 as user;
use tonic::{Request, Response, Status};

use crate::authentication::{Caller, authenticate};
use crate::rate_limit::LoginLimiter;
use crate::translate;
use crate::upstream::Upstream;
use crate::validate;

/// The name the edge goes by when it calls inside for someone not logged in.
const EDGE: &str = "edge";

pub struct AccountApi {
    access: AccessTokenKey,
    upstream: Upstream,
    limiter: LoginLimiter,
    edge: Principal,
}

impl AccountApi {
    pub fn new(access: AccessTokenKey, upstream: Upstream, limiter: LoginLimiter) -> Self {
        Self {
            access,
            upstream,
            limiter,
            edge: Principal::Service { name: EDGE.into() },
        }
    }

    /// The authenticated caller, noted on the current span.
    fn person<T>(&self, request: &Request<T>) -> Result<Caller, Status> {
        let caller = authenticate(&self.access, request)?;
        tracing::Span::current().record("user_id", tracing::field::display(caller.id));
        Ok(caller)
    }
}

/// Where a call comes from, as told to the user service for the session list.
struct Origin {
    address: Option<IpAddr>,
    user_agent: String,
}

impl Origin {
    fn of<T>(request: &Request<T>) -> Origin {
        Origin {
            address: request.remote_addr().map(|addr| addr.ip()),
            user_agent: request
                .metadata()
                .get("user-agent")
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned(),
        }
    }

    fn client(self, device: String) -> user::ClientInfo {
        user::ClientInfo {
            address: self.address.map(|ip| ip.to_string()).unwrap_or_default(),
            user_agent: self.user_agent,
            device,
        }
    }
}

#[tonic::async_trait]
impl AccountService for AccountApi {
    #[tracing::instrument(skip_all)]
    async fn register(
        &self,
        request: Request<edge::RegisterRequest>,
    ) -> Result<Response<edge::RegisterResponse>, Status> {
        let edge::RegisterRequest { email, password } = request.into_inner();
        validate::email(&email)?;
        validate::password(&password)?;
        let user::RegisterResponse { user } = self
            .upstream
            .register(&self.edge, user::RegisterRequest { email, password })
            .await?;
        Ok(Response::new(edge::RegisterResponse {
            account: Some(translate::required_account(user)?),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn verify_email(
        &self,
        request: Request<edge::VerifyEmailRequest>,
    ) -> Result<Response<edge::VerifyEmailResponse>, Status> {
        let edge::VerifyEmailRequest { email, code } = request.into_inner();
        validate::email(&email)?;
        validate::required("code", &code)?;
        let user::VerifyEmailResponse { user } = self
            .upstream
            .verify_email(&self.edge, user::VerifyEmailRequest { email, code })
            .await?;
        Ok(Response::new(edge::VerifyEmailResponse {
            account: Some(translate::required_account(user)?),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn login(
        &self,
        request: Request<edge::LoginRequest>,
    ) -> Result<Response<edge::LoginResponse>, Status> {
        let origin = Origin::of(&request);
        let edge::LoginRequest {
            email,
            password,
            device,
        } = request.into_inner();
        validate::email(&email)?;
        validate::password(&password)?;
        // Served over TCP a call always has a peer; without one, all such calls share a bucket.
        let address = origin.address.unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
        self.limiter.check(&email, address)?;
        let user::LoginResponse { user, tokens } = self
            .upstream
            .login(
                &self.edge,
                user::LoginRequest {
                    email,
                    password,
                    client: Some(origin.client(device)),
                },
            )
            .await?;
        Ok(Response::new(edge::LoginResponse {
            account: Some(translate::required_account(user)?),
            tokens: Some(translate::tokens(tokens)?),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn refresh_token(
        &self,
        request: Request<edge::RefreshTokenRequest>,
    ) -> Result<Response<edge::RefreshTokenResponse>, Status> {
        let origin = Origin::of(&request);
        let edge::RefreshTokenRequest { refresh_token } = request.into_inner();
        validate::required("refresh_token", &refresh_token)?;
        let user::RefreshTokenResponse { tokens } = self
            .upstream
            .refresh_token(
                &self.edge,
                user::RefreshTokenRequest {
                    refresh_token,
                    client: Some(origin.client(String::new())),
                },
            )
            .await?;
        Ok(Response::new(edge::RefreshTokenResponse {
            tokens: Some(translate::tokens(tokens)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn logout(
        &self,
        request: Request<edge::LogoutRequest>,
    ) -> Result<Response<edge::LogoutResponse>, Status> {
        let caller = self.person(&request)?;
        let edge::LogoutRequest {} = request.into_inner();
        let user::LogoutResponse {} = self.upstream.logout(&caller.principal).await?;
        Ok(Response::new(edge::LogoutResponse {}))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_account(
        &self,
        request: Request<edge::GetAccountRequest>,
    ) -> Result<Response<edge::GetAccountResponse>, Status> {
        let caller = self.person(&request)?;
        let edge::GetAccountRequest {} = request.into_inner();
        let user::GetUserResponse { user } = self
            .upstream
            .get_user(
                &caller.principal,
                user::GetUserRequest {
                    user_id: caller.id.to_string(),
                },
            )
            .await?;
        Ok(Response::new(edge::GetAccountResponse {
            account: Some(translate::required_account(user)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_notifications(
        &self,
        request: Request<edge::ListNotificationsRequest>,
    ) -> Result<Response<edge::ListNotificationsResponse>, Status> {
        let caller = self.person(&request)?;
        let edge::ListNotificationsRequest {
            page_size,
            page_token,
        } = request.into_inner();
        validate::page_size(page_size)?;
        let notification::ListNotificationsResponse {
            notifications,
            next_page_token,
        } = self
            .upstream
            .list_notifications(
                &caller.principal,
                notification::ListNotificationsRequest {
                    user_id: caller.id.to_string(),
                    page_size,
                    page_token,
                },
            )
            .await?;
        Ok(Response::new(edge::ListNotificationsResponse {
            notifications: notifications
                .into_iter()
                .map(translate::inbox_notification)
                .collect(),
            next_page_token,
        }))
    }
}
