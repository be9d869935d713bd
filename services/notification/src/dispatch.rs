//! Sends pending email deliveries: right after the transaction that wrote them, and again from
//! a sweeper until the mail channel takes them, so a briefly failing channel loses nothing.
//!
//! Each send holds the delivery's row lock from reading it as PENDING until it is marked, so
//! the request that wrote it and the sweeper never send one delivery twice.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use circle_core::db::DbPool;
use diesel_async::AsyncConnection;
use uuid::Uuid;

use crate::error::Error;
use crate::mail::{EmailMessage, Mailer, SendError};
use crate::store::deliveries::{self, Transition};

/// How many pending deliveries one sweep looks at.
const SWEEP_BATCH: i64 = 100;

#[derive(Clone)]
pub struct EmailDispatcher {
    pool: DbPool,
    mailer: Arc<dyn Mailer>,
}

/// What became of one delivery.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Still pending; to be retried.
    Deferred,
    Failed,
    /// Someone else had sent it (or it is not a pending email).
    NotPending,
}

impl EmailDispatcher {
    pub fn new(pool: DbPool, mailer: Arc<dyn Mailer>) -> Self {
        Self { pool, mailer }
    }

    /// Sends the given deliveries; failures are recorded for the sweeper, not returned.
    pub async fn send_all(&self, ids: &[Uuid]) {
        for &id in ids {
            if let Err(err) = self.send(id).await {
                tracing::warn!(delivery_id = %id, error = %err, "email delivery left for the sweeper");
            }
        }
    }

    /// Sends delivery `id` if it is still a pending email.
    #[tracing::instrument(skip(self))]
    pub async fn send(&self, id: Uuid) -> Result<Outcome, Error> {
        let mut conn = self.pool.get().await?;
        conn.transaction::<_, Error, _>(async |conn| {
            let Some(email) = deliveries::lock_pending_email(conn, id).await? else {
                return Ok(Outcome::NotPending);
            };
            let message = EmailMessage {
                delivery_id: email.id,
                to: email.destination,
                subject: email.subject,
                body: email.body,
                date: Utc::now(),
            };
            let outcome = match self.mailer.send(&message).await {
                Ok(()) => {
                    deliveries::record(conn, id, Transition::Sent { at: Utc::now() }).await?;
                    Outcome::Sent
                }
                Err(err @ SendError::Transient(_)) => {
                    let error = err.to_string();
                    tracing::warn!(delivery_id = %id, %error, "email not sent, will retry");
                    deliveries::record(conn, id, Transition::Retry { error: &error }).await?;
                    Outcome::Deferred
                }
                Err(err @ SendError::Rejected(_)) => {
                    let error = err.to_string();
                    tracing::warn!(delivery_id = %id, %error, "email rejected, giving up");
                    deliveries::record(conn, id, Transition::Fail { error: &error }).await?;
                    Outcome::Failed
                }
            };
            Ok(outcome)
        })
        .await
    }

    /// Retries pending email deliveries, least tried first; stops at the first temporary
    /// failure, since the channel is then likely down for the rest too. Returns how many were sent.
    pub async fn sweep(&self) -> Result<usize, Error> {
        let ids = {
            let mut conn = self.pool.get().await?;
            deliveries::pending_email_ids(&mut conn, SWEEP_BATCH).await?
        };
        let mut sent = 0;
        for id in ids {
            match self.send(id).await? {
                Outcome::Sent => sent += 1,
                Outcome::Deferred => break,
                Outcome::Failed | Outcome::NotPending => {}
            }
        }
        Ok(sent)
    }

    /// Sweeps every `interval` until `shutdown` resolves (a sweep under way is finished first).
    pub async fn run_sweeper(self, interval: Duration, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            match self.sweep().await {
                Ok(0) => {}
                Ok(sent) => tracing::info!(sent, "sweeper sent pending emails"),
                Err(err) => tracing::warn!(error = %err, "email sweep failed"),
            }
            tokio::select! {
                _ = &mut shutdown => return,
                _ = tokio::time::sleep(interval) => {}
            }
        }
    }
}
