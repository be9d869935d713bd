//! How a person turned up to an event, as the event service reports it.

circle_core::text_enum! {
    pub enum AttendanceOutcome {
        /// Came on time.
        Attended = "ATTENDED",
        Late = "LATE",
        NoShow = "NO_SHOW",
    }
}
