//! Spawns the service on a free port against a fresh database, and speaks to it as users and
//! services.

use std::net::SocketAddr;

use circle_core::auth::{IdentityKey, Principal, Role};
use circle_proto::tribe::v1::tribe_service_client::TribeServiceClient;
use circle_proto::tribe::v1::{CreateTribeRequest, GetTribeRequest, Tribe};
use circle_testkit::{ServiceSchema, TestDatabase};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};
use tonic_types::StatusExt;
use tribe_service::{Config, MIGRATIONS, SCHEMA, build};
use uuid::Uuid;

pub const IDENTITY_SECRET: &str = "tribe-service-tests-identity-secret-0123456789";

pub const TRIBE_SCHEMA: ServiceSchema = ServiceSchema {
    service: "tribe",
    schema: SCHEMA,
    migrations: &MIGRATIONS,
};

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: TribeServiceClient<Channel>,
    pub identity: IdentityKey,
    pub db: TestDatabase,
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<Result<(), tonic::transport::Error>>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let db = TestDatabase::create(&[TRIBE_SCHEMA]).await;
        let config = Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: db.config("tribe"),
            identity_secret: IDENTITY_SECRET.to_owned(),
        };
        let app = build(config).await.expect("building the tribe service");
        let addr = app.local_addr();
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        TestApp {
            addr,
            client: TribeServiceClient::new(channel(addr)),
            identity: IdentityKey::new(IDENTITY_SECRET),
            db,
            shutdown,
            server,
        }
    }

    /// Starts shutdown and waits until the server has stopped.
    pub async fn stop(self) -> Result<(), tonic::transport::Error> {
        let _ = self.shutdown.send(());
        self.server.await.expect("the server task does not panic")
    }

    pub async fn create_tribe(
        &self,
        principal: &Principal,
        request: CreateTribeRequest,
    ) -> Result<Tribe, Status> {
        let response = self
            .client
            .clone()
            .create_tribe(self.identity.outgoing(principal, request))
            .await?;
        Ok(response.into_inner().tribe.expect("a created tribe"))
    }

    pub async fn get_tribe(&self, principal: &Principal, tribe_id: &str) -> Result<Tribe, Status> {
        let request = GetTribeRequest {
            tribe_id: tribe_id.to_owned(),
        };
        let response = self
            .client
            .clone()
            .get_tribe(self.identity.outgoing(principal, request))
            .await?;
        Ok(response.into_inner().tribe.expect("a tribe"))
    }

    /// A connection to the test database as its superuser, to look behind the API.
    pub async fn sql(&self) -> tokio_postgres::Client {
        let (client, connection) =
            tokio_postgres::connect(&self.db.admin_url(), tokio_postgres::NoTls)
                .await
                .expect("connecting to the test database");
        tokio::spawn(connection);
        client
    }

    pub async fn count(
        &self,
        query: &str,
        params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    ) -> i64 {
        self.sql()
            .await
            .query_one(query, params)
            .await
            .unwrap_or_else(|err| panic!("{query}: {err}"))
            .get(0)
    }
}

pub fn channel(addr: SocketAddr) -> Channel {
    Endpoint::from_shared(format!("http://{addr}"))
        .expect("a valid URL")
        .connect_lazy()
}

pub fn user() -> Principal {
    Principal::User {
        id: Uuid::new_v4(),
        role: Role::User,
        session_id: Uuid::new_v4(),
    }
}

pub fn service() -> Principal {
    Principal::Service {
        name: "edge".to_owned(),
    }
}

pub fn user_id(principal: &Principal) -> Uuid {
    principal.user_id().expect("a user principal")
}

/// A valid request with a name of its own.
pub fn new_tribe(name: &str) -> CreateTribeRequest {
    CreateTribeRequest {
        name: name.to_owned(),
        description: "We walk on Sundays.".to_owned(),
        ..Default::default()
    }
}

#[track_caller]
pub fn assert_invalid_argument(result: Result<Tribe, Status>, field: &str) {
    let status = result.expect_err("the request is refused");
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let violations = status
        .get_details_bad_request()
        .expect("a BadRequest detail")
        .field_violations;
    assert_eq!(
        violations
            .iter()
            .map(|v| v.field.as_str())
            .collect::<Vec<_>>(),
        [field],
        "{status:?}"
    );
}

#[track_caller]
pub fn assert_refused(result: Result<Tribe, Status>, code: Code, reason: &str) {
    let status = result.expect_err("the request is refused");
    assert_eq!(status.code(), code, "{status:?}");
    let info = status
        .get_details_error_info()
        .expect("an ErrorInfo detail");
    assert_eq!(info.reason, reason, "{status:?}");
}
