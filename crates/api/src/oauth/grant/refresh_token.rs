//! The refresh token grant with rotation: each refresh token works once.
//! The backend revokes the whole session when a used one comes back, since
//! it must have been copied (RFC 6819 section 5.2.2.3).

use jiff::Timestamp;

use crate::backend::ClientApp;
use crate::error::ApiError;
use crate::extract::Pairs;
use crate::oauth::error::OAuthError;
use crate::oauth::issue::{FreshPair, TokenInfo};
use crate::oauth::secret;
use crate::state::AppState;

/// A new pair in the same session.
pub async fn grant(state: &AppState, app: &ClientApp, form: &Pairs) -> Result<TokenInfo, ApiError> {
    let token = form
        .non_empty("refresh_token")
        .ok_or(OAuthError::MissingParameter("refresh_token"))?;
    let pair = FreshPair::new(&state.config.tokens, form);

    let refresh_hash = secret::hash(token);
    let rotated = state
        .auth
        .rotate_refresh_token(&refresh_hash, &pair.hashes, Timestamp::now());
    let Some(record) = rotated.await? else {
        tracing::warn!(client_id = %app.client_id, "refresh refused: unknown, expired or reused");
        return Err(OAuthError::InvalidRefreshToken.into());
    };
    // Another app presenting this refresh token means it leaked: end the
    // new pair at once so neither party keeps the session.
    if record.client_id != app.client_id {
        tracing::warn!(client_id = %app.client_id, "refresh token of another client");
        state.auth.revoke_token(&record.hashes.refresh_hash).await?;
        return Err(OAuthError::InvalidRefreshToken.into());
    }
    tracing::info!(session_id = %record.session_id, "session refreshed");
    Ok(pair.token_info(&record, form))
}
