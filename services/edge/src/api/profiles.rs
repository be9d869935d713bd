//! circle.edge.v1.ProfileService: profiles and profile photos, answered by the user service,
//! which decides what each caller sees and may change.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::profile_service_server::ProfileService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::profile_service_client::ProfileServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::error::Error;
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

/// The profile a response must carry.
fn required_profile(profile: Option<user::Profile>) -> Result<edge::Profile, Error> {
    profile.map(translate_profile).ok_or(Error::Contract {
        service: USER,
        missing: "profile",
    })
}

#[tonic::async_trait]
impl ProfileService for ProfileApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_profile(
        &self,
        request: Request<edge::GetProfileRequest>,
    ) -> Result<Response<edge::GetProfileResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::GetProfileRequest { user_id } = request.into_inner();
        let message = user::GetProfileRequest { user_id };
        let user::GetProfileResponse { profile } = self
            .context
            .upstream
            .call(
                USER,
                &self.profiles,
                &person.acting,
                message,
                |mut c, r| async move { c.get_profile(r).await },
            )
            .await?;
        Ok(Response::new(edge::GetProfileResponse {
            profile: Some(required_profile(profile)?),
        }))
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
        let user::UpdatePersonalDetailsResponse { profile } = self
            .context
            .upstream
            .call(
                USER,
                &self.profiles,
                &person.acting,
                message,
                |mut c, r| async move { c.update_personal_details(r).await },
            )
            .await?;
        Ok(Response::new(edge::UpdatePersonalDetailsResponse {
            profile: Some(required_profile(profile)?),
        }))
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
        let user::UpdateSocialProfileResponse { profile } = self
            .context
            .upstream
            .call(
                USER,
                &self.profiles,
                &person.acting,
                message,
                |mut c, r| async move { c.update_social_profile(r).await },
            )
            .await?;
        Ok(Response::new(edge::UpdateSocialProfileResponse {
            profile: Some(required_profile(profile)?),
        }))
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
                    communication_style: communication_style_in(communication_style),
                    position,
                    max_travel_km,
                    opted_in,
                    update_time: None,
                },
            ),
            update_mask,
        };
        let user::UpdateMatchingProfileResponse { profile } = self
            .context
            .upstream
            .call(
                USER,
                &self.profiles,
                &person.acting,
                message,
                |mut c, r| async move { c.update_matching_profile(r).await },
            )
            .await?;
        Ok(Response::new(edge::UpdateMatchingProfileResponse {
            profile: Some(required_profile(profile)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn create_profile_photo(
        &self,
        request: Request<edge::CreateProfilePhotoRequest>,
    ) -> Result<Response<edge::CreateProfilePhotoResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::CreateProfilePhotoRequest {
            user_id,
            request_id,
            image_url,
            taken_in_app,
        } = request.into_inner();
        validate::required("request_id", &request_id)?;
        validate::required("image_url", &image_url)?;
        let message = user::CreateProfilePhotoRequest {
            user_id,
            request_id,
            image_url,
            taken_in_app,
        };
        let user::CreateProfilePhotoResponse { photo } = self
            .context
            .upstream
            .call(
                USER,
                &self.profiles,
                &person.acting,
                message,
                |mut c, r| async move { c.create_profile_photo(r).await },
            )
            .await?;
        let photo = photo.map(photo_out).ok_or(Error::Contract {
            service: USER,
            missing: "photo",
        })?;
        Ok(Response::new(edge::CreateProfilePhotoResponse {
            photo: Some(photo),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_profile_photos(
        &self,
        request: Request<edge::ListProfilePhotosRequest>,
    ) -> Result<Response<edge::ListProfilePhotosResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::ListProfilePhotosRequest {
            user_id,
            page_size,
            page_token,
        } = request.into_inner();
        validate::page_size(page_size)?;
        let message = user::ListProfilePhotosRequest {
            user_id,
            page_size,
            page_token,
        };
        let user::ListProfilePhotosResponse {
            photos,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.profiles,
                &person.acting,
                message,
                |mut c, r| async move { c.list_profile_photos(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListProfilePhotosResponse {
            photos: photos.into_iter().map(photo_out).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn delete_profile_photo(
        &self,
        request: Request<edge::DeleteProfilePhotoRequest>,
    ) -> Result<Response<edge::DeleteProfilePhotoResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::DeleteProfilePhotoRequest { photo_id } = request.into_inner();
        let message = user::DeleteProfilePhotoRequest { photo_id };
        let user::DeleteProfilePhotoResponse {} = self
            .context
            .upstream
            .call(
                USER,
                &self.profiles,
                &person.acting,
                message,
                |mut c, r| async move { c.delete_profile_photo(r).await },
            )
            .await?;
        Ok(Response::new(edge::DeleteProfilePhotoResponse {}))
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

fn translate_profile(profile: user::Profile) -> edge::Profile {
    let user::Profile {
        user_id,
        view,
        social_profile,
        matching_profile,
        personal_details,
    } = profile;
    edge::Profile {
        user_id,
        view: profile_view(view) as i32,
        social_profile: social_profile.map(social_profile_out),
        matching_profile: matching_profile.map(
            |user::MatchingProfile {
                 communication_style,
                 position,
                 max_travel_km,
                 opted_in,
                 update_time,
             }| edge::MatchingProfile {
                communication_style: communication_style_out(communication_style) as i32,
                position,
                max_travel_km,
                opted_in,
                update_time,
            },
        ),
        personal_details: personal_details.map(
            |user::PersonalDetails {
                 email,
                 phone_number,
                 last_name,
                 birth_date,
                 update_time,
             }| edge::PersonalDetails {
                email,
                phone_number,
                last_name,
                birth_date,
                update_time,
            },
        ),
    }
}

fn social_profile_out(social: user::SocialProfile) -> edge::SocialProfile {
    let user::SocialProfile {
        first_name,
        preferred_name,
        bio,
        gender,
        occupation,
        location_name,
        current_photo_id,
        face_card_photo_id,
        current_photo_url,
        face_card_photo_url,
        age,
        authentic,
        authentic_until,
        create_time,
        update_time,
    } = social;
    edge::SocialProfile {
        first_name,
        preferred_name,
        bio,
        gender,
        occupation,
        location_name,
        current_photo_id,
        face_card_photo_id,
        current_photo_url,
        face_card_photo_url,
        age,
        authentic,
        authentic_until,
        create_time,
        update_time,
    }
}

fn photo_out(photo: user::ProfilePhoto) -> edge::ProfilePhoto {
    let user::ProfilePhoto {
        id,
        user_id,
        image_url,
        taken_in_app,
        create_time,
    } = photo;
    edge::ProfilePhoto {
        id,
        user_id,
        image_url,
        taken_in_app,
        create_time,
    }
}

fn profile_view(view: i32) -> edge::ProfileView {
    use edge::ProfileView as Out;
    use user::ProfileView as In;
    match In::try_from(view) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::Public) => Out::Public,
        Ok(In::Full) => Out::Full,
    }
}

fn communication_style_out(style: i32) -> edge::CommunicationStyle {
    use edge::CommunicationStyle as Out;
    use user::CommunicationStyle as In;
    match In::try_from(style) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::Direct) => Out::Direct,
        Ok(In::Thoughtful) => Out::Thoughtful,
        Ok(In::Supportive) => Out::Supportive,
        Ok(In::Analytical) => Out::Analytical,
        Ok(In::Expressive) => Out::Expressive,
    }
}

/// A number the edge does not know is passed as is, for the user service to refuse by name.
fn communication_style_in(style: i32) -> i32 {
    use edge::CommunicationStyle as In;
    use user::CommunicationStyle as Out;
    match In::try_from(style) {
        Ok(In::Unspecified) => Out::Unspecified as i32,
        Ok(In::Direct) => Out::Direct as i32,
        Ok(In::Thoughtful) => Out::Thoughtful as i32,
        Ok(In::Supportive) => Out::Supportive as i32,
        Ok(In::Analytical) => Out::Analytical as i32,
        Ok(In::Expressive) => Out::Expressive as i32,
        Err(_) => style,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_communication_style_has_its_twin_both_ways() {
        for style in 0..=5 {
            assert_eq!(
                communication_style_out(communication_style_in(style)) as i32,
                style
            );
        }
        assert_eq!(communication_style_in(99), 99);
        assert_eq!(
            communication_style_out(99),
            edge::CommunicationStyle::Unspecified
        );
    }
}
