//! circle.user.v1.BlockService.

use circle_core::db::DbConn;
use circle_core::paging::{Cursor, page_size};
use circle_core::wire::{timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::block_service_server::BlockService;
use tonic::{Request, Response, Status};
use tracing::field::Empty;

use crate::access::Acting;
use crate::blocks::{self, BlockPage};
use crate::domain::UserId;
use crate::error::Error;
use crate::state::AppState;
use crate::store::blocks::Block;

pub struct BlockApi {
    state: AppState,
}

impl BlockApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }

    /// A connection, and the caller resolved on it.
    async fn acting<T>(&self, request: &Request<T>) -> Result<(DbConn, Acting), Error> {
        let mut conn = self.state.pool.get().await?;
        let acting = Acting::of(&mut conn, request).await?;
        Ok((conn, acting))
    }
}

impl From<Block> for pb::Block {
    fn from(block: Block) -> Self {
        let Block {
            blocker_id,
            blocked_id,
            created_at,
        } = block;
        pb::Block {
            blocker_id: blocker_id.to_string(),
            blocked_id: blocked_id.to_string(),
            create_time: Some(timestamp(created_at)),
        }
    }
}

fn user_id(value: &str) -> Result<UserId, Status> {
    uuid("user_id", value).map(UserId::from)
}

#[tonic::async_trait]
impl BlockService for BlockApi {
    #[tracing::instrument(skip_all)]
    async fn block_user(
        &self,
        request: Request<pb::BlockUserRequest>,
    ) -> Result<Response<pb::BlockUserResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let pb::BlockUserRequest { user_id: blocked } = request.into_inner();
        let block = blocks::block(&mut conn, &acting, user_id(&blocked)?).await?;
        Ok(Response::new(pb::BlockUserResponse {
            block: Some(block.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn unblock_user(
        &self,
        request: Request<pb::UnblockUserRequest>,
    ) -> Result<Response<pb::UnblockUserResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let pb::UnblockUserRequest { user_id: blocked } = request.into_inner();
        blocks::unblock(&mut conn, &acting, user_id(&blocked)?).await?;
        Ok(Response::new(pb::UnblockUserResponse {}))
    }

    #[tracing::instrument(skip_all)]
    async fn list_blocks(
        &self,
        request: Request<pb::ListBlocksRequest>,
    ) -> Result<Response<pb::ListBlocksResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let pb::ListBlocksRequest {
            page_size: size,
            page_token,
        } = request.into_inner();
        let size = page_size(size)?;
        let after = Cursor::decode(&page_token)?;
        let BlockPage { blocks, next } = blocks::list(&mut conn, &acting, after, size).await?;
        Ok(Response::new(pb::ListBlocksResponse {
            blocks: blocks.into_iter().map(pb::Block::from).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        }))
    }

    #[tracing::instrument(skip_all, fields(people = Empty))]
    async fn check_blocks(
        &self,
        request: Request<pb::CheckBlocksRequest>,
    ) -> Result<Response<pb::CheckBlocksResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let pb::CheckBlocksRequest { user_ids } = request.into_inner();
        let ids = user_ids
            .iter()
            .enumerate()
            .map(|(index, id)| uuid(&format!("user_ids[{index}]"), id).map(UserId::from))
            .collect::<Result<Vec<_>, Status>>()?;
        tracing::Span::current().record("people", ids.len());
        let pairs = blocks::check(&mut conn, &acting, ids).await?;
        Ok(Response::new(pb::CheckBlocksResponse {
            pairs: pairs
                .into_iter()
                .map(|(blocker, blocked)| pb::BlockedPair {
                    blocker_id: blocker.to_string(),
                    blocked_id: blocked.to_string(),
                })
                .collect(),
        }))
    }
}
