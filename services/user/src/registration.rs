//! Registration and email verification: a PENDING account, a code sent by email, ACTIVE.

use chrono::Utc;
use circle_core::wire::timestamp;
use circle_proto::user::v1::VerificationCodeIssued;
use diesel_async::AsyncConnection;

use crate::domain::password;
use crate::domain::{AccountRole, AccountStatus, Email, NewPassword, UserId, VerificationCode};
use crate::error::Error;
use crate::state::{AppState, OUTBOX};
use crate::store::accounts::{self, Account, AccountUpdate, NewAccount};
use crate::store::verification_codes::{self, NewCode};

pub const VERIFICATION_CODE_ISSUED: &str = "user.verification_code_issued";
/// Wrong codes allowed before a code stops working.
pub const MAX_CODE_ATTEMPTS: i32 = 5;

#[derive(Debug)]
pub struct Registration {
    pub email: Email,
    pub password: NewPassword,
}

#[derive(Debug)]
pub struct EmailVerification {
    pub email: Email,
    pub code: VerificationCode,
}

/// Creates a PENDING account and, in the same transaction, the fact that carries its
/// verification code to the notification service.
pub async fn register(state: &AppState, registration: Registration) -> Result<Account, Error> {
    let Registration { email, password } = registration;
    // A cheap look first, so a taken email does not cost an Argon2 hash; the insert below
    // still decides races.
    if accounts::email_taken(&mut *state.pool.get().await?, &email).await? {
        return Err(Error::EmailTaken);
    }
    let password_hash = password::hash(password).await?;

    let user_id = UserId::generate();
    let code = VerificationCode::generate();
    let now = Utc::now();
    let expires_at = now + state.verification_code_ttl;
    let mut conn = state.pool.get().await?;
    let account = conn
        .transaction::<_, Error, _>(async |conn| {
            let account = accounts::insert_unless_email_taken(
                conn,
                &NewAccount {
                    id: user_id,
                    email: email.as_str(),
                    password_hash: Some(&password_hash),
                    status: AccountStatus::Pending,
                    role: AccountRole::User,
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?
            .ok_or(Error::EmailTaken)?;
            verification_codes::insert(
                conn,
                &NewCode {
                    user_id,
                    code_hash: &code.hash(user_id),
                    created_at: now,
                    expires_at,
                },
            )
            .await?;
            OUTBOX
                .enqueue(
                    conn,
                    VERIFICATION_CODE_ISSUED,
                    &user_id.to_string(),
                    &VerificationCodeIssued {
                        user_id: user_id.to_string(),
                        email: email.as_str().to_owned(),
                        code: code.as_str().to_owned(),
                        expire_time: Some(timestamp(expires_at)),
                    },
                )
                .await?;
            Ok(account)
        })
        .await?;
    state.outbox_wake.notify_one();
    Ok(account)
}

enum Verification {
    Verified(Account),
    /// The wrong code; the attempt is counted, so the transaction commits.
    Mismatch,
}

/// Activates a PENDING account with its code. The account and code rows are locked, so two
/// concurrent verifications cannot both consume the code or miscount attempts.
pub async fn verify_email(
    state: &AppState,
    verification: EmailVerification,
) -> Result<Account, Error> {
    let EmailVerification { email, code } = verification;
    let now = Utc::now();
    let mut conn = state.pool.get().await?;
    let outcome = conn
        .transaction::<_, Error, _>(async |conn| {
            let account = accounts::find_by_email_for_update(conn, &email)
                .await?
                .ok_or(Error::AccountNotFound)?;
            match account.status {
                AccountStatus::Pending => {}
                AccountStatus::Active => return Err(Error::AlreadyVerified),
                other @ (AccountStatus::Inactive
                | AccountStatus::Suspended
                | AccountStatus::Deleted) => return Err(Error::AccountUnavailable(other)),
            }
            let stored = verification_codes::find_live_for_update(conn, account.id)
                .await?
                .ok_or(Error::CodeExpired)?;
            if stored.attempts >= MAX_CODE_ATTEMPTS {
                return Err(Error::CodeExhausted);
            }
            if stored.expires_at <= now {
                return Err(Error::CodeExpired);
            }
            if !code.matches(account.id, &stored.code_hash) {
                verification_codes::record_wrong_attempt(conn, account.id).await?;
                return Ok(Verification::Mismatch);
            }
            verification_codes::consume(conn, account.id, now).await?;
            let account =
                accounts::update(conn, account.id, AccountUpdate::EmailVerified { at: now })
                    .await?;
            Ok(Verification::Verified(account))
        })
        .await?;
    match outcome {
        Verification::Verified(account) => Ok(account),
        Verification::Mismatch => Err(Error::CodeMismatch),
    }
}
