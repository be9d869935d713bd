use circle_core::auth::{Principal, Role};
use circle_proto::user::v1 as pb;
use tonic::Code;
use uuid::Uuid;

use crate::helpers::{PASSWORD, assert_invalid_field, assert_reason, edge, spawn_app};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_verify_login_refresh_get_logout() {
    let app = spawn_app().await;

    let registered = app.register("ada@example.org", PASSWORD).await.unwrap();
    assert_eq!(registered.status(), pb::UserStatus::Pending);
    let code = app.issued_code(&registered.id).await.code;
    let verified = app.verify_email("ada@example.org", &code).await.unwrap();
    assert_eq!(verified.status(), pb::UserStatus::Active);
    let login = app.login("ada@example.org", PASSWORD).await.unwrap();
    let refreshed = app
        .refresh(&login.tokens.unwrap().refresh_token)
        .await
        .unwrap();
    let principal = app.principal_of(&refreshed);

    let own = app.get_user(&principal, &registered.id).await.unwrap();
    assert_eq!(own.id, registered.id);
    assert_eq!(own.email, "ada@example.org");
    assert_eq!(own.status(), pb::UserStatus::Active);
    assert_eq!(own.role(), pb::UserRole::User);
    assert!(own.email_verify_time.is_some());

    app.logout(&principal).await.unwrap();

    let status = app.get_user(&principal, &registered.id).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let status = app.refresh(&refreshed.refresh_token).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    app.logout(&principal)
        .await
        .expect("logging out again is harmless");
    // The account itself is untouched: a new login works.
    app.login("ada@example.org", PASSWORD).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_read_only_their_own_account() {
    let app = spawn_app().await;
    let (_, ada) = app.signed_in("ada@example.org").await;
    let bob = app.active_user("bob@example.org").await;

    let status = app.get_user(&ada, &bob.id).await.unwrap_err();

    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
    let status = app
        .get_user(&ada, &Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert_eq!(
        status.code(),
        Code::PermissionDenied,
        "unknown ids do not leak"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admins_and_services_read_any_account() {
    let app = spawn_app().await;
    let bob = app.register("bob@example.org", PASSWORD).await.unwrap();
    app.active_user("root@example.org").await;
    app.execute(
        "UPDATE users.accounts SET role = 'ADMIN' WHERE email = 'root@example.org'",
        &[],
    )
    .await;
    let login = app.login("root@example.org", PASSWORD).await.unwrap();
    assert_eq!(login.user.as_ref().unwrap().role(), pb::UserRole::Admin);
    let admin = app.principal_of(login.tokens.as_ref().unwrap());
    assert!(matches!(
        admin,
        Principal::User {
            role: Role::Admin,
            ..
        }
    ));

    assert_eq!(app.get_user(&admin, &bob.id).await.unwrap().id, bob.id);
    assert_eq!(app.get_user(&edge(), &bob.id).await.unwrap().id, bob.id);
    let status = app
        .get_user(&admin, &Uuid::new_v4().to_string())
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::NotFound, "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_user_names_a_malformed_id() {
    let app = spawn_app().await;

    for id in ["", "42", "not-a-uuid"] {
        let status = app.get_user(&edge(), id).await.unwrap_err();
        assert_invalid_field(&status, "user_id");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_whose_session_does_not_exist_is_unauthenticated() {
    let app = spawn_app().await;
    let ada = app.active_user("ada@example.org").await;
    let forged_session = Principal::User {
        id: Uuid::parse_str(&ada.id).unwrap(),
        role: Role::User,
        session_id: Uuid::new_v4(),
    };

    let status = app.get_user(&forged_session, &ada.id).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
    let status = app.logout(&forged_session).await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "SESSION_REVOKED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_cannot_log_out() {
    let app = spawn_app().await;

    let status = app.logout(&edge()).await.unwrap_err();

    assert_eq!(status.code(), Code::PermissionDenied, "{status:?}");
}
