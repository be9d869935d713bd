//! Reports and their moderation, stored as text.

use uuid::Uuid;

circle_core::uuid_id! {
    /// The id of a report.
    pub struct ReportId(Uuid);
}

impl ReportId {
    pub fn generate() -> Self {
        Self(Uuid::now_v7())
    }

    pub fn as_uuid(&self) -> Uuid {
        self.0
    }
}

impl From<Uuid> for ReportId {
    fn from(id: Uuid) -> Self {
        Self(id)
    }
}

circle_core::text_enum! {
    /// Why a person is reported (Momento seed: reports.category).
    pub enum ReportCategory {
        Harassment = "HARASSMENT",
        Spam = "SPAM",
        InappropriateContent = "INAPPROPRIATE_CONTENT",
        FakeProfile = "FAKE_PROFILE",
        SafetyConcern = "SAFETY_CONCERN",
        Other = "OTHER",
    }
}

circle_core::text_enum! {
    pub enum ReportStatus {
        /// Waiting in the moderation queue.
        Open = "OPEN",
        Resolved = "RESOLVED",
    }
}

circle_core::text_enum! {
    /// What a resolution does to the reported person's account.
    pub enum ModerationAction {
        None = "NONE",
        /// The account becomes SUSPENDED; an admin may reactivate it.
        Suspend = "SUSPEND",
        /// The account becomes DELETED, which is final.
        Ban = "BAN",
    }
}
