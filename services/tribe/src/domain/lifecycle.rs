//! The lifecycle job: a tribe without member messages or events for a while goes AT_RISK (with
//! an AI_PROMPT in its chat, chosen from its interests, and the fact "tribe.at_risk"), and
//! INACTIVE after a longer quiet. New activity wakes it (see `chat::wake`). Several instances
//! may run the job at once: each tribe is taken under its row lock, skipping locked ones.

use std::collections::BTreeMap;
use std::time::Duration;

use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::activity::{self, ActivityType};
use super::chat::{self, MessageType};
use super::{InterestCategory, Tribe, TribeStatus, facts};
use crate::error::Error;
use crate::query::{interests, tribes};

/// Tribes handled per transaction.
const BATCH: i64 = 100;

/// When quiet tribes change.
#[derive(Clone, Copy, Debug)]
pub struct Quiet {
    /// Without activity this long, a FORMING or ACTIVE tribe is AT_RISK.
    pub at_risk_after: Duration,
    /// Without activity this long, an AT_RISK tribe is INACTIVE.
    pub inactive_after: Duration,
}

/// How many tribes one pass moved.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Swept {
    pub at_risk: usize,
    pub inactive: usize,
}

/// One pass over the quiet tribes.
pub async fn sweep(conn: &mut AsyncPgConnection, quiet: Quiet) -> Result<Swept, Error> {
    let mut swept = Swept::default();
    loop {
        let moved = conn
            .transaction::<_, Error, _>(async |conn| {
                let due = tribes::lock_quiet(
                    conn,
                    &[TribeStatus::Forming, TribeStatus::Active],
                    quiet.at_risk_after,
                    BATCH,
                )
                .await?;
                for tribe in &due {
                    at_risk(conn, tribe).await?;
                }
                Ok(due.len())
            })
            .await?;
        swept.at_risk += moved;
        if moved < BATCH as usize {
            break;
        }
    }
    loop {
        let moved = conn
            .transaction::<_, Error, _>(async |conn| {
                let due =
                    tribes::lock_quiet(conn, &[TribeStatus::AtRisk], quiet.inactive_after, BATCH)
                        .await?;
                for tribe in &due {
                    change(conn, tribe, TribeStatus::Inactive).await?;
                }
                Ok(due.len())
            })
            .await?;
        swept.inactive += moved;
        if moved < BATCH as usize {
            break;
        }
    }
    Ok(swept)
}

async fn change(
    conn: &mut AsyncPgConnection,
    tribe: &Tribe,
    status: TribeStatus,
) -> Result<Tribe, Error> {
    let changed = tribes::set_status(conn, tribe.id, status).await?;
    activity::record(
        conn,
        tribe.id,
        None,
        ActivityType::StatusChanged,
        format!("the tribe has gone quiet: {}", status.as_str()),
        BTreeMap::from([
            ("from", tribe.status.as_str().to_owned()),
            ("to", status.as_str().to_owned()),
        ]),
    )
    .await?;
    Ok(changed)
}

async fn at_risk(conn: &mut AsyncPgConnection, tribe: &Tribe) -> Result<(), Error> {
    let changed = change(conn, tribe, TribeStatus::AtRisk).await?;
    facts::status_changed(conn, &changed, TribeStatus::AtRisk).await?;
    let interests = interests::of(conn, tribe.id).await?;
    // Primary interests come first.
    let category = interests.first().map(|interest| interest.category);
    let prompt = prompt_for(category);
    let message = chat::post(
        conn,
        &changed,
        None,
        MessageType::AiPrompt,
        prompt.to_owned(),
        serde_json::json!({
            "reason": "AT_RISK",
            "category": category.map(InterestCategory::as_str).unwrap_or_default(),
        }),
    )
    .await?;
    activity::record(
        conn,
        tribe.id,
        None,
        ActivityType::AiSuggestion,
        "suggested something to do together".to_owned(),
        BTreeMap::from([("message_id", message.id.to_string())]),
    )
    .await?;
    Ok(())
}

/// The prompt for a quiet tribe about `category`.
pub fn prompt_for(category: Option<InterestCategory>) -> &'static str {
    use InterestCategory::*;
    match category {
        Some(OutdoorAdventures) => {
            "It has been quiet here. How about a short hike or a walk this weekend? Who is in?"
        }
        Some(ArtsCulture) => {
            "It has been quiet here. Is there an exhibition, a concert or a play you would like \
             to see together?"
        }
        Some(FoodDining) => {
            "It has been quiet here. Anyone up for trying a new place to eat together this week?"
        }
        Some(SportsFitness) => {
            "It has been quiet here. Fancy a game or a workout together? Suggest a time!"
        }
        Some(GamesEntertainment) => {
            "It has been quiet here. How about a games night? Who brings which game?"
        }
        Some(LearningEducation) => {
            "It has been quiet here. What is something you learned lately that the others \
             should know about?"
        }
        Some(Technology) => {
            "It has been quiet here. Anyone working on something fun? Show and tell this week?"
        }
        Some(WellnessMindfulness) => {
            "It has been quiet here. How about a calm walk, yoga or a meditation session \
             together?"
        }
        None => "It has been quiet here. What would you all like to do together next?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_its_own_prompt() {
        use InterestCategory::*;
        let categories = [
            OutdoorAdventures,
            ArtsCulture,
            FoodDining,
            SportsFitness,
            GamesEntertainment,
            LearningEducation,
            Technology,
            WellnessMindfulness,
        ];
        let mut prompts: Vec<&str> = categories.iter().map(|c| prompt_for(Some(*c))).collect();
        prompts.push(prompt_for(None));
        prompts.sort();
        prompts.dedup();
        assert_eq!(prompts.len(), categories.len() + 1);
    }
}
