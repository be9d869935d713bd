//! Spawns the service on a free port against a fresh database, and speaks to it as users and
//! services.

use std::net::SocketAddr;

use circle_core::auth::{IdentityKey, Principal};
use circle_proto::event::v1::event_service_client::EventServiceClient;
use circle_proto::event::v1::{CreateEventRequest, Event, GetEventRequest};
use circle_testkit::server::{RunningServer, channel};
use circle_testkit::{ServiceSchema, TestDatabase};
use event_service::{Config, MIGRATIONS, SCHEMA, build};
use tonic::Status;
use tonic::transport::Channel;

pub use circle_testkit::principal::{service, user, user_id};
pub use circle_testkit::status::{assert_invalid_argument, assert_refused};

pub const IDENTITY_SECRET: &str = "event-service-tests-identity-secret-0123456789";

pub const EVENT_SCHEMA: ServiceSchema = ServiceSchema {
    service: "event",
    schema: SCHEMA,
    migrations: &MIGRATIONS,
};

/// 2030-06-01T18:00:00Z, a start time in the future.
pub const START: i64 = 1_906_394_400;

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: EventServiceClient<Channel>,
    pub identity: IdentityKey,
    pub db: TestDatabase,
    server: RunningServer<tonic::transport::Error>,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let db = TestDatabase::create(&[EVENT_SCHEMA]).await;
        let config = Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: db.config("event"),
            identity_secret: IDENTITY_SECRET.to_owned(),
        };
        let app = build(config).await.expect("building the event service");
        let addr = app.local_addr();
        TestApp {
            addr,
            client: EventServiceClient::new(channel(addr)),
            identity: IdentityKey::new(IDENTITY_SECRET),
            db,
            server: RunningServer::spawn(|shutdown| app.run_until_stopped(shutdown)),
        }
    }

    /// Starts shutdown and waits until the server has stopped.
    pub async fn stop(self) -> Result<(), tonic::transport::Error> {
        self.server.stop().await
    }

    pub async fn create_event(
        &self,
        principal: &Principal,
        request: CreateEventRequest,
    ) -> Result<Event, Status> {
        let response = self
            .client
            .clone()
            .create_event(self.identity.outgoing(principal, request))
            .await?;
        Ok(response.into_inner().event.expect("a created event"))
    }

    pub async fn get_event(&self, principal: &Principal, event_id: &str) -> Result<Event, Status> {
        let request = GetEventRequest {
            event_id: event_id.to_owned(),
        };
        let response = self
            .client
            .clone()
            .get_event(self.identity.outgoing(principal, request))
            .await?;
        Ok(response.into_inner().event.expect("an event"))
    }
}

pub fn at(seconds: i64) -> Option<prost_types::Timestamp> {
    Some(prost_types::Timestamp { seconds, nanos: 0 })
}

/// A valid request with a title of its own, from START for two hours.
pub fn new_event(title: &str) -> CreateEventRequest {
    CreateEventRequest {
        title: title.to_owned(),
        description: "Bring something to share.".to_owned(),
        start_time: at(START),
        end_time: at(START + 7200),
        request_id: String::new(),
    }
}
