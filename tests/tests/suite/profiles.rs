//! Profiles and photos through the edge: views by caller, refusals, blocks, and the echo the
//! benchmark compares against.

use circle_e2e::{SignedIn, Suite};
use circle_proto::common::v1::GeoPoint;
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::diagnostics_service_client::DiagnosticsServiceClient;
use circle_proto::edge::v1::profile_service_client::ProfileServiceClient;
use circle_testkit::status::{assert_invalid_field, assert_reason};
use prost_types::FieldMask;
use tonic::Code;
use tonic::transport::Channel;

fn mask(paths: &[&str]) -> Option<FieldMask> {
    Some(FieldMask {
        paths: paths.iter().map(|path| path.to_string()).collect(),
    })
}

fn profiles(suite: &Suite) -> ProfileServiceClient<Channel> {
    ProfileServiceClient::new(suite.channel("edge"))
}

async fn get(
    suite: &Suite,
    caller: &SignedIn,
    user_id: &str,
) -> Result<edge::Profile, tonic::Status> {
    profiles(suite)
        .get_profile(caller.call(edge::GetProfileRequest {
            user_id: user_id.into(),
        }))
        .await
        .map(|response| response.into_inner().profile.expect("a profile"))
}

async fn fill(suite: &Suite, owner: &SignedIn) {
    let mut client = profiles(suite);
    client
        .update_personal_details(owner.call(edge::UpdatePersonalDetailsRequest {
            user_id: owner.user_id.clone(),
            personal_details: Some(edge::PersonalDetails {
                phone_number: "+33612345678".into(),
                last_name: "Curie".into(),
                birth_date: "1985-11-07".into(),
                ..Default::default()
            }),
            update_mask: mask(&["phone_number", "last_name", "birth_date"]),
        }))
        .await
        .expect("personal details");
    client
        .update_social_profile(owner.call(edge::UpdateSocialProfileRequest {
            user_id: owner.user_id.clone(),
            social_profile: Some(edge::SocialProfile {
                first_name: "Marie".into(),
                bio: "Radioactivity.".into(),
                location_name: "Paris".into(),
                ..Default::default()
            }),
            update_mask: mask(&["first_name", "bio", "location_name"]),
        }))
        .await
        .expect("social profile");
    client
        .update_matching_profile(owner.call(edge::UpdateMatchingProfileRequest {
            user_id: owner.user_id.clone(),
            matching_profile: Some(edge::MatchingProfile {
                communication_style: edge::CommunicationStyle::Thoughtful as i32,
                position: Some(GeoPoint {
                    latitude: 48.85,
                    longitude: 2.35,
                }),
                max_travel_km: 15,
                opted_in: true,
                update_time: None,
            }),
            update_mask: mask(&[
                "communication_style",
                "position",
                "max_travel_km",
                "opted_in",
            ]),
        }))
        .await
        .expect("matching profile");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_through_the_edge_show_each_caller_their_view() {
    let suite = Suite::start().await;
    let marie = suite.sign_up("marie@example.org").await;
    let pierre = suite.sign_up("pierre@example.org").await;
    let admin = suite.sign_up("admin@example.org").await;
    suite.make_admin(&admin).await;
    fill(&suite, &marie).await;

    for caller in [&marie, &admin] {
        let full = get(&suite, caller, &marie.user_id).await.unwrap();
        assert_eq!(full.view(), edge::ProfileView::Full);
        let personal = full.personal_details.unwrap();
        assert_eq!(personal.email, "marie@example.org");
        assert_eq!(personal.last_name, "Curie");
        assert_eq!(personal.phone_number, "+33612345678");
        let matching = full.matching_profile.unwrap();
        assert_eq!(matching.position.unwrap().latitude, 48.85);
        assert!(matching.opted_in);
    }

    let public = get(&suite, &pierre, &marie.user_id).await.unwrap();
    assert_eq!(public.view(), edge::ProfileView::Public);
    assert!(public.personal_details.is_none());
    let matching = public.matching_profile.unwrap();
    assert_eq!(
        matching.communication_style(),
        edge::CommunicationStyle::Thoughtful
    );
    assert_eq!(matching.position, None);
    assert_eq!(matching.max_travel_km, 0);
    let social = public.social_profile.unwrap();
    assert_eq!(social.first_name, "Marie");
    assert_eq!(social.location_name, "Paris");
    assert!(social.age.is_some_and(|age| age >= 40));

    // Someone else's edit, a bad field, and no token at all.
    let status = profiles(&suite)
        .update_social_profile(pierre.call(edge::UpdateSocialProfileRequest {
            user_id: marie.user_id.clone(),
            social_profile: Some(edge::SocialProfile {
                bio: "mine now".into(),
                ..Default::default()
            }),
            update_mask: mask(&["bio"]),
        }))
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let status = profiles(&suite)
        .update_personal_details(marie.call(edge::UpdatePersonalDetailsRequest {
            user_id: marie.user_id.clone(),
            personal_details: Some(edge::PersonalDetails {
                birth_date: "2999-01-01".into(),
                ..Default::default()
            }),
            update_mask: mask(&["birth_date"]),
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "personal_details.birth_date");
    let status = profiles(&suite)
        .update_matching_profile(marie.call(edge::UpdateMatchingProfileRequest {
            user_id: marie.user_id.clone(),
            matching_profile: Some(edge::MatchingProfile {
                max_travel_km: 10_000,
                ..Default::default()
            }),
            update_mask: mask(&["max_travel_km"]),
        }))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "matching_profile.max_travel_km");
    let status = profiles(&suite)
        .get_profile(edge::GetProfileRequest {
            user_id: marie.user_id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated);

    // A block, whoever made it, hides both profiles from each other.
    let (marie_id, pierre_id): (uuid::Uuid, uuid::Uuid) = (
        marie.user_id.parse().unwrap(),
        pierre.user_id.parse().unwrap(),
    );
    suite
        .db
        .admin_client()
        .await
        .execute(
            "INSERT INTO users.blocks (blocker_id, blocked_id) VALUES ($1, $2)",
            &[&pierre_id, &marie_id],
        )
        .await
        .unwrap();
    for (caller, target) in [(&pierre, &marie.user_id), (&marie, &pierre.user_id)] {
        let status = get(&suite, caller, target).await.unwrap_err();
        assert_reason(&status, Code::NotFound, "NOT_FOUND");
    }
    assert!(get(&suite, &admin, &marie.user_id).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_through_the_edge() {
    let suite = Suite::start().await;
    let marie = suite.sign_up("marie@example.org").await;
    let pierre = suite.sign_up("pierre@example.org").await;
    let mut client = profiles(&suite);
    let create = |who: &SignedIn, request_id: &str, url: &str, in_app: bool| {
        who.call(edge::CreateProfilePhotoRequest {
            user_id: who.user_id.clone(),
            request_id: request_id.into(),
            image_url: url.into(),
            taken_in_app: in_app,
        })
    };
    let request_id = uuid::Uuid::new_v4().to_string();
    let photo = client
        .create_profile_photo(create(
            &marie,
            &request_id,
            "https://cdn.example.org/m.jpg",
            true,
        ))
        .await
        .unwrap()
        .into_inner()
        .photo
        .unwrap();
    let again = client
        .create_profile_photo(create(
            &marie,
            &request_id,
            "https://cdn.example.org/m.jpg",
            true,
        ))
        .await
        .unwrap()
        .into_inner()
        .photo
        .unwrap();
    assert_eq!(again, photo);
    let status = client
        .create_profile_photo(create(
            &marie,
            &uuid::Uuid::new_v4().to_string(),
            "http://plain.org/x.jpg",
            false,
        ))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "image_url");
    let pierres = client
        .create_profile_photo(create(
            &pierre,
            &uuid::Uuid::new_v4().to_string(),
            "https://cdn.example.org/p.jpg",
            false,
        ))
        .await
        .unwrap()
        .into_inner()
        .photo
        .unwrap();

    let choose = |photo_id: &str| {
        marie.call(edge::UpdateSocialProfileRequest {
            user_id: marie.user_id.clone(),
            social_profile: Some(edge::SocialProfile {
                current_photo_id: photo_id.into(),
                ..Default::default()
            }),
            update_mask: mask(&["current_photo_id"]),
        })
    };
    let status = client
        .update_social_profile(choose(&pierres.id))
        .await
        .unwrap_err();
    assert_invalid_field(&status, "social_profile.current_photo_id");
    client
        .update_social_profile(choose(&photo.id))
        .await
        .unwrap();

    let seen = get(&suite, &pierre, &marie.user_id)
        .await
        .unwrap()
        .social_profile
        .unwrap();
    assert_eq!(seen.current_photo_url, "https://cdn.example.org/m.jpg");
    assert!(seen.authentic);

    let listed = client
        .list_profile_photos(marie.call(edge::ListProfilePhotosRequest {
            user_id: marie.user_id.clone(),
            page_size: 10,
            page_token: String::new(),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.photos, vec![photo.clone()]);
    let status = client
        .delete_profile_photo(pierre.call(edge::DeleteProfilePhotoRequest {
            photo_id: photo.id.clone(),
        }))
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    client
        .delete_profile_photo(marie.call(edge::DeleteProfilePhotoRequest {
            photo_id: photo.id.clone(),
        }))
        .await
        .unwrap();
    let seen = get(&suite, &pierre, &marie.user_id)
        .await
        .unwrap()
        .social_profile
        .unwrap();
    assert_eq!(seen.current_photo_id, "");
    assert!(!seen.authentic);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edge_echoes_without_a_token() {
    let suite = Suite::start().await;
    let mut diagnostics = DiagnosticsServiceClient::new(suite.channel("edge"));
    let echoed = diagnostics
        .echo(edge::EchoRequest {
            message: "ping".into(),
        })
        .await
        .unwrap()
        .into_inner();
    assert_eq!(echoed.message, "ping");
    let status = diagnostics
        .echo(edge::EchoRequest {
            message: "x".repeat(1025),
        })
        .await
        .unwrap_err();
    assert_invalid_field(&status, "message");
}
