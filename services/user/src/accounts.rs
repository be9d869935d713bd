//! Reading accounts, for their owners, admins and other services.

use circle_core::auth::Principal;

use crate::access::Actor;
use crate::domain::UserId;
use crate::error::Error;
use crate::state::AppState;
use crate::store::accounts::{self, Account};

pub async fn get(state: &AppState, caller: &Principal, user_id: UserId) -> Result<Account, Error> {
    let mut conn = state.pool.get().await?;
    let actor = Actor::resolve(&mut conn, caller).await?;
    if !actor.may_read_private(user_id) {
        return Err(Error::Forbidden(
            "only the account's owner, an admin or a service may read it",
        ));
    }
    accounts::find(&mut conn, user_id)
        .await?
        .ok_or(Error::AccountNotFound)
}
