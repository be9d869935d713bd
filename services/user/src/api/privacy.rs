//! circle.user.v1.PrivacyService: consents, the data export, soft deletion and erasure.

use circle_core::wire::{mask_paths, timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::privacy_service_server::PrivacyService;
use tonic::{Request, Response, Status};
use tracing::field::{Empty, display};

use crate::access::Acting;
use crate::domain::{ConsentPurpose, UserId};
use crate::error::Error;
use crate::privacy::{self, Consents, export};
use crate::state::AppState;
use crate::store::consents::ConsentRow;

pub struct PrivacyApi {
    state: AppState,
}

impl PrivacyApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

/// The person a request names, noted on the current span.
fn subject(field: &'static str, value: &str) -> Result<UserId, Status> {
    let user = UserId::from(uuid(field, value)?);
    tracing::Span::current().record("subject_id", display(user));
    Ok(user)
}

fn consent(row: Option<ConsentRow>) -> Option<pb::Consent> {
    let Some(ConsentRow {
        user_id: _,
        purpose: _,
        granted,
        granted_at,
        withdrawn_at,
        updated_at,
    }) = row
    else {
        return Some(pb::Consent::default());
    };
    Some(pb::Consent {
        granted,
        grant_time: granted_at.map(timestamp),
        withdraw_time: withdrawn_at.map(timestamp),
        update_time: Some(timestamp(updated_at)),
    })
}

fn consents_message(consents: Consents) -> Option<pb::Consents> {
    let Consents {
        user,
        marketing,
        analytics,
    } = consents;
    Some(pb::Consents {
        user_id: user.to_string(),
        marketing: consent(marketing),
        analytics: consent(analytics),
    })
}

/// The answers an update carries: `granted` of each consent the mask names.
fn answers(
    request: pb::UpdateConsentsRequest,
) -> Result<(UserId, Vec<(ConsentPurpose, bool)>), Status> {
    let pb::UpdateConsentsRequest {
        consents,
        update_mask,
    } = request;
    let pb::Consents {
        user_id,
        marketing,
        analytics,
    } = consents.ok_or_else(|| Error::invalid("consents", "is required"))?;
    let user = subject("consents.user_id", &user_id)?;
    let paths = mask_paths(update_mask.as_ref(), &["marketing", "analytics"])?;
    let mut answers = Vec::with_capacity(paths.len());
    for path in paths {
        let (purpose, given) = match path.as_str() {
            "marketing" => (ConsentPurpose::Marketing, &marketing),
            _ => (ConsentPurpose::Analytics, &analytics),
        };
        let granted = given.as_ref().is_some_and(|consent| consent.granted);
        answers.push((purpose, granted));
    }
    Ok((user, answers))
}

#[tonic::async_trait]
impl PrivacyService for PrivacyApi {
    #[tracing::instrument(skip_all, fields(subject_id = Empty))]
    async fn get_consents(
        &self,
        request: Request<pb::GetConsentsRequest>,
    ) -> Result<Response<pb::GetConsentsResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::GetConsentsRequest { user_id } = request.into_inner();
        let user = subject("user_id", &user_id)?;
        let consents = privacy::consents(&mut conn, &acting, user).await?;
        Ok(Response::new(pb::GetConsentsResponse {
            consents: consents_message(consents),
        }))
    }

    #[tracing::instrument(skip_all, fields(subject_id = Empty))]
    async fn update_consents(
        &self,
        request: Request<pb::UpdateConsentsRequest>,
    ) -> Result<Response<pb::UpdateConsentsResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let (user, answers) = answers(request.into_inner())?;
        let consents = privacy::update_consents(&mut conn, &acting, user, &answers).await?;
        Ok(Response::new(pb::UpdateConsentsResponse {
            consents: consents_message(consents),
        }))
    }

    #[tracing::instrument(skip_all, fields(subject_id = Empty))]
    async fn export_user_data(
        &self,
        request: Request<pb::ExportUserDataRequest>,
    ) -> Result<Response<pb::ExportUserDataResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::ExportUserDataRequest { user_id } = request.into_inner();
        let user = subject("user_id", &user_id)?;
        let document = export::export(&mut conn, &acting, user).await?;
        let export_time = Some(timestamp(document.exported_at));
        let document = serde_json::to_string_pretty(&document)
            .map_err(|err| circle_core::error::internal(&err))?;
        Ok(Response::new(pb::ExportUserDataResponse {
            document,
            export_time,
        }))
    }

    #[tracing::instrument(skip_all, fields(subject_id = Empty))]
    async fn delete_user(
        &self,
        request: Request<pb::DeleteUserRequest>,
    ) -> Result<Response<pb::DeleteUserResponse>, Status> {
        let mut conn = self.state.pool.get().await.map_err(Error::from)?;
        let acting = Acting::of(&mut conn, &request).await?;
        let pb::DeleteUserRequest { user_id } = request.into_inner();
        let user = subject("user_id", &user_id)?;
        let account = privacy::delete(&mut conn, &acting, user).await?;
        Ok(Response::new(pb::DeleteUserResponse {
            user: Some(account.into()),
        }))
    }

    #[tracing::instrument(skip_all, fields(subject_id = Empty))]
    async fn erase_user(
        &self,
        request: Request<pb::EraseUserRequest>,
    ) -> Result<Response<pb::EraseUserResponse>, Status> {
        let acting = Acting::of(
            &mut *self.state.pool.get().await.map_err(Error::from)?,
            &request,
        )
        .await?;
        let pb::EraseUserRequest { user_id } = request.into_inner();
        let user = subject("user_id", &user_id)?;
        let erased_at = privacy::erase(&self.state, &acting, user).await?;
        Ok(Response::new(pb::EraseUserResponse {
            erase_time: Some(timestamp(erased_at)),
        }))
    }
}
