//! The gRPC face of the service: each handler checks the caller, converts the request into
//! domain values, runs one domain action and converts the result back.

mod convert;

use circle_core::auth::{caller, require_user};
use circle_core::db::{DbConn, DbPool};
use circle_proto::event::v1::event_service_server::EventService;
use circle_proto::event::v1::{
    CreateEventRequest, CreateEventResponse, GetEventRequest, GetEventResponse,
};
use tonic::{Request, Response, Status};
use tracing::field::{Empty, display};

use crate::domain::{self, NewEvent, UserId};
use crate::error::Error;

pub struct EventHandler {
    pool: DbPool,
}

impl EventHandler {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }

    async fn conn(&self) -> Result<DbConn, Error> {
        Ok(self.pool.get().await?)
    }
}

#[tonic::async_trait]
impl EventService for EventHandler {
    #[tracing::instrument(skip_all, fields(user_id = Empty, event_id = Empty))]
    async fn create_event(
        &self,
        request: Request<CreateEventRequest>,
    ) -> Result<Response<CreateEventResponse>, Status> {
        let owner = UserId(require_user(&request)?);
        let new = NewEvent::try_from(request.into_inner())?;
        let event = domain::create_event(&mut *self.conn().await?, owner, new).await?;
        tracing::Span::current().record("event_id", display(event.id));
        Ok(Response::new(CreateEventResponse {
            event: Some(event.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(event_id = Empty))]
    async fn get_event(
        &self,
        request: Request<GetEventRequest>,
    ) -> Result<Response<GetEventResponse>, Status> {
        let viewer = caller(&request)?.clone();
        let id = convert::event_id(&request.get_ref().event_id)?;
        tracing::Span::current().record("event_id", display(id));
        let event = domain::get_event(&mut *self.conn().await?, &viewer, id).await?;
        Ok(Response::new(GetEventResponse {
            event: Some(event.into()),
        }))
    }
}
