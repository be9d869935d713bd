//! Assertions on the statuses a service refuses calls with.

use tonic::{Code, Status};
use tonic_types::StatusExt;

/// Asserts the status code and the `ErrorInfo` reason.
#[track_caller]
pub fn assert_reason(status: &Status, code: Code, reason: &str) {
    assert_eq!(status.code(), code, "{status:?}");
    let info = status
        .get_details_error_info()
        .unwrap_or_else(|| panic!("no ErrorInfo in {status:?}"));
    assert_eq!(info.reason, reason, "{status:?}");
}

/// Asserts INVALID_ARGUMENT with one `BadRequest` field violation, naming `field`.
#[track_caller]
pub fn assert_invalid_field(status: &Status, field: &str) {
    assert_eq!(status.code(), Code::InvalidArgument, "{status:?}");
    let bad_request = status
        .get_details_bad_request()
        .unwrap_or_else(|| panic!("no BadRequest in {status:?}"));
    let fields: Vec<&str> = bad_request
        .field_violations
        .iter()
        .map(|violation| violation.field.as_str())
        .collect();
    assert_eq!(fields, [field], "{status:?}");
}

/// Asserts that the call was refused with `code` and the `ErrorInfo` reason; returns the status
/// for further checks.
#[track_caller]
pub fn assert_refused<T: std::fmt::Debug>(
    result: Result<T, Status>,
    code: Code,
    reason: &str,
) -> Status {
    let status = result.expect_err("the request is refused");
    assert_reason(&status, code, reason);
    status
}

/// Asserts that the call was refused as INVALID_ARGUMENT naming `field`.
#[track_caller]
pub fn assert_invalid_argument<T: std::fmt::Debug>(result: Result<T, Status>, field: &str) {
    let status = result.expect_err("the request is refused");
    assert_invalid_field(&status, field);
}
