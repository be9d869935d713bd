//! Sign-in with an identity provider through the edge, against a fake provider's keys.

use circle_e2e::{PASSWORD, Suite, provider_config};
use circle_proto::edge::v1::identity_provider_service_client::IdentityProviderServiceClient;
use circle_proto::edge::v1::{
    AccountStatus, GetAccountRequest, IdentityProvider, LoginRequest, SignInWithProviderRequest,
    SignInWithProviderResponse,
};
use circle_testkit::identity_provider::{FakeProvider, Signer};
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::{Code, Status};

async fn suite_trusting(google: &FakeProvider) -> Suite {
    Suite::start_with(|user| user.identity_providers.google = Some(provider_config(google))).await
}

async fn sign_in(
    suite: &Suite,
    provider: IdentityProvider,
    id_token: String,
) -> Result<SignInWithProviderResponse, Status> {
    IdentityProviderServiceClient::new(suite.channel("edge"))
        .sign_in_with_provider(SignInWithProviderRequest {
            provider: provider as i32,
            id_token,
            device: "iphone".into(),
        })
        .await
        .map(|response| response.into_inner())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_google_sign_in_creates_then_reuses_a_passwordless_account() {
    let google = FakeProvider::start("google").await;
    let suite = suite_trusting(&google).await;

    let first = sign_in(
        &suite,
        IdentityProvider::Google,
        google.token(&google.claims("g-42", "gia@circle.test")),
    )
    .await
    .unwrap();
    assert!(first.account_created);
    let account = first.account.unwrap();
    assert_eq!(account.status(), AccountStatus::Active);
    let tokens = first.tokens.unwrap();
    let own = suite
        .edge()
        .get_account(circle_e2e::bearer(
            &tokens.access_token,
            GetAccountRequest {},
        ))
        .await
        .unwrap()
        .into_inner()
        .account
        .unwrap();
    assert_eq!(own.email, "gia@circle.test");

    let again = sign_in(
        &suite,
        IdentityProvider::Google,
        google.sign(&google.claims("g-42", "gia@circle.test"), Signer::Es256),
    )
    .await
    .unwrap();
    assert!(!again.account_created);
    assert_eq!(again.account.unwrap().id, account.id);

    let status = suite
        .edge()
        .login(LoginRequest {
            email: "gia@circle.test".into(),
            password: PASSWORD.into(),
            device: String::new(),
        })
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "PASSWORD_NOT_SET");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_provider_links_to_the_person_who_signed_up_with_that_email() {
    let google = FakeProvider::start("google").await;
    let suite = suite_trusting(&google).await;
    let ana = suite.sign_up("ana@circle.test").await;

    let signed_in = sign_in(
        &suite,
        IdentityProvider::Google,
        google.token(&google.claims("g-ana", "ana@circle.test")),
    )
    .await
    .unwrap();

    assert!(!signed_in.account_created);
    assert_eq!(signed_in.account.unwrap().id, ana.user_id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edge_passes_on_every_refusal() {
    let google = FakeProvider::start("google").await;
    let suite = suite_trusting(&google).await;
    let good = google.claims("g-1", "eve@circle.test");

    let status = sign_in(&suite, IdentityProvider::Google, google.forged_token(&good))
        .await
        .unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "ID_TOKEN_BAD_SIGNATURE");
    let mut expired = good.clone();
    expired.exp -= 7200;
    expired.iat -= 7200;
    let status = sign_in(&suite, IdentityProvider::Google, google.token(&expired))
        .await
        .unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "ID_TOKEN_EXPIRED");
    let mut foreign = good.clone();
    foreign.aud = "another-app".into();
    let status = sign_in(&suite, IdentityProvider::Google, google.token(&foreign))
        .await
        .unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "ID_TOKEN_WRONG_AUDIENCE");
    let mut unverified = good.clone();
    unverified.email_verified = None;
    let status = sign_in(&suite, IdentityProvider::Google, google.token(&unverified))
        .await
        .unwrap_err();
    assert_reason(
        &status,
        Code::FailedPrecondition,
        "PROVIDER_EMAIL_NOT_VERIFIED",
    );
    let status = sign_in(&suite, IdentityProvider::Apple, google.token(&good))
        .await
        .unwrap_err();
    assert_reason(&status, Code::FailedPrecondition, "PROVIDER_NOT_CONFIGURED");
    assert!(status.message().contains("APPLE"), "{status:?}");
    let status = sign_in(&suite, IdentityProvider::Unspecified, google.token(&good))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "provider");
    let status = sign_in(&suite, IdentityProvider::Google, String::new())
        .await
        .unwrap_err();
    assert_invalid_field(&status, "id_token");
}
