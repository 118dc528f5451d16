//! OAuth 2.0 as RingCentral serves it: `/restapi/oauth/token` with the
//! password, JWT bearer, authorization code (PKCE) and refresh token grants,
//! `/restapi/oauth/authorize` redirecting to a login page
//! (`/restapi/oauth/login`), `/restapi/oauth/revoke`, and the bearer check
//! every other endpoint relies on.
//!
//! Access and refresh tokens are opaque random strings; only their SHA-256
//! digests are stored. [`error`] lists the error codes.

pub mod authorize;
pub mod bearer;
pub mod client;
pub mod error;
pub mod grant;
pub mod issue;
pub mod jwt;
pub mod revoke;
pub mod secret;
pub mod token;

use axum::Router;
use axum::routing::{get, post};

pub use jwt::issue_jwt_credential;

use crate::guard::auth_throttled;
use crate::state::AppState;

/// The `grant_type` of the JWT bearer grant (RFC 7523).
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// `now` plus `seconds`, saturating at the end of time.
pub fn after(now: jiff::Timestamp, seconds: u64) -> jiff::Timestamp {
    let span = jiff::SignedDuration::from_secs(i64::try_from(seconds).unwrap_or(i64::MAX));
    now.checked_add(span).unwrap_or(jiff::Timestamp::MAX)
}

/// Routes under `/restapi/oauth`, each throttled in the Auth group.
pub fn routes(state: &AppState) -> Router<AppState> {
    let authorize = get(authorize::authorize).post(authorize::authorize_post);
    Router::new()
        .route(
            "/restapi/oauth/token",
            auth_throttled(post(token::token), state),
        )
        .route(
            "/restapi/oauth/revoke",
            auth_throttled(post(revoke::revoke), state),
        )
        .route("/restapi/oauth/authorize", auth_throttled(authorize, state))
        .route(
            authorize::LOGIN_PATH,
            auth_throttled(get(authorize::login_page), state),
        )
}
