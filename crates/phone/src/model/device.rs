//! Devices (desk phones, softphones, web phones) and the SIP credentials
//! each one registers with.

use serde::{Deserialize, Serialize};

use super::common::ExtensionRef;

/// The device `type` enum of `DeviceResource`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum DeviceType {
    HardPhone,
    SoftPhone,
    OtherPhone,
    WebPhone,
    WebRTC,
    Paging,
    Room,
    BLA,
    MobileDevice,
}

/// Whether the device currently has a live SIP registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum DeviceStatus {
    #[default]
    Offline,
    Online,
}

/// The credentials a device registers with (`sipInfo` of
/// `readDeviceSipInfo`). The password is never serialized.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SipCredentials {
    /// The user part of the device's address of record.
    pub username: String,
    #[serde(default, skip_serializing)]
    pub password: String,
    /// The digest `username`; RingCentral lets it differ from `username`.
    pub authorization_id: String,
}

/// A device assigned to an extension (`DeviceResource`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Device {
    /// RingCentral device ids are strings.
    pub id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub device_type: DeviceType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionRef>,
    #[serde(default)]
    pub status: DeviceStatus,
    /// Kept out of the device resource; the API shows it only in `sip-info`.
    #[serde(default, skip_serializing)]
    pub sip_info: SipCredentials,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_json_never_carries_the_sip_password() {
        let device = Device {
            id: "7".into(),
            name: "Desk".into(),
            device_type: DeviceType::HardPhone,
            extension: Some(ExtensionRef::new(101)),
            status: DeviceStatus::Online,
            sip_info: SipCredentials {
                username: "101".into(),
                password: "hunter2".into(),
                authorization_id: "101".into(),
            },
        };
        let out = serde_json::to_string(&device).unwrap();
        assert!(out.contains(r#""type":"HardPhone""#), "{out}");
        assert!(
            !out.contains("hunter2") && !out.contains("sipInfo"),
            "{out}"
        );
    }
}
