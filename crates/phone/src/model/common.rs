//! Small shapes shared by many records: references to other objects by id
//! and the inbound/outbound direction.

use serde::{Deserialize, Deserializer, Serialize};

use super::extension::ExtensionId;

/// Which way a call or message travelled, seen from the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Direction {
    Inbound,
    Outbound,
}

/// A reference to an extension, as RingCentral nests it (`extension{id}`).
///
/// Only `id` is meaningful on input; the other fields are filled in on
/// output where RingCentral shows them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionRef {
    #[serde(deserialize_with = "id_number_or_string")]
    pub id: ExtensionId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl ExtensionRef {
    /// A reference that carries only the id.
    pub fn new(id: ExtensionId) -> Self {
        Self {
            id,
            ..Self::default()
        }
    }
}

/// A reference to an object whose RingCentral id is a string (`audio{id}`,
/// `preset{id}`, `custom{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdRef {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

impl IdRef {
    /// A reference that carries only the id.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            ..Self::default()
        }
    }
}

/// RingCentral writes extension ids as numbers in some schemas and as
/// strings in others (`transfer.extension.id`); accept both.
pub fn id_number_or_string<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Number(i64),
        Text(String),
    }
    match Raw::deserialize(d)? {
        Raw::Number(n) => Ok(n),
        Raw::Text(s) => s.trim().parse().map_err(serde::de::Error::custom),
    }
}
