//! The service's one error type and how callers see it.

use circle_core::db::StoreError;
use circle_core::error::{not_found, permission_denied, with_reason};
use diesel_async::pooled_connection::deadpool::PoolError;
use tonic::{Code, Status};

use crate::domain::TribeId;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("tribe {0} not found")]
    TribeNotFound(TribeId),
    #[error("tribe {0} is private to its members")]
    PrivateTribe(TribeId),
    #[error("request_id was already used for a different request")]
    RequestIdReused,
    #[error(transparent)]
    Store(#[from] StoreError),
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
            Error::TribeNotFound(id) => not_found("tribe", id),
            Error::PrivateTribe(_) => permission_denied("PRIVATE_TRIBE", message),
            Error::RequestIdReused => {
                with_reason(Code::FailedPrecondition, "REQUEST_ID_REUSED", message)
            }
            Error::Store(err) => err.into(),
        }
    }
}
