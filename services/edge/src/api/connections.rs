//! circle.edge.v1.ConnectionService: the caller's memory book and connect-again matches. The
//! user service decides what is whose; recording connections and the refusals the matching
//! engine reads are internal and not offered here. The reading requests are wire-identical
//! copies of the internal ones (see [`crate::wire_copy`]); a connection is shown without its
//! owner, the caller.

use circle_proto::edge::v1 as edge;
use circle_proto::edge::v1::connection_service_server::ConnectionService;
use circle_proto::user::v1 as user;
use circle_proto::user::v1::connection_service_client::ConnectionServiceClient;
use tonic::transport::Channel;
use tonic::{Request, Response, Status};

use super::Context;
use crate::error::Error;
use crate::upstream::USER;
use crate::{validate, wire_copy};

pub struct ConnectionApi {
    context: Context,
    connections: ConnectionServiceClient<Channel>,
}

impl ConnectionApi {
    pub fn new(context: Context) -> Self {
        Self {
            connections: ConnectionServiceClient::new(context.upstream.user()),
            context,
        }
    }
}

#[tonic::async_trait]
impl ConnectionService for ConnectionApi {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn get_connection(
        &self,
        request: Request<edge::GetConnectionRequest>,
    ) -> Result<Response<edge::GetConnectionResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::required("connection_id", &request.get_ref().connection_id)?;
        let message: user::GetConnectionRequest = wire_copy::copy(request.get_ref())?;
        let user::GetConnectionResponse { connection } = self
            .context
            .upstream
            .call(
                USER,
                &self.connections,
                &person.acting,
                message,
                |mut c, r| async move { c.get_connection(r).await },
            )
            .await?;
        Ok(Response::new(edge::GetConnectionResponse {
            connection: Some(required_connection(connection)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_connections(
        &self,
        request: Request<edge::ListConnectionsRequest>,
    ) -> Result<Response<edge::ListConnectionsResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::page_size(request.get_ref().page_size)?;
        let message: user::ListConnectionsRequest = wire_copy::copy(request.get_ref())?;
        let user::ListConnectionsResponse {
            connections,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.connections,
                &person.acting,
                message,
                |mut c, r| async move { c.list_connections(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListConnectionsResponse {
            connections: connections.into_iter().map(connection).collect(),
            next_page_token,
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn update_connection(
        &self,
        request: Request<edge::UpdateConnectionRequest>,
    ) -> Result<Response<edge::UpdateConnectionResponse>, Status> {
        let person = self.context.person(&request)?;
        let edge::UpdateConnectionRequest {
            connection,
            update_mask,
        } = request.into_inner();
        let connection = connection.ok_or(Error::InvalidArgument {
            field: "connection",
            problem: "is required",
        })?;
        let message = user::UpdateConnectionRequest {
            connection: Some(inside_connection(connection)?),
            update_mask,
        };
        let user::UpdateConnectionResponse { connection } = self
            .context
            .upstream
            .call(
                USER,
                &self.connections,
                &person.acting,
                message,
                |mut c, r| async move { c.update_connection(r).await },
            )
            .await?;
        Ok(Response::new(edge::UpdateConnectionResponse {
            connection: Some(required_connection(connection)?),
        }))
    }

    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_connect_again_matches(
        &self,
        request: Request<edge::ListConnectAgainMatchesRequest>,
    ) -> Result<Response<edge::ListConnectAgainMatchesResponse>, Status> {
        let person = self.context.person(&request)?;
        validate::page_size(request.get_ref().page_size)?;
        let message: user::ListConnectAgainMatchesRequest = wire_copy::copy(request.get_ref())?;
        let user::ListConnectAgainMatchesResponse {
            matches,
            next_page_token,
        } = self
            .context
            .upstream
            .call(
                USER,
                &self.connections,
                &person.acting,
                message,
                |mut c, r| async move { c.list_connect_again_matches(r).await },
            )
            .await?;
        Ok(Response::new(edge::ListConnectAgainMatchesResponse {
            matches: matches.into_iter().map(connect_again_match).collect(),
            next_page_token,
        }))
    }
}

fn required_connection(found: Option<user::Connection>) -> Result<edge::Connection, Error> {
    found.map(connection).ok_or(Error::Contract {
        service: "user",
        missing: "connection",
    })
}

fn connection(connection: user::Connection) -> edge::Connection {
    let user::Connection {
        id,
        // Always the caller: the user service shows a connection to its owner only.
        user_id: _,
        connected_user_id,
        event_id,
        meet_time,
        snapshot_name,
        snapshot_face_card_url,
        was_photo_authentic,
        favorite,
        connect_again,
        private_notes,
        create_time,
        update_time,
    } = connection;
    edge::Connection {
        id,
        connected_user_id,
        event_id,
        meet_time,
        snapshot_name,
        snapshot_face_card_url,
        was_photo_authentic,
        favorite,
        connect_again: public_connect_again(connect_again) as i32,
        private_notes,
        create_time,
        update_time,
    }
}

fn connect_again_match(found: user::ConnectAgainMatch) -> edge::ConnectAgainMatch {
    let user::ConnectAgainMatch {
        user_id,
        match_time,
        latest_connection,
    } = found;
    edge::ConnectAgainMatch {
        user_id,
        match_time,
        latest_connection: latest_connection.map(connection),
    }
}

/// The connection of an update, as the user service takes it.
fn inside_connection(connection: edge::Connection) -> Result<user::Connection, Error> {
    let edge::Connection {
        id,
        connected_user_id,
        event_id,
        meet_time,
        snapshot_name,
        snapshot_face_card_url,
        was_photo_authentic,
        favorite,
        connect_again,
        private_notes,
        create_time,
        update_time,
    } = connection;
    Ok(user::Connection {
        id,
        user_id: String::new(),
        connected_user_id,
        event_id,
        meet_time,
        snapshot_name,
        snapshot_face_card_url,
        was_photo_authentic,
        favorite,
        connect_again: inside_connect_again(connect_again)? as i32,
        private_notes,
        create_time,
        update_time,
    })
}

/// A value the user service does not know yet (a newer contract) shows as unspecified.
fn public_connect_again(value: i32) -> edge::ConnectAgain {
    use edge::ConnectAgain as Out;
    use user::ConnectAgain as In;
    match In::try_from(value) {
        Ok(In::Unspecified) | Err(_) => Out::Unspecified,
        Ok(In::Yes) => Out::Yes,
        Ok(In::No) => Out::No,
    }
}

fn inside_connect_again(value: i32) -> Result<user::ConnectAgain, Error> {
    use edge::ConnectAgain as In;
    use user::ConnectAgain as Out;
    match In::try_from(value) {
        Ok(In::Unspecified) => Ok(Out::Unspecified),
        Ok(In::Yes) => Ok(Out::Yes),
        Ok(In::No) => Ok(Out::No),
        Err(_) => Err(Error::InvalidArgument {
            field: "connection.connect_again",
            problem: "is not a ConnectAgain value",
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_connect_again_value_has_its_twin_both_ways() {
        let pairs = [
            (
                user::ConnectAgain::Unspecified,
                edge::ConnectAgain::Unspecified,
            ),
            (user::ConnectAgain::Yes, edge::ConnectAgain::Yes),
            (user::ConnectAgain::No, edge::ConnectAgain::No),
        ];
        for (inside, outside) in pairs {
            assert_eq!(public_connect_again(inside as i32), outside);
            assert_eq!(inside_connect_again(outside as i32).unwrap(), inside);
        }
        assert_eq!(public_connect_again(42), edge::ConnectAgain::Unspecified);
        assert!(matches!(
            inside_connect_again(42),
            Err(Error::InvalidArgument {
                field: "connection.connect_again",
                ..
            })
        ));
    }
}
