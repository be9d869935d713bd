//! Chat: members post TEXT and IMAGE messages, history newest first, read positions and unread
//! counts, and messages pushed live to every follower, across instances of the service.

use std::time::Duration;

use circle_core::auth::Principal;
use circle_proto::tribe::v1::{
    GetReadStateRequest, ListActivitiesRequest, ListMessagesRequest, MarkReadRequest, Message,
    MessageType, ReadState, SendMessageRequest, SubscribeRequest, TribeStatus,
};
use tokio_stream::StreamExt;
use tonic::Code;

use crate::helpers::{
    TestApp, assert_invalid_argument, assert_refused, client, tribe_with, user, user_id,
};

async fn send(
    app: &TestApp,
    who: &Principal,
    tribe_id: &str,
    message_type: MessageType,
    content: &str,
) -> Result<Message, tonic::Status> {
    client(app)
        .send_message(app.call(
            who,
            SendMessageRequest {
                tribe_id: tribe_id.to_owned(),
                r#type: message_type.into(),
                content: content.to_owned(),
            },
        ))
        .await
        .map(|r| r.into_inner().message.unwrap())
}

async fn read_state(app: &TestApp, who: &Principal, tribe_id: &str) -> ReadState {
    client(app)
        .get_read_state(app.call(
            who,
            GetReadStateRequest {
                tribe_id: tribe_id.to_owned(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .read_state
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_chat_and_read_history_newest_first_page_by_page() {
    let app = TestApp::spawn().await;
    let (ana, ben, outsider) = (user(), user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben]).await;

    let mut sent = Vec::new();
    for i in 0..5 {
        let who = if i % 2 == 0 { &ana } else { &ben };
        sent.push(
            send(
                &app,
                who,
                &tribe.id,
                MessageType::Text,
                &format!("hello {i}"),
            )
            .await
            .unwrap(),
        );
    }
    let image = send(
        &app,
        &ben,
        &tribe.id,
        MessageType::Image,
        "https://img.example/a.png",
    )
    .await
    .unwrap();
    assert_eq!(image.r#type(), MessageType::Image);
    assert_eq!(image.sender_id, user_id(&ben).to_string());
    sent.push(image);

    let mut seen = Vec::new();
    let mut page_token = String::new();
    loop {
        let page = client(&app)
            .list_messages(app.call(
                &ana,
                ListMessagesRequest {
                    tribe_id: tribe.id.clone(),
                    page_size: 4,
                    page_token: page_token.clone(),
                },
            ))
            .await
            .unwrap()
            .into_inner();
        seen.extend(page.messages.into_iter().map(|m| m.id));
        if page.next_page_token.is_empty() {
            break;
        }
        page_token = page.next_page_token;
    }
    let newest_first: Vec<String> = sent.iter().rev().map(|m| m.id.clone()).collect();
    assert_eq!(seen, newest_first);

    assert_refused(
        send(&app, &outsider, &tribe.id, MessageType::Text, "let me in").await,
        Code::PermissionDenied,
        "NOT_A_MEMBER",
    );
    let outside_read = client(&app)
        .list_messages(app.call(
            &outsider,
            ListMessagesRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            },
        ))
        .await;
    assert_refused(outside_read, Code::PermissionDenied, "NOT_A_MEMBER");
    assert_eq!(
        app.outbox_topics()
            .await
            .iter()
            .filter(|topic| *topic == "tribe.message_posted")
            .count(),
        6
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_post_only_text_and_images_that_are_well_formed() {
    let app = TestApp::spawn().await;
    let ana = user();
    let tribe = tribe_with(&app, &ana, 8, &[]).await;
    for service_type in [
        MessageType::System,
        MessageType::AiPrompt,
        MessageType::Event,
    ] {
        assert_invalid_argument(
            send(&app, &ana, &tribe.id, service_type, "I am the system").await,
            "type",
        );
    }
    assert_invalid_argument(
        send(&app, &ana, &tribe.id, MessageType::Text, " ").await,
        "content",
    );
    assert_invalid_argument(
        send(&app, &ana, &tribe.id, MessageType::Text, &"x".repeat(4001)).await,
        "content",
    );
    assert_invalid_argument(
        send(
            &app,
            &ana,
            &tribe.id,
            MessageType::Image,
            "http://plain.example/a.png",
        )
        .await,
        "content",
    );
    assert_invalid_argument(
        send(&app, &ana, "nope", MessageType::Text, "hi").await,
        "tribe_id",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_member_has_a_read_position_and_an_unread_count() {
    let app = TestApp::spawn().await;
    let (ana, ben) = (user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben]).await;
    let other = tribe_with(&app, &ben, 8, &[]).await;

    assert_eq!(read_state(&app, &ben, &tribe.id).await.unread_count, 0);
    let first = send(&app, &ana, &tribe.id, MessageType::Text, "one")
        .await
        .unwrap();
    let second = send(&app, &ana, &tribe.id, MessageType::Text, "two")
        .await
        .unwrap();
    send(&app, &ben, &tribe.id, MessageType::Text, "mine")
        .await
        .unwrap();
    // Ben's own message is not unread for him.
    assert_eq!(read_state(&app, &ben, &tribe.id).await.unread_count, 2);
    assert_eq!(read_state(&app, &ana, &tribe.id).await.unread_count, 1);

    let mark = |who: &Principal, message_id: &str| {
        let request = app.call(
            who,
            MarkReadRequest {
                tribe_id: tribe.id.clone(),
                message_id: message_id.to_owned(),
            },
        );
        let mut c = client(&app);
        async move {
            c.mark_read(request)
                .await
                .map(|r| r.into_inner().read_state.unwrap())
        }
    };
    let after_second = mark(&ben, &second.id).await.unwrap();
    assert_eq!(after_second.last_read_message_id, second.id);
    assert_eq!(after_second.unread_count, 0);
    // The position never moves back.
    let still = mark(&ben, &first.id).await.unwrap();
    assert_eq!(still.last_read_message_id, second.id);

    let elsewhere = send(&app, &ben, &other.id, MessageType::Text, "other tribe")
        .await
        .unwrap();
    assert_refused(mark(&ben, &elsewhere.id).await, Code::NotFound, "NOT_FOUND");
    assert_invalid_argument(mark(&ben, "x").await, "message_id");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followers_get_new_messages_live_across_instances() {
    let app = TestApp::spawn().await;
    let other = app.another_instance().await;
    let (ana, ben, outsider) = (user(), user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben]).await;

    let mut live = client(&app)
        .subscribe(app.call(
            &ana,
            SubscribeRequest {
                tribe_id: tribe.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    // Posted to the other instance.
    let posted = other
        .client
        .clone()
        .send_message(app.call(
            &ben,
            SendMessageRequest {
                tribe_id: tribe.id.clone(),
                r#type: MessageType::Text.into(),
                content: "over here".to_owned(),
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .message
        .unwrap();
    let received = tokio::time::timeout(Duration::from_secs(5), live.next())
        .await
        .expect("the message arrives within 5 s")
        .expect("the stream goes on")
        .unwrap()
        .message
        .unwrap();
    assert_eq!(received, posted);

    let refused = client(&app)
        .subscribe(app.call(
            &outsider,
            SubscribeRequest {
                tribe_id: tribe.id.clone(),
            },
        ))
        .await;
    assert_refused(refused, Code::PermissionDenied, "NOT_A_MEMBER");
}

/// The backend of the service's LISTEN connection, when it has one.
async fn listener_pid(admin: &tokio_postgres::Client) -> Option<i32> {
    admin
        .query_opt(
            "SELECT pid FROM pg_stat_activity \
             WHERE datname = current_database() AND query = 'LISTEN tribe_messages'",
            &[],
        )
        .await
        .unwrap()
        .map(|row| row.get(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn followers_get_what_was_posted_while_the_listener_reconnected() {
    let app = TestApp::spawn().await;
    let (ana, ben) = (user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben]).await;
    let mut live = client(&app)
        .subscribe(app.call(
            &ana,
            SubscribeRequest {
                tribe_id: tribe.id.clone(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    let mut next = async || {
        tokio::time::timeout(Duration::from_secs(5), live.next())
            .await
            .ok()
            .map(|item| item.expect("the stream goes on").unwrap().message.unwrap())
    };
    let first = send(&app, &ben, &tribe.id, MessageType::Text, "before")
        .await
        .unwrap();
    assert_eq!(next().await, Some(first));

    let admin = app.db.admin_client().await;
    let old = listener_pid(&admin).await.expect("the service listens");
    admin
        .execute("SELECT pg_terminate_backend($1)", &[&old])
        .await
        .unwrap();
    // Posted while the service is not listening: their notifications are lost.
    let mut sent = Vec::new();
    for i in 0..5 {
        sent.push(
            send(
                &app,
                &ben,
                &tribe.id,
                MessageType::Text,
                &format!("gap {i}"),
            )
            .await
            .unwrap(),
        );
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while listener_pid(&admin).await.is_none_or(|pid| pid == old) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the listener is back"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    sent.push(
        send(&app, &ben, &tribe.id, MessageType::Text, "after")
            .await
            .unwrap(),
    );

    let mut received = Vec::new();
    for _ in 0..sent.len() {
        received.push(next().await.expect("every message arrives within 5 s"));
    }
    assert_eq!(received, sent, "missed messages are read back, in order");
    // Each once: nothing more comes.
    assert_eq!(
        tokio::time::timeout(Duration::from_millis(500), live.next())
            .await
            .ok()
            .flatten()
            .map(|item| item.unwrap().message.unwrap().content),
        None
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_wakes_a_quiet_tribe() {
    let app = TestApp::spawn().await;
    let ana = user();
    let tribe = tribe_with(&app, &ana, 8, &[]).await;
    app.db
        .admin_client()
        .await
        .execute(
            "UPDATE tribes.tribes SET status = 'AT_RISK' WHERE id = $1",
            &[&uuid::Uuid::parse_str(&tribe.id).unwrap()],
        )
        .await
        .unwrap();
    send(&app, &ana, &tribe.id, MessageType::Text, "anyone?")
        .await
        .unwrap();
    let read = app.get_tribe(&ana, &tribe.id).await.unwrap();
    assert_eq!(read.status(), TribeStatus::Forming);
    let feed = client(&app)
        .list_activities(app.call(
            &ana,
            ListActivitiesRequest {
                tribe_id: tribe.id.clone(),
                ..Default::default()
            },
        ))
        .await
        .unwrap()
        .into_inner()
        .activities;
    assert_eq!(feed[0].metadata["from"], "AT_RISK");
}
