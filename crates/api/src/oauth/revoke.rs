//! `POST /restapi/oauth/revoke`: revokes the pair an access or refresh
//! token belongs to. Always 200, as RFC 7009 asks and the JS SDK expects
//! (it sends `token=` empty after a failed login).

use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;

use crate::error::ApiError;
use crate::extract::{Form, Pairs, Query, is_form};
use crate::oauth::secret;
use crate::state::AppState;

/// The revoke endpoint (`revokeToken`); `token` in the form or the query.
/// Holding a token is enough to revoke it, so no client check is needed.
pub async fn revoke(
    State(state): State<AppState>,
    Query(query): Query,
    req: Request,
) -> Result<StatusCode, ApiError> {
    // A form body is read; any other body is ignored rather than refused,
    // since the token may come in the query alone.
    let form = if is_form(&req) {
        Form::from_request(req, &state).await?.0
    } else {
        Pairs::default()
    };
    let Some(token) = form.non_empty("token").or(query.non_empty("token")) else {
        return Ok(StatusCode::OK);
    };
    if state.auth.revoke_token(&secret::hash(token)).await? {
        tracing::info!("token pair revoked");
    }
    Ok(StatusCode::OK)
}
