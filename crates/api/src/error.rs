//! [`ApiError`]: every failure of a request, rendered as RingCentral's error
//! body with a safe message; the real cause goes to the log only.
//!
//! Body shape (RingCentral keeps the legacy top-level pair next to
//! `errors[]`, and the JS SDK shows the top-level `message`):
//! `{"errorCode","message","errors":[{"errorCode","message","parameterName"?}]}`.
//! OAuth failures add RFC 6749's `error` and `error_description`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::backend::BackendError;
use crate::oauth::error::OAuthError;
use crate::permission::Permission;

/// A request that cannot be served, as the client will see it.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// CMN-100: a required parameter is absent.
    #[error("parameter {0} is missing")]
    MissingParameter(&'static str),
    /// CMN-101: a parameter has a value we cannot use.
    #[error("parameter {0} is invalid")]
    InvalidParameter(&'static str),
    /// CMN-102 with 404: the resource named by a path parameter is unknown.
    #[error("resource for {0} not found")]
    NotFound(&'static str),
    /// CMN-103: the body is not JSON, or not the JSON we expect. The parser's
    /// text is kept for the log.
    #[error("unreadable JSON body: {0}")]
    BadJson(String),
    /// CMN-104 with 415: a body in a content type we do not take.
    #[error("unsupported content type")]
    UnsupportedMediaType,
    /// CMN-104 with 413: a body over `max_body_bytes`.
    #[error("request body too large")]
    PayloadTooLarge,
    /// CMN-104: a request we cannot parse for another reason.
    #[error("unparsable request: {0}")]
    BadRequest(String),
    /// CMN-107 with 416: a `Range` that the content cannot satisfy; the
    /// content's length goes in `Content-Range`.
    #[error("range not satisfiable")]
    RangeNotSatisfiable {
        /// Length of the whole content.
        length: u64,
    },
    /// CMN-405 with 401: no credentials on a call that needs them.
    #[error("authorization required")]
    Unauthenticated,
    /// OAU-149 with 401: the Authorization header is not a bearer token.
    #[error("unparsable authorization header")]
    UnparsableToken,
    /// OAU-129 with 401: unknown or revoked access token.
    #[error("invalid access token")]
    InvalidToken,
    /// OAU-128 with 401: the access token has expired.
    #[error("access token expired")]
    TokenExpired,
    /// CMN-401 with 403: the app (or the token's scope) lacks a permission.
    #[error("permission {0:?} required")]
    MissingPermission(Permission),
    /// CMN-402 with 403: an account-wide operation by a non-administrator.
    #[error("administrator required")]
    AdminRequired,
    /// CMN-404 with 403: the caller tried to reach another extension.
    #[error("access to another extension denied")]
    ForeignExtension,
    /// CMN-405 wording for an unknown route under `/restapi`, with 404.
    #[error("unknown resource path")]
    UnknownPath,
    /// 405: the path exists but not with this method.
    #[error("method not allowed")]
    MethodNotAllowed,
    /// CMN-301 with 429: over the throttling group's limit.
    #[error("rate limit exceeded, retry after {retry_after} s")]
    RateLimited {
        /// Seconds until the oldest counted request leaves the window.
        retry_after: u64,
    },
    /// An OAuth endpoint refused the request (RFC 6749 section 5.2 fields).
    #[error(transparent)]
    OAuth(#[from] OAuthError),
    /// CMN-203 with 500: a failure of ours already logged where it happened.
    #[error("internal error")]
    Internal,
    /// CMN-203 with 500: the backend failed; its text stays in the log.
    #[error(transparent)]
    Backend(#[from] BackendError),
}

/// One entry of `errors[]`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorItem {
    error_code: &'static str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter_name: Option<&'static str>,
}

/// The whole body.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ErrorBody {
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'static str>,
    #[serde(rename = "error_description", skip_serializing_if = "Option::is_none")]
    error_description: Option<String>,
    error_code: &'static str,
    message: String,
    errors: Vec<ErrorItem>,
}

impl ApiError {
    /// The HTTP status of this error.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::MissingParameter(_)
            | Self::InvalidParameter(_)
            | Self::BadJson(_)
            | Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound(_) | Self::UnknownPath => StatusCode::NOT_FOUND,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::RangeNotSatisfiable { .. } => StatusCode::RANGE_NOT_SATISFIABLE,
            Self::Unauthenticated
            | Self::UnparsableToken
            | Self::InvalidToken
            | Self::TokenExpired => StatusCode::UNAUTHORIZED,
            Self::MissingPermission(_) | Self::AdminRequired | Self::ForeignExtension => {
                StatusCode::FORBIDDEN
            }
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::OAuth(e) => e.status(),
            Self::Backend(_) | Self::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// RingCentral's code, safe message and offending parameter.
    fn describe(&self) -> (&'static str, String, Option<&'static str>) {
        match self {
            Self::MissingParameter(p) => (
                "CMN-100",
                format!("Parameter [{p}] is not specified"),
                Some(p),
            ),
            Self::InvalidParameter(p) => (
                "CMN-101",
                format!("Parameter [{p}] value is invalid"),
                Some(p),
            ),
            Self::NotFound(p) => (
                "CMN-102",
                format!("Resource for parameter [{p}] is not found"),
                Some(p),
            ),
            Self::BadJson(_) => ("CMN-103", "JSON can't be parsed".into(), None),
            Self::UnsupportedMediaType => ("CMN-104", "Unsupported Media Type".into(), None),
            Self::PayloadTooLarge => ("CMN-104", "Request entity too large".into(), None),
            Self::BadRequest(_) => ("CMN-104", "Cannot parse request".into(), None),
            Self::RangeNotSatisfiable { .. } => {
                ("CMN-107", "Requested range is not satisfiable".into(), None)
            }
            Self::Unauthenticated => (
                "CMN-405",
                "Authorization header is not specified".into(),
                None,
            ),
            Self::UnparsableToken => ("OAU-149", "Invalid Authorization header".into(), None),
            Self::InvalidToken => ("OAU-129", "Access token corrupted".into(), None),
            Self::TokenExpired => ("OAU-128", "Access token expired".into(), None),
            Self::MissingPermission(p) => (
                "CMN-401",
                format!(
                    "In order to call this API endpoint, application needs to have [{}] permission",
                    p.name()
                ),
                None,
            ),
            Self::AdminRequired => ("CMN-402", "Admin permission required".into(), None),
            Self::ForeignExtension => (
                "CMN-404",
                "Access to other extension is denied".into(),
                None,
            ),
            Self::UnknownPath => ("CMN-102", "Resource not found".into(), None),
            Self::MethodNotAllowed => ("CMN-405", "Method not allowed".into(), None),
            Self::RateLimited { .. } => ("CMN-301", "Request rate exceeded".into(), None),
            Self::OAuth(e) => (e.code(), e.description(), None),
            Self::Backend(_) | Self::Internal => ("CMN-203", "Internal server error".into(), None),
        }
    }

    fn body(&self) -> ErrorBody {
        let (code, message, parameter_name) = self.describe();
        let (error, error_description) = match self {
            Self::OAuth(e) => (Some(e.kind()), Some(message.clone())),
            _ => (None, None),
        };
        let item = ErrorItem {
            error_code: code,
            message: message.clone(),
            parameter_name,
        };
        ErrorBody {
            error,
            error_description,
            error_code: code,
            message,
            errors: vec![item],
        }
    }

    /// Logs the real cause at a level that matches whose fault it is.
    fn log(&self, status: StatusCode) {
        if status.is_server_error() {
            tracing::error!(status = status.as_u16(), cause = %self, "request failed");
        } else {
            tracing::debug!(status = status.as_u16(), cause = %self, "request refused");
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        self.log(status);

        let mut response = (status, axum::Json(self.body())).into_response();
        let headers = response.headers_mut();
        if let Self::RateLimited { retry_after } = self {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
        }
        if let Self::RangeNotSatisfiable { length } = self
            && let Ok(range) = HeaderValue::from_str(&format!("bytes */{length}"))
        {
            headers.insert(header::CONTENT_RANGE, range);
        }
        if status == StatusCode::UNAUTHORIZED {
            // A 401 names the scheme it wants: Basic for client
            // authentication (RFC 6749 section 5.2), Bearer for API calls
            // (RFC 6750 section 3).
            let scheme = match self {
                Self::OAuth(_) => "Basic realm=\"switchboard\"",
                _ => "Bearer",
            };
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(scheme));
        }
        response
    }
}
