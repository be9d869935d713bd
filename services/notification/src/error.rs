//! The service's one error type and its mapping to gRPC statuses.
//!
//! Requests are validated and authorized in the handlers, which answer INVALID_ARGUMENT and
//! PERMISSION_DENIED there; what can fail below them is the store.

use circle_core::db::StoreError;
use diesel_async::pooled_connection::deadpool::PoolError;
use tonic::Status;

#[derive(Debug, thiserror::Error)]
pub enum Error {
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
        match err {
            // Logs internal causes and sends only the code and a generic message.
            Error::Store(err) => err.into(),
        }
    }
}
