//! ProfileService: who sees which view, who may change what, how bad fields are named, and
//! that blocks hide profiles.

use circle_core::auth::Principal;
use circle_proto::common::v1::GeoPoint;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::profile_service_client::ProfileServiceClient;
use circle_testkit::principal::service;
use prost_types::FieldMask;
use tonic::transport::Channel;
use tonic::{Code, Status};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_invalid_field, assert_reason, spawn_app};

pub fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|path| path.to_string()).collect(),
    })
}

pub fn profiles(app: &TestApp) -> ProfileServiceClient<Channel> {
    ProfileServiceClient::new(app.channel.clone())
}

pub async fn get_profile(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
) -> Result<pb::Profile, Status> {
    profiles(app)
        .get_profile(app.request(
            caller,
            pb::GetProfileRequest {
                user_id: user_id.into(),
            },
        ))
        .await
        .map(|response| response.into_inner().profile.expect("a profile"))
}

pub async fn update_personal(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
    details: pb::PersonalDetails,
    paths: &[&str],
) -> Result<pb::Profile, Status> {
    profiles(app)
        .update_personal_details(app.request(
            caller,
            pb::UpdatePersonalDetailsRequest {
                user_id: user_id.into(),
                personal_details: Some(details),
                update_mask: mask(paths),
            },
        ))
        .await
        .map(|response| response.into_inner().profile.expect("a profile"))
}

pub async fn update_social(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
    social: pb::SocialProfile,
    paths: &[&str],
) -> Result<pb::Profile, Status> {
    profiles(app)
        .update_social_profile(app.request(
            caller,
            pb::UpdateSocialProfileRequest {
                user_id: user_id.into(),
                social_profile: Some(social),
                update_mask: mask(paths),
            },
        ))
        .await
        .map(|response| response.into_inner().profile.expect("a profile"))
}

pub async fn update_matching(
    app: &TestApp,
    caller: &Principal,
    user_id: &str,
    matching: pb::MatchingProfile,
    paths: &[&str],
) -> Result<pb::Profile, Status> {
    profiles(app)
        .update_matching_profile(app.request(
            caller,
            pb::UpdateMatchingProfileRequest {
                user_id: user_id.into(),
                matching_profile: Some(matching),
                update_mask: mask(paths),
            },
        ))
        .await
        .map(|response| response.into_inner().profile.expect("a profile"))
}

/// A signed-in person: their id and the principal the edge forwards for them.
pub async fn person(app: &TestApp, email: &str) -> (String, Principal) {
    let (login, principal) = app.signed_in(email).await;
    (login.user.expect("a user").id, principal)
}

pub async fn make_admin(app: &TestApp, user_id: &str) {
    let id: Uuid = user_id.parse().unwrap();
    app.execute(
        "UPDATE users.accounts SET role = 'ADMIN' WHERE id = $1",
        &[&id],
    )
    .await;
}

/// Fills all three views of `user_id`'s profile as its owner.
pub async fn fill_profile(app: &TestApp, owner: &Principal, user_id: &str) {
    update_personal(
        app,
        owner,
        user_id,
        pb::PersonalDetails {
            phone_number: "+49 151 1234 5678".into(),
            last_name: "Lovelace".into(),
            birth_date: "1990-06-15".into(),
            ..Default::default()
        },
        &["phone_number", "last_name", "birth_date"],
    )
    .await
    .expect("personal details");
    update_social(
        app,
        owner,
        user_id,
        pb::SocialProfile {
            first_name: "Ada".into(),
            preferred_name: "Ada L.".into(),
            bio: "Engines and\npoetry.".into(),
            gender: "female".into(),
            occupation: "Mathematician".into(),
            location_name: "London".into(),
            ..Default::default()
        },
        &[
            "first_name",
            "preferred_name",
            "bio",
            "gender",
            "occupation",
            "location_name",
        ],
    )
    .await
    .expect("social profile");
    update_matching(
        app,
        owner,
        user_id,
        pb::MatchingProfile {
            communication_style: pb::CommunicationStyle::Analytical as i32,
            position: Some(GeoPoint {
                latitude: 51.5,
                longitude: -0.12,
            }),
            max_travel_km: 25,
            opted_in: true,
            update_time: None,
        },
        &[
            "communication_style",
            "position",
            "max_travel_km",
            "opted_in",
        ],
    )
    .await
    .expect("matching profile");
}

fn expected_age(birth: chrono::NaiveDate) -> i32 {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let years = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        years - 1
    } else {
        years
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_admins_and_services_see_everything_others_the_public_view() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let (_bob, bob_p) = person(&app, "bob@example.org").await;
    let (root, root_p) = person(&app, "root@example.org").await;
    make_admin(&app, &root).await;
    fill_profile(&app, &ada_p, &ada).await;

    for caller in [&ada_p, &root_p, &service("tribe")] {
        let full = get_profile(&app, caller, &ada).await.unwrap();
        assert_eq!(full.view(), pb::ProfileView::Full);
        let personal = full.personal_details.expect("private details");
        assert_eq!(personal.email, "ada@example.org");
        assert_eq!(personal.phone_number, "+4915112345678");
        assert_eq!(personal.last_name, "Lovelace");
        assert_eq!(personal.birth_date, "1990-06-15");
        let matching = full.matching_profile.unwrap();
        assert_eq!(
            matching.communication_style(),
            pb::CommunicationStyle::Analytical
        );
        let position = matching.position.expect("the exact position");
        assert_eq!((position.latitude, position.longitude), (51.5, -0.12));
        assert_eq!(matching.max_travel_km, 25);
        assert!(matching.opted_in);
    }

    let public = get_profile(&app, &bob_p, &ada).await.unwrap();
    let debug = format!("{public:?}");
    assert_eq!(public.view(), pb::ProfileView::Public);
    assert_eq!(public.user_id, ada);
    assert!(public.personal_details.is_none(), "{public:?}");
    let matching = public.matching_profile.unwrap();
    assert_eq!(
        matching.communication_style(),
        pb::CommunicationStyle::Analytical
    );
    assert_eq!(matching.position, None);
    assert_eq!(matching.max_travel_km, 0);
    assert!(!matching.opted_in);
    assert_eq!(matching.update_time, None);
    let social = public.social_profile.unwrap();
    assert_eq!(social.first_name, "Ada");
    assert_eq!(social.preferred_name, "Ada L.");
    assert_eq!(social.bio, "Engines and\npoetry.");
    assert_eq!(social.gender, "female");
    assert_eq!(social.occupation, "Mathematician");
    assert_eq!(social.location_name, "London");
    let birth = chrono::NaiveDate::from_ymd_opt(1990, 6, 15).unwrap();
    assert_eq!(social.age, Some(expected_age(birth)));
    assert!(!social.authentic);
    // Neither the last name nor the phone number leaks into the public message anywhere.
    for secret in ["Lovelace", "+4915112345678", "ada@example.org", "51.5"] {
        assert!(!debug.contains(secret), "{secret} in {debug}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_profile_reads_as_empty_and_unknown_people_are_not_found() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let own = get_profile(&app, &ada_p, &ada).await.unwrap();
    let social = own.social_profile.unwrap();
    assert_eq!(social.first_name, "");
    assert_eq!(social.age, None);
    assert_eq!(own.personal_details.unwrap().email, "ada@example.org");

    let status = get_profile(&app, &ada_p, &Uuid::now_v7().to_string())
        .await
        .unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    let status = get_profile(&app, &ada_p, "not-a-uuid").await.unwrap_err();
    assert_invalid_field(&status, "user_id");

    // A registered but unverified account is nobody's business but its owner's and admins'.
    let pending = app
        .register("pending@example.org", crate::helpers::PASSWORD)
        .await
        .unwrap();
    let status = get_profile(&app, &ada_p, &pending.id).await.unwrap_err();
    assert_eq!(status.code(), Code::NotFound);
    assert!(
        get_profile(&app, &service("tribe"), &pending.id)
            .await
            .is_ok()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_owner_or_an_admin_changes_a_profile() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let (_bob, bob_p) = person(&app, "bob@example.org").await;
    let (root, root_p) = person(&app, "root@example.org").await;
    make_admin(&app, &root).await;

    let social = pb::SocialProfile {
        bio: "hijacked".into(),
        ..Default::default()
    };
    let status = update_social(&app, &bob_p, &ada, social.clone(), &["bio"])
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let details = pb::PersonalDetails {
        last_name: "Mallory".into(),
        ..Default::default()
    };
    let status = update_personal(&app, &bob_p, &ada, details.clone(), &["last_name"])
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let matching = pb::MatchingProfile {
        max_travel_km: 3,
        ..Default::default()
    };
    let status = update_matching(&app, &bob_p, &ada, matching, &["max_travel_km"])
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    // Services read profiles but do not edit them.
    let status = update_social(&app, &service("tribe"), &ada, social.clone(), &["bio"])
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::PermissionDenied);

    let own = get_profile(&app, &ada_p, &ada).await.unwrap();
    assert_eq!(own.social_profile.unwrap().bio, "");
    assert_eq!(own.personal_details.unwrap().last_name, "");

    let moderated = update_social(&app, &root_p, &ada, social, &["bio"])
        .await
        .unwrap();
    assert_eq!(moderated.social_profile.unwrap().bio, "hijacked");
    update_personal(&app, &root_p, &ada, details, &["last_name"])
        .await
        .unwrap();
    update_matching(&app, &root_p, &ada, matching, &["max_travel_km"])
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_fields_of_the_mask_change_and_empty_values_clear() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    fill_profile(&app, &ada_p, &ada).await;

    let changed = update_social(
        &app,
        &ada_p,
        &ada,
        pb::SocialProfile {
            first_name: "ignored, not in the mask".into(),
            bio: "  New bio  ".into(),
            occupation: String::new(),
            ..Default::default()
        },
        &["bio", "occupation"],
    )
    .await
    .unwrap();
    let social = changed.social_profile.unwrap();
    assert_eq!(social.first_name, "Ada");
    assert_eq!(social.bio, "New bio");
    assert_eq!(social.occupation, "");
    assert_eq!(social.gender, "female");

    let changed = update_matching(
        &app,
        &ada_p,
        &ada,
        pb::MatchingProfile {
            opted_in: false,
            ..Default::default()
        },
        &["opted_in", "position"],
    )
    .await
    .unwrap();
    let matching = changed.matching_profile.unwrap();
    assert!(!matching.opted_in);
    assert_eq!(matching.position, None);
    assert_eq!(matching.max_travel_km, 25);
    assert_eq!(
        matching.communication_style(),
        pb::CommunicationStyle::Analytical
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_fields_are_refused_by_name() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let today = chrono::Utc::now().date_naive();

    let personal = |phone: &str, birth: &str| pb::PersonalDetails {
        phone_number: phone.into(),
        birth_date: birth.into(),
        ..Default::default()
    };
    for (details, path, field) in [
        (
            personal("0151 1234", ""),
            "phone_number",
            "personal_details.phone_number",
        ),
        (
            personal("+49abc", ""),
            "phone_number",
            "personal_details.phone_number",
        ),
        (
            personal("", &(today + chrono::Days::new(1)).to_string()),
            "birth_date",
            "personal_details.birth_date",
        ),
        (
            personal("", &(today - chrono::Days::new(365 * 5)).to_string()),
            "birth_date",
            "personal_details.birth_date",
        ),
        (
            personal("", "1850-01-01"),
            "birth_date",
            "personal_details.birth_date",
        ),
        (
            personal("", "15.06.1990"),
            "birth_date",
            "personal_details.birth_date",
        ),
    ] {
        let status = update_personal(&app, &ada_p, &ada, details, &[path])
            .await
            .unwrap_err();
        assert_invalid_field(&status, field);
    }
    let status = update_personal(
        &app,
        &ada_p,
        &ada,
        pb::PersonalDetails {
            last_name: "x".repeat(51),
            ..Default::default()
        },
        &["last_name"],
    )
    .await
    .unwrap_err();
    assert_invalid_field(&status, "personal_details.last_name");

    for (social, path, field) in [
        (
            pb::SocialProfile {
                first_name: "A".repeat(51),
                ..Default::default()
            },
            "first_name",
            "social_profile.first_name",
        ),
        (
            pb::SocialProfile {
                preferred_name: "line\nbreak".into(),
                ..Default::default()
            },
            "preferred_name",
            "social_profile.preferred_name",
        ),
        (
            pb::SocialProfile {
                bio: "b".repeat(501),
                ..Default::default()
            },
            "bio",
            "social_profile.bio",
        ),
        (
            pb::SocialProfile {
                current_photo_id: "not-a-uuid".into(),
                ..Default::default()
            },
            "current_photo_id",
            "social_profile.current_photo_id",
        ),
    ] {
        let status = update_social(&app, &ada_p, &ada, social, &[path])
            .await
            .unwrap_err();
        assert_invalid_field(&status, field);
    }

    let at = |latitude: f64, longitude: f64| pb::MatchingProfile {
        position: Some(GeoPoint {
            latitude,
            longitude,
        }),
        ..Default::default()
    };
    for (matching, path, field) in [
        (at(91.0, 0.0), "position", "matching_profile.position"),
        (at(0.0, 180.5), "position", "matching_profile.position"),
        (
            pb::MatchingProfile {
                max_travel_km: -5,
                ..Default::default()
            },
            "max_travel_km",
            "matching_profile.max_travel_km",
        ),
        (
            pb::MatchingProfile {
                max_travel_km: 501,
                ..Default::default()
            },
            "max_travel_km",
            "matching_profile.max_travel_km",
        ),
        (
            pb::MatchingProfile {
                communication_style: 42,
                ..Default::default()
            },
            "communication_style",
            "matching_profile.communication_style",
        ),
    ] {
        let status = update_matching(&app, &ada_p, &ada, matching, &[path])
            .await
            .unwrap_err();
        assert_invalid_field(&status, field);
    }

    for paths in [&[][..], &["email"][..], &["bio", "nonsense"][..]] {
        let status = update_social(&app, &ada_p, &ada, pb::SocialProfile::default(), paths)
            .await
            .unwrap_err();
        assert_invalid_field(&status, "update_mask");
    }
    // Nothing of the refused calls was stored.
    let own = get_profile(&app, &ada_p, &ada).await.unwrap();
    assert_eq!(own.personal_details.unwrap().birth_date, "");
    assert_eq!(own.matching_profile.unwrap().max_travel_km, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opting_in_to_matching_needs_a_position_and_a_travel_distance() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let opt_in = pb::MatchingProfile {
        opted_in: true,
        max_travel_km: 10,
        ..Default::default()
    };
    let status = update_matching(&app, &ada_p, &ada, opt_in, &["opted_in", "max_travel_km"])
        .await
        .unwrap_err();
    assert_reason(
        &status,
        Code::FailedPrecondition,
        "MATCHING_PROFILE_INCOMPLETE",
    );
    let own = get_profile(&app, &ada_p, &ada).await.unwrap();
    assert_eq!(
        own.matching_profile.unwrap().max_travel_km,
        0,
        "rolled back"
    );

    let complete = pb::MatchingProfile {
        position: Some(GeoPoint {
            latitude: 48.1,
            longitude: 11.6,
        }),
        ..opt_in
    };
    let matching = update_matching(
        &app,
        &ada_p,
        &ada,
        complete,
        &["opted_in", "max_travel_km", "position"],
    )
    .await
    .unwrap()
    .matching_profile
    .unwrap();
    assert!(matching.opted_in);
    // Clearing the position of someone opted in would break matching.
    let status = update_matching(
        &app,
        &ada_p,
        &ada,
        pb::MatchingProfile::default(),
        &["position"],
    )
    .await
    .unwrap_err();
    assert_reason(
        &status,
        Code::FailedPrecondition,
        "MATCHING_PROFILE_INCOMPLETE",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_either_way_hides_the_profile_but_not_from_admins() {
    let app = spawn_app().await;
    let (ada, ada_p) = person(&app, "ada@example.org").await;
    let (bob, bob_p) = person(&app, "bob@example.org").await;
    let (_carl, carl_p) = person(&app, "carl@example.org").await;
    let (root, root_p) = person(&app, "root@example.org").await;
    make_admin(&app, &root).await;
    fill_profile(&app, &ada_p, &ada).await;
    assert!(get_profile(&app, &bob_p, &ada).await.is_ok());

    let (ada_id, bob_id): (Uuid, Uuid) = (ada.parse().unwrap(), bob.parse().unwrap());
    app.execute(
        "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2)",
        &[&ada_id, &bob_id],
    )
    .await;
    for (caller, target) in [(&bob_p, &ada), (&ada_p, &bob)] {
        let status = get_profile(&app, caller, target).await.unwrap_err();
        assert_reason(&status, Code::NotFound, "NOT_FOUND");
    }
    assert!(get_profile(&app, &carl_p, &ada).await.is_ok());
    assert!(get_profile(&app, &root_p, &ada).await.is_ok());
    assert!(get_profile(&app, &ada_p, &ada).await.is_ok());
}
