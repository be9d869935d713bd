//! Messages as they are posted, to everyone following a tribe's chat, across every instance of
//! the service: a message's transaction notifies the Postgres channel `tribe_messages` with
//! "<tribe id> <message id>" (delivered on commit); each instance LISTENs on one connection of
//! its own, loads each message of a tribe someone follows there (once) and hands it to them.
//!
//! Notifications sent while the listening connection is down are lost: once it listens again,
//! every follower reads what it missed from the table (as does a follower that fell behind), and
//! no message reaches a follower twice.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use circle_core::db::DbPool;
use diesel::sql_types::Text;
use diesel_async::{AsyncPgConnection, RunQueryDsl};
use futures::StreamExt;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;
use tokio::task::JoinHandle;
use tokio_postgres::{AsyncMessage, NoTls};
use uuid::Uuid;

use super::chat::{Message, may_follow};
use super::{TribeId, UserId};
use crate::error::Error;
use crate::query::messages;

const CHANNEL: &str = "tribe_messages";
/// Notifications a slow follower may fall behind by before it reads the table instead.
const BACKLOG: usize = 256;
/// A message is written (its `sent_at`) at most this long before it commits: after a gap a
/// follower re-reads this far back before the newest message it got.
const COMMIT_SLACK: TimeDelta = TimeDelta::seconds(5);

/// What the followers of a tribe hear.
#[derive(Clone, Debug)]
enum Heard {
    /// This message was posted.
    Posted(Arc<Message>),
    /// The listener listens again after a lost connection: messages may have been missed.
    Resumed,
}

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
#[derive(Clone)]
pub struct Hub {
    tribes: Arc<Mutex<HashMap<TribeId, broadcast::Sender<Heard>>>>,
    pool: DbPool,
}

impl Hub {
    pub fn new(pool: DbPool) -> Self {
        Self {
            tribes: Arc::default(),
            pool,
        }
    }

    /// What happens in the tribe's chat from now on.
    fn subscribe(&self, tribe: TribeId) -> broadcast::Receiver<Heard> {
        let mut tribes = self
            .tribes
            .lock()
            .expect("the hub's lock is never poisoned");
        tribes
            .entry(tribe)
            .or_insert_with(|| broadcast::channel(BACKLOG).0)
            .subscribe()
    }

    fn followed(&self, tribe: TribeId) -> bool {
        self.tribes
            .lock()
            .expect("the hub's lock is never poisoned")
            .contains_key(&tribe)
    }

    fn publish(&self, tribe: TribeId, heard: Heard) {
        let mut tribes = self
            .tribes
            .lock()
            .expect("the hub's lock is never poisoned");
        if let Some(sender) = tribes.get(&tribe)
            && sender.send(heard).is_err()
        {
            // Nobody follows the tribe any more.
            tribes.remove(&tribe);
        }
    }

    /// Tells every follower that notifications may have been lost.
    fn resume(&self) {
        self.tribes
            .lock()
            .expect("the hub's lock is never poisoned")
            .retain(|_, sender| sender.send(Heard::Resumed).is_ok());
    }

    async fn dispatch(&self, payload: &str) {
        let parsed = payload
            .split_once(' ')
            .and_then(|(tribe, message)| Some((tribe.parse().ok()?, message.parse().ok()?)));
        let Some((tribe, message)) = parsed else {
            tracing::warn!(payload, "unreadable tribe_messages notification");
            return;
        };
        let tribe = TribeId(tribe);
        if !self.followed(tribe) {
            return;
        }
        let loaded = async {
            let mut conn = self.pool.get().await?;
            Ok::<_, Error>(messages::find(&mut conn, message).await?)
        };
        let heard = match loaded.await {
            Ok(Some(message)) => Heard::Posted(Arc::new(message)),
            // Gone with its tribe.
            Ok(None) => return,
            Err(err) => {
                tracing::warn!(error = %err, "loading a posted message; followers read the table");
                Heard::Resumed
            }
        };
        self.publish(tribe, heard);
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
                    Ok(connection) => {
                        hub.resume();
                        break connection;
                    }
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
                    hub.dispatch(notification.payload()).await;
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

/// One member following a tribe's chat: each message posted after the start, once, in the order
/// heard (and in the order written for those read back after a gap).
pub struct Follower {
    tribe: TribeId,
    heard: broadcast::Receiver<Heard>,
    /// The newest message when following started: it and those before are history.
    start: Option<DateTime<Utc>>,
    /// The newest message delivered.
    newest: Option<DateTime<Utc>>,
    /// Messages delivered within `COMMIT_SLACK` of the newest, with when they were written.
    delivered: HashMap<Uuid, DateTime<Utc>>,
    due: VecDeque<Message>,
}

impl Follower {
    /// Starts following `tribe` for `user`, who must be an active member.
    pub async fn start(
        conn: &mut AsyncPgConnection,
        hub: &Hub,
        user: UserId,
        tribe: TribeId,
    ) -> Result<Follower, Error> {
        // Listening before the check: nothing posted once this returns is missed.
        let heard = hub.subscribe(tribe);
        may_follow(conn, user, tribe).await?;
        let newest = messages::page(conn, tribe, None, 1).await?;
        let start = newest.into_iter().next().map(|message| message.sent_at);
        Ok(Follower {
            tribe,
            heard,
            start,
            newest: None,
            delivered: HashMap::new(),
            due: VecDeque::new(),
        })
    }

    /// The next message; `None` once the hub is gone.
    pub async fn next(&mut self, pool: &DbPool) -> Option<Result<Message, Error>> {
        loop {
            if let Some(message) = self.due.pop_front() {
                self.deliver(&message);
                return Some(Ok(message));
            }
            match self.heard.recv().await {
                Ok(Heard::Posted(message)) => {
                    if !self.delivered.contains_key(&message.id) {
                        self.due.push_back(Message::clone(&message));
                    }
                    continue;
                }
                Ok(Heard::Resumed) => {}
                Err(RecvError::Lagged(skipped)) => {
                    tracing::warn!(
                        skipped,
                        "a follower fell behind the chat; reading the table"
                    );
                }
                Err(RecvError::Closed) => return None,
            }
            // Notifications were lost or skipped: read what was missed from the table.
            let read = async {
                let since = match (self.start, self.newest) {
                    (start, Some(newest)) => start.max(Some(newest - COMMIT_SLACK)),
                    (start, None) => start,
                };
                let mut conn = pool.get().await?;
                let missed = messages::written_after(&mut conn, self.tribe, since).await?;
                self.due.extend(
                    missed
                        .into_iter()
                        .filter(|message| !self.delivered.contains_key(&message.id)),
                );
                Ok::<_, Error>(())
            };
            if let Err(err) = read.await {
                return Some(Err(err));
            }
        }
    }

    fn deliver(&mut self, message: &Message) {
        let newest = self
            .newest
            .max(Some(message.sent_at))
            .unwrap_or(message.sent_at);
        self.newest = Some(newest);
        self.delivered.insert(message.id, message.sent_at);
        self.delivered
            .retain(|_, sent_at| *sent_at >= newest - COMMIT_SLACK * 2);
    }
}
