//! Presence: whether an extension takes calls (do not disturb) and what its
//! phones are doing.

use serde::{Deserialize, Serialize};

use super::common::ExtensionRef;

/// `dndStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DndStatus {
    #[default]
    TakeAllCalls,
    DoNotAcceptDepartmentCalls,
    TakeDepartmentCallsOnly,
    DoNotAcceptAnyCalls,
    Unknown,
}

/// `telephonyStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum TelephonyStatus {
    #[default]
    NoCall,
    CallConnected,
    Ringing,
    OnHold,
    ParkedCall,
}

/// `presenceStatus`, derived from registrations and calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PresenceStatus {
    #[default]
    Offline,
    Busy,
    Available,
}

/// `userStatus`, set by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum UserStatus {
    Offline,
    Busy,
    #[default]
    Available,
}

/// `PresenceInfoResponse`, without the active call list (call control owns
/// live calls).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Presence {
    pub extension: ExtensionRef,
    #[serde(default)]
    pub presence_status: PresenceStatus,
    #[serde(default)]
    pub user_status: UserStatus,
    #[serde(default)]
    pub dnd_status: DndStatus,
    #[serde(default)]
    pub telephony_status: TelephonyStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Presence {
    /// The presence of an extension nobody has touched yet.
    pub fn new(extension: ExtensionRef) -> Self {
        Self {
            extension,
            presence_status: PresenceStatus::default(),
            user_status: UserStatus::default(),
            dnd_status: DndStatus::default(),
            telephony_status: TelephonyStatus::default(),
            message: None,
        }
    }
}
