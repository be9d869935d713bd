//! circle.user.v1.HostProfileService: host profiles, and the ratings the event service counts.

use circle_core::text::Lines;
use circle_core::wire::{mask_paths, optional_uuid, timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::host_profile_service_server::HostProfileService;
use tonic::{Request, Response, Status};

use crate::access::Acting;
use crate::domain::UserId;
use crate::domain::profile as values;
use crate::error::Error;
use crate::profiles::hosts::{self, NewHostProfile, NewRating};
use crate::state::AppState;
use crate::store::host_profiles::{HostProfileChanges, HostProfileRow};

const MAX_HOST_NAME_CHARS: usize = 50;
const MAX_HOST_BIO_CHARS: usize = 500;

pub struct HostProfileApi {
    state: AppState,
}

impl HostProfileApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

/// The host name is required: 1 to 50 characters on one line.
fn host_name(field: &'static str, value: &str) -> Result<String, Error> {
    values::optional_text(field, value, MAX_HOST_NAME_CHARS, Lines::Single)?
        .ok_or_else(|| Error::invalid(field, "is required"))
}

fn host_bio(field: &'static str, value: &str) -> Result<Option<String>, Error> {
    values::optional_text(field, value, MAX_HOST_BIO_CHARS, Lines::Multi)
}

fn host_profile(row: HostProfileRow) -> Option<pb::HostProfile> {
    Some(pb::HostProfile {
        id: row.id.to_string(),
        user_id: row.user_id.to_string(),
        host_name: row.host_name,
        host_bio: row.host_bio.unwrap_or_default(),
        rating_sum: row.rating_sum,
        rating_count: row.rating_count,
        create_time: Some(timestamp(row.created_at)),
        update_time: Some(timestamp(row.updated_at)),
    })
}

#[tonic::async_trait]
impl HostProfileService for HostProfileApi {
    #[tracing::instrument(skip_all)]
    async fn create_host_profile(
        &self,
        request: Request<pb::CreateHostProfileRequest>,
    ) -> Result<Response<pb::CreateHostProfileResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::CreateHostProfileRequest {
            request_id,
            host_name: name,
            host_bio: bio,
        } = request.into_inner();
        let new = NewHostProfile {
            request_id: optional_uuid("request_id", &request_id)?,
            host_name: host_name("host_name", &name)?,
            host_bio: host_bio("host_bio", &bio)?,
        };
        let created = hosts::create(&mut conn, &acting, new).await?;
        Ok(Response::new(pb::CreateHostProfileResponse {
            host_profile: host_profile(created),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_host_profile(
        &self,
        request: Request<pb::GetHostProfileRequest>,
    ) -> Result<Response<pb::GetHostProfileResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let user = uuid("user_id", &request.get_ref().user_id).map(UserId::from)?;
        let found = hosts::get(&mut conn, &acting, user).await?;
        Ok(Response::new(pb::GetHostProfileResponse {
            host_profile: host_profile(found),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn update_host_profile(
        &self,
        request: Request<pb::UpdateHostProfileRequest>,
    ) -> Result<Response<pb::UpdateHostProfileResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::UpdateHostProfileRequest {
            user_id,
            host_profile: profile,
            update_mask,
        } = request.into_inner();
        let user = uuid("user_id", &user_id).map(UserId::from)?;
        let paths = mask_paths(update_mask.as_ref(), &["host_name", "host_bio"])?;
        let profile = profile.unwrap_or_default();
        let mut changes = HostProfileChanges::default();
        for path in &paths {
            match path.as_str() {
                "host_name" => {
                    changes.host_name =
                        Some(host_name("host_profile.host_name", &profile.host_name)?)
                }
                _ => changes.host_bio = Some(host_bio("host_profile.host_bio", &profile.host_bio)?),
            }
        }
        let updated = hosts::update(&mut conn, &acting, user, changes, &paths).await?;
        Ok(Response::new(pb::UpdateHostProfileResponse {
            host_profile: host_profile(updated),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn record_host_rating(
        &self,
        request: Request<pb::RecordHostRatingRequest>,
    ) -> Result<Response<pb::RecordHostRatingResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        acting.actor.service()?;
        let pb::RecordHostRatingRequest {
            rating_id,
            host_user_id,
            rating,
        } = request.into_inner();
        if !(1..=5).contains(&rating) {
            return Err(Error::invalid("rating", format!("{rating} is outside 1..=5")).into());
        }
        let new = NewRating {
            rating_id: uuid("rating_id", &rating_id)?,
            host: uuid("host_user_id", &host_user_id).map(UserId::from)?,
            rating,
        };
        let host = hosts::record_rating(&mut conn, &acting, new).await?;
        Ok(Response::new(pb::RecordHostRatingResponse {
            host_profile: host_profile(host),
        }))
    }
}
