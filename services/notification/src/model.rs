//! The values the tables hold as text, as closed sets.

/// What a notification is about; stored in `notifications.type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotificationType {
    EmailVerification,
    TribeInvitation,
    TribeActive,
    TribeAtRisk,
    TribeDissolved,
    TribeRemoved,
    AchievementAwarded,
}

impl NotificationType {
    pub const ALL: [NotificationType; 7] = [
        NotificationType::EmailVerification,
        NotificationType::TribeInvitation,
        NotificationType::TribeActive,
        NotificationType::TribeAtRisk,
        NotificationType::TribeDissolved,
        NotificationType::TribeRemoved,
        NotificationType::AchievementAwarded,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NotificationType::EmailVerification => "EMAIL_VERIFICATION",
            NotificationType::TribeInvitation => "TRIBE_INVITATION",
            NotificationType::TribeActive => "TRIBE_ACTIVE",
            NotificationType::TribeAtRisk => "TRIBE_AT_RISK",
            NotificationType::TribeDissolved => "TRIBE_DISSOLVED",
            NotificationType::TribeRemoved => "TRIBE_REMOVED",
            NotificationType::AchievementAwarded => "ACHIEVEMENT_AWARDED",
        }
    }

    /// `None` for a type written by a newer version of the service.
    pub fn parse(value: &str) -> Option<NotificationType> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == value)
    }
}

/// How a notification reaches its person; stored in `deliveries.channel`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Channel {
    InApp,
    Email,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::InApp => "IN_APP",
            Channel::Email => "EMAIL",
        }
    }
}

/// Where a delivery stands; stored in `deliveries.status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStatus {
    Pending,
    Sent,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Sent => "SENT",
            DeliveryStatus::Failed => "FAILED",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notification_types_round_trip() {
        for kind in NotificationType::ALL {
            assert_eq!(NotificationType::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(NotificationType::parse("SOMETHING_NEWER"), None);
    }
}
