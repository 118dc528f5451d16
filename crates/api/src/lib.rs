//! The RingCentral-compatible REST API and its OAuth 2.0 endpoints.
//!
//! Everything under `/restapi` speaks RingCentral's wire format so that the
//! official SDKs work against Switchboard with only the server URL changed.
//!
//! - [`config`]: [`ApiConfig`], every limit with its default.
//! - [`backend`]: the traits the API reads and writes through
//!   ([`AuthBackend`], [`Directory`], [`Blobs`], [`ActiveCallLog`]); the
//!   binary implements them over the store and call control, [`memory`]
//!   implements them in memory for tests and demos.
//! - [`error`]: [`ApiError`], the one error type, rendered as RingCentral's
//!   error body.
//! - [`extract`], [`paging`], [`uri`], [`content`]: shared conventions (JSON
//!   bodies, repeated query keys, the paging envelope, `~`, absolute `uri`
//!   fields, binary downloads); [`multipart`]: `multipart/form-data` uploads.
//! - [`permission`], [`ratelimit`], [`guard`]: per-operation app permission
//!   and throttling group, enforced by one layer per route.
//! - [`oauth`]: the token, authorize and revoke endpoints and the bearer
//!   token check; [`password`]: Argon2id hashes for user passwords.
//! - [`routes`]: one module per resource (account, extension, presence, ...).
//! - [`server`]: [`router`] and [`serve`]; [`tls`]: HTTPS with rustls.

pub mod backend;
pub mod config;
pub mod content;
pub mod error;
pub mod extract;
pub mod guard;
pub mod memory;
pub mod multipart;
pub mod oauth;
pub mod paging;
pub mod password;
pub mod permission;
pub mod ratelimit;
pub mod routes;
pub mod server;
pub mod state;
pub mod tls;
pub mod uri;

pub use backend::{ActiveCallLog, AuthBackend, BackendError, Blobs, Directory};
pub use config::ApiConfig;
pub use error::ApiError;
pub use server::{ServeError, router, serve, serve_on, serve_tls_on};
pub use state::AppState;
