//! `POST /restapi/oauth/token`: authenticates the client, runs the grant,
//! answers with a token pair.

use axum::extract::State;
use axum::http::HeaderMap;

use crate::backend::ClientApp;
use crate::error::ApiError;
use crate::extract::{Form, Pairs};
use crate::oauth::error::OAuthError;
use crate::oauth::grant::{authorization_code, jwt_bearer, password, refresh_token};
use crate::oauth::issue::{self, Granted, TokenInfo};
use crate::oauth::{JWT_BEARER, client};
use crate::state::AppState;

/// Grant types this endpoint knows.
const GRANTS: [&str; 4] = [
    "password",
    JWT_BEARER,
    "authorization_code",
    "refresh_token",
];

/// The token endpoint (`getToken`).
pub async fn token(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form,
) -> Result<TokenInfo, ApiError> {
    let app = client::authenticate(&state, &headers, &form).await?;
    let grant_type = form
        .non_empty("grant_type")
        .ok_or(OAuthError::MissingParameter("grant_type"))?;
    if !GRANTS.contains(&grant_type) {
        return Err(OAuthError::UnsupportedGrantType.into());
    }
    if !app.grants.iter().any(|g| g == grant_type) {
        return Err(OAuthError::UnauthorizedClient.into());
    }
    tracing::debug!(client_id = %app.client_id, grant_type, "token request");

    if grant_type == "refresh_token" {
        return refresh_token::grant(&state, &app, &form).await;
    }
    let granted = login_grant(&state, &app, grant_type, &form).await?;
    issue::issue_login(&state, &app, granted, &form).await
}

/// Runs a grant that starts a new session.
async fn login_grant(
    state: &AppState,
    app: &ClientApp,
    grant_type: &str,
    form: &Pairs,
) -> Result<Granted, ApiError> {
    let subject = match grant_type {
        "authorization_code" => return authorization_code::grant(state, app, form).await,
        "password" => password::grant(state, form).await?,
        _ => jwt_bearer::grant(state, app, form).await?,
    };
    let scope = issue::login_scope(app, form.non_empty("scope"))?;
    Ok(Granted { subject, scope })
}
