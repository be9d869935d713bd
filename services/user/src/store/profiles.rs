//! The three profile tables (personal_details, social_profiles, matching_profiles) and the
//! one query that reads a whole profile.

use chrono::{DateTime, NaiveDate, Utc};
use circle_core::db::{OptionalRow, StoreError};
use circle_core::prepared::prepared;
use diesel::prelude::*;
use diesel::sql_types::{Bool, Date, Double, Integer, Nullable, Text, Timestamptz, Uuid};
use diesel_async::{AsyncPgConnection, RunQueryDsl};

use crate::domain::profile::CommunicationStyle;
use crate::domain::{AccountStatus, PhotoId, UserId};
use crate::schema::users::{matching_profiles, personal_details, social_profiles};

/// Everything about one person that any view of the profile shows, from one round trip.
#[derive(Clone, Debug, QueryableByName)]
pub struct ProfileRow {
    #[diesel(sql_type = Uuid)]
    pub user_id: UserId,
    #[diesel(sql_type = Text)]
    pub status: AccountStatus,
    #[diesel(sql_type = Text)]
    pub email: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub phone_number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub last_name: Option<String>,
    #[diesel(sql_type = Nullable<Date>)]
    pub birth_date: Option<NaiveDate>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub personal_updated_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Text>)]
    pub first_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub preferred_name: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub bio: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub gender: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub occupation: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub location_name: Option<String>,
    #[diesel(sql_type = Nullable<Uuid>)]
    pub current_photo_id: Option<PhotoId>,
    #[diesel(sql_type = Nullable<Text>)]
    pub current_photo_url: Option<String>,
    #[diesel(sql_type = Nullable<Uuid>)]
    pub face_card_photo_id: Option<PhotoId>,
    #[diesel(sql_type = Nullable<Text>)]
    pub face_card_photo_url: Option<String>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub social_created_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub social_updated_at: Option<DateTime<Utc>>,
    /// The upload time of the newest photo taken in the app.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub newest_in_app_photo_at: Option<DateTime<Utc>>,
    #[diesel(sql_type = Nullable<Double>)]
    pub latitude: Option<f64>,
    #[diesel(sql_type = Nullable<Double>)]
    pub longitude: Option<f64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub communication_style: Option<CommunicationStyle>,
    #[diesel(sql_type = Nullable<Integer>)]
    pub max_travel_km: Option<i32>,
    #[diesel(sql_type = Nullable<Bool>)]
    pub opted_in: Option<bool>,
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub matching_updated_at: Option<DateTime<Utc>>,
    /// Whether a block stands between the person and the viewer (false without a viewer).
    #[diesel(sql_type = Bool)]
    pub blocked: bool,
}

const FIND_PROFILE: &str = "\
SELECT a.id AS user_id, a.status, a.email,
       pd.phone_number, pd.last_name, pd.birth_date, pd.updated_at AS personal_updated_at,
       sp.first_name, sp.preferred_name, sp.bio, sp.gender, sp.occupation, sp.location_name,
       sp.current_photo_id, cp.image_url AS current_photo_url,
       sp.current_face_card_photo_id AS face_card_photo_id, fp.image_url AS face_card_photo_url,
       sp.created_at AS social_created_at, sp.updated_at AS social_updated_at,
       (SELECT max(p.created_at) FROM profile_photos p
         WHERE p.user_id = a.id AND p.taken_in_app) AS newest_in_app_photo_at,
       mp.latitude, mp.longitude, mp.communication_style, mp.max_travel_km, mp.opted_in,
       mp.updated_at AS matching_updated_at,
       (EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = $2 AND b.blocked_id = a.id)
        OR EXISTS (SELECT 1 FROM blocks b WHERE b.blocker_id = a.id AND b.blocked_id = $2))
         AS blocked
  FROM accounts a
  LEFT JOIN personal_details pd ON pd.user_id = a.id
  LEFT JOIN social_profiles sp ON sp.user_id = a.id
  LEFT JOIN matching_profiles mp ON mp.user_id = a.id
  LEFT JOIN profile_photos cp ON cp.id = sp.current_photo_id
  LEFT JOIN profile_photos fp ON fp.id = sp.current_face_card_photo_id
 WHERE a.id = $1";

/// The whole profile of `user` (empty views when nothing was written yet) and whether a block
/// stands between them and `viewer`, or `None` when there is no such account. The block check
/// rides along because every public read needs it and a round trip costs more than the check.
pub async fn find(
    conn: &mut AsyncPgConnection,
    user: UserId,
    viewer: Option<UserId>,
) -> Result<Option<ProfileRow>, StoreError> {
    prepared(FIND_PROFILE)
        .bind::<Uuid, _>(user)
        .bind::<Nullable<Uuid>, _>(viewer)
        .get_result(conn)
        .await
        .optional_row()
}

/// Changes of the private details; `None` leaves a column alone, `Some(None)` clears it.
#[derive(AsChangeset, Default)]
#[diesel(table_name = personal_details)]
pub struct PersonalChanges {
    pub phone_number: Option<Option<String>>,
    pub last_name: Option<Option<String>>,
    pub birth_date: Option<Option<NaiveDate>>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = social_profiles)]
pub struct SocialChanges {
    pub first_name: Option<Option<String>>,
    pub preferred_name: Option<Option<String>>,
    pub bio: Option<Option<String>>,
    pub gender: Option<Option<String>>,
    pub occupation: Option<Option<String>>,
    pub location_name: Option<Option<String>>,
    pub current_photo_id: Option<Option<PhotoId>>,
    pub current_face_card_photo_id: Option<Option<PhotoId>>,
}

#[derive(AsChangeset, Default)]
#[diesel(table_name = matching_profiles)]
pub struct MatchingChanges {
    pub latitude: Option<Option<f64>>,
    pub longitude: Option<Option<f64>>,
    pub communication_style: Option<Option<CommunicationStyle>>,
    pub max_travel_km: Option<Option<i32>>,
    pub opted_in: Option<bool>,
}

/// Applies `changes` to `user`'s private details, creating the row on first write.
pub async fn update_personal(
    conn: &mut AsyncPgConnection,
    user: UserId,
    changes: &PersonalChanges,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(personal_details::table)
        .values(personal_details::user_id.eq(user))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    diesel::update(personal_details::table.find(user))
        .set((changes, personal_details::updated_at.eq(at)))
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn update_social(
    conn: &mut AsyncPgConnection,
    user: UserId,
    changes: &SocialChanges,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    diesel::insert_into(social_profiles::table)
        .values(social_profiles::user_id.eq(user))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    diesel::update(social_profiles::table.find(user))
        .set((changes, social_profiles::updated_at.eq(at)))
        .execute(conn)
        .await?;
    Ok(())
}

/// The matching fields after the change: (has a position, has a travel distance, opted in).
pub async fn update_matching(
    conn: &mut AsyncPgConnection,
    user: UserId,
    changes: &MatchingChanges,
    at: DateTime<Utc>,
) -> Result<(bool, bool, bool), StoreError> {
    diesel::insert_into(matching_profiles::table)
        .values(matching_profiles::user_id.eq(user))
        .on_conflict_do_nothing()
        .execute(conn)
        .await?;
    let (latitude, max_travel_km, opted_in) = diesel::update(matching_profiles::table.find(user))
        .set((changes, matching_profiles::updated_at.eq(at)))
        .returning((
            matching_profiles::latitude,
            matching_profiles::max_travel_km,
            matching_profiles::opted_in,
        ))
        .get_result::<(Option<f64>, Option<i32>, bool)>(conn)
        .await?;
    Ok((latitude.is_some(), max_travel_km.is_some(), opted_in))
}
