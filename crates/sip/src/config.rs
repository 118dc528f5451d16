//! `SipConfig`: every limit and setting of the SIP layer, with defaults.
//! The binary nests it as the `[sip]` section of its TOML file.

use std::net::SocketAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Settings of the SIP layer. Every field has a default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SipConfig {
    /// UDP listen addresses. Default `0.0.0.0:5060` and `[::]:5060` (the
    /// IPv6 socket is v6-only so both can bind). Port 0 picks a free port.
    pub udp_listen: Vec<SocketAddr>,
    /// TCP listen addresses, same default as UDP.
    pub tcp_listen: Vec<SocketAddr>,
    /// The SIP domain served: addresses of record are `user@domain`.
    /// Default `localhost`.
    pub domain: String,
    /// Other host names that mean this server (in Request-URIs and AORs).
    pub domain_aliases: Vec<String>,
    /// Treat any IP-literal host as this server, since phones are often set
    /// up with the server's address rather than a name. Default true.
    pub serve_ip_literals: bool,
    /// Digest realm; empty means "same as `domain`".
    pub realm: String,
    /// Sent in `User-Agent` and `Server` headers. Default `Switchboard/<version>`.
    pub user_agent: String,
    /// Registrar settings.
    pub registrar: RegistrarConfig,
    /// Brute-force lockout settings.
    pub lockout: LockoutConfig,
    /// Size, connection and time limits.
    pub limits: LimitsConfig,
    /// RFC 3261 timer base values.
    pub timers: TimerConfig,
}

/// Registration intervals (RFC 3261 §10.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistrarConfig {
    /// Shortest accepted binding in seconds; shorter ones get 423 with
    /// Min-Expires. Default 60.
    pub min_expires: u32,
    /// Interval used when the request names none. Default 3600.
    pub default_expires: u32,
    /// Longest interval granted; longer requests are clamped. Default 7200.
    pub max_expires: u32,
    /// Most contacts kept per address of record; more are refused with 403.
    /// Default 10.
    pub max_contacts_per_aor: usize,
    /// Seconds a nonce stays fresh; an older one gets 401 with `stale=true`.
    /// Default 300.
    pub nonce_lifetime_secs: u64,
    /// Digest algorithms offered, one WWW-Authenticate each, in this order
    /// (`MD5`, `SHA-256`). Default MD5 then SHA-256: RFC 8760 lets a
    /// client pick the first it supports, but SIPp 3.6 reads only the
    /// first challenge and knows only MD5. Some clients fail outright when
    /// any challenge is not MD5 (baresip 1.0 / libre answers "Function not
    /// implemented"); set `["MD5"]` for such fleets. Unknown names are
    /// ignored.
    pub digest_algorithms: Vec<String>,
}

/// Per-source-address lockout after repeated authentication failures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LockoutConfig {
    /// Failures within `window_secs` that lock an address out. Default 10.
    /// Zero disables the lockout.
    pub max_failures: u32,
    /// Length of the counting window in seconds. Default 60.
    pub window_secs: u64,
    /// How long a locked address is ignored, in seconds. Default 600.
    pub lockout_secs: u64,
    /// CIDR blocks (`10.0.0.0/8`, `::1/128`) never locked out. Default empty.
    pub allow: Vec<String>,
}

/// Limits that protect the server from oversized or abusive peers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct LimitsConfig {
    /// Largest message accepted, headers and body, in bytes. Default
    /// 65,535: the largest UDP payload, and far above any REGISTER or
    /// INVITE with SDP. Larger TCP messages close the connection.
    pub max_message_size: usize,
    /// Open TCP connections in total. Default 4096.
    pub max_tcp_connections: usize,
    /// Open TCP connections from one IP address. Default 32.
    pub max_tcp_connections_per_ip: usize,
    /// Seconds without a byte after which a TCP connection is closed.
    /// Default 300 (phones refresh or send keep-alives well within it).
    pub tcp_idle_timeout_secs: u64,
}

/// Timer base values of RFC 3261 §17 (Table 4), in milliseconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TimerConfig {
    /// T1, the round-trip estimate. Default 500.
    pub t1_ms: u64,
    /// T2, the longest retransmit interval of non-INVITE requests and
    /// INVITE responses. Default 4000.
    pub t2_ms: u64,
    /// T4, the longest time a message stays in the network. Default 5000.
    pub t4_ms: u64,
}

impl Default for SipConfig {
    fn default() -> Self {
        let v4: SocketAddr = ([0, 0, 0, 0], 5060).into();
        let v6: SocketAddr = (std::net::Ipv6Addr::UNSPECIFIED, 5060).into();
        SipConfig {
            udp_listen: vec![v4, v6],
            tcp_listen: vec![v4, v6],
            domain: "localhost".into(),
            domain_aliases: Vec::new(),
            serve_ip_literals: true,
            realm: String::new(),
            user_agent: concat!("Switchboard/", env!("CARGO_PKG_VERSION")).into(),
            registrar: RegistrarConfig::default(),
            lockout: LockoutConfig::default(),
            limits: LimitsConfig::default(),
            timers: TimerConfig::default(),
        }
    }
}

impl Default for RegistrarConfig {
    fn default() -> Self {
        RegistrarConfig {
            min_expires: 60,
            default_expires: 3600,
            max_expires: 7200,
            max_contacts_per_aor: 10,
            nonce_lifetime_secs: 300,
            digest_algorithms: vec!["MD5".into(), "SHA-256".into()],
        }
    }
}

impl Default for LockoutConfig {
    fn default() -> Self {
        LockoutConfig {
            max_failures: 10,
            window_secs: 60,
            lockout_secs: 600,
            allow: Vec::new(),
        }
    }
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            max_message_size: 65_535,
            max_tcp_connections: 4096,
            max_tcp_connections_per_ip: 32,
            tcp_idle_timeout_secs: 300,
        }
    }
}

impl Default for TimerConfig {
    fn default() -> Self {
        TimerConfig {
            t1_ms: 500,
            t2_ms: 4000,
            t4_ms: 5000,
        }
    }
}

impl SipConfig {
    /// The digest realm in force.
    pub fn realm(&self) -> &str {
        if self.realm.is_empty() {
            &self.domain
        } else {
            &self.realm
        }
    }

    /// True when `host` names this server.
    pub fn serves_host(&self, host: &str) -> bool {
        let ip_literal = host.parse::<std::net::IpAddr>().is_ok() || host.starts_with('[');
        host.eq_ignore_ascii_case(&self.domain)
            || self
                .domain_aliases
                .iter()
                .any(|a| a.eq_ignore_ascii_case(host))
            || (self.serve_ip_literals && ip_literal)
    }
}

impl TimerConfig {
    // Each timer is clamped to 1 ms ..= 1 minute so that no configuration
    // can make timer arithmetic overflow.

    /// T1.
    pub fn t1(&self) -> Duration {
        Duration::from_millis(self.t1_ms.clamp(1, 60_000))
    }

    /// T2.
    pub fn t2(&self) -> Duration {
        Duration::from_millis(self.t2_ms.clamp(1, 60_000))
    }

    /// T4.
    pub fn t4(&self) -> Duration {
        Duration::from_millis(self.t4_ms.min(60_000))
    }

    /// 64*T1: Timers B, F, H and J (UDP), and RFC 6026's Timers L and M.
    pub fn timeout(&self) -> Duration {
        self.t1() * 64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_survive_a_serde_round_trip() {
        let json = serde_json::to_string(&SipConfig::default()).expect("serialises");
        let back: SipConfig = serde_json::from_str(&json).expect("deserialises");
        assert_eq!(back, SipConfig::default());
        let partial: SipConfig = serde_json::from_str(r#"{"domain":"pbx.example"}"#).expect("ok");
        assert_eq!(partial.realm(), "pbx.example");
    }
}
