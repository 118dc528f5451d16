//! [`AppState`]: what every handler shares.

use std::sync::Arc;

use crate::backend::{AuthBackend, Directory};
use crate::config::ApiConfig;
use crate::oauth::jwt::{JwtKeyError, JwtSigner};
use crate::ratelimit::RateLimiter;
use crate::uri::Uris;

/// Shared state of the API: configuration, backends, limiter and keys.
/// Cloning is cheap.
#[derive(Clone)]
pub struct AppState {
    /// The configuration the server started with.
    pub config: Arc<ApiConfig>,
    /// OAuth persistence.
    pub auth: Arc<dyn AuthBackend>,
    /// Account and extension data.
    pub directory: Arc<dyn Directory>,
    /// Rate limit counters.
    pub limiter: Arc<RateLimiter>,
    /// Signs and checks JWT credentials.
    pub jwt: Arc<JwtSigner>,
    /// Builds absolute `uri` fields.
    pub uris: Uris,
}

impl AppState {
    /// State over the given backends; fails only if configured JWT key files
    /// cannot be read or parsed.
    pub fn new(
        config: ApiConfig,
        auth: Arc<dyn AuthBackend>,
        directory: Arc<dyn Directory>,
    ) -> Result<Self, JwtKeyError> {
        let jwt = JwtSigner::from_config(&config.tokens, &config.public_base_url)?;
        Ok(Self {
            limiter: Arc::new(RateLimiter::new(config.rate_limits.clone())),
            uris: Uris::new(&config.public_base_url),
            jwt: Arc::new(jwt),
            config: Arc::new(config),
            auth,
            directory,
        })
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
