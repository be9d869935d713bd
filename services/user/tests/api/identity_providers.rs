//! IdentityProviderService: sign-in with Google, Apple or Facebook ID tokens, checked against a
//! fake provider's published keys.

use circle_proto::user::v1 as pb;
use circle_proto::user::v1::identity_provider_service_client::IdentityProviderServiceClient;
use circle_proto::user::v1::session_service_client::SessionServiceClient;
use circle_testkit::identity_provider::{FakeProvider, IdClaims, Signer};
use tonic::{Code, Status};
use user_service::config::ProviderConfig;
use uuid::Uuid;

use crate::helpers::{
    PASSWORD, TestApp, assert_invalid_field, assert_reason, edge, spawn_app_with,
};

fn config_of(provider: &FakeProvider) -> Option<ProviderConfig> {
    Some(ProviderConfig {
        jwks_url: provider.jwks_url(),
        issuer: provider.issuer().to_owned(),
        client_id: provider.client_id().to_owned(),
    })
}

/// An app where Google and Apple are the two fake providers; Facebook is not configured.
async fn app_with_providers() -> (TestApp, FakeProvider, FakeProvider) {
    let google = FakeProvider::start("google").await;
    let apple = FakeProvider::start("apple").await;
    let app = spawn_app_with(|config| {
        config.identity_providers.google = config_of(&google);
        config.identity_providers.apple = config_of(&apple);
    })
    .await;
    (app, google, apple)
}

async fn sign_in(
    app: &TestApp,
    provider: pb::IdentityProvider,
    id_token: &str,
) -> Result<pb::SignInWithProviderResponse, Status> {
    let request = pb::SignInWithProviderRequest {
        provider: provider as i32,
        id_token: id_token.to_owned(),
        client: Some(pb::ClientInfo {
            address: "198.51.100.4".into(),
            user_agent: "circle-tests/1.0".into(),
            device: "pixel".into(),
        }),
    };
    IdentityProviderServiceClient::new(app.channel.clone())
        .sign_in_with_provider(app.request(&edge(), request))
        .await
        .map(|response| response.into_inner())
}

async fn count(app: &TestApp, query: &str) -> i64 {
    app.db
        .admin_client()
        .await
        .query_one(query, &[])
        .await
        .unwrap()
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_person_gets_an_active_account_without_a_password() {
    let (app, google, _apple) = app_with_providers().await;
    let token = google.token(&google.claims("g-123", "Nora@Example.org"));

    let signed_in = sign_in(&app, pb::IdentityProvider::Google, &token)
        .await
        .unwrap();

    assert!(signed_in.account_created);
    let user = signed_in.user.unwrap();
    assert_eq!(user.email, "nora@example.org");
    assert_eq!(user.status(), pb::UserStatus::Active);
    assert!(user.email_verify_time.is_some());
    let principal = app.principal_of(signed_in.tokens.as_ref().unwrap());
    app.get_user(&principal, &user.id).await.unwrap();

    // The same identity signs in to the same account again.
    let again = sign_in(
        &app,
        pb::IdentityProvider::Google,
        &google.token(&google.claims("g-123", "nora@example.org")),
    )
    .await
    .unwrap();
    assert!(!again.account_created);
    assert_eq!(again.user.unwrap().id, user.id);

    // Without a password, a password login is refused as such.
    let status = app.login("nora@example.org", PASSWORD).await.unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "PASSWORD_NOT_SET");
    let status = SessionServiceClient::new(app.channel.clone())
        .change_password(app.request(
            &principal,
            pb::ChangePasswordRequest {
                current_password: "anything at all".into(),
                new_password: "a perfectly fine password".into(),
            },
        ))
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "PASSWORD_NOT_SET");

    let id: Uuid = user.id.parse().unwrap();
    let rows = app
        .db
        .admin_client()
        .await
        .query(
            "SELECT metadata->>'provider', metadata->>'device' FROM users.audit_log \
             WHERE subject_id = $1 AND action = 'LOGIN'",
            &[&id],
        )
        .await
        .unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].get::<_, Option<String>>(0).as_deref(),
        Some("GOOGLE")
    );
    assert_eq!(
        rows[0].get::<_, Option<String>>(1).as_deref(),
        Some("pixel")
    );
    assert_eq!(
        count(
            &app,
            "SELECT count(*) FROM users.oauth_identities WHERE provider = 'GOOGLE' AND subject = 'g-123'"
        )
        .await,
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_identity_links_to_the_account_with_the_same_verified_email() {
    let (app, google, apple) = app_with_providers().await;
    let ada = app.active_user("ada@example.org").await;

    let via_google = sign_in(
        &app,
        pb::IdentityProvider::Google,
        &google.token(&google.claims("g-ada", "ADA@example.org")),
    )
    .await
    .unwrap();
    let via_apple = sign_in(
        &app,
        pb::IdentityProvider::Apple,
        &apple.sign(&apple.claims("a-ada", "ada@example.org"), Signer::Es256),
    )
    .await
    .unwrap();

    assert!(!via_google.account_created && !via_apple.account_created);
    assert_eq!(via_google.user.unwrap().id, ada.id);
    assert_eq!(via_apple.user.unwrap().id, ada.id);
    // The password still works for an account that had one.
    app.login("ada@example.org", PASSWORD).await.unwrap();
    assert_eq!(
        count(&app, "SELECT count(*) FROM users.oauth_identities").await,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_claims_a_pending_account_and_drops_its_unproven_password() {
    let (app, google, _apple) = app_with_providers().await;
    // Someone registered Ada's address without ever proving it.
    let pending = app.register("ada@example.org", PASSWORD).await.unwrap();

    let signed_in = sign_in(
        &app,
        pb::IdentityProvider::Google,
        &google.token(&google.claims("g-ada", "ada@example.org")),
    )
    .await
    .unwrap();

    let user = signed_in.user.unwrap();
    assert_eq!(user.id, pending.id);
    assert_eq!(user.status(), pb::UserStatus::Active);
    let status = app.login("ada@example.org", PASSWORD).await.unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "PASSWORD_NOT_SET");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_tokens_are_refused_and_create_nothing() {
    let (app, google, apple) = app_with_providers().await;
    let good = google.claims("g-1", "eve@example.org");
    let google_in = |token: String| {
        let app = &app;
        async move { sign_in(app, pb::IdentityProvider::Google, &token).await }
    };

    let status = google_in(google.forged_token(&good)).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "ID_TOKEN_BAD_SIGNATURE");
    // Apple's key is not Google's.
    let status = google_in(apple.token(&apple.claims("g-1", "eve@example.org")))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    let wrong_issuer = google.token(&with(&good, |c| c.iss = "https://evil.example".into()));
    let status = google_in(wrong_issuer).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "ID_TOKEN_WRONG_ISSUER");
    let wrong_audience = google.token(&with(&good, |c| c.aud = "someone-else".into()));
    let status = google_in(wrong_audience).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "ID_TOKEN_WRONG_AUDIENCE");
    let expired = google.token(&with(&good, |c| {
        c.iat -= 7200;
        c.exp -= 7200;
    }));
    let status = google_in(expired).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "ID_TOKEN_EXPIRED");
    let unverified = google.token(&with(&good, |c| c.email_verified = Some(false)));
    let status = google_in(unverified).await.unwrap_err();
    assert_reason(
        &status,
        Code::FailedPrecondition,
        "PROVIDER_EMAIL_NOT_VERIFIED",
    );
    let status = google_in("not.a.jwt".into()).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "ID_TOKEN_MALFORMED");

    assert_eq!(count(&app, "SELECT count(*) FROM users.accounts").await, 0);
    assert_eq!(count(&app, "SELECT count(*) FROM users.sessions").await, 0);
}

fn with(claims: &IdClaims, change: impl FnOnce(&mut IdClaims)) -> IdClaims {
    let mut claims = claims.clone();
    change(&mut claims);
    claims
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_or_unconfigured_providers_are_refused_by_name() {
    let (app, google, _apple) = app_with_providers().await;
    let token = google.token(&google.claims("f-1", "fay@example.org"));

    let status = sign_in(&app, pb::IdentityProvider::Facebook, &token)
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "PROVIDER_NOT_CONFIGURED");
    assert!(status.message().contains("FACEBOOK"), "{status:?}");
    let status = sign_in(&app, pb::IdentityProvider::Unspecified, &token)
        .await
        .unwrap_err();
    assert_invalid_field(&status, "provider");
    let status = sign_in(&app, pb::IdentityProvider::Google, " ")
        .await
        .unwrap_err();
    assert_invalid_field(&status, "id_token");
    let status = IdentityProviderServiceClient::new(app.channel.clone())
        .sign_in_with_provider(app.request(
            &circle_testkit::principal::user(),
            pb::SignInWithProviderRequest {
                provider: pb::IdentityProvider::Google as i32,
                id_token: token,
                client: None,
            },
        ))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keys_are_cached_and_refetched_for_an_unknown_key_id() {
    let (app, google, _apple) = app_with_providers().await;
    let claims = google.claims("g-1", "kim@example.org");

    sign_in(&app, pb::IdentityProvider::Google, &google.token(&claims))
        .await
        .unwrap();
    sign_in(
        &app,
        pb::IdentityProvider::Google,
        &google.sign(&claims, Signer::Es256),
    )
    .await
    .unwrap();
    assert_eq!(google.fetches(), 1, "the second key came from the cache");

    google.rotate_rsa_key();
    sign_in(&app, pb::IdentityProvider::Google, &google.token(&claims))
        .await
        .unwrap();
    assert_eq!(google.fetches(), 2, "a new kid fetched the key set again");
    sign_in(&app, pb::IdentityProvider::Google, &google.token(&claims))
        .await
        .unwrap();
    assert_eq!(google.fetches(), 2);
}
