//! Where a public call came from. The edge sees the client's address and user agent; internal
//! services need them for session lists and audit rows, so the edge forwards them in metadata
//! next to the signed identity.

use tonic::Request;
use tonic::metadata::{MetadataMap, MetadataValue};

pub const CLIENT_ADDRESS_KEY: &str = "x-circle-client-address";
pub const CLIENT_USER_AGENT_KEY: &str = "x-circle-client-user-agent";
const USER_AGENT: &str = "user-agent";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientOrigin {
    pub address: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientOrigin {
    /// The origin of a call that reached the edge from outside.
    pub fn of_public<T>(request: &Request<T>) -> ClientOrigin {
        ClientOrigin {
            address: request.remote_addr().map(|addr| addr.ip().to_string()),
            user_agent: text(request.metadata(), USER_AGENT),
        }
    }

    /// The origin the edge forwarded with an internal call (none for calls between services).
    pub fn of_internal<T>(request: &Request<T>) -> ClientOrigin {
        ClientOrigin {
            address: text(request.metadata(), CLIENT_ADDRESS_KEY),
            user_agent: text(request.metadata(), CLIENT_USER_AGENT_KEY),
        }
    }

    /// Adds this origin to an outgoing internal call.
    pub fn attach(&self, metadata: &mut MetadataMap) {
        let pairs = [
            (CLIENT_ADDRESS_KEY, &self.address),
            (CLIENT_USER_AGENT_KEY, &self.user_agent),
        ];
        for (key, value) in pairs {
            // A user agent that is not visible ASCII is dropped rather than failing the call.
            if let Some(value) = value
                .as_deref()
                .and_then(|v| MetadataValue::try_from(v).ok())
            {
                metadata.insert(key, value);
            }
        }
    }
}

fn text(metadata: &MetadataMap, key: &str) -> Option<String> {
    metadata
        .get(key)
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|value| !value.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_survives_the_hop_through_metadata() {
        let origin = ClientOrigin {
            address: Some("203.0.113.7".into()),
            user_agent: Some("circle-ios/1.2".into()),
        };
        let mut request = Request::new(());
        origin.attach(request.metadata_mut());
        assert_eq!(ClientOrigin::of_internal(&request), origin);
    }

    #[test]
    fn unprintable_user_agents_are_dropped() {
        let origin = ClientOrigin {
            address: None,
            user_agent: Some("bad\nagent".into()),
        };
        let mut request = Request::new(());
        origin.attach(request.metadata_mut());
        assert_eq!(ClientOrigin::of_internal(&request), ClientOrigin::default());
    }
}
