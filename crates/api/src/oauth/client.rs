//! Client authentication at the token and revoke endpoints: HTTP Basic
//! (`client_id:client_secret`) or `client_id` (+ `client_secret`) in the
//! form body, as RFC 6749 section 2.3.1 allows.

use axum::http::{HeaderMap, header};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::backend::ClientApp;
use crate::error::ApiError;
use crate::extract::Pairs;
use crate::oauth::error::OAuthError;
use crate::oauth::secret;
use crate::state::AppState;

/// Credentials a request presented for its client.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Presented {
    /// The claimed `client_id`.
    pub client_id: Option<String>,
    /// The secret, if any.
    pub secret: Option<String>,
}

/// `client_id:secret` from a Basic header, if there is one.
fn basic(headers: &HeaderMap) -> Result<Option<(String, String)>, OAuthError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let text = value.to_str().map_err(|_| OAuthError::InvalidClient)?;
    let Some((scheme, encoded)) = text.trim().split_once(' ') else {
        return Err(OAuthError::InvalidClient);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Err(OAuthError::InvalidClient);
    }
    let decoded = STANDARD
        .decode(encoded.trim())
        .map_err(|_| OAuthError::InvalidClient)?;
    let decoded = String::from_utf8(decoded).map_err(|_| OAuthError::InvalidClient)?;
    let (id, secret) = decoded.split_once(':').ok_or(OAuthError::InvalidClient)?;
    Ok(Some((id.to_owned(), secret.to_owned())))
}

/// What the request claims, from the header and the body together. A body
/// `client_id` next to Basic must name the same client (`@rc-ex/core` sends
/// both).
pub fn presented(headers: &HeaderMap, form: &Pairs) -> Result<Presented, OAuthError> {
    let body_id = form.non_empty("client_id").map(str::to_owned);
    match basic(headers)? {
        Some((id, secret)) => {
            if body_id.as_ref().is_some_and(|b| *b != id) {
                return Err(OAuthError::InvalidClient);
            }
            Ok(Presented {
                client_id: Some(id),
                secret: Some(secret),
            })
        }
        None => {
            let secret = form.non_empty("client_secret").map(str::to_owned);
            Ok(Presented {
                client_id: body_id,
                secret,
            })
        }
    }
}

/// Authenticates the client; a confidential app must present its secret,
/// a public one only its id.
pub async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    form: &Pairs,
) -> Result<ClientApp, ApiError> {
    let presented = presented(headers, form)?;
    let client_id = presented.client_id.ok_or(OAuthError::ClientAuthRequired)?;
    let app = state
        .auth
        .client_app(&client_id)
        .await?
        .ok_or(OAuthError::InvalidClient)?;

    if let Some(expected) = &app.secret_hash {
        let given = presented.secret.ok_or(OAuthError::InvalidClient)?;
        if !secret::same(expected, &secret::hash(&given)) {
            tracing::warn!(client_id = %app.client_id, "wrong client secret");
            return Err(OAuthError::InvalidClient.into());
        }
    }
    Ok(app)
}
