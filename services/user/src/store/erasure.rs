//! What erasing a person does to each table of the users schema. The account row and the rows
//! other people own (their blocks, reports and memory books, the audit log) stay, keyed by the
//! now anonymous id; the person's own data is nulled or deleted.

use chrono::{DateTime, Utc};
use circle_core::db::StoreError;
use diesel::prelude::*;
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::UserId;
use crate::schema::users::{
    connect_again, connections, email_verification_codes, host_profiles, matching_profiles,
    oauth_identities, personal_details, personality_assessments, profile_interests, profile_photos,
    refresh_tokens, sessions, social_profiles,
};

/// How many rows of each kind erasure removed or anonymized, for the audit log.
#[derive(Debug, Default)]
pub struct Erased {
    pub photos: usize,
    pub assessments: usize,
    pub interests: usize,
    pub identities: usize,
    pub sessions: usize,
    pub connections: usize,
    pub snapshots: usize,
}

/// Nulls or deletes `user`'s personal data, ends their sessions (forgetting where they came
/// from) and unlinks their identity providers, so no ID token signs in to the account again.
pub async fn anonymize(
    conn: &mut AsyncPgConnection,
    user: UserId,
    at: DateTime<Utc>,
) -> Result<Erased, StoreError> {
    diesel::update(personal_details::table.find(user))
        .set((
            personal_details::phone_number.eq(None::<String>),
            personal_details::last_name.eq(None::<String>),
            personal_details::birth_date.eq(None::<chrono::NaiveDate>),
            personal_details::updated_at.eq(at),
        ))
        .execute(conn)
        .await?;
    diesel::update(social_profiles::table.find(user))
        .set((
            social_profiles::first_name.eq(None::<String>),
            social_profiles::preferred_name.eq(None::<String>),
            social_profiles::bio.eq(None::<String>),
            social_profiles::gender.eq(None::<String>),
            social_profiles::occupation.eq(None::<String>),
            social_profiles::location_name.eq(None::<String>),
            social_profiles::current_photo_id.eq(None::<uuid::Uuid>),
            social_profiles::current_face_card_photo_id.eq(None::<uuid::Uuid>),
            social_profiles::updated_at.eq(at),
        ))
        .execute(conn)
        .await?;
    diesel::update(matching_profiles::table.find(user))
        .set((
            matching_profiles::latitude.eq(None::<f64>),
            matching_profiles::longitude.eq(None::<f64>),
            matching_profiles::communication_style.eq(None::<String>),
            matching_profiles::max_travel_km.eq(None::<i32>),
            matching_profiles::opted_in.eq(false),
            matching_profiles::updated_at.eq(at),
        ))
        .execute(conn)
        .await?;
    diesel::update(host_profiles::table.filter(host_profiles::user_id.eq(user)))
        .set((
            host_profiles::host_name.eq(""),
            host_profiles::host_bio.eq(None::<String>),
            host_profiles::updated_at.eq(at),
        ))
        .execute(conn)
        .await?;
    let photos = diesel::delete(profile_photos::table.filter(profile_photos::user_id.eq(user)))
        .execute(conn)
        .await?;
    let assessments = diesel::delete(
        personality_assessments::table.filter(personality_assessments::user_id.eq(user)),
    )
    .execute(conn)
    .await?;
    let interests =
        diesel::delete(profile_interests::table.filter(profile_interests::user_id.eq(user)))
            .execute(conn)
            .await?;
    let identities =
        diesel::delete(oauth_identities::table.filter(oauth_identities::user_id.eq(user)))
            .execute(conn)
            .await?;
    diesel::delete(email_verification_codes::table.find(user))
        .execute(conn)
        .await?;
    let own_sessions = sessions::table
        .filter(sessions::user_id.eq(user))
        .select(sessions::id);
    diesel::delete(refresh_tokens::table.filter(refresh_tokens::session_id.eq_any(own_sessions)))
        .execute(conn)
        .await?;
    let sessions = diesel::update(
        sessions::table
            .filter(sessions::user_id.eq(user))
            .filter(sessions::revoked_at.is_null()),
    )
    .set(sessions::revoked_at.eq(at))
    .execute(conn)
    .await?;
    diesel::update(sessions::table.filter(sessions::user_id.eq(user)))
        .set((
            sessions::device.eq(None::<String>),
            sessions::ip_address.eq(None::<String>),
            sessions::user_agent.eq(None::<String>),
        ))
        .execute(conn)
        .await?;
    // The person's own memory book and wishes go; other people's books keep the meeting but
    // no longer how the person looked or was called.
    let connections = diesel::delete(connections::table.filter(connections::owner_id.eq(user)))
        .execute(conn)
        .await?;
    diesel::delete(connect_again::table.filter(connect_again::owner_id.eq(user)))
        .execute(conn)
        .await?;
    let snapshots = diesel::update(connections::table.filter(connections::connected_id.eq(user)))
        .set((
            connections::snapshot_name.eq(None::<String>),
            connections::snapshot_face_card_url.eq(None::<String>),
        ))
        .execute(conn)
        .await?;
    Ok(Erased {
        photos,
        assessments,
        interests,
        identities,
        sessions,
        connections,
        snapshots,
    })
}
