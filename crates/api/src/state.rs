//! [`AppState`]: what every handler shares.

use std::sync::Arc;

use crate::backend::{ActiveCallLog, AuthBackend, Blobs, Directory, NoActiveCalls, NoBlobs};
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
    /// Voicemail and prompt audio.
    pub blobs: Arc<dyn Blobs>,
    /// Calls in progress.
    pub active_calls: Arc<dyn ActiveCallLog>,
    /// Rate limit counters.
    pub limiter: Arc<RateLimiter>,
    /// Signs and checks JWT credentials.
    pub jwt: Arc<JwtSigner>,
    /// Builds absolute `uri` fields.
    pub uris: Uris,
}

impl AppState {
    /// State over the given backends, without audio storage or call control
    /// until [`AppState::with_blobs`] and [`AppState::with_active_calls`]
    /// add them; fails only if configured JWT key files cannot be read or
    /// parsed.
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
            blobs: Arc::new(NoBlobs),
            active_calls: Arc::new(NoActiveCalls),
        })
    }

    /// The same state reading and writing audio through `blobs`.
    pub fn with_blobs(mut self, blobs: Arc<dyn Blobs>) -> Self {
        self.blobs = blobs;
        self
    }

    /// The same state listing calls in progress from `calls`.
    pub fn with_active_calls(mut self, calls: Arc<dyn ActiveCallLog>) -> Self {
        self.active_calls = calls;
        self
    }
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}
