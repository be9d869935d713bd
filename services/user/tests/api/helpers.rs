//! A user service per test, on its own database, and the calls tests make against it.

use std::time::Duration;

use circle_core::auth::{AccessTokenKey, IdentityKey, Principal};
use circle_core::outbox::RelayConfig;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::user_service_client::UserServiceClient;
use circle_testkit::principal::service;
use circle_testkit::server::RunningServer;
use circle_testkit::{ServiceSchema, TestDatabase};
use prost::Message;
use tonic::transport::Channel;
use tonic::{Request, Status};
use user_service::{Config, MIGRATIONS, SCHEMA};

pub use circle_testkit::status::{assert_invalid_field, assert_reason};

pub const IDENTITY_SECRET: &str = "user-service-tests-internal-identity-secret";
pub const ACCESS_SECRET: &str = "user-service-tests-access-token-secret-0123";
pub const PASSWORD: &str = "correct horse battery staple";
pub const CODE_TTL: Duration = Duration::from_secs(600);

pub struct TestApp {
    pub identity: IdentityKey,
    pub access_key: AccessTokenKey,
    /// The connection to the server; clients of any of its services are made from it.
    pub channel: Channel,
    client: UserServiceClient<Channel>,
    /// Dropping it stops the server and the relay.
    _server: RunningServer<tonic::transport::Error>,
    pub db: TestDatabase,
}

/// An app whose relay points at nothing (facts stay in the outbox).
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// The user service's part of a test database.
pub const USER_SCHEMA: ServiceSchema = ServiceSchema {
    service: "user",
    schema: SCHEMA,
    migrations: &MIGRATIONS,
};

pub async fn spawn_app_with(customize: impl FnOnce(&mut Config)) -> TestApp {
    let db = TestDatabase::create(&[USER_SCHEMA]).await;
    let mut config = Config {
        addr: "127.0.0.1:0".parse().unwrap(),
        db: db.config("user"),
        identity_secret: IDENTITY_SECRET.to_owned(),
        access_token_secret: ACCESS_SECRET.to_owned(),
        access_token_ttl: Duration::from_secs(900),
        refresh_token_ttl: Duration::from_secs(3600),
        verification_code_ttl: CODE_TTL,
        // Nothing listens on port 1: deliveries fail and the facts stay pending.
        notification_url: "http://127.0.0.1:1".to_owned(),
        relay: RelayConfig {
            poll_interval: Duration::from_millis(50),
            max_backoff: Duration::from_millis(200),
            ..RelayConfig::default()
        },
        identity_providers: Default::default(),
    };
    customize(&mut config);
    let app = user_service::build(config).await.expect("the app builds");
    let addr = app.local_addr();
    let server = RunningServer::spawn(|shutdown| app.run_until_stopped(shutdown));
    let channel = Channel::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .expect("the bound server accepts connections");
    TestApp {
        identity: IdentityKey::new(IDENTITY_SECRET),
        access_key: AccessTokenKey::new(ACCESS_SECRET),
        client: UserServiceClient::new(channel.clone()),
        channel,
        _server: server,
        db,
    }
}

/// The edge, which calls on behalf of people.
pub fn edge() -> Principal {
    service("edge")
}

impl TestApp {
    pub fn client(&self) -> UserServiceClient<Channel> {
        self.client.clone()
    }

    /// `message` as sent by `principal`.
    pub fn request<T>(&self, principal: &Principal, message: T) -> Request<T> {
        self.identity.outgoing(principal, message)
    }

    pub async fn register(&self, email: &str, password: &str) -> Result<pb::User, Status> {
        let request = pb::RegisterRequest {
            email: email.to_owned(),
            password: password.to_owned(),
        };
        self.client()
            .register(self.request(&edge(), request))
            .await
            .map(|response| response.into_inner().user.expect("a user"))
    }

    pub async fn verify_email(&self, email: &str, code: &str) -> Result<pb::User, Status> {
        let request = pb::VerifyEmailRequest {
            email: email.to_owned(),
            code: code.to_owned(),
        };
        self.client()
            .verify_email(self.request(&edge(), request))
            .await
            .map(|response| response.into_inner().user.expect("a user"))
    }

    pub async fn login(&self, email: &str, password: &str) -> Result<pb::LoginResponse, Status> {
        let request = pb::LoginRequest {
            email: email.to_owned(),
            password: password.to_owned(),
            client: Some(pb::ClientInfo {
                address: "203.0.113.7".to_owned(),
                user_agent: "circle-tests/1.0".to_owned(),
                device: "test-device".to_owned(),
            }),
        };
        self.client()
            .login(self.request(&edge(), request))
            .await
            .map(|response| response.into_inner())
    }

    pub async fn refresh(&self, refresh_token: &str) -> Result<pb::TokenPair, Status> {
        let request = pb::RefreshTokenRequest {
            refresh_token: refresh_token.to_owned(),
            client: None,
        };
        self.client()
            .refresh_token(self.request(&edge(), request))
            .await
            .map(|response| response.into_inner().tokens.expect("tokens"))
    }

    pub async fn get_user(&self, caller: &Principal, user_id: &str) -> Result<pb::User, Status> {
        let request = pb::GetUserRequest {
            user_id: user_id.to_owned(),
        };
        self.client()
            .get_user(self.request(caller, request))
            .await
            .map(|response| response.into_inner().user.expect("a user"))
    }

    pub async fn logout(&self, caller: &Principal) -> Result<(), Status> {
        self.client()
            .logout(self.request(caller, pb::LogoutRequest {}))
            .await
            .map(|_| ())
    }

    /// The fact the registration of `user_id` wrote to the outbox.
    pub async fn issued_code(&self, user_id: &str) -> pb::VerificationCodeIssued {
        let row = self
            .db
            .admin_client()
            .await
            .query_one(
                "SELECT payload FROM users.outbox \
                 WHERE topic = 'user.verification_code_issued' AND aggregate_id = $1",
                &[&user_id],
            )
            .await
            .expect("one verification fact for the user");
        pb::VerificationCodeIssued::decode(row.get::<_, Vec<u8>>(0).as_slice())
            .expect("a VerificationCodeIssued payload")
    }

    /// Registers and verifies `email`, returning the ACTIVE user.
    pub async fn active_user(&self, email: &str) -> pb::User {
        let user = self.register(email, PASSWORD).await.expect("registered");
        let code = self.issued_code(&user.id).await.code;
        self.verify_email(email, &code).await.expect("verified")
    }

    /// An ACTIVE user, logged in: the login and the principal its access token stands for.
    pub async fn signed_in(&self, email: &str) -> (pb::LoginResponse, Principal) {
        self.active_user(email).await;
        let login = self.login(email, PASSWORD).await.expect("logged in");
        let principal = self.principal_of(login.tokens.as_ref().expect("tokens"));
        (login, principal)
    }

    /// The identity the edge would forward for a person holding `tokens`.
    pub fn principal_of(&self, tokens: &pb::TokenPair) -> Principal {
        let claims = self
            .access_key
            .verify(&tokens.access_token)
            .expect("a valid access token");
        Principal::User {
            id: claims.sub,
            role: claims.role,
            session_id: claims.sid,
        }
    }

    pub async fn execute(
        &self,
        statement: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> u64 {
        self.db
            .admin_client()
            .await
            .execute(statement, params)
            .await
            .unwrap_or_else(|err| panic!("{statement}: {err}"))
    }
}

/// Polls `check` every 20 ms until it yields a value, failing after `timeout`.
pub async fn eventually<T, F, Fut>(timeout: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "timed out after {timeout:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
