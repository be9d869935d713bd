//! A tribe's goals (challenges): set by active members, completed by the goal's creator or the
//! tribe's creator, each event on the activity feed.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use circle_core::auth::Principal;
use circle_core::paging::Cursor;
use circle_core::text::{InvalidValue, Lines, check_text};
use diesel::prelude::*;
use diesel_async::{AsyncConnection, AsyncPgConnection};
use uuid::Uuid;

use super::activity::{self, ActivityType};
use super::members::{lock_open, next_cursor, require_visible};
use super::{TribeId, UserId};
use crate::error::Error;
use crate::query::{goals, members, tribes};
use crate::schema::tribes::tribe_goals;

/// A goal as read.
#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = tribe_goals, check_for_backend(diesel::pg::Pg))]
pub struct Goal {
    pub id: Uuid,
    pub tribe_id: TribeId,
    pub title: String,
    pub description: String,
    pub created_by: UserId,
    pub target_date: Option<DateTime<Utc>>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

/// A goal's title: trimmed, 1 to 120 characters on one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoalTitle(String);

impl GoalTitle {
    pub const MAX_CHARS: usize = 120;

    pub fn parse(raw: &str) -> Result<Self, InvalidValue> {
        let title = raw.trim();
        if title.is_empty() {
            return Err(InvalidValue("must not be empty".to_owned()));
        }
        check_text(title, Self::MAX_CHARS, Lines::Single)?;
        Ok(Self(title.to_owned()))
    }
}

/// What a member asks for when setting a goal, validated.
#[derive(Clone, Debug)]
pub struct NewGoal {
    pub tribe_id: TribeId,
    pub title: GoalTitle,
    pub description: super::TribeDescription,
    pub target_date: Option<DateTime<Utc>>,
}

pub async fn create_goal(
    conn: &mut AsyncPgConnection,
    author: UserId,
    new: NewGoal,
) -> Result<Goal, Error> {
    if new.target_date.is_some_and(|at| at < Utc::now()) {
        return Err(Error::Invalid {
            field: "target_time",
            message: "must not be in the past".to_owned(),
        });
    }
    conn.transaction::<_, Error, _>(async |conn| {
        lock_open(conn, new.tribe_id).await?;
        if !members::is_active(conn, new.tribe_id, author).await? {
            return Err(Error::Forbidden {
                reason: "NOT_A_MEMBER",
                who: "the tribe's active members",
            });
        }
        let goal = goals::insert(
            conn,
            &goals::NewGoal {
                id: Uuid::now_v7(),
                tribe_id: new.tribe_id,
                title: &new.title.0,
                description: new.description.as_str(),
                created_by: author,
                target_date: new.target_date,
            },
        )
        .await?;
        tribes::touch(conn, new.tribe_id).await?;
        activity::record(
            conn,
            new.tribe_id,
            Some(author),
            ActivityType::ChallengeCreated,
            format!("set the goal {:?}", goal.title),
            BTreeMap::from([("goal_id", goal.id.to_string())]),
        )
        .await?;
        Ok(goal)
    })
    .await
}

/// Completes a goal; the goal's creator or the tribe's creator, once.
pub async fn complete_goal(
    conn: &mut AsyncPgConnection,
    user: UserId,
    id: Uuid,
) -> Result<Goal, Error> {
    conn.transaction::<_, Error, _>(async |conn| {
        let tribe_id = goals::find(conn, id)
            .await?
            .ok_or(Error::GoalNotFound(id))?
            .tribe_id;
        // The tribe's lock first, as every change of the tribe takes it.
        let tribe = lock_open(conn, tribe_id).await?;
        let goal = goals::lock(conn, id)
            .await?
            .ok_or(Error::GoalNotFound(id))?;
        let allowed = (goal.created_by == user || tribe.creator_id == user)
            && members::is_active(conn, tribe_id, user).await?;
        if !allowed {
            return Err(Error::Forbidden {
                reason: "NOT_GOAL_OWNER",
                who: "the goal's creator or the tribe's creator",
            });
        }
        if goal.completed_at.is_some() {
            return Err(Error::precondition(
                "GOAL_COMPLETED",
                format!("goal {id} is completed already"),
            ));
        }
        let goal = goals::complete(conn, id, user).await?;
        tribes::touch(conn, tribe_id).await?;
        activity::record(
            conn,
            tribe_id,
            Some(user),
            ActivityType::ChallengeCompleted,
            format!("completed the goal {:?}", goal.title),
            BTreeMap::from([("goal_id", goal.id.to_string())]),
        )
        .await?;
        Ok(goal)
    })
    .await
}

/// A page of goals, newest first.
pub async fn list_goals(
    conn: &mut AsyncPgConnection,
    viewer: &Principal,
    id: TribeId,
    cursor: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<Goal>, Option<Cursor>), Error> {
    let tribe = tribes::find(conn, id)
        .await?
        .ok_or(Error::TribeNotFound(id))?;
    require_visible(conn, viewer, &tribe).await?;
    let mut page = goals::page(conn, id, cursor, limit + 1).await?;
    let next = next_cursor(&mut page, limit, |g| Cursor {
        at: g.created_at,
        id: g.id,
    });
    Ok((page, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(GoalTitle::parse(" Climb ").unwrap().0, "Climb");
        assert!(GoalTitle::parse("").is_err());
        assert!(GoalTitle::parse(&"t".repeat(121)).is_err());
        assert!(GoalTitle::parse("a\nb").is_err());
    }
}
