//! Extensions: users, departments, IVR menus, announcement and voicemail-only
//! extensions, with their contact details and regional settings.

use serde::{Deserialize, Serialize};

use super::account::RegionalSettings;

/// RingCentral extension ids are 64-bit integers.
pub type ExtensionId = i64;

/// `AllExtensionTypesEnum`, plus `Unknown` for types this server does not
/// route (they are kept and shown, never dialled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExtensionType {
    User,
    Department,
    Announcement,
    Voicemail,
    DigitalUser,
    VirtualUser,
    FaxUser,
    PagingOnly,
    SharedLinesGroup,
    DelegatedLinesGroup,
    GroupCallPickup,
    IvrMenu,
    ParkLocation,
    #[serde(other)]
    Unknown,
}

/// `ExtensionStatusEnumFull`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ExtensionStatus {
    Enabled,
    Disabled,
    Frozen,
    NotActivated,
    Unassigned,
}

/// `contact` of an extension.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
}

/// An extension (`GetExtensionInfoResponse`, the fields a PBX uses).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Extension {
    pub id: ExtensionId,
    pub extension_number: String,
    /// Display name; for users, "First Last".
    pub name: String,
    #[serde(default)]
    pub contact: Contact,
    #[serde(rename = "type")]
    pub extension_type: ExtensionType,
    pub status: ExtensionStatus,
    /// `None` means the account's settings apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regional_settings: Option<RegionalSettings>,
    /// The PIN for voicemail access by phone (`ivrPin`). Never serialized.
    #[serde(default, skip_serializing)]
    pub ivr_pin: Option<String>,
    /// Hidden from the company directory and dial-by-name.
    #[serde(default)]
    pub hidden: bool,
}

impl Extension {
    /// Whether calls may be routed to this extension.
    pub fn is_enabled(&self) -> bool {
        self.status == ExtensionStatus::Enabled
    }

    /// The (first, last) names dial-by-name searches: the contact's.
    pub fn directory_name(&self) -> (Option<&str>, Option<&str>) {
        (
            self.contact.first_name.as_deref(),
            self.contact.last_name.as_deref(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_uses_ringcentral_field_names_and_hides_the_pin() {
        let json = r#"{"id":101,"extensionNumber":"101","name":"Ann Lee",
            "contact":{"firstName":"Ann","lastName":"Lee","email":"ann@acme.test"},
            "type":"User","status":"Enabled","ivrPin":"4321"}"#;
        let ext: Extension = serde_json::from_str(json).unwrap();
        assert_eq!(ext.ivr_pin.as_deref(), Some("4321"));
        assert_eq!(ext.directory_name(), (Some("Ann"), Some("Lee")));
        let out = serde_json::to_string(&ext).unwrap();
        assert!(out.contains(r#""type":"User""#) && out.contains(r#""extensionNumber":"101""#));
        assert!(!out.contains("4321"), "{out}");
    }

    #[test]
    fn unknown_extension_types_are_kept_as_unknown() {
        let kind: ExtensionType = serde_json::from_str(r#""Bot""#).unwrap();
        assert_eq!(kind, ExtensionType::Unknown);
    }
}
