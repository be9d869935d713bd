//! The service's one error type and how callers see it.

use circle_core::db::StoreError;
use circle_core::error::{internal, not_found, permission_denied, with_reason};
use diesel_async::pooled_connection::deadpool::PoolError;
use tonic::{Code, Status};

use crate::domain::CustomerId;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("customer {0} not found")]
    CustomerNotFound(CustomerId),
    #[error("customer {0} belongs to another user")]
    NotCustomerOwner(CustomerId),
    #[error("the user is a customer already")]
    CustomerExists,
    #[error("request_id was already used for a different request")]
    IdempotencyKeyReused,
    #[error("idempotency record cannot be replayed: {0}")]
    CorruptIdempotencyRecord(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Error {
    /// Whether this error is the answer to a request, stored and replayed to its repeats like
    /// a response, rather than a failure to answer that a retry may overcome.
    pub fn is_outcome(&self) -> bool {
        match self {
            Error::CustomerExists => true,
            Error::CustomerNotFound(_)
            | Error::NotCustomerOwner(_)
            | Error::IdempotencyKeyReused
            | Error::CorruptIdempotencyRecord(_)
            | Error::Store(_) => false,
        }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(err: diesel::result::Error) -> Self {
        Error::Store(err.into())
    }
}

impl From<PoolError> for Error {
    fn from(err: PoolError) -> Self {
        Error::Store(err.into())
    }
}

impl From<Error> for Status {
    fn from(err: Error) -> Self {
        let message = err.to_string();
        match err {
            Error::CustomerNotFound(id) => not_found("customer", id),
            Error::NotCustomerOwner(_) => permission_denied("NOT_CUSTOMER_OWNER", message),
            Error::CustomerExists => with_reason(Code::AlreadyExists, "CUSTOMER_EXISTS", message),
            Error::IdempotencyKeyReused => {
                with_reason(Code::FailedPrecondition, "IDEMPOTENCY_KEY_REUSED", message)
            }
            Error::CorruptIdempotencyRecord(cause) => internal(&cause),
            Error::Store(err) => err.into(),
        }
    }
}
