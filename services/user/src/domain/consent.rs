//! What a person may consent to, stored as text.

circle_core::text_enum! {
    pub enum ConsentPurpose {
        /// Messages about offers and news.
        Marketing = "MARKETING",
        /// Usage analytics.
        Analytics = "ANALYTICS",
    }
}
