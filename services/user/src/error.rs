//! The user service's one error type and its one mapping to gRPC statuses.

use circle_core::db::StoreError;
use circle_core::error::{
    ERROR_DOMAIN, internal, invalid_argument, permission_denied, unauthenticated, with_reason,
};
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use crate::domain::password::HashingError;
use crate::domain::{AccountStatus, IdentityProvider};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{field}: {description}")]
    InvalidArgument {
        field: &'static str,
        description: String,
    },
    #[error("permission denied: {0}")]
    Forbidden(&'static str),
    #[error("an account with this email already exists")]
    EmailTaken,
    #[error("account not found")]
    AccountNotFound,
    #[error("email already verified")]
    AlreadyVerified,
    #[error("wrong verification code")]
    CodeMismatch,
    #[error("verification code used up by wrong attempts")]
    CodeExhausted,
    #[error("verification code expired")]
    CodeExpired,
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("email not verified")]
    EmailNotVerified,
    #[error("account is {}", .0.as_str())]
    AccountUnavailable(AccountStatus),
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    #[error("refresh token reused")]
    RefreshTokenReused,
    #[error("session revoked")]
    SessionRevoked,
    /// The thing named by request field `field` does not exist (or is hidden from the caller).
    #[error("{what} not found")]
    NotFound {
        what: &'static str,
        field: &'static str,
    },
    /// A unique thing exists already; `reason` is the stable ErrorInfo reason.
    #[error("{message}")]
    AlreadyExists {
        reason: &'static str,
        message: String,
    },
    /// The request is well formed but the state of things refuses it.
    #[error("{message}")]
    FailedPrecondition {
        reason: &'static str,
        message: String,
    },
    /// The account has no password: it signs in with an identity provider.
    #[error("the account has no password")]
    PasswordNotSet,
    /// An identity provider's ID token was refused.
    #[error("id_token: {0:?}")]
    IdToken(IdTokenProblem),
    /// An identity provider's signing keys could not be fetched.
    #[error("{} is unavailable", .0.as_str())]
    ProviderUnavailable(IdentityProvider),
    /// A concurrent change won; the caller may retry.
    #[error("aborted: {0}")]
    Aborted(&'static str),
    /// An idempotent call's request id came back with different parameters.
    #[error("request_id was already used with different parameters")]
    RequestIdReused,
    /// A refusal already expressed as a status (e.g. by the shared identity checks).
    #[error("{}", .0.message())]
    Status(Status),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hashing(#[from] HashingError),
}

/// Why an ID token was refused.
#[derive(Debug)]
pub enum IdTokenProblem {
    Malformed(&'static str),
    /// No key of the provider has the token's key id, even after a refetch.
    UnknownKey,
    BadSignature,
    Expired,
    WrongIssuer,
    WrongAudience,
}

impl Error {
    pub fn invalid(field: &'static str, description: impl Into<String>) -> Self {
        Error::InvalidArgument {
            field,
            description: description.into(),
        }
    }
}

impl From<diesel::result::Error> for Error {
    fn from(err: diesel::result::Error) -> Self {
        Error::Store(err.into())
    }
}

impl From<diesel_async::pooled_connection::deadpool::PoolError> for Error {
    fn from(err: diesel_async::pooled_connection::deadpool::PoolError) -> Self {
        Error::Store(err.into())
    }
}

impl From<Error> for Status {
    fn from(err: Error) -> Self {
        match err {
            Error::InvalidArgument { field, description } => invalid_argument(field, description),
            Error::Forbidden(message) => permission_denied("PERMISSION_DENIED", message),
            Error::EmailTaken => with_reason(
                Code::AlreadyExists,
                "EMAIL_TAKEN",
                "an account with this email already exists",
            ),
            Error::AccountNotFound => with_reason(Code::NotFound, "NOT_FOUND", "account not found"),
            Error::AlreadyVerified => with_reason(
                Code::FailedPrecondition,
                "ALREADY_VERIFIED",
                "the email address is already verified",
            ),
            Error::CodeMismatch => invalid_argument_with_reason(
                "code",
                "does not match the code that was sent",
                "CODE_MISMATCH",
            ),
            Error::CodeExhausted => with_reason(
                Code::FailedPrecondition,
                "CODE_EXHAUSTED",
                "too many wrong codes: request a new one",
            ),
            Error::CodeExpired => with_reason(
                Code::FailedPrecondition,
                "CODE_EXPIRED",
                "the verification code has expired: request a new one",
            ),
            Error::InvalidCredentials => {
                unauthenticated("INVALID_CREDENTIALS", "invalid email or password")
            }
            Error::EmailNotVerified => with_reason(
                Code::FailedPrecondition,
                "EMAIL_NOT_VERIFIED",
                "verify the email address before logging in",
            ),
            Error::AccountUnavailable(status) => permission_denied(
                &format!("ACCOUNT_{}", status.as_str()),
                format!("the account is {}", status.as_str().to_lowercase()),
            ),
            Error::InvalidRefreshToken => {
                unauthenticated("INVALID_REFRESH_TOKEN", "invalid or expired refresh token")
            }
            Error::RefreshTokenReused => unauthenticated(
                "REFRESH_TOKEN_REUSED",
                "refresh token already used: the session is revoked",
            ),
            Error::SessionRevoked => unauthenticated("SESSION_REVOKED", "the session is revoked"),
            Error::NotFound { what, field } => not_found_field(what, field),
            Error::AlreadyExists { reason, message } => {
                with_reason(Code::AlreadyExists, reason, message)
            }
            Error::FailedPrecondition { reason, message } => {
                with_reason(Code::FailedPrecondition, reason, message)
            }
            Error::PasswordNotSet => with_reason(
                Code::FailedPrecondition,
                "PASSWORD_NOT_SET",
                "the account has no password: sign in with its identity provider",
            ),
            Error::IdToken(problem) => id_token_refused(problem),
            Error::ProviderUnavailable(provider) => with_reason(
                Code::Unavailable,
                "PROVIDER_UNAVAILABLE",
                format!(
                    "the signing keys of {} cannot be fetched: try again later",
                    provider.as_str()
                ),
            ),
            Error::Aborted(message) => with_reason(Code::Aborted, "ABORTED", message),
            Error::RequestIdReused => invalid_argument_with_reason(
                "request_id",
                "was already used with different parameters",
                "REQUEST_ID_REUSED",
            ),
            Error::Status(status) => status,
            Error::Store(err) => err.into(),
            Error::Hashing(err) => internal(&err),
        }
    }
}

/// INVALID_ARGUMENT naming `field`, with a stable reason as well.
fn invalid_argument_with_reason(field: &str, description: &str, reason: &str) -> Status {
    let mut details = ErrorDetails::with_bad_request_violation(field, description);
    details.set_error_info(reason, ERROR_DOMAIN, []);
    Status::with_error_details(
        Code::InvalidArgument,
        format!("{field}: {description}"),
        details,
    )
}

/// NOT_FOUND naming the request field that pointed at nothing.
fn not_found_field(what: &str, field: &str) -> Status {
    let mut details = ErrorDetails::with_bad_request_violation(field, format!("no such {what}"));
    details.set_error_info("NOT_FOUND", ERROR_DOMAIN, []);
    Status::with_error_details(Code::NotFound, format!("{what} not found"), details)
}

/// UNAUTHENTICATED naming `id_token`, with a reason per problem.
fn id_token_refused(problem: IdTokenProblem) -> Status {
    let (reason, description) = match problem {
        IdTokenProblem::Malformed(description) => ("ID_TOKEN_MALFORMED", description),
        IdTokenProblem::UnknownKey => (
            "ID_TOKEN_UNKNOWN_KEY",
            "is signed with a key the provider does not publish",
        ),
        IdTokenProblem::BadSignature => ("ID_TOKEN_BAD_SIGNATURE", "has an invalid signature"),
        IdTokenProblem::Expired => ("ID_TOKEN_EXPIRED", "has expired"),
        IdTokenProblem::WrongIssuer => ("ID_TOKEN_WRONG_ISSUER", "was issued by someone else"),
        IdTokenProblem::WrongAudience => (
            "ID_TOKEN_WRONG_AUDIENCE",
            "was issued for another application",
        ),
    };
    let mut details = ErrorDetails::with_bad_request_violation("id_token", description);
    details.set_error_info(reason, ERROR_DOMAIN, []);
    Status::with_error_details(
        Code::Unauthenticated,
        format!("id_token: {description}"),
        details,
    )
}
