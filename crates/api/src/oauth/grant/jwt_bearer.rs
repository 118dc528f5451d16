//! The JWT bearer grant (RFC 7523): `assertion` is a JWT credential that
//! Switchboard signed for a user and that is still on record.

use jiff::Timestamp;

use crate::backend::{ClientApp, Subject};
use crate::error::ApiError;
use crate::extract::Pairs;
use crate::oauth::error::OAuthError;
use crate::oauth::secret;
use crate::state::AppState;

/// The user the assertion logs in as.
pub async fn grant(state: &AppState, app: &ClientApp, form: &Pairs) -> Result<Subject, ApiError> {
    let assertion = form
        .non_empty("assertion")
        .ok_or(OAuthError::MissingParameter("assertion"))?;
    let claimed = state
        .jwt
        .verify(assertion)
        .ok_or(OAuthError::InvalidAssertion)?;

    // The signature proves we issued it; the stored row says whether it
    // still stands and for which apps.
    let jwt_hash = secret::hash(assertion);
    let stored = state.auth.find_jwt_credential(&jwt_hash, Timestamp::now());
    let live = stored.await?.filter(|c| {
        !c.revoked
            && c.id == claimed.jti
            && c.subject == claimed.subject
            && (c.client_ids.is_empty() || c.client_ids.contains(&app.client_id))
    });
    match live {
        Some(credential) => Ok(credential.subject),
        None => {
            tracing::warn!(
                owner_id = claimed.subject.extension_id,
                "JWT credential not valid"
            );
            Err(OAuthError::InvalidAssertion.into())
        }
    }
}
