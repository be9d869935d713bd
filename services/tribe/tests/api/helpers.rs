//! Spawns the service on a free port against a fresh database, and speaks to it as users and
//! services.

use std::net::SocketAddr;

use circle_core::auth::{IdentityKey, Principal};
use circle_proto::tribe::v1::tribe_service_client::TribeServiceClient;
use circle_proto::tribe::v1::{CreateTribeRequest, GetTribeRequest, Tribe};
use circle_testkit::server::{RunningServer, channel};
use circle_testkit::{ServiceSchema, TestDatabase};
use tonic::Status;
use tonic::transport::Channel;
use tribe_service::{Config, MIGRATIONS, SCHEMA, build};

pub use circle_testkit::principal::{service, user, user_id};
pub use circle_testkit::status::{assert_invalid_argument, assert_refused};

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
    server: RunningServer<tonic::transport::Error>,
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
        TestApp {
            addr,
            client: TribeServiceClient::new(channel(addr)),
            identity: IdentityKey::new(IDENTITY_SECRET),
            db,
            server: RunningServer::spawn(|shutdown| app.run_until_stopped(shutdown)),
        }
    }

    /// Starts shutdown and waits until the server has stopped.
    pub async fn stop(self) -> Result<(), tonic::transport::Error> {
        self.server.stop().await
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
}

/// A valid request with a name of its own.
pub fn new_tribe(name: &str) -> CreateTribeRequest {
    CreateTribeRequest {
        name: name.to_owned(),
        description: "We walk on Sundays.".to_owned(),
        ..Default::default()
    }
}
