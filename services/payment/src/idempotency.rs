//! Idempotent requests, as payment providers do them: the first outcome of a request id (the
//! response, or the refusal) is stored in the same transaction as the request's effects and
//! replayed to every repeat; a repeat with different parameters is refused. A request refused by
//! validation never gets here, so it stores nothing. Records are kept for the configured
//! retention (at least 24 hours), then purged.
//!
//! A handler runs, in one transaction: [`begin`], which claims the key or returns the stored
//! outcome; then its domain action; then [`finish`] with [`outcome`] of it.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use circle_core::db::{DbPool, StoreError};
use diesel_async::AsyncPgConnection;
use sha2::{Digest, Sha256};
use tonic::{Code, Status};
use uuid::Uuid;

use crate::domain::UserId;
use crate::error::Error;
use crate::query::idempotency::{self as records, NewRecord, OutcomeChanges, Record};

/// Who sent a request, and the id they gave it.
#[derive(Clone, Copy, Debug)]
pub struct IdempotencyKey {
    pub user_id: UserId,
    pub request_id: Uuid,
}

/// SHA-256 of a method's full name and its canonical request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fingerprint([u8; 32]);

impl Fingerprint {
    /// `canonical_request` holds the validated, normalized values, without the request id.
    pub fn of(method: &str, canonical_request: &impl prost::Message) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(method.as_bytes());
        hasher.update([0]);
        hasher.update(canonical_request.encode_to_vec());
        Self(hasher.finalize().into())
    }
}

/// What a request was answered with.
pub type Outcome<M> = Result<M, Status>;

/// Claims `key` for this request, or returns the outcome stored under it. A concurrent request
/// holding the key makes this wait until that request's transaction ends.
pub async fn begin<M: prost::Message + Default>(
    conn: &mut AsyncPgConnection,
    key: &IdempotencyKey,
    fingerprint: &Fingerprint,
) -> Result<Option<Outcome<M>>, Error> {
    let new = NewRecord {
        user_id: key.user_id,
        request_id: key.request_id,
        request_fingerprint: &fingerprint.0,
    };
    if records::claim(conn, &new).await? {
        return Ok(None);
    }
    // Purged since the claim failed: a retry claims the key afresh.
    let record = records::find(conn, key.user_id, key.request_id)
        .await?
        .ok_or(Error::Store(StoreError::Conflict))?;
    if record.request_fingerprint != fingerprint.0 {
        return Err(Error::IdempotencyKeyReused);
    }
    tracing::info!(request_id = %key.request_id, "replaying the first outcome of the request");
    replay(record).map(Some)
}

/// Splits the result of a domain action into the outcome to store and the failures to roll
/// back (which a retry may overcome).
pub fn outcome<M>(result: Result<M, Error>) -> Result<Outcome<M>, Error> {
    match result {
        Ok(response) => Ok(Ok(response)),
        Err(err) if err.is_outcome() => Ok(Err(err.into())),
        Err(err) => Err(err),
    }
}

/// Stores the outcome under the key [`begin`] claimed, and hands it back.
pub async fn finish<M: prost::Message>(
    conn: &mut AsyncPgConnection,
    key: &IdempotencyKey,
    outcome: Outcome<M>,
) -> Result<Outcome<M>, Error> {
    let encoded;
    let changes = match &outcome {
        Ok(response) => {
            encoded = response.encode_to_vec();
            OutcomeChanges {
                response: Some(&encoded),
                status_code: None,
                status_message: None,
                status_details: None,
            }
        }
        Err(status) => OutcomeChanges {
            response: None,
            status_code: Some(status.code().into()),
            status_message: Some(status.message()),
            status_details: Some(status.details()),
        },
    };
    records::save_outcome(conn, key.user_id, key.request_id, &changes).await?;
    Ok(outcome)
}

fn replay<M: prost::Message + Default>(record: Record) -> Result<Outcome<M>, Error> {
    match record {
        Record {
            response: Some(response),
            status_code: None,
            ..
        } => M::decode(response.as_slice())
            .map(Ok)
            .map_err(|err| Error::CorruptIdempotencyRecord(err.to_string())),
        Record {
            response: None,
            status_code: Some(code),
            status_message: Some(message),
            status_details: Some(details),
            ..
        } => Ok(Err(Status::with_details(
            Code::from(code),
            message,
            Bytes::from(details),
        ))),
        _ => Err(Error::CorruptIdempotencyRecord(
            "the record holds no outcome".to_owned(),
        )),
    }
}

/// Every `interval` until `stop` resolves, deletes the records older than `retention`.
pub async fn purge_expired(
    pool: DbPool,
    retention: Duration,
    interval: Duration,
    stop: impl Future<Output = ()>,
) {
    tokio::pin!(stop);
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = &mut stop => return,
            _ = ticks.tick() => {}
        }
        match purge_once(&pool, retention).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "purged expired idempotency records"),
            Err(err) => tracing::warn!(error = %err, "purging idempotency records failed"),
        }
    }
}

async fn purge_once(pool: &DbPool, retention: Duration) -> Result<usize, Error> {
    let cutoff = chrono::TimeDelta::from_std(retention)
        .ok()
        .and_then(|retention| chrono::Utc::now().checked_sub_signed(retention));
    // A retention longer than time can hold keeps everything.
    let Some(cutoff) = cutoff else {
        return Ok(0);
    };
    let mut conn = pool.get().await?;
    Ok(records::delete_created_before(&mut conn, cutoff).await?)
}

#[cfg(test)]
mod tests {
    use circle_proto::payment::v1::CreateCustomerRequest;

    use super::*;

    fn request(currency_code: &str) -> CreateCustomerRequest {
        CreateCustomerRequest {
            currency_code: currency_code.to_owned(),
            request_id: String::new(),
        }
    }

    #[test]
    fn fingerprints_tell_methods_and_requests_apart() {
        let eur = Fingerprint::of("/p.S/A", &request("EUR"));
        assert_eq!(eur, Fingerprint::of("/p.S/A", &request("EUR")));
        assert_ne!(eur, Fingerprint::of("/p.S/A", &request("USD")));
        assert_ne!(eur, Fingerprint::of("/p.S/B", &request("EUR")));
    }
}
