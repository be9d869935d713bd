//! circle.user.v1.ProfileService: the three views of a person, their updates by field mask,
//! and profile photos.

use circle_core::paging::{Cursor, page_size};
use circle_core::text::Lines;
use circle_core::wire::{mask_paths, timestamp, uuid};
use circle_proto::common::v1::GeoPoint;
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::profile_service_server::ProfileService;
use tonic::{Request, Response, Status};

use crate::access::Acting;
use crate::domain::profile::{self as values, CommunicationStyle};
use crate::domain::{PhotoId, UserId};
use crate::error::Error;
use crate::profiles::photos::{self, NewPhoto};
use crate::profiles::{self, CURRENT_PHOTO_FIELD, FACE_CARD_FIELD, Profile};
use crate::state::AppState;
use crate::store::photos::Photo;
use crate::store::profiles::{MatchingChanges, PersonalChanges, SocialChanges};

const MAX_NAME_CHARS: usize = 50;
const MAX_BIO_CHARS: usize = 500;
const MAX_SHORT_TEXT_CHARS: usize = 100;

pub struct ProfileApi {
    state: AppState,
}

impl ProfileApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

fn user_id(value: &str) -> Result<UserId, Status> {
    uuid("user_id", value).map(UserId::from)
}

fn profile_response(profile: Profile) -> Option<pb::Profile> {
    Some(profile.into())
}

#[tonic::async_trait]
impl ProfileService for ProfileApi {
    #[tracing::instrument(skip_all)]
    async fn get_profile(
        &self,
        request: Request<pb::GetProfileRequest>,
    ) -> Result<Response<pb::GetProfileResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let user = user_id(&request.get_ref().user_id)?;
        let profile = profiles::get(&mut conn, &acting, user).await?;
        Ok(Response::new(pb::GetProfileResponse {
            profile: profile_response(profile),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_personal_details(
        &self,
        request: Request<pb::UpdatePersonalDetailsRequest>,
    ) -> Result<Response<pb::UpdatePersonalDetailsResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::UpdatePersonalDetailsRequest {
            user_id: user,
            personal_details,
            update_mask,
        } = request.into_inner();
        let user = user_id(&user)?;
        let paths = mask_paths(
            update_mask.as_ref(),
            &["phone_number", "last_name", "birth_date"],
        )?;
        let details = personal_details.unwrap_or_default();
        let today = chrono::Utc::now().date_naive();
        let mut changes = PersonalChanges::default();
        for path in &paths {
            match path.as_str() {
                "phone_number" => {
                    changes.phone_number = Some(values::phone_number(
                        "personal_details.phone_number",
                        &details.phone_number,
                    )?)
                }
                "last_name" => {
                    changes.last_name = Some(values::optional_text(
                        "personal_details.last_name",
                        &details.last_name,
                        MAX_NAME_CHARS,
                        Lines::Single,
                    )?)
                }
                _ => {
                    changes.birth_date = Some(values::birth_date(
                        "personal_details.birth_date",
                        &details.birth_date,
                        today,
                    )?)
                }
            }
        }
        let profile = profiles::update_personal(&mut conn, &acting, user, changes, &paths).await?;
        Ok(Response::new(pb::UpdatePersonalDetailsResponse {
            profile: profile_response(profile),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_social_profile(
        &self,
        request: Request<pb::UpdateSocialProfileRequest>,
    ) -> Result<Response<pb::UpdateSocialProfileResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::UpdateSocialProfileRequest {
            user_id: user,
            social_profile,
            update_mask,
        } = request.into_inner();
        let user = user_id(&user)?;
        let paths = mask_paths(
            update_mask.as_ref(),
            &[
                "first_name",
                "preferred_name",
                "bio",
                "gender",
                "occupation",
                "location_name",
                "current_photo_id",
                "face_card_photo_id",
            ],
        )?;
        let social = social_profile.unwrap_or_default();
        let text = |field: &'static str, value: &str, max: usize, lines: Lines| {
            values::optional_text(field, value, max, lines).map(Some)
        };
        let photo = |field: &'static str, value: &str| -> Result<_, Status> {
            Ok(Some(
                circle_core::wire::optional_uuid(field, value)?.map(PhotoId::from),
            ))
        };
        let mut changes = SocialChanges::default();
        for path in &paths {
            match path.as_str() {
                "first_name" => {
                    changes.first_name = text(
                        "social_profile.first_name",
                        &social.first_name,
                        MAX_NAME_CHARS,
                        Lines::Single,
                    )?
                }
                "preferred_name" => {
                    changes.preferred_name = text(
                        "social_profile.preferred_name",
                        &social.preferred_name,
                        MAX_NAME_CHARS,
                        Lines::Single,
                    )?
                }
                "bio" => {
                    changes.bio = text(
                        "social_profile.bio",
                        &social.bio,
                        MAX_BIO_CHARS,
                        Lines::Multi,
                    )?
                }
                "gender" => {
                    changes.gender = text(
                        "social_profile.gender",
                        &social.gender,
                        MAX_NAME_CHARS,
                        Lines::Single,
                    )?
                }
                "occupation" => {
                    changes.occupation = text(
                        "social_profile.occupation",
                        &social.occupation,
                        MAX_SHORT_TEXT_CHARS,
                        Lines::Single,
                    )?
                }
                "location_name" => {
                    changes.location_name = text(
                        "social_profile.location_name",
                        &social.location_name,
                        MAX_SHORT_TEXT_CHARS,
                        Lines::Single,
                    )?
                }
                "current_photo_id" => {
                    changes.current_photo_id = photo(CURRENT_PHOTO_FIELD, &social.current_photo_id)?
                }
                _ => {
                    changes.current_face_card_photo_id =
                        photo(FACE_CARD_FIELD, &social.face_card_photo_id)?
                }
            }
        }
        let profile = profiles::update_social(&mut conn, &acting, user, changes, &paths).await?;
        Ok(Response::new(pb::UpdateSocialProfileResponse {
            profile: profile_response(profile),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_matching_profile(
        &self,
        request: Request<pb::UpdateMatchingProfileRequest>,
    ) -> Result<Response<pb::UpdateMatchingProfileResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::UpdateMatchingProfileRequest {
            user_id: user,
            matching_profile,
            update_mask,
        } = request.into_inner();
        let user = user_id(&user)?;
        let paths = mask_paths(
            update_mask.as_ref(),
            &[
                "communication_style",
                "position",
                "max_travel_km",
                "opted_in",
            ],
        )?;
        let matching = matching_profile.unwrap_or_default();
        let mut changes = MatchingChanges::default();
        for path in &paths {
            match path.as_str() {
                "communication_style" => {
                    changes.communication_style =
                        Some(communication_style(matching.communication_style)?)
                }
                "position" => {
                    let position = matching
                        .position
                        .map(
                            |GeoPoint {
                                 latitude,
                                 longitude,
                             }| {
                                values::position("matching_profile.position", latitude, longitude)
                            },
                        )
                        .transpose()?;
                    changes.latitude = Some(position.map(|(latitude, _)| latitude));
                    changes.longitude = Some(position.map(|(_, longitude)| longitude));
                }
                "max_travel_km" => {
                    changes.max_travel_km = Some(values::max_travel_km(
                        "matching_profile.max_travel_km",
                        matching.max_travel_km,
                    )?)
                }
                _ => changes.opted_in = Some(matching.opted_in),
            }
        }
        let profile = profiles::update_matching(&mut conn, &acting, user, changes, &paths).await?;
        Ok(Response::new(pb::UpdateMatchingProfileResponse {
            profile: profile_response(profile),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn create_profile_photo(
        &self,
        request: Request<pb::CreateProfilePhotoRequest>,
    ) -> Result<Response<pb::CreateProfilePhotoResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::CreateProfilePhotoRequest {
            user_id: user,
            request_id,
            image_url,
            taken_in_app,
        } = request.into_inner();
        let new = NewPhoto {
            user: user_id(&user)?,
            request_id: uuid("request_id", &request_id)?,
            image_url: values::https_url("image_url", &image_url)?,
            taken_in_app,
        };
        let photo = photos::create(&mut conn, &acting, new).await?;
        Ok(Response::new(pb::CreateProfilePhotoResponse {
            photo: Some(photo.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_profile_photos(
        &self,
        request: Request<pb::ListProfilePhotosRequest>,
    ) -> Result<Response<pb::ListProfilePhotosResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::ListProfilePhotosRequest {
            user_id: user,
            page_size: size,
            page_token,
        } = request.into_inner();
        let user = user_id(&user)?;
        let size = page_size(size)?;
        let after = Cursor::decode(&page_token)?;
        let (page, next) = photos::list(&mut conn, &acting, user, after, size).await?;
        Ok(Response::new(pb::ListProfilePhotosResponse {
            photos: page.into_iter().map(Into::into).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn delete_profile_photo(
        &self,
        request: Request<pb::DeleteProfilePhotoRequest>,
    ) -> Result<Response<pb::DeleteProfilePhotoResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let photo = uuid("photo_id", &request.get_ref().photo_id).map(PhotoId::from)?;
        photos::delete(&mut conn, &acting, photo).await?;
        Ok(Response::new(pb::DeleteProfilePhotoResponse {}))
    }
}

/// UNSPECIFIED clears the style; a number this contract does not know is refused.
fn communication_style(value: i32) -> Result<Option<CommunicationStyle>, Error> {
    use pb::CommunicationStyle as Wire;
    match Wire::try_from(value) {
        Ok(Wire::Unspecified) => Ok(None),
        Ok(Wire::Direct) => Ok(Some(CommunicationStyle::Direct)),
        Ok(Wire::Thoughtful) => Ok(Some(CommunicationStyle::Thoughtful)),
        Ok(Wire::Supportive) => Ok(Some(CommunicationStyle::Supportive)),
        Ok(Wire::Analytical) => Ok(Some(CommunicationStyle::Analytical)),
        Ok(Wire::Expressive) => Ok(Some(CommunicationStyle::Expressive)),
        Err(_) => Err(Error::invalid(
            "matching_profile.communication_style",
            "is not a known communication style",
        )),
    }
}

impl From<CommunicationStyle> for pb::CommunicationStyle {
    fn from(style: CommunicationStyle) -> Self {
        match style {
            CommunicationStyle::Direct => pb::CommunicationStyle::Direct,
            CommunicationStyle::Thoughtful => pb::CommunicationStyle::Thoughtful,
            CommunicationStyle::Supportive => pb::CommunicationStyle::Supportive,
            CommunicationStyle::Analytical => pb::CommunicationStyle::Analytical,
            CommunicationStyle::Expressive => pb::CommunicationStyle::Expressive,
        }
    }
}

impl From<Profile> for pb::Profile {
    fn from(profile: Profile) -> Self {
        let Profile {
            user_id,
            social,
            communication_style,
            private,
        } = profile;
        let communication_style = communication_style
            .map(pb::CommunicationStyle::from)
            .unwrap_or(pb::CommunicationStyle::Unspecified)
            as i32;
        let (current_photo_id, current_photo_url) = photo_ref(social.current_photo);
        let (face_card_photo_id, face_card_photo_url) = photo_ref(social.face_card_photo);
        let social_profile = pb::SocialProfile {
            first_name: social.first_name.unwrap_or_default(),
            preferred_name: social.preferred_name.unwrap_or_default(),
            bio: social.bio.unwrap_or_default(),
            gender: social.gender.unwrap_or_default(),
            occupation: social.occupation.unwrap_or_default(),
            location_name: social.location_name.unwrap_or_default(),
            current_photo_id,
            face_card_photo_id,
            current_photo_url,
            face_card_photo_url,
            age: social.age,
            authentic: social.authentic,
            authentic_until: social.authentic_until.map(timestamp),
            create_time: social.created_at.map(timestamp),
            update_time: social.updated_at.map(timestamp),
        };
        let (view, matching_profile, personal_details) = match private {
            None => (
                pb::ProfileView::Public,
                pb::MatchingProfile {
                    communication_style,
                    ..Default::default()
                },
                None,
            ),
            Some(private) => (
                pb::ProfileView::Full,
                pb::MatchingProfile {
                    communication_style,
                    position: private.position.map(|(latitude, longitude)| GeoPoint {
                        latitude,
                        longitude,
                    }),
                    max_travel_km: private.max_travel_km.unwrap_or_default(),
                    opted_in: private.opted_in,
                    update_time: private.matching_updated_at.map(timestamp),
                },
                Some(pb::PersonalDetails {
                    email: private.email,
                    phone_number: private.phone_number.unwrap_or_default(),
                    last_name: private.last_name.unwrap_or_default(),
                    birth_date: private
                        .birth_date
                        .map(|date| date.format("%Y-%m-%d").to_string())
                        .unwrap_or_default(),
                    update_time: private.personal_updated_at.map(timestamp),
                }),
            ),
        };
        pb::Profile {
            user_id: user_id.to_string(),
            view: view as i32,
            social_profile: Some(social_profile),
            matching_profile: Some(matching_profile),
            personal_details,
        }
    }
}

fn photo_ref(photo: Option<(PhotoId, String)>) -> (String, String) {
    photo
        .map(|(id, url)| (id.to_string(), url))
        .unwrap_or_default()
}

impl From<Photo> for pb::ProfilePhoto {
    fn from(photo: Photo) -> Self {
        pb::ProfilePhoto {
            id: photo.id.to_string(),
            user_id: photo.user_id.to_string(),
            image_url: photo.image_url,
            taken_in_app: photo.taken_in_app,
            create_time: Some(timestamp(photo.created_at)),
        }
    }
}
