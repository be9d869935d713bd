//! Everything a public call can fail with, and the one mapping to gRPC statuses.

use std::time::Duration;

use circle_core::error::{invalid_argument, rate_limited, unauthenticated};
use tonic::{Code, Status};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no access token")]
    MissingToken,
    #[error("access token expired")]
    TokenExpired,
    #[error("access token invalid")]
    InvalidToken,
    #[error("{field}: {problem}")]
    InvalidArgument {
        field: &'static str,
        problem: &'static str,
    },
    #[error("too many login attempts for this {scope}")]
    RateLimited {
        scope: &'static str,
        retry_after: Duration,
    },
    /// What an internal service answered: its code, message and details reach the caller.
    #[error("{service} answered {}: {}", .status.code(), .status.message())]
    Upstream {
        service: &'static str,
        status: Status,
    },
    /// An internal service stayed unreachable through the retries.
    #[error("{service} unavailable: {}", .status.message())]
    Unavailable {
        service: &'static str,
        status: Status,
    },
    /// An internal call ran out of its deadline.
    #[error("{service} did not answer in time")]
    Timeout { service: &'static str },
    /// An internal call failed below gRPC (broken connection, protocol error).
    #[error("{service} call failed: {}", .status.message())]
    Transport {
        service: &'static str,
        status: Status,
    },
    /// An internal service answered without something its contract promises.
    #[error("{service} answered without {missing}")]
    Contract {
        service: &'static str,
        missing: &'static str,
    },
    /// Two messages declared wire-identical were not (the descriptor test rules it out).
    #[error("{from} did not decode as {to}: {source}")]
    WireCopy {
        from: &'static str,
        to: &'static str,
        source: prost::DecodeError,
    },
}

impl Error {
    /// Sorts the status an internal call ended with.
    pub fn from_call(service: &'static str, status: Status) -> Error {
        match status.code() {
            Code::Unavailable => Error::Unavailable { service, status },
            // Our own client's deadline: the caller of the edge did not cancel anything.
            Code::Cancelled => Error::Timeout { service },
            // A service of the suite answers with codes of its own; UNKNOWN comes from the
            // transport and its message describes the inside.
            Code::Unknown => Error::Transport { service, status },
            _ => Error::Upstream { service, status },
        }
    }
}

impl From<Error> for Status {
    fn from(err: Error) -> Self {
        match err {
            Error::MissingToken => unauthenticated(
                "MISSING_TOKEN",
                "this call needs \"authorization: Bearer <access token>\"",
            ),
            Error::TokenExpired => {
                unauthenticated("TOKEN_EXPIRED", "the access token has expired; refresh it")
            }
            Error::InvalidToken => unauthenticated("INVALID_TOKEN", "the access token is invalid"),
            Error::InvalidArgument { field, problem } => invalid_argument(field, problem),
            Error::RateLimited { scope, retry_after } => rate_limited(
                retry_after,
                format!(
                    "too many login attempts for this {scope}; retry in {} s",
                    retry_after.as_secs().max(1)
                ),
            ),
            Error::Upstream { service: _, status } => Status::with_details(
                status.code(),
                status.message(),
                status.details().to_vec().into(),
            ),
            Error::Unavailable { service, status } => {
                tracing::warn!(service, error = %status.message(), "internal service unavailable");
                Status::with_details(
                    Code::Unavailable,
                    "service temporarily unavailable, retry",
                    status.details().to_vec().into(),
                )
            }
            Error::Timeout { service } => {
                tracing::warn!(service, "internal call timed out");
                Status::deadline_exceeded("the call took too long, retry")
            }
            Error::Transport { service, status } => {
                tracing::error!(service, error = %status.message(), "internal call failed");
                Status::unknown("internal call failed")
            }
            Error::Contract { service, missing } => {
                circle_core::error::internal(&format!("{service} answered without {missing}"))
            }
            err @ Error::WireCopy { .. } => circle_core::error::internal(&err),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tonic_types::{ErrorDetails, StatusExt};

    #[test]
    fn an_internal_status_keeps_code_message_and_details() {
        let inside = Status::with_error_details(
            Code::FailedPrecondition,
            "account is not active",
            ErrorDetails::with_error_info("ACCOUNT_PENDING", "circle", []),
        );
        let details = inside.details().to_vec();
        let outside = Status::from(Error::from_call("user", inside));
        assert_eq!(outside.code(), Code::FailedPrecondition);
        assert_eq!(outside.message(), "account is not active");
        assert_eq!(outside.details(), details.as_slice());
    }

    #[test]
    fn transport_failures_do_not_leak_their_messages() {
        let refused = Status::unavailable("tcp connect error: 10.0.0.7:50061 refused");
        let outside = Status::from(Error::from_call("user", refused));
        assert_eq!(outside.code(), Code::Unavailable);
        assert!(!outside.message().contains("10.0.0.7"), "{outside:?}");

        let timeout = Status::from(Error::from_call(
            "user",
            Status::cancelled("Timeout expired"),
        ));
        assert_eq!(timeout.code(), Code::DeadlineExceeded);
    }
}
