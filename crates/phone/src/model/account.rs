//! The company account: its name, main number, operator and time zone.

use serde::{Deserialize, Serialize};

use super::common::ExtensionRef;

/// RingCentral account ids are 64-bit integers.
pub type AccountId = i64;

/// The time zone used when no extension overrides it.
pub const DEFAULT_TIMEZONE: &str = "America/New_York";

/// The company account (`GetAccountInfoResponse`, trimmed to what a PBX
/// uses). `companyName` is ours: RingCentral keeps it on the main
/// extension's contact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: AccountId,
    pub company_name: String,
    /// The main company number in E.164.
    pub main_number: String,
    /// The extension that answers when a caller asks for the operator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operator: Option<ExtensionRef>,
    #[serde(default)]
    pub regional_settings: RegionalSettings,
    /// `Confirmed` once set up; RingCentral's account status vocabulary.
    #[serde(default = "default_account_status")]
    pub status: String,
}

fn default_account_status() -> String {
    "Confirmed".to_owned()
}

/// `regionalSettings`, reduced to the time zone, which drives schedules.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionalSettings {
    #[serde(default)]
    pub timezone: TimezoneInfo,
}

/// `TimezoneInfoBase`. `name` is an IANA zone name such as
/// `America/New_York`, which is what RingCentral's dictionary uses too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimezoneInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub name: String,
}

impl Default for TimezoneInfo {
    fn default() -> Self {
        Self {
            id: None,
            name: DEFAULT_TIMEZONE.to_owned(),
        }
    }
}

impl TimezoneInfo {
    /// A time zone by IANA name.
    pub fn named(name: impl Into<String>) -> Self {
        Self {
            id: None,
            name: name.into(),
        }
    }

    /// Resolves the zone from jiff's bundled database.
    pub fn to_time_zone(&self) -> Result<jiff::tz::TimeZone, jiff::Error> {
        jiff::tz::TimeZone::get(&self.name)
    }
}
