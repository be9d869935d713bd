//! Where a person is and how far they travel, as their matching profile in the user service says:
//! one GetProfile call (the FULL view, which services get), made as the tribe service.

use circle_core::auth::{IdentityKey, Principal};
use circle_core::client::retry_unavailable;
use circle_proto::user::v1::GetProfileRequest;
use circle_proto::user::v1::profile_service_client::ProfileServiceClient;
use tonic::Code;
use tonic::transport::Channel;

use super::discovery::RadiusKm;
use super::{GeoPoint, UserId};
use crate::error::Error;

/// Tries per call, the first included.
const ATTEMPTS: u32 = 3;

/// What a profile says; nothing for someone without one.
#[derive(Clone, Copy, Debug, Default)]
pub struct Whereabouts {
    pub position: Option<GeoPoint>,
    pub max_travel: Option<RadiusKm>,
}

#[derive(Clone)]
pub struct Profiles {
    client: ProfileServiceClient<Channel>,
    identity: IdentityKey,
}

impl Profiles {
    pub fn new(user_service: Channel, identity: IdentityKey) -> Self {
        Self {
            client: ProfileServiceClient::new(user_service),
            identity,
        }
    }

    pub async fn whereabouts(&self, person: UserId) -> Result<Whereabouts, Error> {
        let message = GetProfileRequest {
            user_id: person.to_string(),
        };
        let me = Principal::Service {
            name: crate::SERVICE.to_owned(),
        };
        let answer = retry_unavailable(ATTEMPTS, || {
            let request = self.identity.outgoing(&me, message.clone());
            let mut client = self.client.clone();
            async move { client.get_profile(request).await }
        })
        .await;
        let matching = match answer {
            Ok(response) => response
                .into_inner()
                .profile
                .and_then(|profile| profile.matching_profile),
            Err(status) if status.code() == Code::NotFound => None,
            Err(status) => return Err(Error::ProfileLookup(status)),
        };
        let Some(matching) = matching else {
            return Ok(Whereabouts::default());
        };
        Ok(Whereabouts {
            position: matching
                .position
                .and_then(|point| GeoPoint::new(point.latitude, point.longitude).ok()),
            max_travel: RadiusKm::new(f64::from(matching.max_travel_km)).ok(),
        })
    }
}
