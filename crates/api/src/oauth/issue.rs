//! Issuing token pairs and the `TokenInfo` response.

use axum::Json;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::Serialize;

use crate::backend::{ClientApp, Subject, TokenHashes, TokenRecord};
use crate::config::TokenConfig;
use crate::error::ApiError;
use crate::extract::Pairs;
use crate::oauth::error::OAuthError;
use crate::oauth::{after, secret};
use crate::permission::Scope;
use crate::state::AppState;

/// What a login grant established: for whom, with what permissions.
#[derive(Debug, Clone)]
pub struct Granted {
    /// The user.
    pub subject: Subject,
    /// Permissions the new tokens carry.
    pub scope: Scope,
}

/// RingCentral's `TokenInfo`. `expires_in` and `refresh_token_expires_in`
/// must be JSON numbers: the Python SDK adds them to the clock.
#[derive(Debug, Serialize)]
pub struct TokenInfo {
    /// The bearer token.
    pub access_token: String,
    /// Always `bearer`.
    pub token_type: &'static str,
    /// Seconds the access token lives.
    pub expires_in: u64,
    /// The refresh token.
    pub refresh_token: String,
    /// Seconds the refresh token lives.
    pub refresh_token_expires_in: u64,
    /// Granted permissions, space-separated.
    pub scope: String,
    /// The extension id, as a string.
    pub owner_id: String,
    /// The client endpoint id.
    pub endpoint_id: String,
    /// The login session id.
    pub session_id: String,
}

impl IntoResponse for TokenInfo {
    fn into_response(self) -> Response {
        let mut response = Json(self).into_response();
        // RFC 6749 section 5.1: token responses must not be cached.
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
        response
    }
}

/// Lifetimes of a new pair, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetimes {
    /// Access token.
    pub access: u64,
    /// Refresh token.
    pub refresh: u64,
}

/// Lifetimes asked for by `access_token_ttl`/`refresh_token_ttl`, clamped
/// to the configured bounds. Unparsable values are ignored: the JS SDK
/// sends `NaN` when it has no previous token.
pub fn lifetimes(config: &TokenConfig, form: &Pairs) -> Lifetimes {
    let asked = |name| form.get(name).and_then(|v| v.trim().parse::<u64>().ok());
    let access = asked("access_token_ttl").map_or(config.access_ttl, |t| {
        t.clamp(config.access_ttl_min, config.access_ttl_max)
    });
    let refresh = asked("refresh_token_ttl")
        .map_or(config.refresh_ttl, |t| t.clamp(1, config.refresh_ttl_max));
    Lifetimes { access, refresh }
}

/// The scope of a new login: what the app has, narrowed by `scope` if the
/// client asked for less.
pub fn login_scope(app: &ClientApp, asked: Option<&str>) -> Result<Scope, OAuthError> {
    let Some(asked) = asked else {
        return Ok(app.scope.clone());
    };
    let scope = Scope::parse(asked).intersect(&app.scope);
    if scope.is_empty() {
        return Err(OAuthError::InvalidScope);
    }
    Ok(scope)
}

/// A new pair's secrets (only ever returned to the client) and hashes.
#[derive(Debug)]
pub struct FreshPair {
    /// The access token in clear.
    pub access: String,
    /// The refresh token in clear.
    pub refresh: String,
    /// What the backend stores.
    pub hashes: TokenHashes,
    /// Their lifetimes.
    pub ttl: Lifetimes,
}

impl FreshPair {
    /// Random tokens with the lifetimes `form` asks for.
    pub fn new(config: &TokenConfig, form: &Pairs) -> Self {
        let ttl = lifetimes(config, form);
        let (access, refresh) = (secret::random_token(), secret::random_token());
        let now = Timestamp::now();
        let hashes = TokenHashes {
            access_hash: secret::hash(&access),
            access_expires_at: after(now, ttl.access),
            refresh_hash: secret::hash(&refresh),
            refresh_expires_at: after(now, ttl.refresh),
        };
        Self {
            access,
            refresh,
            hashes,
            ttl,
        }
    }

    /// The response for this pair, stored as `record`.
    pub fn token_info(self, record: &TokenRecord, form: &Pairs) -> TokenInfo {
        // The store keeps no endpoint id; a client that wants a stable one
        // sends `endpoint_id` with every grant, as the JS SDK does.
        let endpoint_id = form
            .non_empty("endpoint_id")
            .map_or_else(secret::random_id, str::to_owned);
        TokenInfo {
            access_token: self.access,
            token_type: "bearer",
            expires_in: self.ttl.access,
            refresh_token: self.refresh,
            refresh_token_expires_in: self.ttl.refresh,
            scope: record.scope.to_string(),
            owner_id: record.subject.extension_id.to_string(),
            endpoint_id,
            session_id: record.session_id.clone(),
        }
    }
}

/// Starts a new session for a login grant.
pub async fn issue_login(
    state: &AppState,
    app: &ClientApp,
    granted: Granted,
    form: &Pairs,
) -> Result<TokenInfo, ApiError> {
    let pair = FreshPair::new(&state.config.tokens, form);
    let record = TokenRecord {
        session_id: secret::random_id(),
        client_id: app.client_id.clone(),
        subject: granted.subject,
        scope: granted.scope,
        hashes: pair.hashes.clone(),
        revoked: false,
    };
    state.auth.insert_token(&record).await?;
    tracing::info!(
        client_id = %app.client_id,
        owner_id = record.subject.extension_id,
        session_id = %record.session_id,
        "session started"
    );
    Ok(pair.token_info(&record, form))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_ttls_are_ignored_and_large_ones_clamped() {
        let config = TokenConfig::default();
        let nan = Pairs::parse(b"access_token_ttl=NaN&refresh_token_ttl=NaN");
        assert_eq!(
            lifetimes(&config, &nan),
            Lifetimes {
                access: 3600,
                refresh: 604_800
            }
        );

        let big = Pairs::parse(b"access_token_ttl=99999&refresh_token_ttl=99999999");
        assert_eq!(
            lifetimes(&config, &big),
            Lifetimes {
                access: 3600,
                refresh: 2_592_000
            }
        );

        let short = Pairs::parse(b"access_token_ttl=5");
        assert_eq!(lifetimes(&config, &short).access, 600);
    }
}
