//! App permissions (OAuth scopes) and throttling groups, by RingCentral's
//! names (`x-app-permission` and `x-throttling-group` in the spec).

use std::fmt;

/// An app permission; a token's scope is a space-separated list of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    /// Read account, extension, phone number and directory data.
    ReadAccounts,
    /// Change account-level settings.
    EditAccounts,
    /// Change an extension's settings.
    EditExtensions,
    /// Read the call log.
    ReadCallLog,
    /// Delete call log records.
    EditCallLog,
    /// Read the message store.
    ReadMessages,
    /// Change or delete messages.
    EditMessages,
    /// Read presence.
    ReadPresence,
    /// Change presence and do-not-disturb.
    EditPresence,
    /// Call Control API.
    CallControl,
    /// Register devices (SIP provisioning).
    VoipCalling,
    /// WebSocket notifications.
    WebSocket,
    /// Send SMS.
    Sms,
    /// RingOut calls.
    RingOut,
    /// Read call recordings.
    ReadCallRecording,
}

impl Permission {
    /// Every permission, for apps that are granted all of them.
    pub const ALL: [Permission; 15] = [
        Self::ReadAccounts,
        Self::EditAccounts,
        Self::EditExtensions,
        Self::ReadCallLog,
        Self::EditCallLog,
        Self::ReadMessages,
        Self::EditMessages,
        Self::ReadPresence,
        Self::EditPresence,
        Self::CallControl,
        Self::VoipCalling,
        Self::WebSocket,
        Self::Sms,
        Self::RingOut,
        Self::ReadCallRecording,
    ];

    /// The name used in scopes and in the spec.
    pub fn name(self) -> &'static str {
        match self {
            Self::ReadAccounts => "ReadAccounts",
            Self::EditAccounts => "EditAccounts",
            Self::EditExtensions => "EditExtensions",
            Self::ReadCallLog => "ReadCallLog",
            Self::EditCallLog => "EditCallLog",
            Self::ReadMessages => "ReadMessages",
            Self::EditMessages => "EditMessages",
            Self::ReadPresence => "ReadPresence",
            Self::EditPresence => "EditPresence",
            Self::CallControl => "CallControl",
            Self::VoipCalling => "VoipCalling",
            Self::WebSocket => "WebSocket",
            Self::Sms => "SMS",
            Self::RingOut => "RingOut",
            Self::ReadCallRecording => "ReadCallRecording",
        }
    }

    /// Parses one scope word; unknown words are `None`.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of permissions, printed as an OAuth scope string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Scope(Vec<Permission>);

impl Scope {
    /// A scope holding exactly these permissions.
    pub fn new(permissions: impl IntoIterator<Item = Permission>) -> Self {
        let mut list: Vec<Permission> = Vec::new();
        for p in permissions {
            if !list.contains(&p) {
                list.push(p);
            }
        }
        Self(list)
    }

    /// Every permission Switchboard knows.
    pub fn all() -> Self {
        Self::new(Permission::ALL)
    }

    /// Parses a space-separated scope, keeping only known permissions.
    pub fn parse(text: &str) -> Self {
        Self::new(text.split_whitespace().filter_map(Permission::from_name))
    }

    /// Whether the scope grants `p`.
    pub fn allows(&self, p: Permission) -> bool {
        self.0.contains(&p)
    }

    /// The permissions of `self` that `other` also grants.
    pub fn intersect(&self, other: &Scope) -> Scope {
        Self::new(self.0.iter().copied().filter(|p| other.allows(*p)))
    }

    /// Whether the scope grants nothing.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The permissions in order.
    pub fn permissions(&self) -> &[Permission] {
        &self.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let words: Vec<&str> = self.0.iter().map(|p| p.name()).collect();
        f.write_str(&words.join(" "))
    }
}

/// RingCentral's throttling groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThrottlingGroup {
    /// Simple reads.
    Light,
    /// Lists and updates.
    Medium,
    /// Expensive reads.
    Heavy,
    /// OAuth endpoints.
    Auth,
}

impl ThrottlingGroup {
    /// The name sent in `X-Rate-Limit-Group`, lowercase as RingCentral does.
    pub fn header_name(self) -> &'static str {
        match self {
            Self::Light => "light",
            Self::Medium => "medium",
            Self::Heavy => "heavy",
            Self::Auth => "auth",
        }
    }
}

/// What one operation requires: its throttling group and app permission.
#[derive(Debug, Clone, Copy)]
pub struct Operation {
    /// The spec's `operationId`, recorded in the request span.
    pub id: &'static str,
    /// Throttling group.
    pub group: ThrottlingGroup,
    /// App permission, or `None` for operations open to any token.
    pub permission: Option<Permission>,
}

impl Operation {
    /// An operation needing `permission`.
    pub const fn new(id: &'static str, group: ThrottlingGroup, permission: Permission) -> Self {
        Self {
            id,
            group,
            permission: Some(permission),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_round_trips_and_drops_unknown_words() {
        let scope = Scope::parse("ReadAccounts  Bogus EditPresence ReadAccounts");
        assert_eq!(scope.to_string(), "ReadAccounts EditPresence");
    }

    #[test]
    fn intersection_keeps_only_shared_permissions() {
        let app = Scope::parse("ReadAccounts ReadPresence");
        let asked = Scope::parse("ReadPresence EditPresence");
        assert_eq!(asked.intersect(&app).to_string(), "ReadPresence");
    }
}
