//! The export of everything this service holds about a person, as one JSON document with a
//! member per kind of data.

use chrono::{DateTime, Utc};
use diesel_async::AsyncPgConnection;
use serde::Serialize;
use uuid::Uuid;

use crate::access::Acting;
use crate::audit::{self, AuditEntry};
use crate::domain::UserId;
use crate::error::Error;
use crate::store::export::{
    self, AccountData, AchievementData, AssessmentData, AttendanceData, AuditData, BlockData,
    ConnectAgainData, ConnectionData, ConsentChangeData, ConsentData, HostProfileData,
    InterestData, MatchingProfileData, OauthIdentityData, PersonalDetailsData, PhotoData,
    ReportData, SessionData, SocialProfileData,
};

/// The document, member by member; a single item is `null` where the person has none.
#[derive(Debug, Serialize)]
pub struct Document {
    pub user_id: Uuid,
    pub exported_at: DateTime<Utc>,
    pub account: AccountData,
    pub personal_details: Option<PersonalDetailsData>,
    pub social_profile: Option<SocialProfileData>,
    pub matching_profile: Option<MatchingProfileData>,
    pub photos: Vec<PhotoData>,
    pub personality_assessments: Vec<AssessmentData>,
    pub interests: Vec<InterestData>,
    pub blocks: Vec<BlockData>,
    pub reports: Vec<ReportData>,
    pub connections: Vec<ConnectionData>,
    pub connect_again: Vec<ConnectAgainData>,
    pub sessions: Vec<SessionData>,
    pub audit_log: Vec<AuditData>,
    pub consents: Vec<ConsentData>,
    pub consent_history: Vec<ConsentChangeData>,
    pub oauth_identities: Vec<OauthIdentityData>,
    pub host_profile: Option<HostProfileData>,
    pub attendance: Vec<AttendanceData>,
    pub achievements: Vec<AchievementData>,
}

/// Everything about `user`, read in one snapshot, for the owner or an admin; audited as
/// DATA_EXPORTED. Where someone else acted on the person (an admin, say), the audit entries
/// leave out that actor's address and user agent: those are the actor's data, not theirs.
pub async fn export(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
) -> Result<Document, Error> {
    acting.actor.may_edit(user)?;
    let now = Utc::now();
    conn.build_transaction()
        .repeatable_read()
        .run::<_, Error, _>(async |conn| {
            let account = export::account(conn, user).await?.ok_or(Error::NotFound {
                what: "user",
                field: "user_id",
            })?;
            let mut audit_log = export::audit_entries(conn, user).await?;
            for entry in &mut audit_log {
                if entry.actor_id != Some(user.as_uuid()) {
                    entry.ip_address = None;
                    entry.user_agent = None;
                }
            }
            let document = Document {
                user_id: user.as_uuid(),
                exported_at: now,
                account,
                personal_details: export::personal_details(conn, user).await?,
                social_profile: export::social_profile(conn, user).await?,
                matching_profile: export::matching_profile(conn, user).await?,
                photos: export::photos(conn, user).await?,
                personality_assessments: export::assessments(conn, user).await?,
                interests: export::interests(conn, user).await?,
                blocks: export::blocks_made(conn, user).await?,
                reports: export::reports_filed(conn, user).await?,
                connections: export::connections(conn, user).await?,
                connect_again: export::connect_again(conn, user).await?,
                sessions: export::sessions(conn, user).await?,
                audit_log,
                consents: export::consents(conn, user).await?,
                consent_history: export::consent_changes(conn, user).await?,
                oauth_identities: export::oauth_identities(conn, user).await?,
                host_profile: export::host_profile(conn, user).await?,
                attendance: export::attendance(conn, user).await?,
                achievements: export::achievements(conn, user).await?,
            };
            let entry = AuditEntry {
                action: "DATA_EXPORTED",
                resource_type: "account",
                resource_id: user.to_string(),
                subject: Some(user),
                metadata: serde_json::json!({}),
            };
            audit::record(conn, acting, entry).await?;
            Ok(document)
        })
        .await
}
