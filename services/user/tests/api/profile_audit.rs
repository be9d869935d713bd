//! An admin's change of someone else's profile leaves an audit row naming the changed fields;
//! the owner's own changes do not.

use circle_proto::user::v1 as pb;

use crate::helpers::spawn_app;
use crate::host_profiles::{audit_of, audited_paths};
use crate::profiles::{make_admin, person, update_matching, update_personal, update_social};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_edits_of_someone_elses_profile_are_audited_with_their_mask_paths() {
    let app = spawn_app().await;
    let (ana_id, ana) = person(&app, "ana@example.org").await;
    let (root_id, root) = person(&app, "root@example.org").await;
    make_admin(&app, &root_id).await;

    let social = pb::SocialProfile {
        bio: "Mine".into(),
        ..Default::default()
    };
    update_social(&app, &ana, &ana_id, social, &["bio"])
        .await
        .unwrap();
    // Admins editing their own profile act as owners.
    let own = pb::SocialProfile {
        first_name: "Root".into(),
        ..Default::default()
    };
    update_social(&app, &root, &root_id, own, &["first_name"])
        .await
        .unwrap();
    assert!(audit_of(&app, &root, "profile", &ana_id).await.is_empty());
    assert!(audit_of(&app, &root, "profile", &root_id).await.is_empty());

    let social = pb::SocialProfile {
        bio: String::new(),
        occupation: "Moderated".into(),
        ..Default::default()
    };
    update_social(&app, &root, &ana_id, social, &["bio", "occupation"])
        .await
        .unwrap();
    let details = pb::PersonalDetails {
        last_name: "Example".into(),
        ..Default::default()
    };
    update_personal(&app, &root, &ana_id, details, &["last_name"])
        .await
        .unwrap();
    let matching = pb::MatchingProfile {
        max_travel_km: 20,
        ..Default::default()
    };
    update_matching(&app, &root, &ana_id, matching, &["max_travel_km"])
        .await
        .unwrap();

    let entries = audit_of(&app, &root, "profile", &ana_id).await;
    let seen: Vec<(String, Vec<String>, String, String)> = entries
        .iter()
        .map(|entry| {
            (
                entry.action.clone(),
                audited_paths(entry),
                entry.actor_id.clone(),
                entry.subject_id.clone(),
            )
        })
        .collect();
    let expected = |paths: &[&str]| {
        (
            "PROFILE_UPDATED_BY_ADMIN".to_owned(),
            paths
                .iter()
                .map(|path| path.to_string())
                .collect::<Vec<_>>(),
            root_id.clone(),
            ana_id.clone(),
        )
    };
    // Newest first.
    assert_eq!(
        seen,
        [
            expected(&["max_travel_km"]),
            expected(&["last_name"]),
            expected(&["bio", "occupation"]),
        ]
    );
}
