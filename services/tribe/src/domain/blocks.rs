//! Whether people have blocked each other, as the user service knows it: one CheckBlocks call
//! per question, made as the tribe service.

use circle_core::auth::{IdentityKey, Principal};
use circle_core::client::retry_unavailable;
use circle_proto::user::v1::CheckBlocksRequest;
use circle_proto::user::v1::block_service_client::BlockServiceClient;
use tonic::transport::Channel;

use super::UserId;
use crate::error::Error;

/// Tries per call, the first included.
const ATTEMPTS: u32 = 3;

#[derive(Clone)]
pub struct Blocks {
    client: BlockServiceClient<Channel>,
    identity: IdentityKey,
}

impl Blocks {
    pub fn new(user_service: Channel, identity: IdentityKey) -> Self {
        Self {
            client: BlockServiceClient::new(user_service),
            identity,
        }
    }

    /// Whether `person` and any of `others` blocked each other, in either direction (blocks
    /// among `others` do not count).
    pub async fn between(&self, person: UserId, others: &[UserId]) -> Result<bool, Error> {
        if others.is_empty() {
            return Ok(false);
        }
        let mut user_ids: Vec<String> = others.iter().map(ToString::to_string).collect();
        user_ids.push(person.to_string());
        let message = CheckBlocksRequest { user_ids };
        let me = Principal::Service {
            name: crate::SERVICE.to_owned(),
        };
        let pairs = retry_unavailable(ATTEMPTS, || {
            let request = self.identity.outgoing(&me, message.clone());
            let mut client = self.client.clone();
            async move { client.check_blocks(request).await }
        })
        .await
        .map_err(Error::BlockCheck)?
        .into_inner()
        .pairs;
        let person = person.to_string();
        Ok(pairs
            .iter()
            .any(|pair| pair.blocker_id == person || pair.blocked_id == person))
    }
}
