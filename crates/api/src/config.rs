//! `[api]` configuration: addresses, token lifetimes and request limits.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Configuration of the REST API; every field has a default.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ApiConfig {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Public base URL of the server, without a trailing slash; every `uri`
    /// field in a response starts with it.
    pub public_base_url: String,
    /// PEM certificate chain for HTTPS. TLS is served only when both this
    /// and `tls_key` are set.
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for HTTPS.
    pub tls_key: Option<PathBuf>,
    /// Token lifetimes and the JWT credential signing key.
    pub tokens: TokenConfig,
    /// Requests allowed per (user, app, throttling group) per window.
    pub rate_limits: RateLimitConfig,
    /// Largest request body accepted, in bytes; larger bodies get 413.
    pub max_body_bytes: usize,
    /// Browser origins allowed to call the API with credentials (CORS).
    /// Empty means no cross-origin access.
    pub cors_allowed_origins: Vec<String>,
    /// Where phones register, as `readDeviceSipInfo` tells them.
    pub sip: SipInfoConfig,
}

/// The SIP service a device's `sip-info` points phones at; the binary
/// copies it from the `[sip]` section.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SipInfoConfig {
    /// The SIP domain (`domain`), also the digest realm phones use.
    pub domain: String,
    /// `host:port` phones send requests to over UDP or TCP (`proxy`).
    pub outbound_proxy: String,
    /// `host:port` for TLS (`proxyTLS`), when TLS is served.
    pub outbound_proxy_tls: Option<String>,
}

impl Default for SipInfoConfig {
    fn default() -> Self {
        Self {
            domain: "localhost".to_owned(),
            outbound_proxy: "127.0.0.1:5060".to_owned(),
            outbound_proxy_tls: None,
        }
    }
}

impl Default for ApiConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            public_base_url: "http://127.0.0.1:8080".to_owned(),
            tls_cert: None,
            tls_key: None,
            tokens: TokenConfig::default(),
            rate_limits: RateLimitConfig::default(),
            max_body_bytes: 2 * 1024 * 1024,
            cors_allowed_origins: Vec::new(),
            sip: SipInfoConfig::default(),
        }
    }
}

/// Token lifetimes, in seconds, and how JWT credentials are signed.
///
/// The defaults are RingCentral's; a client may ask for shorter lifetimes
/// with `access_token_ttl`/`refresh_token_ttl`, within the bounds below.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TokenConfig {
    /// Access token lifetime when the client asks for none.
    pub access_ttl: u64,
    /// Shortest access token lifetime a client may ask for.
    pub access_ttl_min: u64,
    /// Longest access token lifetime a client may ask for.
    pub access_ttl_max: u64,
    /// Refresh token lifetime when the client asks for none.
    pub refresh_ttl: u64,
    /// Longest refresh token lifetime a client may ask for.
    pub refresh_ttl_max: u64,
    /// Lifetime of an authorization code from `/restapi/oauth/authorize`.
    pub auth_code_ttl: u64,
    /// HS256 secret used to sign JWT credentials. Empty means a random
    /// secret per process, so credentials die with the process: set it (or
    /// the RS256 keys) in any real deployment.
    pub jwt_hs256_secret: String,
    /// PEM RSA private key; when set with `jwt_rs256_public_key`, JWT
    /// credentials are signed RS256 instead of HS256.
    pub jwt_rs256_private_key: Option<PathBuf>,
    /// PEM RSA public key matching `jwt_rs256_private_key`.
    pub jwt_rs256_public_key: Option<PathBuf>,
}

impl Default for TokenConfig {
    fn default() -> Self {
        Self {
            access_ttl: 3600,
            access_ttl_min: 600,
            access_ttl_max: 3600,
            refresh_ttl: 604_800,
            refresh_ttl_max: 2_592_000,
            auth_code_ttl: 60,
            jwt_hs256_secret: String::new(),
            jwt_rs256_private_key: None,
            jwt_rs256_public_key: None,
        }
    }
}

/// Requests per window for each RingCentral throttling group.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitConfig {
    /// Length of the sliding window, in seconds; also the `Retry-After`
    /// ceiling.
    pub window_secs: u64,
    /// Light group (simple reads).
    pub light: u32,
    /// Medium group (lists and updates).
    pub medium: u32,
    /// Heavy group (call log, phone numbers, searches).
    pub heavy: u32,
    /// Auth group (token, authorize and revoke endpoints).
    pub auth: u32,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        Self {
            window_secs: 60,
            light: 50,
            medium: 40,
            heavy: 10,
            auth: 5,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_section_gives_ringcentral_defaults() {
        let config: ApiConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(config.listen, SocketAddr::from(([127, 0, 0, 1], 8080)));
        assert_eq!(
            (config.tokens.access_ttl, config.tokens.refresh_ttl),
            (3600, 604_800)
        );
        let limits = &config.rate_limits;
        assert_eq!(
            (limits.light, limits.medium, limits.heavy, limits.auth),
            (50, 40, 10, 5)
        );
        assert_eq!(limits.window_secs, 60);
    }

    #[test]
    fn unknown_keys_are_refused() {
        assert!(serde_json::from_str::<ApiConfig>(r#"{"listne": "0.0.0.0:80"}"#).is_err());
    }
}
