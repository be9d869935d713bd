//! Profiles: one person, three views. The private details (and the exact matching fields) are
//! for the owner, admins and services; everyone else who may see the person gets the public
//! social profile and communication style; people who blocked each other see nothing. Only
//! the owner or an admin changes a profile.

pub mod hosts;
pub mod photos;

use chrono::{DateTime, Months, NaiveDate, Utc};
use diesel_async::{AsyncConnection, AsyncPgConnection};
use serde_json::json;

use crate::access::{Acting, Actor};
use crate::audit::{self, AuditEntry};
use crate::domain::profile::{CommunicationStyle, age_on};
use crate::domain::{AccountStatus, PhotoId, UserId};
use crate::error::Error;
use crate::store::accounts;
use crate::store::photos as photo_store;
use crate::store::profiles::{self, MatchingChanges, PersonalChanges, ProfileRow, SocialChanges};

/// An in-app photo keeps the profile authentic this long after its upload.
pub const AUTHENTIC_FOR: Months = Months::new(12);

/// A profile as one caller may see it: the private parts are absent from a public view.
#[derive(Clone, Debug)]
pub struct Profile {
    pub user_id: UserId,
    pub social: Social,
    pub communication_style: Option<CommunicationStyle>,
    /// The owner's, an admin's and a service's view only.
    pub private: Option<Private>,
}

#[derive(Clone, Debug)]
pub struct Social {
    pub first_name: Option<String>,
    pub preferred_name: Option<String>,
    pub bio: Option<String>,
    pub gender: Option<String>,
    pub occupation: Option<String>,
    pub location_name: Option<String>,
    pub current_photo: Option<(PhotoId, String)>,
    pub face_card_photo: Option<(PhotoId, String)>,
    pub age: Option<i32>,
    pub authentic_until: Option<DateTime<Utc>>,
    pub authentic: bool,
    pub created_at: Option<DateTime<Utc>>,
    pub updated_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug)]
pub struct Private {
    pub email: String,
    pub phone_number: Option<String>,
    pub last_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub personal_updated_at: Option<DateTime<Utc>>,
    pub position: Option<(f64, f64)>,
    pub max_travel_km: Option<i32>,
    pub opted_in: bool,
    pub matching_updated_at: Option<DateTime<Utc>>,
}

fn not_found() -> Error {
    Error::NotFound {
        what: "profile",
        field: "user_id",
    }
}

impl Profile {
    fn view(row: ProfileRow, full: bool, now: DateTime<Utc>) -> Profile {
        let authentic_until = row
            .newest_in_app_photo_at
            .and_then(|at| at.checked_add_months(AUTHENTIC_FOR));
        let private = full.then(|| Private {
            email: row.email,
            phone_number: row.phone_number,
            last_name: row.last_name,
            birth_date: row.birth_date,
            personal_updated_at: row.personal_updated_at,
            position: row.latitude.zip(row.longitude),
            max_travel_km: row.max_travel_km,
            opted_in: row.opted_in.unwrap_or(false),
            matching_updated_at: row.matching_updated_at,
        });
        Profile {
            user_id: row.user_id,
            social: Social {
                first_name: row.first_name,
                preferred_name: row.preferred_name,
                bio: row.bio,
                gender: row.gender,
                occupation: row.occupation,
                location_name: row.location_name,
                current_photo: row.current_photo_id.zip(row.current_photo_url),
                face_card_photo: row.face_card_photo_id.zip(row.face_card_photo_url),
                age: row.birth_date.map(|birth| age_on(birth, now.date_naive())),
                authentic: authentic_until.is_some_and(|until| until > now),
                authentic_until,
                created_at: row.social_created_at,
                updated_at: row.social_updated_at,
            },
            communication_style: row.communication_style,
            private,
        }
    }
}

/// What `acting` may see of `user`'s profile.
pub async fn get(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
) -> Result<Profile, Error> {
    let full = acting.actor.may_read_private(user);
    // Those who may read the private view are never hidden by a block.
    let viewer = match &acting.actor {
        Actor::Person(viewer) if !full => Some(viewer.id),
        _ => None,
    };
    let row = profiles::find(conn, user, viewer)
        .await?
        .ok_or_else(not_found)?;
    if !full && (row.status != AccountStatus::Active || row.blocked) {
        return Err(not_found());
    }
    Ok(Profile::view(row, full, Utc::now()))
}

/// The owner may edit their profile, an admin anyone's; the account must exist.
async fn check_editable(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
) -> Result<(), Error> {
    acting.actor.may_edit(user)?;
    accounts::find(conn, user).await?.ok_or_else(not_found)?;
    Ok(())
}

/// An admin changing someone else's profile leaves an audit row naming the changed fields
/// (`part` is the part of the profile, `paths` the request's mask paths).
pub async fn audit_admin_edit(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
    (resource_type, resource_id): (&'static str, String),
    part: &str,
    paths: &[String],
) -> Result<(), Error> {
    if acting.actor.is_admin() && acting.actor.user_id() != Some(user) {
        let entry = AuditEntry {
            action: "PROFILE_UPDATED_BY_ADMIN",
            resource_type,
            resource_id,
            subject: Some(user),
            metadata: json!({ "part": part, "paths": paths }),
        };
        audit::record(conn, acting, entry).await?;
    }
    Ok(())
}

/// The resource an edit of `user`'s profile is audited under.
fn profile_resource(user: UserId) -> (&'static str, String) {
    ("profile", user.to_string())
}

pub async fn update_personal(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
    changes: PersonalChanges,
    paths: &[String],
) -> Result<Profile, Error> {
    check_editable(conn, acting, user).await?;
    conn.transaction::<_, Error, _>(async |conn| {
        profiles::update_personal(conn, user, &changes, Utc::now()).await?;
        let resource = profile_resource(user);
        audit_admin_edit(conn, acting, user, resource, "personal_details", paths).await
    })
    .await?;
    get(conn, acting, user).await
}

/// Field names of the photo references, as the request names them.
pub const CURRENT_PHOTO_FIELD: &str = "social_profile.current_photo_id";
pub const FACE_CARD_FIELD: &str = "social_profile.face_card_photo_id";

pub async fn update_social(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
    changes: SocialChanges,
    paths: &[String],
) -> Result<Profile, Error> {
    check_editable(conn, acting, user).await?;
    conn.transaction::<_, Error, _>(async |conn| {
        // Locks nothing: a photo deleted concurrently clears the reference by its foreign key.
        for (field, photo) in [
            (CURRENT_PHOTO_FIELD, changes.current_photo_id),
            (FACE_CARD_FIELD, changes.current_face_card_photo_id),
        ] {
            if let Some(Some(photo)) = photo
                && !photo_store::belongs_to(conn, photo, user).await?
            {
                return Err(Error::invalid(field, "is not one of this person's photos"));
            }
        }
        profiles::update_social(conn, user, &changes, Utc::now()).await?;
        let resource = profile_resource(user);
        audit_admin_edit(conn, acting, user, resource, "social_profile", paths).await
    })
    .await?;
    get(conn, acting, user).await
}

pub async fn update_matching(
    conn: &mut AsyncPgConnection,
    acting: &Acting,
    user: UserId,
    changes: MatchingChanges,
    paths: &[String],
) -> Result<Profile, Error> {
    check_editable(conn, acting, user).await?;
    conn.transaction::<_, Error, _>(async |conn| {
        let (has_position, has_distance, opted_in) =
            profiles::update_matching(conn, user, &changes, Utc::now()).await?;
        if opted_in && !(has_position && has_distance) {
            return Err(Error::FailedPrecondition {
                reason: "MATCHING_PROFILE_INCOMPLETE",
                message: "taking part in matching needs a position and a max_travel_km".to_owned(),
            });
        }
        let resource = profile_resource(user);
        audit_admin_edit(conn, acting, user, resource, "matching_profile", paths).await
    })
    .await?;
    get(conn, acting, user).await
}
