//! `GET /restapi` and `GET /restapi/v1.0`: API version information, open to
//! anyone and never throttled (NoThrottling in the spec).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;

use crate::state::AppState;

/// The version string reported for `v1.0`.
const VERSION_STRING: &str = "1.0.60";
/// When this API surface was last changed.
const RELEASE_DATE: &str = "2026-01-01T00:00:00.000Z";

/// `ApiVersionInfo`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiVersionInfo {
    uri: String,
    version_string: &'static str,
    release_date: &'static str,
    uri_string: &'static str,
}

/// `ApiVersionsList`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiVersionsList {
    uri: String,
    api_versions: Vec<ApiVersionInfo>,
    server_version: &'static str,
    server_revision: &'static str,
}

fn v1(state: &AppState) -> ApiVersionInfo {
    ApiVersionInfo {
        uri: state.uris.absolute("/restapi/v1.0"),
        version_string: VERSION_STRING,
        release_date: RELEASE_DATE,
        uri_string: "v1.0",
    }
}

/// `readAPIVersions`.
async fn read_api_versions(State(state): State<AppState>) -> Json<ApiVersionsList> {
    Json(ApiVersionsList {
        uri: state.uris.absolute("/restapi"),
        api_versions: vec![v1(&state)],
        server_version: env!("CARGO_PKG_VERSION"),
        server_revision: "switchboard",
    })
}

/// `readAPIVersion`.
async fn read_api_version(State(state): State<AppState>) -> Json<ApiVersionInfo> {
    Json(v1(&state))
}

/// The version routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/restapi", get(read_api_versions))
        .route("/restapi/", get(read_api_versions))
        .route("/restapi/v1.0", get(read_api_version))
}
