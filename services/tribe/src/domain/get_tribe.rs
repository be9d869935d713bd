//! Reading a tribe: a public one by anyone, a private one by its active members and the
//! suite's services.

use circle_core::auth::Principal;
use diesel_async::AsyncPgConnection;

use super::{Tribe, TribeId, TribePrivacy, UserId};
use crate::error::Error;
use crate::query::{members, tribes};

pub async fn get_tribe(
    conn: &mut AsyncPgConnection,
    viewer: &Principal,
    id: TribeId,
) -> Result<Tribe, Error> {
    let tribe = tribes::find(conn, id)
        .await?
        .ok_or(Error::TribeNotFound(id))?;
    let visible = match (tribe.privacy, viewer) {
        (TribePrivacy::Public, _) | (TribePrivacy::Private, Principal::Service { .. }) => true,
        (TribePrivacy::Private, Principal::User { id: user, .. }) => {
            members::is_active(conn, id, UserId(*user)).await?
        }
    };
    if visible {
        Ok(tribe)
    } else {
        Err(Error::PrivateTribe(id))
    }
}
