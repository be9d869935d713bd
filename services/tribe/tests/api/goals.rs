//! Goals (challenges): set by members, completed by the goal's or the tribe's creator, listed.

use circle_core::auth::Principal;
use circle_proto::tribe::v1::{
    ActivityType, CompleteGoalRequest, CreateGoalRequest, Goal, ListActivitiesRequest,
    ListGoalsRequest,
};
use tonic::Code;

use crate::helpers::{TestApp, assert_invalid_argument, assert_refused, client, tribe_with, user};

async fn create(
    app: &TestApp,
    who: &Principal,
    tribe_id: &str,
    title: &str,
) -> Result<Goal, tonic::Status> {
    client(app)
        .create_goal(app.call(
            who,
            CreateGoalRequest {
                tribe_id: tribe_id.to_owned(),
                title: title.to_owned(),
                description: "Together.".to_owned(),
                target_time: None,
            },
        ))
        .await
        .map(|r| r.into_inner().goal.unwrap())
}

async fn complete(app: &TestApp, who: &Principal, goal: &Goal) -> Result<Goal, tonic::Status> {
    client(app)
        .complete_goal(app.call(
            who,
            CompleteGoalRequest {
                goal_id: goal.id.clone(),
            },
        ))
        .await
        .map(|r| r.into_inner().goal.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_set_goals_and_their_creators_complete_them() {
    let app = TestApp::spawn().await;
    let (ana, ben, cleo, outsider) = (user(), user(), user(), user());
    let tribe = tribe_with(&app, &ana, 8, &[&ben, &cleo]).await;

    assert_refused(
        create(&app, &outsider, &tribe.id, "Sneak in").await,
        Code::PermissionDenied,
        "NOT_A_MEMBER",
    );
    let by_ben = create(&app, &ben, &tribe.id, " Climb the Brocken ")
        .await
        .unwrap();
    assert_eq!(by_ben.title, "Climb the Brocken");
    assert!(!by_ben.completed);
    let also_ben = create(&app, &ben, &tribe.id, "Swim the lake")
        .await
        .unwrap();

    assert_refused(
        complete(&app, &cleo, &by_ben).await,
        Code::PermissionDenied,
        "NOT_GOAL_OWNER",
    );
    let done = complete(&app, &ben, &by_ben).await.unwrap();
    assert!(done.completed);
    assert_eq!(done.completed_by, ben.user_id().unwrap().to_string());
    assert_refused(
        complete(&app, &ben, &by_ben).await,
        Code::FailedPrecondition,
        "GOAL_COMPLETED",
    );
    // The tribe's creator completes anyone's goal.
    assert!(complete(&app, &ana, &also_ben).await.unwrap().completed);

    let first = client(&app)
        .list_goals(app.call(
            &cleo,
            ListGoalsRequest {
                tribe_id: tribe.id.clone(),
                page_size: 1,
                page_token: String::new(),
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(first.goals[0].id, also_ben.id);
    let second = client(&app)
        .list_goals(app.call(
            &cleo,
            ListGoalsRequest {
                tribe_id: tribe.id.clone(),
                page_size: 1,
                page_token: first.next_page_token,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(second.goals[0].id, by_ben.id);
    assert!(second.next_page_token.is_empty());

    let feed: Vec<ActivityType> = client(&app)
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
        .activities
        .iter()
        .map(|a| a.r#type())
        .collect();
    assert_eq!(
        feed[..4],
        [
            ActivityType::ChallengeCompleted,
            ActivityType::ChallengeCompleted,
            ActivityType::ChallengeCreated,
            ActivityType::ChallengeCreated,
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn goals_name_their_bad_fields() {
    let app = TestApp::spawn().await;
    let ana = user();
    let tribe = tribe_with(&app, &ana, 8, &[]).await;
    assert_invalid_argument(create(&app, &ana, &tribe.id, "  ").await, "title");
    assert_invalid_argument(
        create(&app, &ana, &tribe.id, &"t".repeat(121)).await,
        "title",
    );
    assert_invalid_argument(create(&app, &ana, "x", "Fine").await, "tribe_id");
    let past = client(&app)
        .create_goal(app.call(
            &ana,
            CreateGoalRequest {
                tribe_id: tribe.id.clone(),
                title: "Yesterday".to_owned(),
                description: String::new(),
                target_time: Some(prost_types::Timestamp {
                    seconds: 1_000_000,
                    nanos: 0,
                }),
            },
        ))
        .await;
    assert_invalid_argument(past, "target_time");
    let missing = client(&app)
        .complete_goal(app.call(
            &ana,
            CompleteGoalRequest {
                goal_id: uuid::Uuid::new_v4().to_string(),
            },
        ))
        .await;
    assert_refused(missing, Code::NotFound, "NOT_FOUND");
}
