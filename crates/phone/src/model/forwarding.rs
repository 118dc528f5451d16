//! Forwarding numbers: the outside numbers (home, mobile) an extension's
//! rules may ring.

use serde::{Deserialize, Serialize};

/// `ForwardingPhoneNumberTypeEnum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ForwardingNumberType {
    Home,
    Mobile,
    Work,
    PhoneLine,
    Outage,
    Other,
    BusinessMobilePhone,
    ExtensionApps,
}

/// `ForwardingNumberInfo`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardingNumber {
    /// RingCentral forwarding number ids are strings.
    pub id: String,
    /// E.164.
    pub phone_number: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(rename = "type")]
    pub number_type: ForwardingNumberType,
}
