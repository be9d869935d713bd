//! Spawns the service on a free port against a fresh database, and speaks to it as users and
//! services.

use std::net::SocketAddr;
use std::time::Duration;

use circle_core::auth::{IdentityKey, Principal, Role};
use circle_proto::payment::v1::payment_service_client::PaymentServiceClient;
use circle_proto::payment::v1::{CreateCustomerRequest, Customer, GetCustomerRequest};
use circle_testkit::{ServiceSchema, TestDatabase};
use payment_service::{Config, MIGRATIONS, SCHEMA, build};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tonic::transport::{Channel, Endpoint};
use tonic::{Code, Status};
use tonic_types::StatusExt;
use uuid::Uuid;

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
    shutdown: oneshot::Sender<()>,
    server: JoinHandle<Result<(), tonic::transport::Error>>,
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
        let (shutdown, stopped) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        TestApp {
            addr,
            client: PaymentServiceClient::new(channel(addr)),
            identity: IdentityKey::new(IDENTITY_SECRET),
            db,
            shutdown,
            server,
        }
    }

    /// Starts shutdown and waits until the server (and its purge) have stopped.
    pub async fn stop(self) -> Result<(), tonic::transport::Error> {
        let _ = self.shutdown.send(());
        self.server.await.expect("the server task does not panic")
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

    pub async fn customers(&self) -> i64 {
        self.count("SELECT count(*) FROM payments.customers", &[])
            .await
    }

    pub async fn records(&self) -> i64 {
        self.count("SELECT count(*) FROM payments.idempotency_records", &[])
            .await
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

#[track_caller]
pub fn assert_invalid_argument(result: Result<Customer, Status>, field: &str) {
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

/// Returns the status for further checks.
#[track_caller]
pub fn assert_refused(result: Result<Customer, Status>, code: Code, reason: &str) -> Status {
    let status = result.expect_err("the request is refused");
    assert_eq!(status.code(), code, "{status:?}");
    let info = status
        .get_details_error_info()
        .expect("an ErrorInfo detail");
    assert_eq!(info.reason, reason, "{status:?}");
    status
}
