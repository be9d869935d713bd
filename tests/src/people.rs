//! People of an end-to-end test: signed up through the edge exactly as a client would, and
//! promoted to admin where a test needs one.

use std::time::Duration;

use circle_proto::edge::v1::{LoginRequest, RegisterRequest, VerifyEmailRequest};
use tonic::Request;

use crate::Suite;

pub const PASSWORD: &str = "correct horse battery staple";
const MAIL_WAIT: Duration = Duration::from_secs(20);

/// A person with an ACTIVE account and a fresh login.
#[derive(Clone, Debug)]
pub struct SignedIn {
    pub user_id: String,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl SignedIn {
    /// `message` as a call carrying this person's access token.
    pub fn call<T>(&self, message: T) -> Request<T> {
        bearer(&self.access_token, message)
    }
}

/// `message` with `authorization: Bearer <token>`.
pub fn bearer<T>(token: &str, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request.metadata_mut().insert(
        "authorization",
        format!("Bearer {token}").parse().expect("ASCII"),
    );
    request
}

impl Suite {
    /// Registers `email`, verifies it with the mailed code, and logs in, all through the edge.
    pub async fn sign_up(&self, email: &str) -> SignedIn {
        let mut edge = self.edge();
        edge.register(RegisterRequest {
            email: email.into(),
            password: PASSWORD.into(),
        })
        .await
        .expect("registration");
        let code = self.verification_code(email, MAIL_WAIT).await;
        edge.verify_email(VerifyEmailRequest {
            email: email.into(),
            code,
        })
        .await
        .expect("verification");
        let login = edge
            .login(LoginRequest {
                email: email.into(),
                password: PASSWORD.into(),
                device: "e2e".into(),
            })
            .await
            .expect("login")
            .into_inner();
        let account = login.account.expect("an account");
        let tokens = login.tokens.expect("tokens");
        SignedIn {
            user_id: account.id,
            email: email.into(),
            access_token: tokens.access_token,
            refresh_token: tokens.refresh_token,
        }
    }

    /// Makes `person` an admin directly in the database (there is no first admin otherwise).
    /// The user service reads roles from its rows on every call, so the login stays valid.
    pub async fn make_admin(&self, person: &SignedIn) {
        let id: uuid::Uuid = person.user_id.parse().expect("a user id");
        let updated = self
            .db
            .admin_client()
            .await
            .execute(
                "UPDATE users.accounts SET role = 'ADMIN' WHERE id = $1",
                &[&id],
            )
            .await
            .expect("promoting to admin");
        assert_eq!(updated, 1, "no account {id}");
    }
}
