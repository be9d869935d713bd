//! circle.edge.v1.AccountService: registration, verification, login and the session's tokens,
//! the account itself, and the notification inbox.

use std::net::{IpAddr, Ipv6Addr};

use circle_core::origin::ClientOrigin;
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::account_service_server::AccountService;
use circle_proto::notification::v1 as notification;
use circle_proto::notification::v1::notification_service_client::NotificationServiceClient;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::user_service_client::UserServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::rate_limit::LoginLimiter;
use crate::translate;
use crate::upstream::{NOTIFICATION, USER};
use crate::validate;

pub struct AccountApi {
    context: Context,
    users: UserServiceClient<Channel>,
    notifications: NotificationServiceClient<Channel>,
    limiter: LoginLimiter,
}

impl AccountApi {
    pub fn new(context: Context, limiter: LoginLimiter) -> Self {
        Self {
            users: UserServiceClient::new(context.upstream.user()),
            notifications: NotificationServiceClient::new(context.upstream.notification()),
            context,
            limiter,
        }
    }
}

/// Where a login or refresh comes from, as told to the user service for the session list.
pub(super) fn client_info(origin: &ClientOrigin, device: String) -> user::ClientInfo {
    user::ClientInfo {
        address: origin.address.clone().unwrap_or_default(),
        user_agent: origin.user_agent.clone().unwrap_or_default(),
        device,
    }
}

#[tonic::async_trait]
impl AccountService for AccountApi {
    #[tracing::instrument(skip_all)]
    async fn register(
        &self,
        request: Request<edge::RegisterRequest>,
    ) -> Result<Response<edge::RegisterResponse>, Status> {
        let acting = self.context.anonymous(&request);
        let edge::RegisterRequest { email, password } = request.into_inner();
        validate::email(&email)?;
        validate::password(&password)?;
        let message = user::RegisterRequest { email, password };
        let user::RegisterResponse { user } = self
            .context
            .upstream
            .call(USER, &self.users, &acting, message, |mut c, r| async move {
                c.register(r).await
            })
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
        let acting = self.context.anonymous(&request);
        let edge::VerifyEmailRequest { email, code } = request.into_inner();
        validate::email(&email)?;
        validate::required("code", &code)?;
        let message = user::VerifyEmailRequest { email, code };
        let user::VerifyEmailResponse { user } = self
            .context
            .upstream
            .call(USER, &self.users, &acting, message, |mut c, r| async move {
                c.verify_email(r).await
            })
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
        let acting = self.context.anonymous(&request);
        let edge::LoginRequest {
            email,
            password,
            device,
        } = request.into_inner();
        validate::email(&email)?;
        validate::password(&password)?;
        // Served over TCP a call always has a peer; without one, all such calls share a bucket.
        let address = acting
            .origin
            .address
            .as_deref()
            .and_then(|address| address.parse().ok())
            .unwrap_or(IpAddr::V6(Ipv6Addr::UNSPECIFIED));
        self.limiter.check(&email, address)?;
        let message = user::LoginRequest {
            email,
            password,
            client: Some(client_info(&acting.origin, device)),
        };
        let user::LoginResponse { user, tokens } = self
            .context
            .upstream
            .call(USER, &self.users, &acting, message, |mut c, r| async move {
                c.login(r).await
            })
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
        let acting = self.context.anonymous(&request);
        let edge::RefreshTokenRequest { refresh_token } = request.into_inner();
        validate::required("refresh_token", &refresh_token)?;
        let message = user::RefreshTokenRequest {
            refresh_token,
            client: Some(client_info(&acting.origin, String::new())),
        };
        let user::RefreshTokenResponse { tokens } = self
            .context
            .upstream
            .call(USER, &self.users, &acting, message, |mut c, r| async move {
                c.refresh_token(r).await
            })
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
        let person = self.context.person(&request)?;
        let edge::LogoutRequest {} = request.into_inner();
        let message = user::LogoutRequest {};
        let user::LogoutResponse {} = self
            .context
            .upstream
            .call(
                USER,
                &self.users,
                &person.acting,
                message,
                |mut c, r| async move { c.logout(r).await },
            )
            .await?;
        Ok(Response::new(edge::LogoutResponse {}))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_account(
        &self,
        request: Request<edge::GetAccountRequest>,
    ) -> Result<Response<edge::GetAccountResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::GetAccountRequest {} = request.into_inner();
        let message = user::GetUserRequest {
            user_id: person.id.to_string(),
        };
        let user::GetUserResponse { user } = self
            .context
            .upstream
            .call(
                USER,
                &self.users,
                &person.acting,
                message,
                |mut c, r| async move { c.get_user(r).await },
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
        let person = self.context.person(&request)?;
        let edge::ListNotificationsRequest {
            page_size,
            page_token,
        } = request.into_inner();
        validate::page_size(page_size)?;
        let message = notification::ListNotificationsRequest {
            user_id: person.id.to_string(),
            page_size,
            page_token,
        };
        let notification::ListNotificationsResponse {
            notifications,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                NOTIFICATION,
                &self.notifications,
                &person.acting,
                message,
                |mut c, r| async move { c.list_notifications(r).await },
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
