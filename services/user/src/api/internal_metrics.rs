//! circle.user.v1.InternalMetricsService (internal, services only).

use circle_core::wire::{timestamp, uuid};
use circle_proto::user::v1 as pb;
use circle_proto::user::v1::internal_metrics_service_server::InternalMetricsService;
use tonic::{Request, Response, Status};

use crate::domain::{AttendanceOutcome, UserId};
use crate::error::Error;
use crate::metrics::{self, Metrics};
use crate::state::AppState;

pub struct InternalMetricsApi {
    state: AppState,
}

impl InternalMetricsApi {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

fn outcome(value: i32) -> Result<AttendanceOutcome, Error> {
    use pb::AttendanceOutcome as Wire;
    match Wire::try_from(value) {
        Ok(Wire::Attended) => Ok(AttendanceOutcome::Attended),
        Ok(Wire::Late) => Ok(AttendanceOutcome::Late),
        Ok(Wire::NoShow) => Ok(AttendanceOutcome::NoShow),
        Ok(Wire::Unspecified) => Err(Error::invalid("outcome", "is required")),
        Err(_) => Err(Error::invalid("outcome", "is not a known outcome")),
    }
}

fn metrics_message(metrics: Metrics) -> Option<pb::InternalMetrics> {
    let Metrics {
        user_id,
        reliability,
        internal_attractiveness_rating,
        updated_at,
    } = metrics;
    Some(pb::InternalMetrics {
        user_id: user_id.to_string(),
        absentee_rating: reliability.absentee_rating,
        events_attended: reliability.events_attended,
        no_shows: reliability.no_shows,
        late_arrivals: reliability.late_arrivals,
        internal_attractiveness_rating,
        update_time: updated_at.map(timestamp),
    })
}

#[tonic::async_trait]
impl InternalMetricsService for InternalMetricsApi {
    #[tracing::instrument(skip_all)]
    async fn record_attendance_outcome(
        &self,
        request: Request<pb::RecordAttendanceOutcomeRequest>,
    ) -> Result<Response<pb::RecordAttendanceOutcomeResponse>, Status> {
        let pb::RecordAttendanceOutcomeRequest {
            event_id,
            user_id,
            outcome: wire_outcome,
        } = request.get_ref();
        let event = uuid("event_id", event_id)?;
        let user = uuid("user_id", user_id).map(UserId::from)?;
        let outcome = outcome(*wire_outcome)?;
        let metrics = metrics::record_outcome(&self.state, &request, user, event, outcome).await?;
        Ok(Response::new(pb::RecordAttendanceOutcomeResponse {
            metrics: metrics_message(metrics),
        }))
    }

    #[tracing::instrument(skip_all)]
    async fn get_internal_metrics(
        &self,
        request: Request<pb::GetInternalMetricsRequest>,
    ) -> Result<Response<pb::GetInternalMetricsResponse>, Status> {
        let user = uuid("user_id", &request.get_ref().user_id).map(UserId::from)?;
        let metrics = metrics::get(&self.state, &request, user).await?;
        Ok(Response::new(pb::GetInternalMetricsResponse {
            metrics: metrics_message(metrics),
        }))
    }
}
