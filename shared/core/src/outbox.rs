//! The transactional outbox. A producing service writes a fact with [`Outbox::enqueue`] in the
//! same transaction as its change, one row per consumer; the [`Relay`] delivers each row at
//! least once, with backoff, to the consumer's `FactConsumerService`; the consumer calls
//! [`record_processed`] in the transaction that applies the fact, so it applies it once.
//!
//! Both tables are created by each service's own migrations and found through its search path.

use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use circle_proto::common::v1::fact_consumer_service_client::FactConsumerServiceClient;
use circle_proto::common::v1::{DeliverFactRequest, Fact};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection, RunQueryDsl};
use tokio::sync::Notify;
use tonic::transport::Channel;
use uuid::Uuid;

use crate::auth::{IdentityKey, Principal};
use crate::db::{DbPool, StoreError};

diesel::table! {
    outbox (id) {
        id -> Uuid,
        fact_id -> Uuid,
        consumer -> Text,
        topic -> Text,
        aggregate_id -> Text,
        payload -> Bytea,
        created_at -> Timestamptz,
        attempts -> Int4,
        next_attempt_at -> Timestamptz,
        delivered_at -> Nullable<Timestamptz>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    processed_facts (fact_id) {
        fact_id -> Uuid,
        topic -> Text,
        producer -> Text,
        processed_at -> Timestamptz,
    }
}

/// Which consumers receive which facts: a fact goes to every consumer whose topic prefix
/// matches.
#[derive(Clone, Debug)]
pub struct Outbox {
    pub producer: &'static str,
    pub routes: &'static [Route],
}

#[derive(Clone, Copy, Debug)]
pub struct Route {
    pub topic_prefix: &'static str,
    pub consumer: &'static str,
}

#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewOutboxRow<'a> {
    id: Uuid,
    fact_id: Uuid,
    consumer: &'a str,
    topic: &'a str,
    aggregate_id: &'a str,
    payload: &'a [u8],
}

/// A fact for [`Outbox::enqueue_all`]: its topic, what it is about and its encoded payload.
#[derive(Clone, Debug)]
pub struct NewFact<'a> {
    pub topic: &'a str,
    pub aggregate_id: String,
    pub payload: Vec<u8>,
}

impl<'a> NewFact<'a> {
    pub fn new<M: prost::Message>(topic: &'a str, aggregate_id: String, payload: &M) -> Self {
        Self {
            topic,
            aggregate_id,
            payload: payload.encode_to_vec(),
        }
    }
}

/// Outbox rows per INSERT (six values each).
const ROWS_PER_INSERT: usize = crate::db::rows_per_insert(6);

impl Outbox {
    /// Writes a fact for every consumer of `topic`; call it inside the change's transaction.
    pub async fn enqueue<M: prost::Message>(
        &self,
        conn: &mut AsyncPgConnection,
        topic: &str,
        aggregate_id: &str,
        payload: &M,
    ) -> Result<Uuid, StoreError> {
        let fact = NewFact::new(topic, aggregate_id.to_owned(), payload);
        let fact_ids = self.enqueue_all(conn, &[fact]).await?;
        Ok(fact_ids[0])
    }

    /// Writes each of `facts` for every consumer of its topic, many in one statement, in the
    /// order given; answers their fact ids. Call it inside the change's transaction.
    pub async fn enqueue_all(
        &self,
        conn: &mut AsyncPgConnection,
        facts: &[NewFact<'_>],
    ) -> Result<Vec<Uuid>, StoreError> {
        let fact_ids: Vec<Uuid> = facts.iter().map(|_| Uuid::now_v7()).collect();
        let rows: Vec<NewOutboxRow> = facts
            .iter()
            .zip(&fact_ids)
            .flat_map(|(fact, &fact_id)| {
                self.routes
                    .iter()
                    .filter(|route| fact.topic.starts_with(route.topic_prefix))
                    .map(move |route| NewOutboxRow {
                        id: Uuid::now_v7(),
                        fact_id,
                        consumer: route.consumer,
                        topic: fact.topic,
                        aggregate_id: &fact.aggregate_id,
                        payload: &fact.payload,
                    })
            })
            .collect();
        for chunk in rows.chunks(ROWS_PER_INSERT) {
            diesel::insert_into(outbox::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        Ok(fact_ids)
    }
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = outbox)]
struct PendingRow {
    id: Uuid,
    fact_id: Uuid,
    consumer: String,
    topic: String,
    aggregate_id: String,
    payload: Vec<u8>,
    created_at: DateTime<Utc>,
    attempts: i32,
}

#[derive(Clone, Debug)]
pub struct RelayConfig {
    /// How often to look for due rows when nothing wakes the relay.
    pub poll_interval: Duration,
    /// Retry delays double from 200 ms up to this.
    pub max_backoff: Duration,
    pub batch_size: i64,
}

impl Default for RelayConfig {
    fn default() -> Self {
        Self {
            poll_interval: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            batch_size: 64,
        }
    }
}

/// Delivers a producer's pending outbox rows to their consumers.
pub struct Relay {
    pool: DbPool,
    identity: IdentityKey,
    producer: &'static str,
    consumers: HashMap<&'static str, FactConsumerServiceClient<Channel>>,
    config: RelayConfig,
    wake: Arc<Notify>,
}

impl Relay {
    pub fn new(
        pool: DbPool,
        identity: IdentityKey,
        producer: &'static str,
        config: RelayConfig,
    ) -> Self {
        Self {
            pool,
            identity,
            producer,
            consumers: HashMap::new(),
            config,
            wake: Arc::new(Notify::new()),
        }
    }

    pub fn with_consumer(mut self, name: &'static str, channel: Channel) -> Self {
        self.consumers
            .insert(name, FactConsumerServiceClient::new(channel));
        self
    }

    /// Wakes the relay at once, e.g. after committing a transaction that enqueued facts.
    pub fn waker(&self) -> Arc<Notify> {
        self.wake.clone()
    }

    /// Relays until `shutdown` resolves.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            match self.relay_due().await {
                Ok(count) if count > 0 => continue,
                Ok(_) => {}
                Err(err) => tracing::warn!(error = %err, "outbox relay pass failed"),
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = self.wake.notified() => {}
                _ = tokio::time::sleep(self.config.poll_interval) => {}
            }
        }
    }

    /// Delivers one batch of due rows; returns how many were attempted.
    pub async fn relay_due(&self) -> Result<usize, StoreError> {
        let mut conn = self.pool.get().await?;
        conn.transaction::<_, StoreError, _>(async |conn| {
            let rows: Vec<PendingRow> = outbox::table
                .filter(outbox::delivered_at.is_null())
                .filter(outbox::next_attempt_at.le(diesel::dsl::now))
                .order(outbox::created_at)
                .limit(self.config.batch_size)
                .for_update()
                .skip_locked()
                .select(PendingRow::as_select())
                .load(conn)
                .await?;
            let outcomes =
                futures::future::join_all(rows.iter().map(|row| self.deliver(row))).await;
            for (row, outcome) in rows.iter().zip(&outcomes) {
                self.record_outcome(conn, row, outcome).await?;
            }
            Ok(rows.len())
        })
        .await
    }

    async fn deliver(&self, row: &PendingRow) -> Result<(), String> {
        let Some(client) = self.consumers.get(row.consumer.as_str()) else {
            return Err(format!(
                "no client configured for consumer {}",
                row.consumer
            ));
        };
        let fact = Fact {
            id: row.fact_id.to_string(),
            topic: row.topic.clone(),
            aggregate_id: row.aggregate_id.clone(),
            payload: row.payload.clone(),
            occur_time: Some(crate::wire::timestamp(row.created_at)),
            producer: self.producer.to_owned(),
        };
        let request = self.identity.outgoing(
            &Principal::Service {
                name: self.producer.to_owned(),
            },
            DeliverFactRequest { fact: Some(fact) },
        );
        client
            .clone()
            .deliver_fact(request)
            .await
            .map(|_| ())
            .map_err(|status| format!("{:?}: {}", status.code(), status.message()))
    }

    async fn record_outcome(
        &self,
        conn: &mut AsyncPgConnection,
        row: &PendingRow,
        outcome: &Result<(), String>,
    ) -> Result<(), StoreError> {
        let target = outbox::table.find(row.id);
        match outcome {
            Ok(()) => {
                diesel::update(target)
                    .set(outbox::delivered_at.eq(diesel::dsl::now))
                    .execute(conn)
                    .await?;
            }
            Err(error) => {
                let attempts = row.attempts + 1;
                let retry_at = Utc::now() + backoff(attempts, self.config.max_backoff);
                tracing::warn!(fact_id = %row.fact_id, consumer = %row.consumer, attempts, %error, "fact delivery failed, will retry");
                diesel::update(target)
                    .set((
                        outbox::attempts.eq(attempts),
                        outbox::next_attempt_at.eq(retry_at),
                        outbox::last_error.eq(error),
                    ))
                    .execute(conn)
                    .await?;
            }
        }
        Ok(())
    }
}

fn backoff(attempts: i32, max: Duration) -> Duration {
    let exponent = attempts.clamp(1, 16) as u32 - 1;
    Duration::from_millis(200)
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(max)
}

/// Records that this consumer applied `fact`; false when it had been applied before, in which
/// case the caller must not apply it again. Call it in the transaction that applies the fact.
pub async fn record_processed(
    conn: &mut AsyncPgConnection,
    fact_id: Uuid,
    topic: &str,
    producer: &str,
) -> Result<bool, StoreError> {
    let inserted = diesel::insert_into(processed_facts::table)
        .values((
            processed_facts::fact_id.eq(fact_id),
            processed_facts::topic.eq(topic),
            processed_facts::producer.eq(producer),
        ))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    Ok(inserted == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let cap = Duration::from_secs(5);
        assert_eq!(backoff(1, cap), Duration::from_millis(200));
        assert_eq!(backoff(2, cap), Duration::from_millis(400));
        assert_eq!(backoff(10, cap), cap);
    }
}
