//! circle.edge.v1.ProfileService: profiles and profile photos, answered by the user service,
//! which decides what each caller sees and may change.
//!
//! The public messages are wire-identical copies of the internal ones (see
//! [`crate::wire_copy`]); only the updates are written by hand, since they pass the writable
//! fields of a profile and leave its output-only ones behind.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::profile_service_server::ProfileService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::profile_service_client::ProfileServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, promised, relay};
use crate::upstream::USER;
use crate::validate;

pub struct ProfileApi {
    context: Context,
    profiles: ProfileServiceClient<Channel>,
}

impl ProfileApi {
    pub fn new(context: Context) -> Self {
        Self {
            profiles: ProfileServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

#[tonic::async_trait]
impl ProfileService for ProfileApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_profile(
        &self,
        request: Request<edge::GetProfileRequest>,
    ) -> Result<Response<edge::GetProfileResponse>, Status> {
        let answer: edge::GetProfileResponse = relay!(
            self,
            request,
            USER,
            profiles.get_profile,
            user::GetProfileRequest
        );
        promised(USER, &answer.profile, "profile")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_personal_details(
        &self,
        request: Request<edge::UpdatePersonalDetailsRequest>,
    ) -> Result<Response<edge::UpdatePersonalDetailsResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::UpdatePersonalDetailsRequest {
            user_id,
            personal_details,
            update_mask,
        } = request.into_inner();
        let message = user::UpdatePersonalDetailsRequest {
            user_id,
            personal_details: personal_details.map(
                |edge::PersonalDetails {
                     email: _,
                     phone_number,
                     last_name,
                     birth_date,
                     update_time: _,
                 }| user::PersonalDetails {
                    phone_number,
                    last_name,
                    birth_date,
                    ..Default::default()
                },
            ),
            update_mask,
        };
        let answer: edge::UpdatePersonalDetailsResponse =
            relay!(self, message => person, USER, profiles.update_personal_details);
        promised(USER, &answer.profile, "profile")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_social_profile(
        &self,
        request: Request<edge::UpdateSocialProfileRequest>,
    ) -> Result<Response<edge::UpdateSocialProfileResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::UpdateSocialProfileRequest {
            user_id,
            social_profile,
            update_mask,
        } = request.into_inner();
        let message = user::UpdateSocialProfileRequest {
            user_id,
            social_profile: social_profile.map(social_profile_in),
            update_mask,
        };
        let answer: edge::UpdateSocialProfileResponse =
            relay!(self, message => person, USER, profiles.update_social_profile);
        promised(USER, &answer.profile, "profile")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_matching_profile(
        &self,
        request: Request<edge::UpdateMatchingProfileRequest>,
    ) -> Result<Response<edge::UpdateMatchingProfileResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::UpdateMatchingProfileRequest {
            user_id,
            matching_profile,
            update_mask,
        } = request.into_inner();
        let message = user::UpdateMatchingProfileRequest {
            user_id,
            matching_profile: matching_profile.map(
                |edge::MatchingProfile {
                     communication_style,
                     position,
                     max_travel_km,
                     opted_in,
                     update_time: _,
                 }| user::MatchingProfile {
                    // The enums are wire-identical: a number the edge does not know reaches
                    // the user service as is, to be refused there by name.
                    communication_style,
                    position,
                    max_travel_km,
                    opted_in,
                    update_time: None,
                },
            ),
            update_mask,
        };
        let answer: edge::UpdateMatchingProfileResponse =
            relay!(self, message => person, USER, profiles.update_matching_profile);
        promised(USER, &answer.profile, "profile")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn create_profile_photo(
        &self,
        request: Request<edge::CreateProfilePhotoRequest>,
    ) -> Result<Response<edge::CreateProfilePhotoResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::CreateProfilePhotoRequest {
            request_id,
            image_url,
            ..
        } = request.get_ref();
        validate::required("request_id", request_id)?;
        validate::required("image_url", image_url)?;
        let answer: edge::CreateProfilePhotoResponse = relay!(
            self,
            request as person,
            USER,
            profiles.create_profile_photo,
            user::CreateProfilePhotoRequest
        );
        promised(USER, &answer.photo, "photo")?;
        Ok(Response::new(answer))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_profile_photos(
        &self,
        request: Request<edge::ListProfilePhotosRequest>,
    ) -> Result<Response<edge::ListProfilePhotosResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::page_size(request.get_ref().page_size)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            profiles.list_profile_photos,
            user::ListProfilePhotosRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn delete_profile_photo(
        &self,
        request: Request<edge::DeleteProfilePhotoRequest>,
    ) -> Result<Response<edge::DeleteProfilePhotoResponse>, Status> {
        Ok(Response::new(relay!(
            self,
            request,
            USER,
            profiles.delete_profile_photo,
            user::DeleteProfilePhotoRequest
        )))
    }
}

/// The writable fields of a social profile; output-only ones are not passed inside.
fn social_profile_in(social: edge::SocialProfile) -> user::SocialProfile {
    let edge::SocialProfile {
        first_name,
        preferred_name,
        bio,
        gender,
        occupation,
        location_name,
        current_photo_id,
        face_card_photo_id,
        current_photo_url: _,
        face_card_photo_url: _,
        age: _,
        authentic: _,
        authentic_until: _,
        create_time: _,
        update_time: _,
    } = social;
    user::SocialProfile {
        first_name,
        preferred_name,
        bio,
        gender,
        occupation,
        location_name,
        current_photo_id,
        face_card_photo_id,
        ..Default::default()
    }
}
