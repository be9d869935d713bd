//! The gRPC face of the service: each handler checks the caller, converts the request into
//! domain values, runs one domain action and converts the result back.

mod convert;

use circle_core::auth::{caller, require_user};
use circle_core::db::{DbConn, DbPool};
use circle_proto::tribe::v1::tribe_service_server::TribeService;
use circle_proto::tribe::v1::{
    CreateTribeRequest, CreateTribeResponse, GetTribeRequest, GetTribeResponse,
};
use tonic::{Request, Response, Status};
use tracing::field::{Empty, display};

use crate::domain::{self, NewTribe, UserId};
use crate::error::Error;

pub struct TribeHandler {
    pool: DbPool,
}

impl TribeHandler {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }

    async fn conn(&self) -> Result<DbConn, Error> {
        Ok(self.pool.get().await?)
    }
}

#[tonic::async_trait]
impl TribeService for TribeHandler {
    #[tracing::instrument(skip_all, fields(user_id = Empty, tribe_id = Empty))]
    async fn create_tribe(
        &self,
        request: Request<CreateTribeRequest>,
    ) -> Result<Response<CreateTribeResponse>, Status> {
        let creator = UserId(require_user(&request)?);
        let new = NewTribe::try_from(request.into_inner())?;
        let tribe = domain::create_tribe(&mut *self.conn().await?, creator, new).await?;
        tracing::Span::current().record("tribe_id", display(tribe.id));
        Ok(Response::new(CreateTribeResponse {
            tribe: Some(tribe.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(tribe_id = Empty))]
    async fn get_tribe(
        &self,
        request: Request<GetTribeRequest>,
    ) -> Result<Response<GetTribeResponse>, Status> {
        let viewer = caller(&request)?.clone();
        let id = convert::tribe_id(&request.get_ref().tribe_id)?;
        tracing::Span::current().record("tribe_id", display(id));
        let tribe = domain::get_tribe(&mut *self.conn().await?, &viewer, id).await?;
        Ok(Response::new(GetTribeResponse {
            tribe: Some(tribe.into()),
        }))
    }
}
