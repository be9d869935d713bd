//! PrivacyService through the edge: consents kept by their owner (admins read them), the export
//! of what a person made through the edge (every section, no secret), deletion, and erasure
//! (anonymized once, one "user.erased" fact relayed, the email free again).

use std::time::Duration;

use circle_e2e::{PASSWORD, SignedIn, Suite};
use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::account_service_client::AccountServiceClient;
use circle_proto::edge::v1::block_service_client::BlockServiceClient;
use circle_proto::edge::v1::personality_service_client::PersonalityServiceClient;
use circle_proto::edge::v1::privacy_service_client::PrivacyServiceClient;
use circle_proto::edge::v1::profile_service_client::ProfileServiceClient;
use circle_proto::edge::v1::report_service_client::ReportServiceClient;
use circle_testkit::status::{assert_invalid_field, assert_reason};
use tonic::transport::Channel;
use tonic::{Code, Status};

fn privacy(suite: &Suite) -> PrivacyServiceClient<Channel> {
    PrivacyServiceClient::new(suite.channel("edge"))
}

fn mask(paths: &[&str]) -> Option<prost_types::FieldMask> {
    Some(prost_types::FieldMask {
        paths: paths.iter().map(|path| (*path).to_owned()).collect(),
    })
}

async fn set_consents(
    suite: &Suite,
    caller: &SignedIn,
    user_id: &str,
    marketing: bool,
    paths: &[&str],
) -> Result<edge::Consents, Status> {
    let request = edge::UpdateConsentsRequest {
        consents: Some(edge::Consents {
            user_id: user_id.to_owned(),
            marketing: Some(edge::Consent {
                granted: marketing,
                ..Default::default()
            }),
            analytics: None,
        }),
        update_mask: mask(paths),
    };
    privacy(suite)
        .update_consents(caller.call(request))
        .await
        .map(|response| response.into_inner().consents.expect("consents"))
}

async fn get_consents(
    suite: &Suite,
    caller: &SignedIn,
    user_id: &str,
) -> Result<edge::Consents, Status> {
    let request = edge::GetConsentsRequest {
        user_id: user_id.to_owned(),
    };
    privacy(suite)
        .get_consents(caller.call(request))
        .await
        .map(|response| response.into_inner().consents.expect("consents"))
}

async fn export(suite: &Suite, caller: &SignedIn, user_id: &str) -> Result<String, Status> {
    let request = edge::ExportUserDataRequest {
        user_id: user_id.to_owned(),
    };
    privacy(suite)
        .export_user_data(caller.call(request))
        .await
        .map(|response| response.into_inner().document)
}

async fn erase(
    suite: &Suite,
    caller: &SignedIn,
    user_id: &str,
) -> Result<prost_types::Timestamp, Status> {
    let request = edge::EraseUserRequest {
        user_id: user_id.to_owned(),
    };
    privacy(suite)
        .erase_user(caller.call(request))
        .await
        .map(|response| response.into_inner().erase_time.expect("an erase time"))
}

async fn login(suite: &Suite, email: &str) -> Result<edge::LoginResponse, Status> {
    AccountServiceClient::new(suite.channel("edge"))
        .login(edge::LoginRequest {
            email: email.into(),
            password: PASSWORD.into(),
            device: "e2e".into(),
        })
        .await
        .map(|response| response.into_inner())
}

/// The "user.erased" facts of `user_id` in the user service's outbox, and how many of them
/// were delivered.
async fn erased_facts(suite: &Suite, user_id: &str) -> (i64, i64) {
    let row = suite
        .db
        .admin_client()
        .await
        .query_one(
            "SELECT count(*), count(delivered_at) FROM users.outbox \
             WHERE topic = 'user.erased' AND aggregate_id = $1",
            &[&user_id],
        )
        .await
        .unwrap();
    (row.get(0), row.get(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consents_are_the_owners_to_change_and_admins_read_them() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@privacy.test").await;
    let bob = suite.sign_up("bob@privacy.test").await;
    let boss = suite.sign_up("boss@privacy.test").await;
    suite.make_admin(&boss).await;

    let granted = set_consents(&suite, &ana, &ana.user_id, true, &["marketing"])
        .await
        .unwrap();
    let marketing = granted.marketing.unwrap();
    assert!(marketing.granted && marketing.grant_time.is_some());
    assert!(!granted.analytics.unwrap().granted, "not named in the mask");
    let withdrawn = set_consents(&suite, &ana, &ana.user_id, false, &["marketing"])
        .await
        .unwrap()
        .marketing
        .unwrap();
    assert!(!withdrawn.granted);
    assert_eq!(withdrawn.grant_time, marketing.grant_time);
    assert!(withdrawn.withdraw_time.is_some());

    let read = get_consents(&suite, &boss, &ana.user_id).await.unwrap();
    assert_eq!(read.marketing, Some(withdrawn));
    let status = get_consents(&suite, &bob, &ana.user_id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    for caller in [&bob, &boss] {
        let status = set_consents(&suite, caller, &ana.user_id, true, &["marketing"])
            .await
            .unwrap_err();
        assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    }
    let status = set_consents(&suite, &ana, &ana.user_id, true, &["email"])
        .await
        .unwrap_err();
    assert_invalid_field(&status, "update_mask");
    let status = set_consents(&suite, &ana, "someone", true, &["marketing"])
        .await
        .unwrap_err();
    assert_invalid_field(&status, "consents.user_id");
    let status = privacy(&suite)
        .get_consents(edge::GetConsentsRequest {
            user_id: ana.user_id.clone(),
        })
        .await
        .unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
}

/// Fills ana's profile, traits, photos, blocks, reports and consents through the edge.
async fn fill(suite: &Suite, ana: &SignedIn, bob: &SignedIn) {
    let mut profiles = ProfileServiceClient::new(suite.channel("edge"));
    profiles
        .update_personal_details(ana.call(edge::UpdatePersonalDetailsRequest {
            user_id: ana.user_id.clone(),
            personal_details: Some(edge::PersonalDetails {
                phone_number: "+33612345678".into(),
                last_name: "Curie".into(),
                birth_date: "1985-11-07".into(),
                ..Default::default()
            }),
            update_mask: mask(&["phone_number", "last_name", "birth_date"]),
        }))
        .await
        .unwrap();
    profiles
        .update_social_profile(ana.call(edge::UpdateSocialProfileRequest {
            user_id: ana.user_id.clone(),
            social_profile: Some(edge::SocialProfile {
                first_name: "Marie".into(),
                bio: "Radioactivity.".into(),
                ..Default::default()
            }),
            update_mask: mask(&["first_name", "bio"]),
        }))
        .await
        .unwrap();
    profiles
        .create_profile_photo(ana.call(edge::CreateProfilePhotoRequest {
            user_id: ana.user_id.clone(),
            request_id: uuid::Uuid::new_v4().to_string(),
            image_url: "https://cdn.example.org/marie.jpg".into(),
            taken_in_app: true,
        }))
        .await
        .unwrap();
    PersonalityServiceClient::new(suite.channel("edge"))
        .create_personality_assessment(ana.call(edge::CreatePersonalityAssessmentRequest {
            traits: Some(edge::PersonalityTraits {
                openness: Some(88),
                conscientiousness: Some(60),
                extraversion: Some(40),
                agreeableness: Some(70),
                neuroticism: Some(20),
            }),
            request_id: String::new(),
        }))
        .await
        .unwrap();
    BlockServiceClient::new(suite.channel("edge"))
        .block_user(ana.call(edge::BlockUserRequest {
            user_id: bob.user_id.clone(),
        }))
        .await
        .unwrap();
    ReportServiceClient::new(suite.channel("edge"))
        .report_user(ana.call(edge::ReportUserRequest {
            reported_user_id: bob.user_id.clone(),
            category: edge::ReportCategory::Spam.into(),
            comments: "sells polonium".into(),
            request_id: String::new(),
        }))
        .await
        .unwrap();
    set_consents(suite, ana, &ana.user_id, true, &["marketing"])
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_export_holds_what_the_person_made_and_no_secret() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("marie@privacy.test").await;
    let bob = suite.sign_up("bob@privacy.test").await;
    let boss = suite.sign_up("boss@privacy.test").await;
    suite.make_admin(&boss).await;
    fill(&suite, &ana, &bob).await;

    let text = export(&suite, &ana, &ana.user_id).await.unwrap();
    let document: serde_json::Value = serde_json::from_str(&text).unwrap();
    for section in [
        "account",
        "personal_details",
        "social_profile",
        "matching_profile",
        "photos",
        "personality_assessments",
        "interests",
        "blocks",
        "reports",
        "connections",
        "connect_again",
        "sessions",
        "audit_log",
        "consents",
        "consent_history",
        "oauth_identities",
        "host_profile",
        "attendance",
        "achievements",
    ] {
        assert!(
            document.get(section).is_some(),
            "{section} missing in {document:#}"
        );
    }
    assert_eq!(document["account"]["email"], "marie@privacy.test");
    assert_eq!(document["personal_details"]["last_name"], "Curie");
    assert_eq!(document["social_profile"]["bio"], "Radioactivity.");
    assert_eq!(
        document["photos"][0]["image_url"],
        "https://cdn.example.org/marie.jpg"
    );
    assert_eq!(document["personality_assessments"][0]["openness"], 88);
    assert_eq!(document["blocks"][0]["blocked_id"], bob.user_id.as_str());
    assert_eq!(document["reports"][0]["comments"], "sells polonium");
    assert_eq!(document["sessions"][0]["device"], "e2e");
    assert_eq!(document["consents"][0]["purpose"], "MARKETING");
    assert_eq!(document["consents"][0]["granted"], true);
    let actions: Vec<&str> = document["audit_log"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| entry["action"].as_str())
        .collect();
    assert!(actions.contains(&"BLOCK"), "{actions:?}");
    for secret in [PASSWORD, &ana.access_token, &ana.refresh_token] {
        assert!(!text.contains(secret), "a secret in the export");
    }
    assert!(!text.contains("hash"), "a hash in the export");

    let status = export(&suite, &bob, &ana.user_id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    export(&suite, &boss, &ana.user_id).await.unwrap();
    let moderation_trail = export(&suite, &ana, &ana.user_id).await.unwrap();
    assert_eq!(
        moderation_trail.matches("DATA_EXPORTED").count(),
        2,
        "ana's first export and the admin's are audited"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_account_signs_in_no_more() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("ana@privacy.test").await;
    let bob = suite.sign_up("bob@privacy.test").await;
    let boss = suite.sign_up("boss@privacy.test").await;
    suite.make_admin(&boss).await;
    let delete = |caller: &SignedIn, user_id: &str| {
        caller.call(edge::DeleteUserRequest {
            user_id: user_id.to_owned(),
        })
    };

    let status = privacy(&suite)
        .delete_user(delete(&bob, &ana.user_id))
        .await
        .unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    let deleted = privacy(&suite)
        .delete_user(delete(&ana, &ana.user_id))
        .await
        .unwrap()
        .into_inner()
        .account
        .unwrap();
    assert_eq!(deleted.status(), edge::AccountStatus::Deleted);
    let status = get_consents(&suite, &ana, &ana.user_id).await.unwrap_err();
    assert_eq!(status.code(), Code::Unauthenticated, "{status:?}");
    let status = login(&suite, &ana.email).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_DELETED");

    let deleted = privacy(&suite)
        .delete_user(delete(&boss, &bob.user_id))
        .await
        .unwrap()
        .into_inner()
        .account
        .unwrap();
    assert_eq!(deleted.status(), edge::AccountStatus::Deleted);
    let status = login(&suite, &bob.email).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "ACCOUNT_DELETED");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erasure_happens_once_is_told_to_the_suite_and_frees_the_email() {
    let suite = Suite::start().await;
    let ana = suite.sign_up("marie@privacy.test").await;
    let bob = suite.sign_up("bob@privacy.test").await;
    let boss = suite.sign_up("boss@privacy.test").await;
    suite.make_admin(&boss).await;
    fill(&suite, &ana, &bob).await;

    let status = erase(&suite, &bob, &ana.user_id).await.unwrap_err();
    assert_reason(&status, Code::PermissionDenied, "PERMISSION_DENIED");
    // Ana and an admin erase her at the same time: one erasure, one fact.
    let (by_ana, by_boss) = tokio::join!(
        erase(&suite, &ana, &ana.user_id),
        erase(&suite, &boss, &ana.user_id)
    );
    let erase_time = by_boss.unwrap();
    match by_ana {
        Ok(time) => assert_eq!(time, erase_time),
        Err(status) => assert_eq!(status.code(), Code::Unauthenticated, "{status:?}"),
    }
    assert_eq!(
        erase(&suite, &boss, &ana.user_id).await.unwrap(),
        erase_time
    );

    // The fact reaches the notification service (the relay marks it delivered).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        let (facts, delivered) = erased_facts(&suite, &ana.user_id).await;
        assert_eq!(facts, 1, "one user.erased fact");
        if delivered == 1 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never delivered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let leftover = export(&suite, &boss, &ana.user_id).await.unwrap();
    for personal in [
        "marie@privacy.test",
        "Curie",
        "+33612345678",
        "Radioactivity",
        "marie.jpg",
    ] {
        assert!(!leftover.contains(personal), "{personal} in {leftover}");
    }
    let document: serde_json::Value = serde_json::from_str(&leftover).unwrap();
    assert_eq!(document["account"]["status"], "DELETED");
    assert!(document["account"]["erased_at"].is_string());
    assert_eq!(document["consents"][0]["granted"], false);

    let status = login(&suite, "marie@privacy.test").await.unwrap_err();
    assert_reason(&status, Code::Unauthenticated, "INVALID_CREDENTIALS");
    let again = suite
        .edge()
        .register(edge::RegisterRequest {
            email: "marie@privacy.test".into(),
            password: PASSWORD.into(),
        })
        .await
        .expect("the address is free again")
        .into_inner()
        .account
        .unwrap();
    assert_ne!(again.id, ana.user_id);
}
