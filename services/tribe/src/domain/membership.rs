//! A person's place in a tribe.

circle_core::text_enum! {
    /// What a member may do in their tribe.
    pub enum MemberRole {
        /// Created the tribe; one per tribe.
        Creator = "CREATOR",
        Member = "MEMBER",
    }
}

circle_core::text_enum! {
    /// Where a membership is in its life; only ACTIVE members belong to the tribe.
    pub enum MembershipStatus {
        /// Invited or asked to join, not yet in.
        Pending = "PENDING",
        Active = "ACTIVE",
        Inactive = "INACTIVE",
        Left = "LEFT",
        Removed = "REMOVED",
        /// Turned down an invitation of matchmaking.
        Declined = "DECLINED",
    }
}

/// A person's membership as read.
#[derive(Clone, Debug, diesel::Queryable, diesel::Selectable)]
#[diesel(table_name = crate::schema::tribes::tribe_members, check_for_backend(diesel::pg::Pg))]
pub struct Member {
    pub tribe_id: super::TribeId,
    pub user_id: super::UserId,
    pub role: MemberRole,
    pub status: MembershipStatus,
    pub joined_at: chrono::DateTime<chrono::Utc>,
    pub invited_by: Option<super::UserId>,
}

impl Member {
    pub fn is_active(&self) -> bool {
        self.status == MembershipStatus::Active
    }

    pub fn is_creator(&self) -> bool {
        self.is_active() && self.role == MemberRole::Creator
    }
}
