//! A matchmaking run: who to match, the engine (off the async threads, within a time limit),
//! then every group's tribe, invitations and facts and the run's record in one transaction.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use chrono::Utc;
use circle_core::auth::Principal;
use circle_core::db::DbPool;
use circle_core::outbox::NewFact;
use circle_core::paging::Cursor;
use circle_matching::{Group, MatchConfig, Matching, match_candidates};
use circle_proto::user::v1 as user;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::{AsyncConnection, AsyncPgConnection};

use super::candidates::{self, CandidateSource, Person};
use super::{MATCHMAKER, Run, RunId, RunStatus, RunTrigger};
use crate::domain::activity::{self, ActivityType};
use crate::domain::members::next_cursor;
use crate::domain::{
    GeoPoint, Interest, Interests, MaxMembers, MemberRole, MembershipStatus, TribeId, TribePrivacy,
    TribeStatus, UserId, facts,
};
use crate::error::Error;
use crate::query::matchmaking::{self as runs, Finished};
use crate::query::{interests, members, tribes};

/// How long past its time limit a RUNNING run may go before another run takes it for
/// abandoned (its instance stopped in the middle).
const ABANDONED_AFTER: Duration = Duration::from_secs(600);

#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// The engine's budget per run.
    pub time_limit: Duration,
    /// How long a declined invitation keeps its decliner apart from the others invited with
    /// them (zero: not at all).
    pub decline_memory: Duration,
    /// The engine's [`MatchConfig::reliability_weight`].
    pub reliability_weight: f64,
    /// The engine's [`MatchConfig::connect_again_weight`].
    pub connect_again_weight: f64,
}

/// Starts runs; one per service instance, shared by the RPC and the schedule.
#[derive(Clone)]
pub struct Matchmaker {
    pool: DbPool,
    source: CandidateSource,
    settings: Settings,
}

/// Who was given to the engine and what the listing held besides.
struct Inputs {
    people: Vec<Person>,
    candidate_count: usize,
    skipped_count: usize,
    excluded_count: usize,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

fn note(pairs: &[(&'static str, String)]) -> BTreeMap<&'static str, String> {
    pairs.iter().cloned().collect()
}

pub(super) fn require_admin(caller: &Principal) -> Result<(), Error> {
    if caller.is_admin() {
        Ok(())
    } else {
        Err(Error::Forbidden {
            reason: "ADMIN_ONLY",
            who: "admins",
        })
    }
}

impl Matchmaker {
    pub fn new(pool: DbPool, source: CandidateSource, settings: Settings) -> Self {
        Self {
            pool,
            source,
            settings,
        }
    }

    /// An admin's run, answered when it has finished.
    pub async fn start(&self, caller: &Principal) -> Result<Run, Error> {
        require_admin(caller)?;
        let admin = caller.user_id().map(UserId);
        self.run(RunTrigger::Admin, admin).await
    }

    /// Runs matchmaking once; refused while another run is RUNNING. A run that fails after it
    /// started is recorded FAILED with the reason.
    pub async fn run(&self, trigger: RunTrigger, started_by: Option<UserId>) -> Result<Run, Error> {
        let clock = Instant::now();
        let run = self.begin(trigger, started_by).await?;
        let outcome = self.form(run.id, clock).await;
        if let Err(err) = &outcome {
            let failure = err.to_string();
            tracing::warn!(run_id = %run.id, error = %failure, "matchmaking run failed");
            let recorded = match self.pool.get().await {
                Ok(mut conn) => {
                    runs::finish(&mut conn, run.id, &finished_as_failed(&failure, clock))
                        .await
                        .map(drop)
                        .map_err(Error::from)
                }
                Err(err) => Err(err.into()),
            };
            if let Err(record) = recorded {
                tracing::error!(run_id = %run.id, error = %record, "recording a failed run");
            }
        }
        outcome
    }

    async fn begin(&self, trigger: RunTrigger, started_by: Option<UserId>) -> Result<Run, Error> {
        let mut conn = self.pool.get().await?;
        let abandoned = Utc::now()
            - chrono::Duration::from_std(self.settings.time_limit + ABANDONED_AFTER)
                .unwrap_or(chrono::Duration::MAX);
        if runs::abandon_stale(&mut conn, abandoned).await? > 0 {
            tracing::warn!("an abandoned matchmaking run was marked FAILED");
        }
        match runs::insert_run(&mut conn, RunId::generate(), trigger, started_by).await {
            Ok(run) => Ok(run),
            Err(DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)) => {
                Err(Error::precondition(
                    "RUN_IN_PROGRESS",
                    "another matchmaking run is in progress; start one when it has finished",
                ))
            }
            Err(err) => Err(err.into()),
        }
    }

    async fn inputs(&self) -> Result<Inputs, Error> {
        let listed = self.source.all().await?;
        let candidate_count = listed.len();
        let mut conn = self.pool.get().await?;
        let declined = self.declined_with(&mut conn, &listed).await?;
        let people: Vec<Person> = listed
            .into_iter()
            .filter_map(|listed| candidates::person(listed, &declined))
            .collect();
        let skipped_count = candidate_count - people.len();
        let ids: Vec<UserId> = people.iter().map(|p| p.user_id).collect();
        let matched = runs::already_matched(&mut conn, &ids).await?;
        let people: Vec<Person> = people
            .into_iter()
            .filter(|p| !matched.contains(&p.user_id))
            .collect();
        Ok(Inputs {
            candidate_count,
            skipped_count,
            excluded_count: candidate_count - skipped_count - people.len(),
            people,
        })
    }

    /// For each listed person who declined a run's invitation within the decline memory, the
    /// others invited to (or members of) that tribe: the run keeps them apart.
    async fn declined_with(
        &self,
        conn: &mut AsyncPgConnection,
        listed: &[user::MatchingCandidate],
    ) -> Result<HashMap<UserId, Vec<UserId>>, Error> {
        if self.settings.decline_memory.is_zero() {
            return Ok(HashMap::new());
        }
        let since = Utc::now()
            - chrono::Duration::from_std(self.settings.decline_memory)
                .unwrap_or(chrono::Duration::MAX);
        let ids: Vec<UserId> = listed
            .iter()
            .filter_map(|c| uuid::Uuid::parse_str(&c.user_id).ok().map(UserId))
            .collect();
        let mut apart: HashMap<UserId, Vec<UserId>> = HashMap::new();
        for (decliner, other) in runs::declined_with(conn, &ids, since).await? {
            apart.entry(decliner).or_default().push(other);
        }
        Ok(apart)
    }

    async fn form(&self, id: RunId, clock: Instant) -> Result<Run, Error> {
        let inputs = self.inputs().await?;
        let candidates: Vec<_> = inputs.people.iter().map(|p| p.candidate.clone()).collect();
        let ids: HashMap<String, UserId> = inputs
            .people
            .iter()
            .map(|p| (p.candidate.user_id().to_owned(), p.user_id))
            .collect();
        let config = MatchConfig {
            seed: id.0.as_u64_pair().1,
            time_limit: self.settings.time_limit,
            reliability_weight: self.settings.reliability_weight,
            connect_again_weight: self.settings.connect_again_weight,
            ..MatchConfig::default()
        };
        let (candidates, matching) = tokio::task::spawn_blocking(move || {
            let matching = match_candidates(&candidates, &config, &|_| {});
            (candidates, matching)
        })
        .await
        .map_err(|err| Error::Engine(err.to_string()))?;
        let categories = candidates::categories(&candidates);
        let planned = matching
            .groups
            .iter()
            .map(|group| plan(group, &ids, &categories))
            .collect::<Result<Vec<_>, Error>>()?;
        let mut conn = self.pool.get().await?;
        conn.transaction::<_, Error, _>(async |conn| {
            write_groups(conn, id, &planned).await?;
            let finished = finished_as_succeeded(&inputs, &matching, clock);
            Ok(runs::finish(conn, id, &finished).await?)
        })
        .await
    }
}

fn elapsed_ms(clock: Instant) -> i64 {
    i64::try_from(clock.elapsed().as_millis()).unwrap_or(i64::MAX)
}

fn finished_as_succeeded(
    inputs: &Inputs,
    matching: &Matching,
    clock: Instant,
) -> Finished<'static> {
    Finished {
        status: RunStatus::Succeeded,
        finished_at: Utc::now(),
        candidate_count: count(inputs.candidate_count),
        skipped_count: count(inputs.skipped_count),
        excluded_count: count(inputs.excluded_count),
        input_count: count(inputs.people.len()),
        placed_count: count(matching.placed()),
        group_count: count(matching.groups.len()),
        objective: matching.objective(),
        duration_ms: elapsed_ms(clock),
        failure: None,
    }
}

fn finished_as_failed(failure: &str, clock: Instant) -> Finished<'_> {
    Finished {
        status: RunStatus::Failed,
        finished_at: Utc::now(),
        candidate_count: 0,
        skipped_count: 0,
        excluded_count: 0,
        input_count: 0,
        placed_count: 0,
        group_count: 0,
        objective: 0.0,
        duration_ms: elapsed_ms(clock),
        failure: Some(failure),
    }
}

/// The group's shared interests as the tribe's (most shared first, the first primary), at
/// most as many as a tribe holds.
fn group_interests(
    group: &Group,
    categories: &HashMap<&str, circle_matching::InterestCategory>,
) -> Interests {
    let interests: Vec<Interest> = group
        .reasons
        .shared_interests
        .iter()
        .filter_map(|shared| {
            let category = candidates::tribe_category(*categories.get(shared.name.as_str())?);
            let interest = Interest {
                category,
                name: shared.name.clone(),
                is_primary: false,
            };
            Interests::parse(vec![interest.clone()]).ok()?;
            Some(interest)
        })
        .take(Interests::MAX)
        .enumerate()
        .map(|(i, interest)| Interest {
            is_primary: i == 0,
            ..interest
        })
        .collect();
    Interests::parse(interests).unwrap_or_default()
}

fn tribe_name(interests: &Interests) -> String {
    match interests.as_slice().first() {
        Some(primary) => {
            let mut letters = primary.name.chars();
            let capital: String = letters
                .next()
                .into_iter()
                .flat_map(char::to_uppercase)
                .collect();
            format!("{capital}{} Tribe", letters.as_str())
        }
        None => "New Tribe".to_owned(),
    }
}

fn description(group: &Group, interests: &Interests) -> String {
    let names: Vec<&str> = interests
        .as_slice()
        .iter()
        .map(|interest| interest.name.as_str())
        .collect();
    if names.is_empty() {
        format!(
            "{} people matched by personality and distance.",
            group.members.len()
        )
    } else {
        format!(
            "{} people matched by personality and distance, who share {}.",
            group.members.len(),
            names.join(", ")
        )
    }
}

/// A group's tribe as the run writes it.
struct Planned {
    id: TribeId,
    name: String,
    description: String,
    interests: Interests,
    meeting_point: Option<GeoPoint>,
    invited: Vec<UserId>,
    score: f64,
    reasons: serde_json::Value,
}

/// The tribe of one group: FORMING, private, meeting at the group's meeting point, with the
/// group's shared interests, each member to invite, and the group's score and reasons.
fn plan(
    group: &Group,
    ids: &HashMap<String, UserId>,
    categories: &HashMap<&str, circle_matching::InterestCategory>,
) -> Result<Planned, Error> {
    let interests = group_interests(group, categories);
    let invited = group
        .members
        .iter()
        .map(|member| {
            ids.get(member).copied().ok_or_else(|| {
                Error::Engine(format!("the engine placed an unknown person {member}"))
            })
        })
        .collect::<Result<Vec<UserId>, Error>>()?;
    let reasons = serde_json::to_value(&group.reasons)
        .map_err(|err| Error::Engine(format!("the group's reasons: {err}")))?;
    Ok(Planned {
        id: TribeId::generate(),
        name: tribe_name(&interests),
        description: description(group, &interests),
        meeting_point: GeoPoint::new(group.meeting_point.lat, group.meeting_point.lng).ok(),
        interests,
        invited,
        score: group.score,
        reasons,
    })
}

/// Writes the run's tribes with their interests, PENDING invitations (invited by
/// [`MATCHMAKER`]), groups, feed entries and facts (formed, each invitation): one INSERT per
/// table for the whole run, not statements per group or person.
async fn write_groups(
    conn: &mut AsyncPgConnection,
    run: RunId,
    planned: &[Planned],
) -> Result<(), Error> {
    let rows: Vec<_> = planned
        .iter()
        .map(|tribe| tribes::NewTribeRow {
            id: tribe.id,
            name: &tribe.name,
            description: &tribe.description,
            status: TribeStatus::Forming,
            privacy: TribePrivacy::Private,
            max_members: MaxMembers::DEFAULT,
            creator_id: MATCHMAKER,
            request_id: None,
            location_name: "",
            latitude: tribe.meeting_point.map(|at| at.latitude),
            longitude: tribe.meeting_point.map(|at| at.longitude),
            member_count: 0,
        })
        .collect();
    tribes::insert_all(conn, &rows).await?;
    let tribe_interests: Vec<_> = planned
        .iter()
        .map(|tribe| (tribe.id, &tribe.interests))
        .collect();
    interests::insert_all(conn, &tribe_interests).await?;
    let invitations: Vec<_> = planned
        .iter()
        .flat_map(|tribe| {
            tribe.invited.iter().map(|&user| members::NewMember {
                tribe_id: tribe.id,
                user_id: user,
                role: MemberRole::Member,
                status: MembershipStatus::Pending,
                invited_by: Some(MATCHMAKER),
            })
        })
        .collect();
    members::insert(conn, &invitations).await?;
    let groups: Vec<_> = planned
        .iter()
        .map(|tribe| runs::NewGroup {
            tribe_id: tribe.id,
            run_id: run,
            group_size: i16::try_from(tribe.invited.len()).unwrap_or(i16::MAX),
            score: tribe.score,
            reasons: &tribe.reasons,
        })
        .collect();
    runs::insert_groups(conn, &groups).await?;
    let mut feed = Vec::with_capacity(planned.len() + invitations.len());
    let mut told: Vec<NewFact> = Vec::with_capacity(planned.len() + invitations.len());
    for tribe in planned {
        feed.push(activity::entry(
            tribe.id,
            None,
            ActivityType::TribeCreated,
            format!("matchmaking formed the tribe {:?}", tribe.name),
            note(&[("run_id", run.to_string())]),
        ));
        feed.extend(tribe.invited.iter().map(|user| {
            activity::entry(
                tribe.id,
                None,
                ActivityType::MemberInvited,
                "matchmaking invited someone".to_owned(),
                note(&[("user_id", user.to_string()), ("run_id", run.to_string())]),
            )
        }));
        told.extend(facts::formed_by_run(
            tribe.id,
            &tribe.name,
            &tribe.invited,
            run.0,
        ));
    }
    activity::record_all(conn, &feed).await?;
    facts::OUTBOX.enqueue_all(conn, &told).await?;
    Ok(())
}

/// One run; admins only.
pub async fn get_run(
    conn: &mut AsyncPgConnection,
    caller: &Principal,
    id: RunId,
) -> Result<Run, Error> {
    require_admin(caller)?;
    runs::find_run(conn, id)
        .await?
        .ok_or(Error::RunNotFound(id))
}

/// A page of runs, newest first; admins only.
pub async fn list_runs(
    conn: &mut AsyncPgConnection,
    caller: &Principal,
    cursor: Option<Cursor>,
    limit: i64,
) -> Result<(Vec<Run>, Option<Cursor>), Error> {
    require_admin(caller)?;
    let mut page = runs::page_runs(conn, cursor, limit + 1).await?;
    let next = next_cursor(&mut page, limit, |run| Cursor {
        at: run.started_at,
        id: run.id.0,
    });
    Ok((page, next))
}
