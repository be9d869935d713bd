//! Everything the users schema holds about one person, table by table, for their data export.
//!
//! Each row type names the columns it exports: a column added to a table later is left out
//! until it is added here, so that a secret (a password hash, a token or code hash) can never
//! slip into an export by accident.

use chrono::{DateTime, NaiveDate, Utc};
use circle_core::db::{OptionalRow, StoreError};
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::UserId;
use crate::schema::users::{
    accounts, achievements, attendance_outcomes, audit_log, blocks, connect_again, connections,
    consent_changes, consents, host_profiles, interests, matching_profiles, oauth_identities,
    personal_details, personality_assessments, profile_interests, profile_photos, reports,
    sessions, social_profiles, user_achievements,
};

/// The account without its password hash.
#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = accounts, check_for_backend(diesel::pg::Pg))]
pub struct AccountData {
    pub id: Uuid,
    pub email: String,
    pub status: String,
    pub role: String,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub deleted_at: Option<DateTime<Utc>>,
    pub erased_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = personal_details, check_for_backend(diesel::pg::Pg))]
pub struct PersonalDetailsData {
    pub phone_number: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = social_profiles, check_for_backend(diesel::pg::Pg))]
pub struct SocialProfileData {
    pub first_name: Option<String>,
    pub preferred_name: Option<String>,
    pub bio: Option<String>,
    pub gender: Option<String>,
    pub occupation: Option<String>,
    pub location_name: Option<String>,
    pub current_photo_id: Option<Uuid>,
    pub current_face_card_photo_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = matching_profiles, check_for_backend(diesel::pg::Pg))]
pub struct MatchingProfileData {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub communication_style: Option<String>,
    pub max_travel_km: Option<i32>,
    pub opted_in: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = profile_photos, check_for_backend(diesel::pg::Pg))]
pub struct PhotoData {
    pub id: Uuid,
    pub image_url: String,
    pub taken_in_app: bool,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = personality_assessments, check_for_backend(diesel::pg::Pg))]
pub struct AssessmentData {
    pub id: Uuid,
    pub openness: i16,
    pub conscientiousness: i16,
    pub extraversion: i16,
    pub agreeableness: i16,
    pub neuroticism: i16,
    pub assessed_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Serialize)]
pub struct InterestData {
    pub interest_id: Uuid,
    pub name: String,
    pub category: String,
    pub level: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A block the person made.
#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = blocks, check_for_backend(diesel::pg::Pg))]
pub struct BlockData {
    pub blocked_id: Uuid,
    pub created_at: DateTime<Utc>,
}

/// A report the person filed; the moderators' outcome concerns the reported person and is
/// left out.
#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = reports, check_for_backend(diesel::pg::Pg))]
pub struct ReportData {
    pub id: Uuid,
    pub reported_id: Uuid,
    pub category: String,
    pub comments: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub resolved_at: Option<DateTime<Utc>>,
}

/// An entry of the person's memory book.
#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = connections, check_for_backend(diesel::pg::Pg))]
pub struct ConnectionData {
    pub id: Uuid,
    pub connected_id: Uuid,
    pub event_id: Uuid,
    pub met_at: DateTime<Utc>,
    pub snapshot_name: Option<String>,
    pub snapshot_face_card_url: Option<String>,
    pub was_photo_authentic: bool,
    pub is_favorite: bool,
    pub private_notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Whether the person wants to meet someone again.
#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = connect_again, check_for_backend(diesel::pg::Pg))]
pub struct ConnectAgainData {
    pub connected_id: Uuid,
    pub wants: bool,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = sessions, check_for_backend(diesel::pg::Pg))]
pub struct SessionData {
    pub id: Uuid,
    pub device: Option<String>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = audit_log, check_for_backend(diesel::pg::Pg))]
pub struct AuditData {
    pub id: Uuid,
    pub actor_id: Option<Uuid>,
    pub actor_service: Option<String>,
    pub action: String,
    pub resource_type: String,
    pub resource_id: String,
    pub subject_id: Option<Uuid>,
    pub ip_address: Option<String>,
    pub user_agent: Option<String>,
    pub metadata: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = consents, check_for_backend(diesel::pg::Pg))]
pub struct ConsentData {
    pub purpose: String,
    pub granted: bool,
    pub granted_at: Option<DateTime<Utc>>,
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = consent_changes, check_for_backend(diesel::pg::Pg))]
pub struct ConsentChangeData {
    pub purpose: String,
    pub granted: bool,
    pub changed_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = oauth_identities, check_for_backend(diesel::pg::Pg))]
pub struct OauthIdentityData {
    pub provider: String,
    pub subject: String,
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = host_profiles, check_for_backend(diesel::pg::Pg))]
pub struct HostProfileData {
    pub id: Uuid,
    pub host_name: String,
    pub host_bio: Option<String>,
    pub rating_sum: i64,
    pub rating_count: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Queryable, Selectable, Serialize)]
#[diesel(table_name = attendance_outcomes, check_for_backend(diesel::pg::Pg))]
pub struct AttendanceData {
    pub event_id: Uuid,
    pub outcome: String,
    pub recorded_at: DateTime<Utc>,
}

/// An achievement awarded to the person, with the catalog's name for it.
#[derive(Debug, Queryable, Serialize)]
pub struct AchievementData {
    pub achievement_id: Uuid,
    pub name: String,
    pub points: i32,
    pub metadata: serde_json::Value,
    pub awarded_at: DateTime<Utc>,
}

pub async fn account(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Option<AccountData>, StoreError> {
    accounts::table
        .find(user)
        .select(AccountData::as_select())
        .first(conn)
        .await
        .optional_row()
}

pub async fn personal_details(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Option<PersonalDetailsData>, StoreError> {
    personal_details::table
        .find(user)
        .select(PersonalDetailsData::as_select())
        .first(conn)
        .await
        .optional_row()
}

pub async fn social_profile(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Option<SocialProfileData>, StoreError> {
    social_profiles::table
        .find(user)
        .select(SocialProfileData::as_select())
        .first(conn)
        .await
        .optional_row()
}

pub async fn matching_profile(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Option<MatchingProfileData>, StoreError> {
    matching_profiles::table
        .find(user)
        .select(MatchingProfileData::as_select())
        .first(conn)
        .await
        .optional_row()
}

pub async fn photos(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<PhotoData>, StoreError> {
    Ok(profile_photos::table
        .filter(profile_photos::user_id.eq(user))
        .order((profile_photos::created_at, profile_photos::id))
        .select(PhotoData::as_select())
        .load(conn)
        .await?)
}

pub async fn assessments(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<AssessmentData>, StoreError> {
    Ok(personality_assessments::table
        .filter(personality_assessments::user_id.eq(user))
        .order((
            personality_assessments::assessed_at,
            personality_assessments::id,
        ))
        .select(AssessmentData::as_select())
        .load(conn)
        .await?)
}

pub async fn interests(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<InterestData>, StoreError> {
    Ok(profile_interests::table
        .inner_join(interests::table)
        .filter(profile_interests::user_id.eq(user))
        .order((
            profile_interests::created_at,
            profile_interests::interest_id,
        ))
        .select((
            profile_interests::interest_id,
            interests::name,
            interests::category,
            profile_interests::level,
            profile_interests::created_at,
            profile_interests::updated_at,
        ))
        .load(conn)
        .await?)
}

pub async fn blocks_made(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<BlockData>, StoreError> {
    Ok(blocks::table
        .filter(blocks::blocker_id.eq(user))
        .order((blocks::created_at, blocks::blocked_id))
        .select(BlockData::as_select())
        .load(conn)
        .await?)
}

pub async fn reports_filed(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<ReportData>, StoreError> {
    Ok(reports::table
        .filter(reports::reporter_id.eq(user))
        .order((reports::created_at, reports::id))
        .select(ReportData::as_select())
        .load(conn)
        .await?)
}

pub async fn connections(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<ConnectionData>, StoreError> {
    Ok(connections::table
        .filter(connections::owner_id.eq(user))
        .order((connections::met_at, connections::id))
        .select(ConnectionData::as_select())
        .load(conn)
        .await?)
}

pub async fn connect_again(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<ConnectAgainData>, StoreError> {
    Ok(connect_again::table
        .filter(connect_again::owner_id.eq(user))
        .order(connect_again::connected_id)
        .select(ConnectAgainData::as_select())
        .load(conn)
        .await?)
}

pub async fn sessions(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<SessionData>, StoreError> {
    Ok(sessions::table
        .filter(sessions::user_id.eq(user))
        .order((sessions::created_at, sessions::id))
        .select(SessionData::as_select())
        .load(conn)
        .await?)
}

/// The audit entries the person acted in or was the subject of, oldest first.
pub async fn audit_entries(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<AuditData>, StoreError> {
    let user = user.as_uuid();
    Ok(audit_log::table
        .filter(
            audit_log::actor_id
                .eq(user)
                .or(audit_log::subject_id.eq(user)),
        )
        .order((audit_log::created_at, audit_log::id))
        .select(AuditData::as_select())
        .load(conn)
        .await?)
}

pub async fn consents(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<ConsentData>, StoreError> {
    Ok(consents::table
        .filter(consents::user_id.eq(user))
        .order(consents::purpose)
        .select(ConsentData::as_select())
        .load(conn)
        .await?)
}

pub async fn consent_changes(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<ConsentChangeData>, StoreError> {
    Ok(consent_changes::table
        .filter(consent_changes::user_id.eq(user))
        .order((consent_changes::changed_at, consent_changes::id))
        .select(ConsentChangeData::as_select())
        .load(conn)
        .await?)
}

pub async fn oauth_identities(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<OauthIdentityData>, StoreError> {
    Ok(oauth_identities::table
        .filter(oauth_identities::user_id.eq(user))
        .order((oauth_identities::created_at, oauth_identities::id))
        .select(OauthIdentityData::as_select())
        .load(conn)
        .await?)
}

pub async fn host_profile(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Option<HostProfileData>, StoreError> {
    host_profiles::table
        .filter(host_profiles::user_id.eq(user))
        .select(HostProfileData::as_select())
        .first(conn)
        .await
        .optional_row()
}

pub async fn attendance(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<AttendanceData>, StoreError> {
    Ok(attendance_outcomes::table
        .filter(attendance_outcomes::user_id.eq(user))
        .order((
            attendance_outcomes::recorded_at,
            attendance_outcomes::event_id,
        ))
        .select(AttendanceData::as_select())
        .load(conn)
        .await?)
}

pub async fn achievements(
    conn: &mut AsyncPgConnection,
    user: UserId,
) -> Result<Vec<AchievementData>, StoreError> {
    Ok(user_achievements::table
        .inner_join(achievements::table)
        .filter(user_achievements::user_id.eq(user))
        .order((user_achievements::awarded_at, user_achievements::id))
        .select((
            user_achievements::achievement_id,
            achievements::name,
            user_achievements::points,
            user_achievements::metadata,
            user_achievements::awarded_at,
        ))
        .load(conn)
        .await?)
}
