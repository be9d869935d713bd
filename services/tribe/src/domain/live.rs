//! Messages as they are posted, to everyone following a tribe's chat, across every instance of
//! the service: a message's transaction notifies the Postgres channel `tribe_messages` with
//! "<tribe id> <message id>" (delivered on commit); each instance LISTENs on one connection of
//! its own and hands the ids to the subscribers of that tribe, who load the message.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures::StreamExt;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio_postgres::{AsyncMessage, NoTls};
use uuid::Uuid;

use super::TribeId;
use super::chat::Message;
use crate::error::Error;

const CHANNEL: &str = "tribe_messages";
/// Messages a slow subscriber may fall behind by before it misses some.
const BACKLOG: usize = 256;

/// Announces `message` to every instance, when the transaction commits.
pub(super) async fn announce(conn: &mut AsyncPgConnection, message: &Message) -> Result<(), Error> {
    diesel::sql_query("SELECT pg_notify($1, $2)")
        .bind::<Text, _>(CHANNEL)
        .bind::<Text, _>(format!("{} {}", message.tribe_id, message.id))
        .execute(conn)
        .await?;
    Ok(())
}

/// The subscribers of this instance, per tribe.
#[derive(Clone, Default)]
pub struct Hub {
    tribes: Arc<Mutex<HashMap<TribeId, broadcast::Sender<Uuid>>>>,
}

impl Hub {
    /// The ids of the tribe's messages posted from now on.
    pub fn subscribe(&self, tribe: TribeId) -> broadcast::Receiver<Uuid> {
        let mut tribes = self
            .tribes
            .lock()
            .expect("the hub's lock is never poisoned");
        tribes
            .entry(tribe)
            .or_insert_with(|| broadcast::channel(BACKLOG).0)
            .subscribe()
    }

    fn publish(&self, tribe: TribeId, message: Uuid) {
        let mut tribes = self
            .tribes
            .lock()
            .expect("the hub's lock is never poisoned");
        if let Some(sender) = tribes.get(&tribe)
            && sender.send(message).is_err()
        {
            // Nobody follows the tribe any more.
            tribes.remove(&tribe);
        }
    }

    fn dispatch(&self, payload: &str) {
        let parsed = payload
            .split_once(' ')
            .and_then(|(tribe, message)| Some((tribe.parse().ok()?, message.parse().ok()?)));
        match parsed {
            Some((tribe, message)) => self.publish(TribeId(tribe), message),
            None => tracing::warn!(payload, "unreadable tribe_messages notification"),
        }
    }
}

/// Listens on the channel until aborted, reconnecting after a lost connection; the first
/// connection is made before this returns, so nothing posted after it is missed.
pub async fn listen(url: String, hub: Hub) -> Result<JoinHandle<()>, tokio_postgres::Error> {
    let first = connect(&url, hub.clone()).await?;
    Ok(tokio::spawn(async move {
        let mut connection = first;
        loop {
            let _ = connection.await;
            tracing::warn!("lost the tribe_messages listener; reconnecting");
            let mut delay = Duration::from_millis(100);
            connection = loop {
                tokio::time::sleep(delay).await;
                match connect(&url, hub.clone()).await {
                    Ok(connection) => break connection,
                    Err(err) => {
                        tracing::warn!(error = %err, "reconnecting the tribe_messages listener");
                        delay = (delay * 2).min(Duration::from_secs(5));
                    }
                }
            };
        }
    }))
}

/// One listening connection, driven by the returned task until it breaks.
async fn connect(url: &str, hub: Hub) -> Result<JoinHandle<()>, tokio_postgres::Error> {
    let (client, mut connection) = tokio_postgres::connect(url, NoTls).await?;
    let driver = tokio::spawn(async move {
        let mut messages = futures::stream::poll_fn(move |cx| connection.poll_message(cx));
        while let Some(message) = messages.next().await {
            match message {
                Ok(AsyncMessage::Notification(notification)) => {
                    hub.dispatch(notification.payload());
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::warn!(error = %err, "tribe_messages listener failed");
                    return;
                }
            }
        }
    });
    if let Err(err) = client.batch_execute(&format!("LISTEN {CHANNEL}")).await {
        driver.abort();
        return Err(err);
    }
    Ok(tokio::spawn(async move {
        // The connection closes when its client is dropped: keep it while the driver runs.
        let _client = client;
        let _ = driver.await;
    }))
}
