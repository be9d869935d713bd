//! circle.edge.v1.BlockService: a person blocks, unblocks and lists the people they blocked.
//! CheckBlocks stays inside: it is for the services. Requests are wire-identical copies of the
//! internal ones (see [`crate::wire_copy`]); a block is shown without its blocker, the caller.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::block_service_server::BlockService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::block_service_client::BlockServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::{Context, relay};
use crate::error::Error;
use crate::upstream::USER;
use crate::{validate, wire_copy};

pub struct BlockApi {
    context: Context,
    blocks: BlockServiceClient<Channel>,
}

impl BlockApi {
    pub fn new(context: Context) -> Self {
        Self {
            blocks: BlockServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

/// The caller is always the blocker, so only the blocked person is shown.
fn block(block: user::Block) -> edge::Block {
    let user::Block {
        blocker_id: _,
        blocked_id,
        create_time,
    } = block;
    edge::Block {
        user_id: blocked_id,
        create_time,
    }
}

#[tonic::async_trait]
impl BlockService for BlockApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn block_user(
        &self,
        request: Request<edge::BlockUserRequest>,
    ) -> Result<Response<edge::BlockUserResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("user_id", &request.get_ref().user_id)?;
        let message: user::BlockUserRequest = wire_copy::copy(request.get_ref())?;
        let user::BlockUserResponse { block: blocked } = self
            .context
            .upstream
            .call(
                USER,
                &self.blocks,
                &person.acting,
                message,
                |mut c, r| async move { c.block_user(r).await },
            )
            .await?;
        Ok(Response::new(edge::BlockUserResponse {
            block: Some(block(blocked.ok_or(Error::Contract {
                service: USER,
                missing: "block",
            })?)),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn unblock_user(
        &self,
        request: Request<edge::UnblockUserRequest>,
    ) -> Result<Response<edge::UnblockUserResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("user_id", &request.get_ref().user_id)?;
        Ok(Response::new(relay!(
            self,
            request as person,
            USER,
            blocks.unblock_user,
            user::UnblockUserRequest
        )))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_blocks(
        &self,
        request: Request<edge::ListBlocksRequest>,
    ) -> Result<Response<edge::ListBlocksResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::page_size(request.get_ref().page_size)?;
        let message: user::ListBlocksRequest = wire_copy::copy(request.get_ref())?;
        let user::ListBlocksResponse {
            blocks,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.blocks,
                &person.acting,
                message,
                |mut c, r| async move { c.list_blocks(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListBlocksResponse {
            blocks: blocks.into_iter().map(block).collect(),
            next_page_token,
        }))
    }
}
