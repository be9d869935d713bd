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
    }
}
