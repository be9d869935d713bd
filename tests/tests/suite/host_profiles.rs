//! Host profiles through the edge: one per person, idempotent creation, reads hidden by blocks,
//! changes by the owner or an admin (audited), ratings counted by a service inside and shown
//! to everyone as an exact sum and count; the edge offers no way to rate.

use circle_core::auth::{IdentityKey, Principal};
use circle_e2e::{IDENTITY_SECRET, SignedIn, Suite};
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::block_service_client::BlockServiceClient;
use circle_proto::edge::v1::host_profile_service_client::HostProfileServiceClient;
use circle_proto::edge::v1::moderation_service_client::ModerationServiceClient;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::host_profile_service_client::HostProfileServiceClient as InternalClient;
use circle_testkit::principal::service;
use circle_testkit::status::{assert_invalid_field, assert_reason};
use prost_types::FieldMask;
use tonic::transport::Channel;
use tonic::{Code, Status};
use uuid::Uuid;

fn hosts(suite: &Suite) -> HostProfileServiceClient<Channel> {
    HostProfileServiceClient::new(suite.channel("edge"))
}

async fn create(
    suite: &Suite,
    person: &SignedIn,
    request_id: &str,
    host_name: &str,
) -> Result<edge::HostProfile, Status> {
    hosts(suite)
        .create_host_profile(person.call(edge::CreateHostProfileRequest {
            request_id: request_id.to_owned(),
            host_name: host_name.to_owned(),
            host_bio: "Long tables, short speeches.".to_owned(),
        }))
        .await
        .map(|response| response.into_inner().host_profile.expect("a host profile"))
}

async fn get(suite: &Suite, caller: &SignedIn, user_id: &str) -> Result<edge::HostProfile, Status> {
    hosts(suite)
        .get_host_profile(caller.call(edge::GetHostProfileRequest {
            user_id: user_id.to_owned(),
        }))
        .await
        .map(|response| response.into_inner().host_profile.expect("a host profile"))
}

async fn update(
    suite: &Suite,
    caller: &SignedIn,
    user_id: &str,
    profile: edge::HostProfile,
    paths: &[&str],
) -> Result<edge::HostProfile, Status> {
    hosts(suite)
        .update_host_profile(caller.call(edge::UpdateHostProfileRequest {
            user_id: user_id.to_owned(),
            host_profile: Some(profile),
            update_mask: Some(FieldMask {
                paths: paths.iter().map(|path| path.to_string()).collect(),
            }),
        }))
        .await
        .map(|response| response.into_inner().host_profile.expect("a host profile"))
}

/// A rating delivered to the user service directly, as the event service would.
async fn rate(
    suite: &Suite,
    caller: &Principal,
    rating_id: Uuid,
    host: &SignedIn,
    rating: i32,
) -> Result<user::HostProfile, Status> {
    let message = user::RecordHostRatingRequest {
        rating_id: rating_id.to_string(),
        host_user_id: host.user_id.clone(),
        rating,
    };
    InternalClient::new(suite.channel("user"))
        .record_host_rating(IdentityKey::new(IDENTITY_SECRET).outgoing(caller, message))
        .await
        .map(|response| response.into_inner().host_profile.expect("a host profile"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_person_hosts_once_and_everyone_signed_in_sees_the_ratings() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@hosts.test").await;
    let ben = suite.sign_up("ben@hosts.test").await;
    let request_id = Uuid::now_v7().to_string();

    let created = create(&suite, &ana, &request_id, "Ana's Table")
        .await
        .unwrap();
    assert_eq!(created.user_id, ana.user_id);
    assert_eq!((created.rating_sum, created.rating_count), (0, 0));
    assert_eq!(
        create(&suite, &ana, &request_id, "Ana's Table")
            .await
            .unwrap(),
        created
    );
    let status = create(&suite, &ana, &request_id, "Other")
        .await
        .unwrap_err();
    assert_reason(&status, Code::InvalidArgument, "REQUEST_ID_REUSED");
    let status = create(&suite, &ana, "", "Ana's Table").await.unwrap_err();
    assert_reason(&status, Code::AlreadyExists, "HOST_PROFILE_EXISTS");
    assert_invalid_field(
        &create(&suite, &ben, "", "").await.unwrap_err(),
        "host_name",
    );

    let event = service("event");
    let first = Uuid::now_v7();
    for (rating_id, rating) in [
        (first, 5),
        (first, 5),
        (Uuid::now_v7(), 4),
        (Uuid::now_v7(), 4),
    ] {
        rate(&suite, &event, rating_id, &ana, rating).await.unwrap();
    }
    let status = rate(&suite, &event, first, &ana, 1).await.unwrap_err();
    assert_reason(&status, Code::AlreadyExists, "RATING_ID_REUSED");
    let seen = get(&suite, &ben, &ana.user_id).await.unwrap();
    // 13 / 3: the average is exact as a fraction, never rounded on the wire.
    assert_eq!((seen.rating_sum, seen.rating_count), (13, 3));
    assert_eq!(seen.host_name, "Ana's Table");

    let status = get(&suite, &ana, &ben.user_id).await.unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    assert_invalid_field(&get(&suite, &ana, "").await.unwrap_err(), "user_id");
    let anonymous = hosts(&suite)
        .get_host_profile(edge::GetHostProfileRequest {
            user_id: ana.user_id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(anonymous.code(), Code::Unauthenticated);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_services_rate_hosts_and_the_edge_offers_no_way_to() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@rates.test").await;
    let boss = suite.sign_up("boss@rates.test").await;
    suite.make_admin(&boss).await;
    create(&suite, &ana, "", "Ana").await.unwrap();

    for person in [&ana, &boss] {
        let claims = circle_core::auth::AccessTokenKey::new(circle_e2e::ACCESS_TOKEN_SECRET)
            .verify(&person.access_token)
            .expect("a valid access token");
        let principal = Principal::User {
            id: claims.sub,
            role: claims.role,
            session_id: claims.sid,
        };
        let status = rate(&suite, &principal, Uuid::now_v7(), &ana, 5)
            .await
            .unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    }
    let through_edge = InternalClient::new(suite.channel("edge"))
        .record_host_rating(ana.call(user::RecordHostRatingRequest {
            rating_id: Uuid::now_v7().to_string(),
            host_user_id: ana.user_id.clone(),
            rating: 5,
        }))
        .await
        .unwrap_err();
    assert_eq!(through_edge.code(), Code::Unimplemented);
    let status = rate(&suite, &service("event"), Uuid::now_v7(), &ana, 6)
        .await
        .unwrap_err();
    assert_invalid_field(&status, "rating");
    let unrated = get(&suite, &boss, &ana.user_id).await.unwrap();
    assert_eq!((unrated.rating_sum, unrated.rating_count), (0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_block_hides_host_profiles_and_only_owners_and_admins_edit_them() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@edits.test").await;
    let ben = suite.sign_up("ben@edits.test").await;
    let boss = suite.sign_up("boss@edits.test").await;
    suite.make_admin(&boss).await;
    let created = create(&suite, &ana, "", "Ana").await.unwrap();

    let bio_only = edge::HostProfile {
        host_name: "ignored".into(),
        host_bio: "Now with dessert.".into(),
        ..Default::default()
    };
    let mine = update(&suite, &ana, &ana.user_id, bio_only.clone(), &["host_bio"])
        .await
        .unwrap();
    assert_eq!(
        (mine.host_name.as_str(), mine.host_bio.as_str()),
        ("Ana", "Now with dessert.")
    );
    let status = update(&suite, &ben, &ana.user_id, bio_only.clone(), &["host_bio"])
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let status = update(&suite, &ana, &ana.user_id, bio_only, &["rating_sum"])
        .await
        .unwrap_err();
    assert_invalid_field(&status, "update_mask");

    let renamed = edge::HostProfile {
        host_name: "Ana & Co".into(),
        ..Default::default()
    };
    let by_admin = update(&suite, &boss, &ana.user_id, renamed, &["host_name"])
        .await
        .unwrap();
    assert_eq!(by_admin.host_name, "Ana & Co");
    let entries = ModerationServiceClient::new(suite.channel("edge"))
        .list_audit_entries(boss.call(edge::ListAuditEntriesRequest {
            resource_type: "host_profile".into(),
            resource_id: created.id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .entries;
    assert_eq!(
        entries.len(),
        1,
        "only the admin's edit is audited: {entries:?}"
    );
    assert_eq!(entries[0].action, "PROFILE_UPDATED_BY_ADMIN");
    assert_eq!(entries[0].actor_id, boss.user_id);
    assert_eq!(entries[0].subject_id, ana.user_id);
    let paths = entries[0]
        .metadata
        .as_ref()
        .and_then(|metadata| metadata.fields.get("paths"))
        .expect("the changed paths");
    assert_eq!(
        paths,
        &prost_types::Value::from(vec![prost_types::Value::from("host_name".to_owned())])
    );

    BlockServiceClient::new(suite.channel("edge"))
        .block_user(ben.call(edge::BlockUserRequest {
            user_id: ana.user_id.clone(),
        }))
        .await
        .unwrap();
    let status = get(&suite, &ben, &ana.user_id).await.unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    // Ana, blocked by Ben, cannot see Ben's host profile once he has one either.
    create(&suite, &ben, "", "Ben").await.unwrap();
    let status = get(&suite, &ana, &ben.user_id).await.unwrap_err();
    assert_reason(&status, Code::NotFound, "NOT_FOUND");
    assert_eq!(
        get(&suite, &boss, &ana.user_id).await.unwrap().host_name,
        "Ana & Co"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admins_edits_of_someone_elses_profile_are_audited_with_the_mask_paths() {
    use circle_proto::edge::v1::profile_service_client::ProfileServiceClient;
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@audited.test").await;
    let boss = suite.sign_up("boss@audited.test").await;
    suite.make_admin(&boss).await;
    let mut profiles = ProfileServiceClient::new(suite.channel("edge"));
    let social = |bio: &str, paths: &[&str], caller: &SignedIn| {
        caller.call(edge::UpdateSocialProfileRequest {
            user_id: ana.user_id.clone(),
            social_profile: Some(edge::SocialProfile {
                bio: bio.into(),
                occupation: "Chef".into(),
                ..Default::default()
            }),
            update_mask: Some(FieldMask {
                paths: paths.iter().map(|path| path.to_string()).collect(),
            }),
        })
    };
    profiles
        .update_social_profile(social("Mine", &["bio"], &ana))
        .await
        .unwrap();
    profiles
        .update_social_profile(social("", &["bio", "occupation"], &boss))
        .await
        .unwrap();
    profiles
        .update_personal_details(boss.call(edge::UpdatePersonalDetailsRequest {
            user_id: ana.user_id.clone(),
            personal_details: Some(edge::PersonalDetails {
                last_name: "Moderated".into(),
                ..Default::default()
            }),
            update_mask: Some(FieldMask {
                paths: vec!["last_name".into()],
            }),
        }))
        .await
        .unwrap();

    let entries = ModerationServiceClient::new(suite.channel("edge"))
        .list_audit_entries(boss.call(edge::ListAuditEntriesRequest {
            resource_type: "profile".into(),
            resource_id: ana.user_id.clone(),
            ..Default::default()
        }))
        .await
        .unwrap()
        .into_inner()
        .entries;
    let seen: Vec<(&str, &str, &str, prost_types::Value)> = entries
        .iter()
        .map(|entry| {
            let paths = entry
                .metadata
                .as_ref()
                .and_then(|metadata| metadata.fields.get("paths"))
                .cloned()
                .expect("the changed paths");
            (
                entry.action.as_str(),
                entry.actor_id.as_str(),
                entry.subject_id.as_str(),
                paths,
            )
        })
        .collect();
    let paths = |paths: &[&str]| {
        prost_types::Value::from(
            paths
                .iter()
                .map(|path| prost_types::Value::from(path.to_string()))
                .collect::<Vec<_>>(),
        )
    };
    // Newest first; Ana's own edit left no row.
    let audited = "PROFILE_UPDATED_BY_ADMIN";
    assert_eq!(
        seen,
        [
            (
                audited,
                boss.user_id.as_str(),
                ana.user_id.as_str(),
                paths(&["last_name"])
            ),
            (
                audited,
                boss.user_id.as_str(),
                ana.user_id.as_str(),
                paths(&["bio", "occupation"])
            ),
        ]
    );
}
