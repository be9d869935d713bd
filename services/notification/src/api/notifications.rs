//! `circle.notification.v1.NotificationService`: reading the inbox.

use circle_core::auth::{Principal, caller};
use circle_core::db::DbPool;
use circle_core::error::{invalid_argument, permission_denied};
use circle_core::paging::{self, Cursor};
use circle_proto::notification::v1 as pb;
use circle_proto::notification::v1::notification_service_server::NotificationService;
use tonic::{Request, Response, Status};
use uuid::Uuid;

use crate::error::Error;
use crate::inbox;
use crate::model::NotificationType;

pub struct Notifications {
    pool: DbPool,
}

impl Notifications {
    pub fn new(pool: DbPool) -> Self {
        Self { pool }
    }
}

/// A validated ListNotifications request.
struct ListQuery {
    user_id: Uuid,
    page_size: i64,
    after: Option<Cursor>,
}

impl ListQuery {
    /// A person reads only their own inbox (an empty `user_id` means theirs); a service names
    /// the inbox it reads.
    fn new(caller: &Principal, request: pb::ListNotificationsRequest) -> Result<Self, Status> {
        let pb::ListNotificationsRequest {
            user_id,
            page_size,
            page_token,
        } = request;
        let requested = if user_id.is_empty() {
            None
        } else {
            Some(
                Uuid::parse_str(&user_id)
                    .map_err(|_| invalid_argument("user_id", "must be a UUID"))?,
            )
        };
        let user_id = match (caller, requested) {
            (Principal::User { id, .. }, None) => *id,
            (Principal::User { id, .. }, Some(requested)) if requested == *id => requested,
            (Principal::User { .. }, Some(_)) => {
                return Err(permission_denied(
                    "NOT_YOUR_INBOX",
                    "a person can only read their own notifications",
                ));
            }
            (Principal::Service { .. }, Some(requested)) => requested,
            (Principal::Service { .. }, None) => {
                return Err(invalid_argument("user_id", "is required for a service"));
            }
        };
        Ok(ListQuery {
            user_id,
            page_size: paging::page_size(page_size)?,
            after: Cursor::decode(&page_token)?,
        })
    }
}

#[tonic::async_trait]
impl NotificationService for Notifications {
    #[tracing::instrument(skip_all, fields(user_id))]
    async fn list_notifications(
        &self,
        request: Request<pb::ListNotificationsRequest>,
    ) -> Result<Response<pb::ListNotificationsResponse>, Status> {
        let caller = caller(&request)?.clone();
        let query = ListQuery::new(&caller, request.into_inner())?;
        tracing::Span::current().record("user_id", tracing::field::display(query.user_id));
        let mut conn = self.pool.get().await.map_err(Error::from)?;
        let page = inbox::list(&mut conn, query.user_id, query.page_size, query.after).await?;
        Ok(Response::new(pb::ListNotificationsResponse {
            notifications: page.notifications.into_iter().map(to_proto).collect(),
            next_page_token: page.next.map(|cursor| cursor.encode()).unwrap_or_default(),
        }))
    }
}

fn to_proto(notification: inbox::Notification) -> pb::Notification {
    let inbox::Notification {
        id,
        user_id,
        kind,
        title,
        body,
        created_at,
        read_at,
    } = notification;
    let kind = match kind {
        Some(NotificationType::EmailVerification) => pb::NotificationType::EmailVerification,
        Some(NotificationType::TribeInvitation) => pb::NotificationType::TribeInvitation,
        Some(NotificationType::TribeActive) => pb::NotificationType::TribeActive,
        Some(NotificationType::TribeAtRisk) => pb::NotificationType::TribeAtRisk,
        Some(NotificationType::TribeDissolved) => pb::NotificationType::TribeDissolved,
        Some(NotificationType::TribeRemoved) => pb::NotificationType::TribeRemoved,
        Some(NotificationType::AchievementAwarded) => pb::NotificationType::AchievementAwarded,
        None => pb::NotificationType::Unspecified,
    };
    pb::Notification {
        id: id.to_string(),
        user_id: user_id.to_string(),
        r#type: kind.into(),
        title,
        body,
        create_time: Some(circle_core::wire::timestamp(created_at)),
        read_time: read_at.map(circle_core::wire::timestamp),
    }
}
