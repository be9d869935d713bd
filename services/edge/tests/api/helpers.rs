use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use circle_core::auth::{AccessTokenKey, IDENTITY_METADATA_KEY, IdentityKey, Principal, Role};
use circle_proto::edge::v1::account_service_client::AccountServiceClient;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::user_service_server::{UserService, UserServiceServer};
use edge_service::{Config, LoginRateLimits};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::transport::Channel;
use tonic::{Code, Request, Response, Status};
use tonic_types::{ErrorDetails, StatusExt};
use uuid::Uuid;

pub const IDENTITY_SECRET: &str = "edge-tests-internal-identity-secret-0123456789";
pub const ACCESS_SECRET: &str = "edge-tests-access-token-secret-0123456789abcdef";

/// Limits high enough that only the rate limit tests meet them.
pub fn generous_limits() -> LoginRateLimits {
    limits(1000, 1000)
}

pub fn limits(per_account: u32, per_address: u32) -> LoginRateLimits {
    LoginRateLimits {
        per_account_per_minute: NonZeroU32::new(per_account).unwrap(),
        per_address_per_minute: NonZeroU32::new(per_address).unwrap(),
    }
}

/// A running edge, stopped when dropped.
pub struct TestEdge {
    pub addr: SocketAddr,
    pub client: AccountServiceClient<Channel>,
    shutdown: Option<oneshot::Sender<()>>,
    served: Option<JoinHandle<Result<(), tonic::transport::Error>>>,
}

impl TestEdge {
    pub async fn spawn(
        user_url: &str,
        notification_url: &str,
        login_rate: LoginRateLimits,
    ) -> Self {
        circle_core::telemetry::init_for_tests();
        let config = Config {
            addr: "127.0.0.1:0".parse().unwrap(),
            user_url: user_url.to_owned(),
            // No tribe service in these tests; the channel connects lazily and is never used.
            tribe_url: "http://127.0.0.1:9".to_owned(),
            notification_url: notification_url.to_owned(),
            identity_secret: IDENTITY_SECRET.to_owned(),
            access_token_secret: ACCESS_SECRET.to_owned(),
            login_rate,
        };
        let app = edge_service::build(config).await.expect("edge builds");
        let addr = app.local_addr();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let served = tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        let client = AccountServiceClient::connect(format!("http://{addr}"))
            .await
            .expect("edge accepts connections");
        TestEdge {
            addr,
            client,
            shutdown: Some(shutdown),
            served: Some(served),
        }
    }

    /// Asks the edge to stop and waits until it has.
    pub async fn stop(mut self) -> Result<(), tonic::transport::Error> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        let served = self.served.take().expect("stopped once");
        tokio::time::timeout(Duration::from_secs(10), served)
            .await
            .expect("the edge stops within 10 s")
            .expect("the serving task does not panic")
    }
}

impl Drop for TestEdge {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// An address where nothing listens: the port was free a moment ago and is closed again.
pub fn unreachable_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}")
}

/// An edge whose internal services cannot be reached.
pub async fn edge_alone() -> TestEdge {
    TestEdge::spawn(&unreachable_url(), &unreachable_url(), generous_limits()).await
}

/// An edge in front of a stand-in user service (the notification service is unreachable).
pub async fn edge_with_fake_users(login_rate: LoginRateLimits) -> (TestEdge, FakeUsers) {
    let users = FakeUsers::start().await;
    let edge = TestEdge::spawn(&users.url, &unreachable_url(), login_rate).await;
    (edge, users)
}

pub fn person() -> (Uuid, Uuid, Role) {
    (Uuid::new_v4(), Uuid::new_v4(), Role::TribeCreator)
}

/// An access token as the user service would issue it, `age` ago, valid for 15 minutes.
pub fn access_token(
    secret: &str,
    (id, session, role): (Uuid, Uuid, Role),
    age: chrono::Duration,
) -> String {
    AccessTokenKey::new(secret)
        .issue(
            id,
            session,
            role,
            Utc::now() - age,
            Duration::from_secs(15 * 60),
        )
        .0
}

pub fn fresh_token(who: (Uuid, Uuid, Role)) -> String {
    access_token(ACCESS_SECRET, who, chrono::Duration::zero())
}

/// `message` with "authorization: <value>".
pub fn authorized<T>(message: T, value: &str) -> Request<T> {
    let mut request = Request::new(message);
    request
        .metadata_mut()
        .insert("authorization", value.parse().unwrap());
    request
}

pub fn bearer<T>(message: T, token: &str) -> Request<T> {
    authorized(message, &format!("Bearer {token}"))
}

/// The stable reason of a status's ErrorInfo.
pub fn reason(status: &Status) -> String {
    status
        .get_details_error_info()
        .unwrap_or_else(|| panic!("no ErrorInfo in {status:?}"))
        .reason
}

/// The single field a status's BadRequest names.
pub fn violated_field(status: &Status) -> String {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let bad_request = status
        .get_details_bad_request()
        .unwrap_or_else(|| panic!("no BadRequest in {status:?}"));
    assert_eq!(bad_request.field_violations.len(), 1, "{status:?}");
    bad_request.field_violations[0].field.clone()
}

/// What the stand-in user service saw of one call.
#[derive(Clone, Debug)]
pub struct SeenCall {
    pub method: &'static str,
    /// The identity the call carried, verified with the suite's identity secret.
    pub identity: Result<Principal, Code>,
    pub client: Option<user::ClientInfo>,
    pub user_id: Option<String>,
}

/// A stand-in for the user service on the wire: it notes every call and answers each with the
/// same refusal, carrying a BadRequest as the real service would.
#[derive(Clone)]
pub struct FakeUsers {
    pub url: String,
    seen: Arc<Mutex<Vec<SeenCall>>>,
}

pub const FAKE_CODE: Code = Code::InvalidArgument;
pub const FAKE_MESSAGE: &str = "password: must be at least 12 characters";

/// The refusal the stand-in answers with.
pub fn fake_refusal() -> Status {
    Status::with_error_details(
        FAKE_CODE,
        FAKE_MESSAGE,
        ErrorDetails::with_bad_request_violation("password", "must be at least 12 characters"),
    )
}

impl FakeUsers {
    async fn start() -> FakeUsers {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let fake = FakeUsers {
            url,
            seen: Arc::default(),
        };
        let server = UserServiceServer::new(fake.clone());
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(server)
                .serve_with_incoming(TcpListenerStream::new(listener)),
        );
        fake
    }

    pub fn seen(&self) -> Vec<SeenCall> {
        self.seen.lock().unwrap().clone()
    }

    fn note<T>(
        &self,
        method: &'static str,
        request: &Request<T>,
        client: Option<user::ClientInfo>,
        user_id: Option<String>,
    ) -> Status {
        let identity = request
            .metadata()
            .get(IDENTITY_METADATA_KEY)
            .ok_or(Code::Unauthenticated)
            .and_then(|value| value.to_str().map_err(|_| Code::Unauthenticated))
            .and_then(|token| {
                IdentityKey::new(IDENTITY_SECRET)
                    .verify(token)
                    .map_err(|status| status.code())
            });
        self.seen.lock().unwrap().push(SeenCall {
            method,
            identity,
            client,
            user_id,
        });
        fake_refusal()
    }
}

#[tonic::async_trait]
impl UserService for FakeUsers {
    async fn register(
        &self,
        request: Request<user::RegisterRequest>,
    ) -> Result<Response<user::RegisterResponse>, Status> {
        Err(self.note("Register", &request, None, None))
    }

    async fn verify_email(
        &self,
        request: Request<user::VerifyEmailRequest>,
    ) -> Result<Response<user::VerifyEmailResponse>, Status> {
        Err(self.note("VerifyEmail", &request, None, None))
    }

    async fn login(
        &self,
        request: Request<user::LoginRequest>,
    ) -> Result<Response<user::LoginResponse>, Status> {
        let client = request.get_ref().client.clone();
        Err(self.note("Login", &request, client, None))
    }

    async fn refresh_token(
        &self,
        request: Request<user::RefreshTokenRequest>,
    ) -> Result<Response<user::RefreshTokenResponse>, Status> {
        let client = request.get_ref().client.clone();
        Err(self.note("RefreshToken", &request, client, None))
    }

    async fn logout(
        &self,
        request: Request<user::LogoutRequest>,
    ) -> Result<Response<user::LogoutResponse>, Status> {
        Err(self.note("Logout", &request, None, None))
    }

    async fn get_user(
        &self,
        request: Request<user::GetUserRequest>,
    ) -> Result<Response<user::GetUserResponse>, Status> {
        let user_id = Some(request.get_ref().user_id.clone());
        Err(self.note("GetUser", &request, None, user_id))
    }
}
