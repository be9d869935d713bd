//! Signing in with an identity provider (Google, Apple, Facebook): the provider's ID token is
//! verified, the (provider, subject) pair is found or linked to the account with the same
//! verified email, or a new ACTIVE account without a password is made; then a session opens
//! exactly as a login's does.

mod keys;

use std::sync::Arc;

use chrono::Utc;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use crate::authentication::{self, ClientDetails};
use crate::config::IdentityProviders;
use crate::domain::{AccountRole, AccountStatus, Email, IdentityProvider, UserId};
use crate::error::Error;
use crate::state::AppState;
use crate::store::accounts::{self, Account, AccountUpdate, NewAccount};
use crate::store::oauth_identities::{self, NewOauthIdentity};
use crate::tokens::TokenPair;
use keys::{ProviderKeys, VerifiedIdentity};

/// The configured providers and their cached signing keys.
#[derive(Clone)]
pub struct Providers {
    google: Option<Arc<ProviderKeys>>,
    apple: Option<Arc<ProviderKeys>>,
    facebook: Option<Arc<ProviderKeys>>,
}

impl Providers {
    pub fn new(config: &IdentityProviders) -> Self {
        let http = reqwest::Client::new();
        let keys = |provider, config: &Option<_>| {
            config
                .clone()
                .map(|config| Arc::new(ProviderKeys::new(provider, config, http.clone())))
        };
        Self {
            google: keys(IdentityProvider::Google, &config.google),
            apple: keys(IdentityProvider::Apple, &config.apple),
            facebook: keys(IdentityProvider::Facebook, &config.facebook),
        }
    }

    fn keys(&self, provider: IdentityProvider) -> Result<&ProviderKeys, Error> {
        let keys = match provider {
            IdentityProvider::Google => &self.google,
            IdentityProvider::Apple => &self.apple,
            IdentityProvider::Facebook => &self.facebook,
        };
        keys.as_deref().ok_or_else(|| Error::FailedPrecondition {
            reason: "PROVIDER_NOT_CONFIGURED",
            message: format!(
                "sign-in with {} is not configured on this server",
                provider.as_str()
            ),
        })
    }
}

#[derive(Debug)]
pub struct ProviderSignIn {
    pub provider: IdentityProvider,
    pub id_token: String,
    pub client: ClientDetails,
}

pub struct SignedIn {
    pub account: Account,
    pub tokens: TokenPair,
    /// Whether this sign-in made the account.
    pub created: bool,
}

/// Verifies the ID token, finds or makes the account, and opens a session.
pub async fn sign_in(state: &AppState, sign_in: ProviderSignIn) -> Result<SignedIn, Error> {
    let ProviderSignIn {
        provider,
        id_token,
        client,
    } = sign_in;
    let identity = state
        .identity_providers
        .keys(provider)?
        .verify(&id_token)
        .await?;
    let mut conn = state.pool.get().await?;
    conn.transaction::<_, Error, _>(async |conn| {
        let (account, created) = account_for(conn, provider, &identity).await?;
        match account.status {
            AccountStatus::Active => {}
            other => return Err(Error::AccountUnavailable(other)),
        }
        let tokens =
            authentication::open_session(conn, state, &account, &client, Some(provider)).await?;
        Ok(SignedIn {
            account,
            tokens,
            created,
        })
    })
    .await
}

/// The account the identity signs in to: the linked one, else the one with the provider's
/// verified email (linked now), else a new one. `true` when the account is new.
async fn account_for(
    conn: &mut AsyncPgConnection,
    provider: IdentityProvider,
    identity: &VerifiedIdentity,
) -> Result<(Account, bool), Error> {
    let now = Utc::now();
    if let Some(linked) = oauth_identities::find(conn, provider, &identity.subject).await? {
        oauth_identities::touch(conn, linked.id, now).await?;
        let account = accounts::find(conn, linked.user_id)
            .await?
            .ok_or(Error::AccountNotFound)?;
        return Ok((account, false));
    }
    if !identity.email_verified {
        return Err(Error::FailedPrecondition {
            reason: "PROVIDER_EMAIL_NOT_VERIFIED",
            message: format!(
                "{} has not verified this person's email address",
                provider.as_str()
            ),
        });
    }
    let email = identity
        .email
        .as_deref()
        .and_then(|email| Email::parse(email).ok())
        .ok_or(Error::FailedPrecondition {
            reason: "PROVIDER_EMAIL_MISSING",
            message: format!("{} did not share a usable email address", provider.as_str()),
        })?;
    let (account, created) = match accounts::find_by_email_for_update(conn, &email).await? {
        Some(account) if account.status == AccountStatus::Pending => {
            let account = accounts::update(
                conn,
                account.id,
                AccountUpdate::ClaimedThroughProvider { at: now },
            )
            .await?;
            (account, false)
        }
        Some(account) => (account, false),
        None => {
            let account = accounts::insert_unless_email_taken(
                conn,
                &NewAccount {
                    id: UserId::generate(),
                    email: email.as_str(),
                    password_hash: None,
                    status: AccountStatus::Active,
                    role: AccountRole::User,
                    created_at: now,
                    updated_at: now,
                },
            )
            .await?
            .ok_or(Error::Aborted(
                "an account with this email was just created: try again",
            ))?;
            let account =
                accounts::update(conn, account.id, AccountUpdate::EmailVerified { at: now })
                    .await?;
            (account, true)
        }
    };
    let linked = oauth_identities::insert_unless_linked(
        conn,
        &NewOauthIdentity {
            id: Uuid::now_v7(),
            user_id: account.id,
            provider,
            subject: &identity.subject,
            email: Some(email.as_str()),
            created_at: now,
            last_sign_in_at: now,
        },
    )
    .await?;
    if !linked {
        return Err(Error::Aborted(
            "this identity was just linked by another sign-in: try again",
        ));
    }
    Ok((account, created))
}
