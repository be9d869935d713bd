//! Profile photos: idempotent creation, the personal list, the current photo and face card among
//! one's own photos, deletion, and the authentic badge of in-app photos.

use circle_core::auth::Principal;
use circle_proto::user::v1 as pb;
use circle_testkit::principal::service;
use tonic::{Code, Status};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_field, assert_reason, spawn_app};
use crate::profiles::{get_profile, make_admin, person, profiles, update_social};

pub async fn create_photo(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
    request_id: Uuid,
    image_url: &str,
    taken_in_app: bool,
) -> Result<pb::ProfilePhoto, Status> {
    profiles(app)
        .create_profile_photo(app.request(
            caller,
            pb::CreateProfilePhotoRequest {
                user_id: user_id.into(),
                request_id: request_id.to_string(),
                image_url: image_url.into(),
                taken_in_app,
            },
        ))
        .await
        .map(|response| response.into_inner().photo.expect("a photo"))
}

async fn list_photos(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
    page_size: i32,
    page_token: String,
) -> Result<pb::ListProfilePhotosResponse, Status> {
    profiles(app)
        .list_profile_photos(app.request(
            caller,
            pb::ListProfilePhotosRequest {
                user_id: user_id.into(),
                page_size,
                page_token,
            },
        ))
        .await
        .map(|response| response.into_inner())
}

async fn delete_photo(app: &TestApp, caller: &Principal, photo_id: &str) -> Result<(), Status> {
    profiles(app)
        .delete_profile_photo(app.request(
            caller,
            pb::DeleteProfilePhotoRequest {
                photo_id: photo_id.into(),
            },
        ))
        .await
        .map(|_| ())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_photo_is_created_once_per_request_id() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let request_id = Uuid::new_v4();
    let url = "https://cdn.example.org/ada/1.jpg";
    let first = create_photo(&app, &ada_p, &ada, request_id, url, true)
        .await
        .unwrap();
    assert_eq!(first.user_id, ada);
    assert_eq!(first.image_url, url);
    assert!(first.taken_in_app);
    let again = create_photo(&app, &ada_p, &ada, request_id, url, true)
        .await
        .unwrap();
    assert_eq!(again, first);

    let status = create_photo(
        &app,
        &ada_p,
        &ada,
        request_id,
        "https://cdn.example.org/other.jpg",
        true,
    )
    .await
    .unwrap_err();
    assert_reason(&status, Code::InvalidArgument, "REQUEST_ID_REUSED");
    let listed = list_photos(&app, &ada_p, &ada, 0, String::new())
        .await
        .unwrap();
    assert_eq!(listed.photos, vec![first]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_photo_requests_are_refused_by_name() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let (_bob, bob_p) = person(&app, "bob@example.org").await;
    for url in [
        "http://cdn.example.org/a.jpg",
        "ftp://x.org/a.jpg",
        "no url",
        "",
    ] {
        let status = create_photo(&app, &ada_p, &ada, Uuid::new_v4(), url, false)
            .await
            .unwrap_err();
        assert_invalid_field(&status, "image_url");
    }
    let status = profiles(&app)
        .create_profile_photo(app.request(
            &ada_p,
            pb::CreateProfilePhotoRequest {
                user_id: ada.clone(),
                request_id: "nope".into(),
                image_url: "https://cdn.example.org/a.jpg".into(),
                taken_in_app: false,
            },
        ))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "request_id");
    // Adding photos to someone else's collection is not for other people.
    let status = create_photo(
        &app,
        &bob_p,
        &ada,
        Uuid::new_v4(),
        "https://x.org/a.jpg",
        false,
    )
    .await
    .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let status = list_photos(&app, &ada_p, &ada, -1, String::new())
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_size");
    let status = list_photos(&app, &ada_p, &ada, 0, "garbage".into())
        .await
        .unwrap_err();
    assert_invalid_field(&status, "page_token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_are_listed_newest_first_in_pages_for_the_owner_only() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let (_bob, bob_p) = person(&app, "bob@example.org").await;
    let (root, root_p) = person(&app, "root@example.org").await;
    make_admin(&app, &root).await;
    let mut created = Vec::new();
    for n in 0..5 {
        let url = format!("https://cdn.example.org/ada/{n}.jpg");
        created.push(
            create_photo(&app, &ada_p, &ada, Uuid::new_v4(), &url, false)
                .await
                .unwrap()
                .id,
        );
    }
    created.reverse();

    let mut seen = Vec::new();
    let mut token = String::new();
    let mut pages = 0;
    loop {
        let page = list_photos(&app, &ada_p, &ada, 2, token).await.unwrap();
        pages += 1;
        assert!(page.photos.len() <= 2);
        seen.extend(page.photos.into_iter().map(|photo| photo.id));
        if page.next_page_token.is_empty() {
            break;
        }
        token = page.next_page_token;
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, created);

    assert_eq!(
        list_photos(&app, &root_p, &ada, 10, String::new())
            .await
            .unwrap()
            .photos
            .len(),
        5
    );
    assert_eq!(
        list_photos(&app, &service("event"), &ada, 10, String::new())
            .await
            .unwrap()
            .photos
            .len(),
        5
    );
    let status = list_photos(&app, &bob_p, &ada, 10, String::new())
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_current_photo_and_face_card_are_chosen_among_ones_own_photos() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let (bob, bob_p) = person(&app, "bob@example.org").await;
    let portrait = create_photo(
        &app,
        &ada_p,
        &ada,
        Uuid::new_v4(),
        "https://cdn.example.org/p.jpg",
        false,
    )
    .await
    .unwrap();
    let card = create_photo(
        &app,
        &ada_p,
        &ada,
        Uuid::new_v4(),
        "https://cdn.example.org/c.jpg",
        false,
    )
    .await
    .unwrap();
    let bobs = create_photo(
        &app,
        &bob_p,
        &bob,
        Uuid::new_v4(),
        "https://cdn.example.org/b.jpg",
        false,
    )
    .await
    .unwrap();

    let chosen = |current: &str, face: &str| pb::SocialProfile {
        current_photo_id: current.into(),
        face_card_photo_id: face.into(),
        ..Default::default()
    };
    for (social, path, field) in [
        (
            chosen(&bobs.id, ""),
            "current_photo_id",
            "social_profile.current_photo_id",
        ),
        (
            chosen("", &bobs.id),
            "face_card_photo_id",
            "social_profile.face_card_photo_id",
        ),
        (
            chosen(&Uuid::now_v7().to_string(), ""),
            "current_photo_id",
            "social_profile.current_photo_id",
        ),
    ] {
        let status = update_social(&app, &ada_p, &ada, social, &[path])
            .await
            .unwrap_err();
        assert_invalid_field(&status, field);
    }

    update_social(
        &app,
        &ada_p,
        &ada,
        chosen(&portrait.id, &card.id),
        &["current_photo_id", "face_card_photo_id"],
    )
    .await
    .unwrap();
    let seen = get_profile(&app, &bob_p, &ada)
        .await
        .unwrap()
        .social_profile
        .unwrap();
    assert_eq!(seen.current_photo_id, portrait.id);
    assert_eq!(seen.current_photo_url, "https://cdn.example.org/p.jpg");
    assert_eq!(seen.face_card_photo_id, card.id);
    assert_eq!(seen.face_card_photo_url, "https://cdn.example.org/c.jpg");

    // Deleting the face card clears it; the current photo stays.
    delete_photo(&app, &ada_p, &card.id).await.unwrap();
    let seen = get_profile(&app, &bob_p, &ada)
        .await
        .unwrap()
        .social_profile
        .unwrap();
    assert_eq!(seen.current_photo_id, portrait.id);
    assert_eq!(seen.face_card_photo_id, "");
    assert_eq!(seen.face_card_photo_url, "");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_are_deleted_by_their_owner_or_an_admin_only() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let (_bob, bob_p) = person(&app, "bob@example.org").await;
    let (root, root_p) = person(&app, "root@example.org").await;
    make_admin(&app, &root).await;
    let first = create_photo(
        &app,
        &ada_p,
        &ada,
        Uuid::new_v4(),
        "https://x.org/1.jpg",
        false,
    )
    .await
    .unwrap();
    let second = create_photo(
        &app,
        &ada_p,
        &ada,
        Uuid::new_v4(),
        "https://x.org/2.jpg",
        false,
    )
    .await
    .unwrap();

    let status = delete_photo(&app, &bob_p, &first.id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    delete_photo(&app, &ada_p, &first.id).await.unwrap();
    let status = delete_photo(&app, &ada_p, &first.id).await.unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert_names_field(&status, "photo_id");
    let status = delete_photo(&app, &ada_p, "nope").await.unwrap_err();
    assert_invalid_field(&status, "photo_id");
    delete_photo(&app, &root_p, &second.id).await.unwrap();
    let listed = list_photos(&app, &ada_p, &ada, 0, String::new())
        .await
        .unwrap();
    assert!(listed.photos.is_empty());
}

/// NOT_FOUND naming the request field in a BadRequest violation.
fn assert_names_field(status: &Status, field: &str) {
    use tonic_types::StatusExt;
    let violations = status.get_details_bad_request().expect("a BadRequest");
    assert_eq!(violations.field_violations[0].field, field, "{status:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_app_photo_makes_the_profile_authentic_for_twelve_months() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let (_bob, bob_p) = person(&app, "bob@example.org").await;
    create_photo(
        &app,
        &ada_p,
        &ada,
        Uuid::new_v4(),
        "https://x.org/upload.jpg",
        false,
    )
    .await
    .unwrap();
    let social = get_profile(&app, &bob_p, &ada)
        .await
        .unwrap()
        .social_profile
        .unwrap();
    assert!(!social.authentic, "an uploaded photo proves nothing");
    assert_eq!(social.authentic_until, None);

    let in_app = create_photo(
        &app,
        &ada_p,
        &ada,
        Uuid::new_v4(),
        "https://x.org/cam.jpg",
        true,
    )
    .await
    .unwrap();
    let social = get_profile(&app, &bob_p, &ada)
        .await
        .unwrap()
        .social_profile
        .unwrap();
    assert!(social.authentic);
    let created = in_app.create_time.unwrap();
    let until = social.authentic_until.unwrap();
    let year = (until.seconds - created.seconds) as f64 / 86_400.0;
    assert!((365.0..=366.0).contains(&year), "{year} days");

    // Thirteen months later the badge has lapsed.
    let id: Uuid = in_app.id.parse().unwrap();
    app.execute(
        "UPDATE users.profile_photos SET created_at = now() - interval '13 months' WHERE id = $1",
        &[&id],
    )
    .await;
    let social = get_profile(&app, &bob_p, &ada)
        .await
        .unwrap()
        .social_profile
        .unwrap();
    assert!(!social.authentic);
    assert!(social.authentic_until.is_some());
}
