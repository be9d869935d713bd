//! Reading a tribe: a public one by anyone, a private one by its active members and the
//! suite's services.

use circle_core::auth::Principal;
use diesel_async::AsyncPgConnection;

use super::create_tribe::details;
use super::members::require_visible;
use super::{TribeDetails, TribeId};
use crate::error::Error;
use crate::query::tribes;

pub async fn get_tribe(
    conn: &mut AsyncPgConnection,
    viewer: &Principal,
    id: TribeId,
) -> Result<TribeDetails, Error> {
    let tribe = tribes::find(conn, id)
        .await?
        .ok_or(Error::TribeNotFound(id))?;
    require_visible(conn, viewer, &tribe).await?;
    details(conn, tribe).await
}
