//! Sessions through the edge: list, revoke one, revoke the others, change the password.

use circle_e2e::{PASSWORD, SignedIn, Suite};
use circle_proto::edge::v1::session_service_client::SessionServiceClient;
use circle_proto::edge::v1::{
    ChangePasswordRequest, GetAccountRequest, ListSessionsRequest, LoginRequest,
    RevokeOtherSessionsRequest, RevokeSessionRequest,
};
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::Code;
use tonic::transport::Channel;

const NEW_PASSWORD: &str = "another long passphrase";

fn sessions(suite: &Suite) -> SessionServiceClient<Channel> {
    SessionServiceClient::new(suite.channel("edge"))
}

/// A second login of `person` from another device.
async fn log_in_again(suite: &Suite, person: &SignedIn, device: &str) -> SignedIn {
    let login = suite
        .edge()
        .login(LoginRequest {
            email: person.email.clone(),
            password: PASSWORD.into(),
            device: device.into(),
        })
        .await
        .expect("login")
        .into_inner();
    let tokens = login.tokens.expect("tokens");
    SignedIn {
        access_token: tokens.access_token,
        refresh_token: tokens.refresh_token,
        ..person.clone()
    }
}

async fn current_session_id(suite: &Suite, person: &SignedIn) -> String {
    let listed = sessions(suite)
        .list_sessions(person.call(ListSessionsRequest::default()))
        .await
        .expect("sessions")
        .into_inner();
    listed
        .sessions
        .into_iter()
        .find(|session| session.current)
        .expect("the current session is listed")
        .id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_revoked_through_the_edge_stops_working_at_once() {
    let suite = Suite::start().await;
    let laptop = suite.sign_up("ana@circle.test").await;
    let phone = log_in_again(&suite, &laptop, "phone").await;
    let laptop_session = current_session_id(&suite, &laptop).await;

    let listed = sessions(&suite)
        .list_sessions(phone.call(ListSessionsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.sessions.len(), 2);
    let devices: Vec<&str> = listed.sessions.iter().map(|s| s.device.as_str()).collect();
    assert_eq!(devices, ["phone", "e2e"], "newest first");
    assert!(listed.sessions[0].current && !listed.sessions[1].current);
    assert_eq!(listed.sessions[1].client_address, "127.0.0.1");

    sessions(&suite)
        .revoke_session(phone.call(RevokeSessionRequest {
            session_id: laptop_session,
        }))
        .await
        .unwrap();

    let status = suite
        .edge()
        .get_account(laptop.call(GetAccountRequest {}))
        .await
        .unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    suite
        .edge()
        .get_account(phone.call(GetAccountRequest {}))
        .await
        .expect("the phone stays signed in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nobody_revokes_another_persons_session() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@circle.test").await;
    let bob = suite.sign_up("bob@circle.test").await;
    let bob_session = current_session_id(&suite, &bob).await;

    let status = sessions(&suite)
        .revoke_session(ana.call(RevokeSessionRequest {
            session_id: bob_session,
        }))
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
    let status = sessions(&suite)
        .revoke_session(ana.call(RevokeSessionRequest {
            session_id: " ".into(),
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "session_id");
    let status = sessions(&suite)
        .list_sessions(tonic::Request::new(ListSessionsRequest::default()))
        .await
        .unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "MISSING_TOKEN");
    suite
        .edge()
        .get_account(bob.call(GetAccountRequest {}))
        .await
        .expect("Bob is still signed in");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changing_the_password_signs_out_every_other_device() {
    let suite = Suite::start().await;
    let laptop = suite.sign_up("ana@circle.test").await;
    let phone = log_in_again(&suite, &laptop, "phone").await;
    let tablet = log_in_again(&suite, &laptop, "tablet").await;

    let status = sessions(&suite)
        .change_password(laptop.call(ChangePasswordRequest {
            current_password: "wrong password".into(),
            new_password: NEW_PASSWORD.into(),
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "current_password");
    let status = sessions(&suite)
        .change_password(laptop.call(ChangePasswordRequest {
            current_password: PASSWORD.into(),
            new_password: String::new(),
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "new_password");

    let changed = sessions(&suite)
        .change_password(laptop.call(ChangePasswordRequest {
            current_password: PASSWORD.into(),
            new_password: NEW_PASSWORD.into(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(changed.revoked_count, 2);
    for gone in [&phone, &tablet] {
        let status = suite
            .edge()
            .get_account(gone.call(GetAccountRequest {}))
            .await
            .unwrap_err();
        assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    }
    suite
        .edge()
        .get_account(laptop.call(GetAccountRequest {}))
        .await
        .expect("the changing session stays");
    let old = suite
        .edge()
        .login(LoginRequest {
            email: laptop.email.clone(),
            password: PASSWORD.into(),
            device: String::new(),
        })
        .await
        .unwrap_err();
    assert_reason(&old, Code::Unauthenticated, "INVALID_CREDENTIALS");
    suite
        .edge()
        .login(LoginRequest {
            email: laptop.email.clone(),
            password: NEW_PASSWORD.into(),
            device: String::new(),
        })
        .await
        .expect("the new password works");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revoking_the_other_sessions_through_the_edge() {
    let suite = Suite::start().await;
    let laptop = suite.sign_up("ana@circle.test").await;
    let phone = log_in_again(&suite, &laptop, "phone").await;

    let revoked = sessions(&suite)
        .revoke_other_sessions(laptop.call(RevokeOtherSessionsRequest {}))
        .await
        .unwrap()
        .into_inner()
        .revoked_count;

    assert_eq!(revoked, 1);
    let status = sessions(&suite)
        .list_sessions(phone.call(ListSessionsRequest::default()))
        .await
        .unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let listed = sessions(&suite)
        .list_sessions(laptop.call(ListSessionsRequest::default()))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.sessions.len(), 1);
}
