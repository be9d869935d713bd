//! `circle.common.v1.FactConsumerService`: facts relayed from other services' outboxes.

use circle_core::auth::{Principal, caller};
use circle_core::db::DbPool;
use circle_core::error::permission_denied;
use circle_proto::common::v1::fact_consumer_service_server::FactConsumerService;
use circle_proto::common::v1::{DeliverFactRequest, DeliverFactResponse};
use tonic::{Request, Response, Status};

use crate::dispatch::EmailDispatcher;
use crate::error::Error;
use crate::facts::DeliveredFact;
use crate::inbox::{self, Applied};

pub struct FactConsumer {
    pool: DbPool,
    emails: EmailDispatcher,
}

impl FactConsumer {
    pub fn new(pool: DbPool, emails: EmailDispatcher) -> Self {
        Self { pool, emails }
    }
}

#[tonic::async_trait]
impl FactConsumerService for FactConsumer {
    #[tracing::instrument(skip_all, fields(fact_id, topic, producer))]
    async fn deliver_fact(
        &self,
        request: Request<DeliverFactRequest>,
    ) -> Result<Response<DeliverFactResponse>, Status> {
        let Principal::Service { name: caller } = caller(&request)?.clone() else {
            return Err(permission_denied(
                "SERVICE_ONLY",
                "only services of the suite deliver facts",
            ));
        };
        let DeliverFactRequest { fact } = request.into_inner();
        let fact = DeliveredFact::try_from(fact)?;
        let envelope = &fact.envelope;
        let span = tracing::Span::current();
        span.record("fact_id", tracing::field::display(envelope.id));
        span.record("topic", envelope.topic.as_str());
        span.record("producer", envelope.producer.as_str());
        if envelope.producer != caller {
            return Err(permission_denied(
                "NOT_THE_PRODUCER",
                format!(
                    "service {caller} cannot deliver facts of {}",
                    envelope.producer
                ),
            ));
        }
        let Some(payload) = fact.decode()? else {
            tracing::info!("fact of a topic this service does not act on, acknowledged");
            return Ok(Response::new(DeliverFactResponse { applied: false }));
        };

        let mut conn = self.pool.get().await.map_err(Error::from)?;
        let applied = inbox::apply(&mut conn, envelope, payload).await?;
        drop(conn);
        match applied {
            Applied::Before => {
                tracing::info!("fact applied before, acknowledged again");
                Ok(Response::new(DeliverFactResponse { applied: false }))
            }
            Applied::Now { pending_emails } => {
                self.emails.send_all(&pending_emails).await;
                Ok(Response::new(DeliverFactResponse { applied: true }))
            }
        }
    }
}
