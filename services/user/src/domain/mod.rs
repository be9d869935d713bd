//! Values of the user domain that cannot hold bad data once constructed.

pub mod account;
pub mod achievement;
pub mod attendance;
pub mod consent;
pub mod email;
pub mod ids;
pub mod interest;
pub mod password;
pub mod profile;
pub mod provider;
pub mod report;
pub mod secrets;

pub use account::{AccountRole, AccountStatus};
pub use achievement::{AchievementCategory, AchievementId, AchievementName, AwardId, JsonObject};
pub use attendance::AttendanceOutcome;
pub use consent::ConsentPurpose;
pub use email::Email;
pub use ids::{ConnectionId, HostProfileId, InterestId, PhotoId, SessionId, UserId};
pub use interest::{InterestCategory, InterestLevel, InterestName};
pub use password::{NewPassword, PasswordAttempt};
pub use provider::IdentityProvider;
pub use secrets::{RefreshSecret, VerificationCode};
