//! The account's telephone numbers and who owns each.

use serde::{Deserialize, Serialize};

use super::common::ExtensionRef;

/// `PhoneNumberUsageType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum UsageType {
    MainCompanyNumber,
    AdditionalCompanyNumber,
    CompanyNumber,
    DirectNumber,
    CompanyFaxNumber,
    ForwardedNumber,
    ForwardedCompanyNumber,
    ContactCenterNumber,
    ConferencingNumber,
    MeetingsNumber,
    #[serde(other)]
    Unknown,
}

/// `PhoneNumberType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PhoneNumberType {
    #[default]
    VoiceFax,
    VoiceOnly,
    FaxOnly,
}

/// `PhoneNumberStatus`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PhoneNumberStatus {
    #[default]
    Normal,
    Pending,
    PortedIn,
    Temporary,
    Unknown,
}

/// A number of the account (`CompanyPhoneNumberInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumber {
    pub id: i64,
    /// E.164, with the leading `+`.
    pub phone_number: String,
    #[serde(rename = "type", default)]
    pub number_type: PhoneNumberType,
    pub usage_type: UsageType,
    #[serde(default)]
    pub status: PhoneNumberStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The owner; `None` for company numbers routed by company rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionRef>,
}
