//! What each fact says to its person, and on which channels.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::facts::{EmailAddress, Payload, VerificationCode};
use crate::model::NotificationType;

/// A notification to write, before it has an id.
#[derive(Debug)]
pub struct Draft {
    pub user_id: Uuid,
    pub kind: NotificationType,
    pub title: String,
    pub body: String,
    pub data: serde_json::Value,
    pub expires_at: Option<DateTime<Utc>>,
    pub routes: Vec<Route>,
}

/// A channel and where on it the notification goes.
#[derive(Debug)]
pub enum Route {
    InApp,
    Email(EmailAddress),
}

pub fn draft(fact_id: Uuid, payload: Payload) -> Draft {
    match payload {
        Payload::VerificationCodeIssued(code) => verification_code(fact_id, code),
    }
}

fn verification_code(fact_id: Uuid, code: VerificationCode) -> Draft {
    let VerificationCode {
        user_id,
        email,
        code,
        expires_at,
    } = code;
    Draft {
        user_id,
        kind: NotificationType::EmailVerification,
        title: "Verify your email".to_owned(),
        body: format!(
            "Your Circle verification code is {code}\n\n\
             It expires at {expiry}.\n\n\
             If you did not sign up for Circle, you can ignore this message.",
            expiry = expires_at.format("%Y-%m-%d %H:%M UTC"),
        ),
        data: serde_json::json!({
            "fact_id": fact_id,
            "expire_time": expires_at.to_rfc3339(),
        }),
        // The code is useless after it expires, and so is the notification.
        expires_at: Some(expires_at),
        routes: vec![Route::InApp, Route::Email(email)],
    }
}
