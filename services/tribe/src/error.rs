//! The service's one error type and how callers see it.

use circle_core::db::StoreError;
use circle_core::error::{invalid_argument, not_found, permission_denied, with_reason};
use diesel_async::pooled_connection::deadpool::PoolError;
use tonic::{Code, Status};
use uuid::Uuid;

use crate::domain::matchmaking::RunId;
use crate::domain::{TribeId, UserId};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("tribe {0} not found")]
    TribeNotFound(TribeId),
    #[error("tribe {0} is private to its members")]
    PrivateTribe(TribeId),
    #[error("{user} is not a member of tribe {tribe}")]
    MemberNotFound { tribe: TribeId, user: UserId },
    #[error("goal {0} not found")]
    GoalNotFound(Uuid),
    #[error("message {0} not found in this tribe")]
    MessageNotFound(Uuid),
    #[error("matchmaking run {0} not found")]
    RunNotFound(RunId),
    #[error("only {who} may do this")]
    Forbidden {
        reason: &'static str,
        who: &'static str,
    },
    /// A rule of the domain refuses the request in the tribe's current state.
    #[error("{message}")]
    FailedPrecondition {
        reason: &'static str,
        message: String,
    },
    /// A value that is well-formed alone but not acceptable here.
    #[error("{field}: {message}")]
    Invalid {
        field: &'static str,
        message: String,
    },
    #[error("request_id was already used for a different request")]
    RequestIdReused,
    /// The user service could not say whether people blocked each other.
    #[error("checking blocks failed: {}", .0.message())]
    BlockCheck(Status),
    /// The user service could not say where a person is.
    #[error("reading the profile failed: {}", .0.message())]
    ProfileLookup(Status),
    /// The user service could not list the people to match.
    #[error("listing matching candidates failed: {}", .0.message())]
    Candidates(Status),
    /// The matching engine stopped without a result (a bug, not the request's fault).
    #[error("the matching engine failed: {0}")]
    Engine(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Error {
    pub fn precondition(reason: &'static str, message: impl Into<String>) -> Error {
        Error::FailedPrecondition {
            reason,
            message: message.into(),
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
            Error::TribeNotFound(id) => not_found("tribe", id),
            Error::MemberNotFound { user, .. } => not_found("member", user),
            Error::GoalNotFound(id) => not_found("goal", id),
            Error::MessageNotFound(id) => not_found("message", id),
            Error::RunNotFound(id) => not_found("run", id),
            Error::PrivateTribe(_) => permission_denied("PRIVATE_TRIBE", message),
            Error::Forbidden { reason, .. } => permission_denied(reason, message),
            Error::FailedPrecondition { reason, message } => {
                with_reason(Code::FailedPrecondition, reason, message)
            }
            Error::Invalid { field, message } => invalid_argument(field, message),
            Error::RequestIdReused => {
                with_reason(Code::FailedPrecondition, "REQUEST_ID_REUSED", message)
            }
            Error::BlockCheck(status) => {
                tracing::warn!(code = ?status.code(), error = %status.message(), "block check failed");
                with_reason(
                    Code::Unavailable,
                    "BLOCK_CHECK_UNAVAILABLE",
                    "cannot check blocks right now, retry",
                )
            }
            Error::ProfileLookup(status) => {
                tracing::warn!(code = ?status.code(), error = %status.message(), "profile lookup failed");
                with_reason(
                    Code::Unavailable,
                    "PROFILE_UNAVAILABLE",
                    "cannot read your profile right now, retry (or give near and radius_km)",
                )
            }
            Error::Candidates(status) => {
                tracing::warn!(code = ?status.code(), error = %status.message(), "listing candidates failed");
                with_reason(
                    Code::Unavailable,
                    "CANDIDATES_UNAVAILABLE",
                    "cannot list the people to match right now, retry",
                )
            }
            Error::Engine(message) => {
                tracing::error!(error = %message, "matching engine failed");
                with_reason(Code::Internal, "MATCHING_ENGINE_FAILED", message)
            }
            Error::Store(err) => err.into(),
        }
    }
}
