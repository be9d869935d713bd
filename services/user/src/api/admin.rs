//! circle.user.v1.AdminService.

use circle_core::db::DbConn;
use circle_core::paging::{Cursor, page_size};
use circle_core::text::{Lines, check_text};
use circle_core::wire::{optional_uuid, timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::admin_service_server::AdminService;
use tonic::{Request, Response, Status};

use crate::access::Acting;
use crate::admin::{self, AuditPage};
use crate::audit::{AuditFilter, AuditRecord};
use crate::domain::{AccountRole, AccountStatus, UserId};
use crate::error::Error;
use crate::state::AppState;

use super::convert::json_value;

/// The longest reason given for a status change, in characters.
const MAX_REASON: usize = 500;
/// The longest resource type or id an audit query may name.
const MAX_RESOURCE_KEY: usize = 200;

pub struct AdminApi {
    state: AppState,
}

impl AdminApi {
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

fn role(role: i32) -> Result<AccountRole, Error> {
    match pb::UserRole::try_from(role) {
        Ok(pb::UserRole::User) => Ok(AccountRole::User),
        Ok(pb::UserRole::TribeCreator) => Ok(AccountRole::TribeCreator),
        Ok(pb::UserRole::Admin) => Ok(AccountRole::Admin),
        Ok(pb::UserRole::Unspecified) | Err(_) => Err(Error::invalid(
            "role",
            "must be USER, TRIBE_CREATOR or ADMIN",
        )),
    }
}

/// The statuses an admin may set; PENDING belongs to registration alone.
fn status(status: i32) -> Result<AccountStatus, Error> {
    match pb::UserStatus::try_from(status) {
        Ok(pb::UserStatus::Active) => Ok(AccountStatus::Active),
        Ok(pb::UserStatus::Inactive) => Ok(AccountStatus::Inactive),
        Ok(pb::UserStatus::Suspended) => Ok(AccountStatus::Suspended),
        Ok(pb::UserStatus::Deleted) => Ok(AccountStatus::Deleted),
        Ok(pb::UserStatus::Pending | pb::UserStatus::Unspecified) | Err(_) => Err(Error::invalid(
            "status",
            "must be ACTIVE, INACTIVE, SUSPENDED or DELETED",
        )),
    }
}

fn filter(request: &pb::ListAuditEntriesRequest) -> Result<AuditFilter, Status> {
    let user = optional_uuid("user_id", &request.user_id)?.map(UserId::from);
    let resource = match (request.resource_type.trim(), request.resource_id.trim()) {
        ("", "") => None,
        ("", _) => {
            return Err(Error::invalid("resource_type", "is required with resource_id").into());
        }
        (_, "") => {
            return Err(Error::invalid("resource_id", "is required with resource_type").into());
        }
        (kind, id) => {
            for (field, value) in [("resource_type", kind), ("resource_id", id)] {
                check_text(value, MAX_RESOURCE_KEY, Lines::Single)
                    .map_err(|invalid| Error::invalid(field, invalid.0))?;
            }
            Some((kind.to_owned(), id.to_owned()))
        }
    };
    if user.is_none() && resource.is_none() {
        return Err(Error::invalid(
            "user_id",
            "name a person (user_id) or a resource (resource_type and resource_id)",
        )
        .into());
    }
    Ok(AuditFilter { user, resource })
}

impl From<AuditRecord> for pb::AuditEntry {
    fn from(record: AuditRecord) -> Self {
        let AuditRecord {
            id,
            actor_id,
            actor_service,
            action,
            resource_type,
            resource_id,
            subject_id,
            ip_address,
            user_agent,
            metadata,
            created_at,
        } = record;
        pb::AuditEntry {
            id: id.to_string(),
            actor_id: actor_id.map(|id| id.to_string()).unwrap_or_default(),
            actor_service: actor_service.unwrap_or_default(),
            action,
            resource_type,
            resource_id,
            subject_id: subject_id.map(|id| id.to_string()).unwrap_or_default(),
            ip_address: ip_address.unwrap_or_default(),
            user_agent: user_agent.unwrap_or_default(),
            metadata: match json_value(metadata).kind {
                Some(prost_types::value::Kind::StructValue(fields)) => Some(fields),
                _ => None,
            },
            create_time: Some(timestamp(created_at)),
        }
    }
}

#[tonic::async_trait]
impl AdminService for AdminApi {
    #[tracing::instrument(skip_all)]
    async fn change_user_role(
        &self,
        request: Request<pb::ChangeUserRoleRequest>,
    ) -> Result<Response<pb::ChangeUserRoleResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let pb::ChangeUserRoleRequest { user_id, role: new } = request.into_inner();
        let user = UserId::from(uuid("user_id", &user_id)?);
        let account = admin::change_role(&mut conn, &acting, user, role(new)?).await?;
        Ok(Response::new(pb::ChangeUserRoleResponse {
            user: Some(account.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn change_user_status(
        &self,
        request: Request<pb::ChangeUserStatusRequest>,
    ) -> Result<Response<pb::ChangeUserStatusResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let pb::ChangeUserStatusRequest {
            user_id,
            status: new,
            reason,
        } = request.into_inner();
        let user = UserId::from(uuid("user_id", &user_id)?);
        let new = status(new)?;
        let reason = reason.trim();
        check_text(reason, MAX_REASON, Lines::Multi)
            .map_err(|invalid| Error::invalid("reason", invalid.0))?;
        let account = admin::change_status(&mut conn, &acting, user, new, reason).await?;
        Ok(Response::new(pb::ChangeUserStatusResponse {
            user: Some(account.into()),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn list_audit_entries(
        &self,
        request: Request<pb::ListAuditEntriesRequest>,
    ) -> Result<Response<pb::ListAuditEntriesResponse>, Status> {
        let (mut conn, acting) = self.acting(&request).await?;
        let request = request.into_inner();
        let filter = filter(&request)?;
        let size = page_size(request.page_size)?;
        let after = Cursor::decode(&request.page_token)?;
        let AuditPage { entries, next } =
            admin::audit_entries(&mut conn, &acting, &filter, after, size).await?;
        Ok(Response::new(pb::ListAuditEntriesResponse {
            entries: entries.into_iter().map(pb::AuditEntry::from).collect(),
            next_page_token: next.map(|cursor| cursor.encode()).unwrap_or_default(),
        }))
    }
}
