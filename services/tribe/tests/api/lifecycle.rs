//! The lifecycle job: quiet tribes go AT_RISK with an AI prompt from their interests and a fact,
//! then INACTIVE; a member's message wakes them.

use std::time::Duration;

use circle_proto::tribe::v1::{
    CreateTribeRequest, ListMessagesRequest, MessageType, SendMessageRequest, TribeInterest,
    TribeStatus,
};
use circle_proto::user::v1::InterestCategory;

use crate::helpers::{TestApp, client, new_tribe, user};

async fn quiet_for(app: &TestApp, tribe_id: &str, minutes: i32) {
    app.db
        .admin_client()
        .await
        .execute(
            "UPDATE tribes.tribes SET last_activity_at = now() - make_interval(mins => $2) \
             WHERE id = $1",
            &[&uuid::Uuid::parse_str(tribe_id).unwrap(), &minutes],
        )
        .await
        .unwrap();
}

async fn until_status(
    app: &TestApp,
    who: &circle_core::auth::Principal,
    tribe_id: &str,
    status: TribeStatus,
) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        if app.get_tribe(who, tribe_id).await.unwrap().status() == status {
            return;
        }
        assert!(tokio::time::Instant::now() < deadline, "never {status:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiet_tribe_is_prompted_then_inactive_and_wakes_on_a_message() {
    let app = TestApp::spawn().await;
    let ana = user();
    let tribe = app
        .create_tribe(
            &ana,
            CreateTribeRequest {
                interests: vec![
                    TribeInterest {
                        category: InterestCategory::FoodDining.into(),
                        name: "ramen".to_owned(),
                        primary: false,
                    },
                    TribeInterest {
                        category: InterestCategory::GamesEntertainment.into(),
                        name: "board games".to_owned(),
                        primary: true,
                    },
                ],
                ..new_tribe("Quiet ones")
            },
        )
        .await
        .unwrap();
    let busy = app
        .create_tribe(&user(), new_tribe("Busy ones"))
        .await
        .unwrap();

    quiet_for(&app, &tribe.id, 61).await;
    until_status(&app, &ana, &tribe.id, TribeStatus::AtRisk).await;
    let messages = client(&app)
        .list_messages(app.call(
            &ana,
            ListMessagesRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .messages;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].r#type(), MessageType::AiPrompt);
    assert!(messages[0].sender_id.is_empty());
    // The primary interest chooses the prompt.
    assert!(
        messages[0].content.contains("games night"),
        "{}",
        messages[0].content
    );
    assert_eq!(messages[0].metadata["category"], "GAMES_ENTERTAINMENT");
    assert!(
        app.outbox_topics()
            .await
            .contains(&"tribe.at_risk".to_owned())
    );
    assert_eq!(
        app.get_tribe(&ana, &busy.id).await.unwrap().status(),
        TribeStatus::Forming
    );

    // The prompt is no activity: the quiet goes on to INACTIVE.
    quiet_for(&app, &tribe.id, 121).await;
    until_status(&app, &ana, &tribe.id, TribeStatus::Inactive).await;

    client(&app)
        .send_message(app.call(
            &ana,
            SendMessageRequest {
                tribe_id: tribe.id.clone(),
                r#type: MessageType::Text.into(),
                content: "Games night on Friday?".to_owned(),
            },
        ))
        .await
        .unwrap();
    assert_eq!(
        app.get_tribe(&ana, &tribe.id).await.unwrap().status(),
        TribeStatus::Forming
    );
}
