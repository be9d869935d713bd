//! circle.edge.v1.DiagnosticsService: an echo answered by the edge alone, the baseline the
//! cost of a call that goes inside is measured against.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::diagnostics_service_server::DiagnosticsService;
use tonic::{Request, Response, Status};

use crate::error::Error;

const MAX_ECHO_BYTES: usize = 1024;

pub struct DiagnosticsApi;

#[tonic::async_trait]
impl DiagnosticsService for DiagnosticsApi {
    async fn echo(
        &self,
        request: Request<edge::EchoRequest>,
    ) -> Result<Response<edge::EchoResponse>, Status> {
        let edge::EchoRequest { message } = request.into_inner();
        if message.len() > MAX_ECHO_BYTES {
            return Err(Error::InvalidArgument {
                field: "message",
                problem: "is longer than 1024 bytes",
            }
            .into());
        }
        Ok(Response::new(edge::EchoResponse { message }))
    }
}
