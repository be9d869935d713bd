//! Spawns the service on a free port against a fresh database, and speaks to it as users and
//! services.

use std::net::SocketAddr;
use std::time::Duration;

use circle_core::auth::{IdentityKey, Principal};
use circle_proto::payment::v1::payment_service_client::PaymentServiceClient;
use circle_proto::payment::v1::{CreateCustomerRequest, Customer, GetCustomerRequest};
use circle_testkit::server::{RunningServer, channel};
use circle_testkit::{ServiceSchema, TestDatabase};
use payment_service::{Config, MIGRATIONS, SCHEMA, build};
use tonic::Status;
use tonic::transport::Channel;
use uuid::Uuid;

pub use circle_testkit::principal::{service, user, user_id};
pub use circle_testkit::status::{assert_invalid_argument, assert_refused};

pub const IDENTITY_SECRET: &str = "payment-service-tests-identity-secret-0123456789";

pub const PAYMENT_SCHEMA: ServiceSchema = ServiceSchema {
    service: "payment",
    schema: SCHEMA,
    migrations: &MIGRATIONS,
};

pub const RETENTION: Duration = Duration::from_secs(24 * 60 * 60);

pub struct TestApp {
    pub addr: SocketAddr,
    pub client: PaymentServiceClient<Channel>,
    pub identity: IdentityKey,
    pub db: TestDatabase,
    server: RunningServer<tonic::transport::Error>,
}

impl TestApp {
    /// The service with a purge too rare to take part in the test.
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with_purge_every(Duration::from_secs(3600)).await
    }

    pub async fn spawn_with_purge_every(interval: Duration) -> TestApp {
        let db = TestDatabase::create(&[PAYMENT_SCHEMA]).await;
        let config = Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            db: db.config("payment"),
            identity_secret: IDENTITY_SECRET.to_owned(),
            idempotency_retention: RETENTION,
            idempotency_purge_interval: interval,
        };
        let app = build(config).await.expect("building the payment service");
        let addr = app.local_addr();
        TestApp {
            addr,
            client: PaymentServiceClient::new(channel(addr)),
            identity: IdentityKey::new(IDENTITY_SECRET),
            db,
            server: RunningServer::spawn(|shutdown| app.run_until_stopped(shutdown)),
        }
    }

    /// Starts shutdown and waits until the server (and its purge) have stopped.
    pub async fn stop(self) -> Result<(), tonic::transport::Error> {
        self.server.stop().await
    }

    pub async fn create_customer(
        &self,
        principal: &Principal,
        request: CreateCustomerRequest,
    ) -> Result<Customer, Status> {
        let response = self
            .client
            .clone()
            .create_customer(self.identity.outgoing(principal, request))
            .await?;
        Ok(response.into_inner().customer.expect("a created customer"))
    }

    pub async fn get_customer(
        &self,
        principal: &Principal,
        customer_id: &str,
    ) -> Result<Customer, Status> {
        let request = GetCustomerRequest {
            customer_id: customer_id.to_owned(),
        };
        let response = self
            .client
            .clone()
            .get_customer(self.identity.outgoing(principal, request))
            .await?;
        Ok(response.into_inner().customer.expect("a customer"))
    }

    pub async fn customers(&self) -> i64 {
        self.db
            .count("SELECT count(*) FROM payments.customers", &[])
            .await
    }

    pub async fn records(&self) -> i64 {
        self.db
            .count("SELECT count(*) FROM payments.idempotency_records", &[])
            .await
    }
}

/// A valid request in `currency_code` with a request id of its own.
pub fn new_customer(currency_code: &str) -> CreateCustomerRequest {
    keyed(currency_code, Uuid::new_v4())
}

pub fn keyed(currency_code: &str, request_id: Uuid) -> CreateCustomerRequest {
    CreateCustomerRequest {
        currency_code: currency_code.to_owned(),
        request_id: request_id.to_string(),
    }
}
