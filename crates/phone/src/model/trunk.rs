//! SIP trunks: the carriers' gateways calls enter and leave through, and
//! which destinations each may be used for. Not part of RingCentral's API.

use serde::{Deserialize, Serialize};

/// The transport to reach a trunk's host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum SipTransport {
    #[default]
    UDP,
    TCP,
    TLS,
}

/// Digest credentials the carrier asks for; the password is never
/// serialized.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrunkCredentials {
    pub username: String,
    #[serde(default, skip_serializing)]
    pub password: String,
    /// Digest realm, when the carrier requires a specific one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
}

/// Which numbers may be dialled out through a trunk. Stops a stolen
/// extension password from becoming a toll-fraud bill.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DestinationPolicy {
    /// E.164 prefixes allowed (`+1` for North America); empty allows none.
    #[serde(default)]
    pub allowed_prefixes: Vec<String>,
    /// Prefixes refused even when an allowed prefix matches (`+1900`).
    #[serde(default)]
    pub denied_prefixes: Vec<String>,
}

impl Default for DestinationPolicy {
    fn default() -> Self {
        Self {
            allowed_prefixes: vec!["+1".to_owned()],
            denied_prefixes: Vec::new(),
        }
    }
}

impl DestinationPolicy {
    /// Whether an E.164 number may be dialled: the longest matching prefix
    /// wins, and a deny wins a tie.
    pub fn allows(&self, e164: &str) -> bool {
        let longest = |prefixes: &[String]| {
            prefixes
                .iter()
                .filter(|p| e164.starts_with(p.as_str()))
                .map(String::len)
                .max()
        };
        match (
            longest(&self.allowed_prefixes),
            longest(&self.denied_prefixes),
        ) {
            (Some(allow), Some(deny)) => allow > deny,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }
}

/// A SIP trunk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trunk {
    pub id: String,
    pub name: String,
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default)]
    pub transport: SipTransport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credentials: Option<TrunkCredentials>,
    /// Register with the carrier (for trunks that need it to send calls).
    #[serde(default)]
    pub register: bool,
    #[serde(default)]
    pub allowed_destinations: DestinationPolicy,
}

fn default_port() -> u16 {
    5060
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destination_policy_prefers_the_longest_prefix() {
        let policy = DestinationPolicy {
            allowed_prefixes: vec!["+1".into(), "+1900555".into()],
            denied_prefixes: vec!["+1900".into()],
        };
        assert!(policy.allows("+14155550100"));
        assert!(!policy.allows("+19001230000"));
        assert!(policy.allows("+19005551234"));
        assert!(!policy.allows("+442071234567"));
    }
}
