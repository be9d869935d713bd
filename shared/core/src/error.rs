//! Building gRPC statuses with `google.rpc` details. Each service keeps one error type and maps
//! it to `Status` with these helpers, so callers see the field or reason, never internals.

use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// The domain in `ErrorInfo` details.
pub const ERROR_DOMAIN: &str = "circle";

/// INVALID_ARGUMENT with one `BadRequest` field violation.
pub fn invalid_argument(field: &str, description: impl Into<String>) -> Status {
    let description = description.into();
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {description}"),
        ErrorDetails::with_bad_request_violation(field, description),
    )
}

/// `code` with an `ErrorInfo` carrying a stable, machine-readable reason.
pub fn with_reason(code: Code, reason: &str, message: impl Into<String>) -> Status {
    Status::with_error_details(
        code,
        message,
        ErrorDetails::with_error_info(reason, ERROR_DOMAIN, []),
    )
}

pub fn not_found(resource: &str, id: impl std::fmt::Display) -> Status {
    with_reason(
        Code::NotFound,
        "NOT_FOUND",
        format!("{resource} {id} not found"),
    )
}

pub fn unauthenticated(reason: &str, message: impl Into<String>) -> Status {
    with_reason(Code::Unauthenticated, reason, message)
}

pub fn permission_denied(reason: &str, message: impl Into<String>) -> Status {
    with_reason(Code::PermissionDenied, reason, message)
}

/// RESOURCE_EXHAUSTED with `RetryInfo` telling when to try again.
pub fn rate_limited(retry_after: std::time::Duration, message: impl Into<String>) -> Status {
    let mut details = ErrorDetails::with_retry_info(Some(retry_after));
    details.set_error_info("RATE_LIMITED", ERROR_DOMAIN, []);
    Status::with_error_details(Code::ResourceExhausted, message, details)
}

/// A failure the caller cannot fix: logged here with its cause, sent as a bare INTERNAL.
pub fn internal(cause: &dyn std::fmt::Display) -> Status {
    tracing::error!(error = %cause, "internal error");
    Status::internal("internal error")
}

/// The store is briefly unavailable: the caller may retry.
pub fn unavailable(cause: &dyn std::fmt::Display) -> Status {
    tracing::warn!(error = %cause, "dependency unavailable");
    Status::unavailable("service temporarily unavailable, retry")
}

impl From<crate::db::StoreError> for Status {
    fn from(err: crate::db::StoreError) -> Self {
        use crate::db::StoreError;
        match err {
            StoreError::NotFound => not_found("resource", "requested"),
            StoreError::UniqueViolation { constraint } => with_reason(
                Code::AlreadyExists,
                "ALREADY_EXISTS",
                format!("already exists ({constraint})"),
            ),
            StoreError::Conflict => with_reason(
                Code::Aborted,
                "CONFLICT",
                "concurrent update, retry the call",
            ),
            StoreError::Unavailable(cause) => unavailable(&cause),
            StoreError::Other(cause) => internal(&cause),
        }
    }
}
