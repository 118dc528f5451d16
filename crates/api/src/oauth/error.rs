//! [`OAuthError`]: refusals of the OAuth endpoints, with RFC 6749's `error`
//! and RingCentral-style `OAU-*` codes.
//!
//! Where RingCentral's own code for a case is not documented, Switchboard
//! picks one in the same family and keeps it stable.

use axum::http::StatusCode;

/// Why an OAuth endpoint refused a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OAuthError {
    /// A required form field is absent (`invalid_request`, OAU-101).
    #[error("missing parameter {0}")]
    MissingParameter(&'static str),
    /// A form field has an unusable value (`invalid_request`, OAU-102).
    #[error("invalid parameter {0}")]
    InvalidParameter(&'static str),
    /// No client credentials at all (`invalid_client`, OAU-123, 401).
    #[error("client authentication required")]
    ClientAuthRequired,
    /// Unknown client or wrong secret (`invalid_client`, OAU-146, 401).
    #[error("invalid client credentials")]
    InvalidClient,
    /// The app may not use this grant (`unauthorized_client`, OAU-251).
    #[error("grant not allowed for this client")]
    UnauthorizedClient,
    /// An unknown `grant_type` (`unsupported_grant_type`, OAU-250).
    #[error("unsupported grant type")]
    UnsupportedGrantType,
    /// Wrong user name or password (`invalid_grant`, OAU-140).
    #[error("invalid resource owner credentials")]
    InvalidUserCredentials,
    /// Bad, revoked or expired JWT assertion (`invalid_grant`, OAU-144).
    #[error("invalid JWT assertion")]
    InvalidAssertion,
    /// Bad, expired or reused authorization code (`invalid_grant`, OAU-112).
    #[error("invalid authorization code")]
    InvalidCode,
    /// Wrong PKCE verifier (`invalid_grant`, OAU-113).
    #[error("invalid code verifier")]
    InvalidCodeVerifier,
    /// Unknown, revoked, expired or reused refresh token (`invalid_grant`,
    /// OAU-211).
    #[error("invalid refresh token")]
    InvalidRefreshToken,
    /// The requested scope grants nothing the app has (`invalid_scope`,
    /// OAU-120).
    #[error("invalid scope")]
    InvalidScope,
}

impl OAuthError {
    /// HTTP status: 401 for client authentication, 400 otherwise
    /// (RFC 6749 section 5.2).
    pub fn status(self) -> StatusCode {
        match self {
            Self::ClientAuthRequired | Self::InvalidClient => StatusCode::UNAUTHORIZED,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// RFC 6749 `error` value.
    pub fn kind(self) -> &'static str {
        match self {
            Self::MissingParameter(_) | Self::InvalidParameter(_) => "invalid_request",
            Self::ClientAuthRequired | Self::InvalidClient => "invalid_client",
            Self::UnauthorizedClient => "unauthorized_client",
            Self::UnsupportedGrantType => "unsupported_grant_type",
            Self::InvalidScope => "invalid_scope",
            _ => "invalid_grant",
        }
    }

    /// RingCentral-style error code for `errors[]`.
    pub fn code(self) -> &'static str {
        match self {
            Self::MissingParameter(_) => "OAU-101",
            Self::InvalidParameter(_) => "OAU-102",
            Self::ClientAuthRequired => "OAU-123",
            Self::InvalidClient => "OAU-146",
            Self::UnauthorizedClient => "OAU-251",
            Self::UnsupportedGrantType => "OAU-250",
            Self::InvalidUserCredentials => "OAU-140",
            Self::InvalidAssertion => "OAU-144",
            Self::InvalidCode => "OAU-112",
            Self::InvalidCodeVerifier => "OAU-113",
            Self::InvalidRefreshToken => "OAU-211",
            Self::InvalidScope => "OAU-120",
        }
    }

    /// Safe, human-readable description (`error_description`).
    pub fn description(self) -> String {
        match self {
            Self::MissingParameter(p) => format!("Parameter [{p}] is missing"),
            Self::InvalidParameter(p) => format!("Parameter [{p}] is invalid"),
            Self::ClientAuthRequired => "Client authentication is required".into(),
            Self::InvalidClient => "Invalid client credentials".into(),
            Self::UnauthorizedClient => "Unauthorized for this grant type".into(),
            Self::UnsupportedGrantType => "Unsupported grant type".into(),
            Self::InvalidUserCredentials => "Invalid resource owner credentials".into(),
            Self::InvalidAssertion => "Invalid assertion".into(),
            Self::InvalidCode => "Authorization code is invalid or expired".into(),
            Self::InvalidCodeVerifier => "Code verifier does not match".into(),
            Self::InvalidRefreshToken => "Token is invalid, expired or revoked".into(),
            Self::InvalidScope => "Requested scope is not granted to the application".into(),
        }
    }
}
