//! The identity providers people may sign in with, stored as text.

circle_core::text_enum! {
    pub enum IdentityProvider {
        Google = "GOOGLE",
        Apple = "APPLE",
        Facebook = "FACEBOOK",
    }
}
