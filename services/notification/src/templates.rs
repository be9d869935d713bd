//! What each fact says to its person, and on which channels.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::facts::{
    Achievement, EmailAddress, Notice, TribeMember, TribeNews, TribeStatus, VerificationCode,
};
use crate::model::NotificationType;

/// A notification to write, before it has an id.
#[derive(Debug)]
pub struct Draft {
    pub user_id: Uuid,
    pub kind: NotificationType,
    pub title: String,
    pub body: String,
    pub data: serde_json::Value,
    pub expires_at: Option<DateTime<Utc>>,
    pub routes: Vec<Route>,
}

/// A channel and where on it the notification goes.
#[derive(Debug)]
pub enum Route {
    InApp,
    Email(EmailAddress),
}

/// The notifications `notice` (the fact `fact_id`) gives: one per person it concerns.
pub fn drafts(fact_id: Uuid, notice: Notice) -> Vec<Draft> {
    match notice {
        Notice::VerificationCodeIssued(code) => vec![verification_code(fact_id, code)],
        Notice::AchievementAwarded(achievement) => vec![achievement_awarded(fact_id, achievement)],
        Notice::MemberInvited(invitation) => vec![tribe_invitation(fact_id, invitation)],
        Notice::MemberRemoved(removal) => vec![tribe_removal(fact_id, removal)],
        Notice::TribeStatusChanged(news) => tribe_status(fact_id, news),
    }
}

fn verification_code(fact_id: Uuid, code: VerificationCode) -> Draft {
    let VerificationCode {
        user_id,
        email,
        code,
        expires_at,
    } = code;
    Draft {
        user_id,
        kind: NotificationType::EmailVerification,
        title: "Verify your email".to_owned(),
        body: format!(
            "Your Circle verification code is {code}\n\n\
             It expires at {expiry}.\n\n\
             If you did not sign up for Circle, you can ignore this message.",
            expiry = expires_at.format("%Y-%m-%d %H:%M UTC"),
        ),
        data: serde_json::json!({
            "fact_id": fact_id,
            "expire_time": expires_at.to_rfc3339(),
        }),
        // The code is useless after it expires, and so is the notification.
        expires_at: Some(expires_at),
        routes: vec![Route::InApp, Route::Email(email)],
    }
}

fn achievement_awarded(fact_id: Uuid, achievement: Achievement) -> Draft {
    let Achievement {
        user_id,
        name,
        points,
    } = achievement;
    let points = match points {
        1 => "1 point".to_owned(),
        n => format!("{n} points"),
    };
    in_app(
        user_id,
        NotificationType::AchievementAwarded,
        format!("Achievement unlocked: {name}"),
        format!("You earned the achievement {name} ({points})."),
        serde_json::json!({ "fact_id": fact_id }),
    )
}

fn tribe_invitation(fact_id: Uuid, invitation: TribeMember) -> Draft {
    let TribeMember {
        user_id,
        tribe_id,
        tribe_name,
    } = invitation;
    in_app(
        user_id,
        NotificationType::TribeInvitation,
        format!("You are invited to join {tribe_name}"),
        format!(
            "Matchmaking found a tribe for you: {tribe_name}. Open your match invitations to \
             accept or decline. Accepting takes your seat; declining frees it, and a later \
             matchmaking run looks for another tribe for you."
        ),
        serde_json::json!({ "fact_id": fact_id, "tribe_id": tribe_id }),
    )
}

fn tribe_removal(fact_id: Uuid, removal: TribeMember) -> Draft {
    let TribeMember {
        user_id,
        tribe_id,
        tribe_name,
    } = removal;
    in_app(
        user_id,
        NotificationType::TribeRemoved,
        format!("You were removed from {tribe_name}"),
        format!("You are no longer a member of {tribe_name}: you were removed from the tribe."),
        serde_json::json!({ "fact_id": fact_id, "tribe_id": tribe_id }),
    )
}

fn tribe_status(fact_id: Uuid, news: TribeNews) -> Vec<Draft> {
    let TribeNews {
        status,
        tribe_id,
        tribe_name,
        member_ids,
    } = news;
    let (kind, title, body) = match status {
        TribeStatus::Active => (
            NotificationType::TribeActive,
            format!("{tribe_name} is now active"),
            format!(
                "Your tribe {tribe_name} has enough members and is now active. \
                 Say hello in the tribe chat."
            ),
        ),
        TribeStatus::AtRisk => (
            NotificationType::TribeAtRisk,
            format!("{tribe_name} is at risk"),
            format!(
                "Your tribe {tribe_name} has been quiet for a while and goes inactive if it \
                 stays quiet. Post in the tribe chat or plan an event to keep it going."
            ),
        ),
        TribeStatus::Dissolved => (
            NotificationType::TribeDissolved,
            format!("{tribe_name} was dissolved"),
            format!("Your tribe {tribe_name} has been dissolved."),
        ),
    };
    member_ids
        .into_iter()
        .map(|user_id| {
            in_app(
                user_id,
                kind,
                title.clone(),
                body.clone(),
                serde_json::json!({ "fact_id": fact_id, "tribe_id": tribe_id }),
            )
        })
        .collect()
}

/// A notification shown in the app only, which does not expire.
fn in_app(
    user_id: Uuid,
    kind: NotificationType,
    title: String,
    body: String,
    data: serde_json::Value,
) -> Draft {
    Draft {
        user_id,
        kind,
        title,
        body,
        data,
        expires_at: None,
        routes: vec![Route::InApp],
    }
}
