//! Reading accounts, for their owners, admins and other services.

use circle_core::auth::Principal;

use crate::authentication::ensure_session_live;
use crate::domain::{SessionId, UserId};
use crate::error::Error;
use crate::state::AppState;
use crate::store::accounts::{self, Account};

pub async fn get(state: &AppState, caller: &Principal, user_id: UserId) -> Result<Account, Error> {
    let mut conn = state.pool.get().await?;
    if let Principal::User { id, session_id, .. } = caller {
        ensure_session_live(&mut conn, UserId::from(*id), SessionId::from(*session_id)).await?;
    }
    let allowed =
        caller.is_service() || caller.is_admin() || caller.user_id() == Some(user_id.as_uuid());
    if !allowed {
        return Err(Error::Forbidden(
            "only the account's owner, an admin or a service may read it",
        ));
    }
    accounts::find(&mut conn, user_id)
        .await?
        .ok_or(Error::AccountNotFound)
}
