//! Bearer access tokens on API calls: the `Authorization` header check and
//! [`Caller`], who is calling.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use jiff::Timestamp;

use crate::backend::Subject;
use crate::error::ApiError;
use crate::oauth::secret;
use crate::permission::Scope;
use crate::state::AppState;

/// The authenticated caller of an API operation.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user the token acts for.
    pub subject: Subject,
    /// The app the token was issued to.
    pub client_id: String,
    /// The permissions the token grants.
    pub scope: Scope,
    /// The login session (token family).
    pub session_id: String,
}

/// The token of an `Authorization: Bearer …` header. The scheme is matched
/// case-insensitively: the Python and JS SDKs send `bearer`.
fn bearer_token(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthenticated)?;
    let text = value.to_str().map_err(|_| ApiError::UnparsableToken)?;
    let (scheme, token) = text
        .trim()
        .split_once(' ')
        .ok_or(ApiError::UnparsableToken)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() {
        return Err(ApiError::UnparsableToken);
    }
    Ok(token)
}

/// Finds the live token pair behind the request's bearer token.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = bearer_token(headers)?;
    let hash = secret::hash(token);
    let record = state.auth.find_access_token(&hash).await?;
    let record = record.ok_or(ApiError::InvalidToken)?;

    // The backend found it by hash; comparing again in constant time keeps
    // a careless backend (a prefix index, say) from becoming an oracle.
    if !secret::same(&record.hashes.access_hash, &hash) || record.revoked {
        return Err(ApiError::InvalidToken);
    }
    if record.hashes.access_expires_at <= Timestamp::now() {
        return Err(ApiError::TokenExpired);
    }
    Ok(Caller {
        subject: record.subject,
        client_id: record.client_id,
        scope: record.scope,
        session_id: record.session_id,
    })
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    /// Reads the caller the route's guard stored; a route without a guard
    /// has no caller, which is a 401 rather than a panic.
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or(ApiError::Unauthenticated)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
        headers
    }

    #[test]
    fn bearer_scheme_is_case_insensitive() {
        assert_eq!(bearer_token(&headers("bearer abc")).unwrap(), "abc");
        assert_eq!(bearer_token(&headers("BEARER abc")).unwrap(), "abc");
    }

    #[test]
    fn other_schemes_and_empty_tokens_are_unparsable() {
        assert!(matches!(
            bearer_token(&headers("Basic abc")),
            Err(ApiError::UnparsableToken)
        ));
        assert!(matches!(
            bearer_token(&headers("Bearer  ")),
            Err(ApiError::UnparsableToken)
        ));
        assert!(matches!(
            bearer_token(&HeaderMap::new()),
            Err(ApiError::Unauthenticated)
        ));
    }
}
