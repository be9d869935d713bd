//! The gRPC face of the service: each handler checks the caller, converts the request into
//! domain values, runs one domain action and converts the result back.

mod convert;

use circle_core::auth::{caller, require_user};
use circle_core::db::{DbConn, DbPool};
use circle_proto::payment::v1::payment_service_server::PaymentService;
use circle_proto::payment::v1::{
    CreateCustomerRequest, CreateCustomerResponse, GetCustomerRequest, GetCustomerResponse,
};
use diesel_async::AsyncConnection;
use tonic::{Request, Response, Status};
use tracing::field::{Empty, display};

use crate::domain::{self, UserId};
use crate::error::Error;
use crate::idempotency::{self, Fingerprint, IdempotencyKey};

/// The full name of CreateCustomer, part of its requests' fingerprints.
const CREATE_CUSTOMER: &str = "/circle.payment.v1.PaymentService/CreateCustomer";

pub struct PaymentHandler {
    pool: DbPool,
}

impl PaymentHandler {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }

    async fn conn(&self) -> Result<DbConn, Error> {
        Ok(self.pool.get().await?)
    }
}

#[tonic::async_trait]
impl PaymentService for PaymentHandler {
    #[tracing::instrument(skip_all, fields(user_id = Empty, request_id = Empty))]
    async fn create_customer(
        &self,
        request: Request<CreateCustomerRequest>,
    ) -> Result<Response<CreateCustomerResponse>, Status> {
        let user = UserId(require_user(&request)?);
        let create = convert::CreateCustomer::try_from(request.into_inner())?;
        tracing::Span::current().record("request_id", display(create.request_id));
        let key = IdempotencyKey {
            user_id: user,
            request_id: create.request_id,
        };
        let fingerprint = Fingerprint::of(CREATE_CUSTOMER, &create.canonical());
        let outcome = self
            .conn()
            .await?
            .transaction::<_, Error, _>(async |conn| {
                if let Some(stored) = idempotency::begin(conn, &key, &fingerprint).await? {
                    return Ok(stored);
                }
                let created = domain::create_customer(conn, user, create.currency)
                    .await
                    .map(|customer| CreateCustomerResponse {
                        customer: Some(customer.into()),
                    });
                idempotency::finish(conn, &key, idempotency::outcome(created)?).await
            })
            .await?;
        outcome.map(Response::new)
    }

    #[tracing::instrument(skip_all, fields(customer_id = Empty))]
    async fn get_customer(
        &self,
        request: Request<GetCustomerRequest>,
    ) -> Result<Response<GetCustomerResponse>, Status> {
        let viewer = caller(&request)?.clone();
        let id = convert::customer_id(&request.get_ref().customer_id)?;
        tracing::Span::current().record("customer_id", display(id));
        let customer = domain::get_customer(&mut *self.conn().await?, &viewer, id).await?;
        Ok(Response::new(GetCustomerResponse {
            customer: Some(customer.into()),
        }))
    }
}
