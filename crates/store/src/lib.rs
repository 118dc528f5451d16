//! Persistence for Switchboard: the phone-system model, OAuth state and SIP
//! registrations in SQLite (the default) or PostgreSQL, and audio in a blob
//! store.
//!
//! - [`Store`] is the handle every other layer holds; it is cheap to clone.
//!   Its methods are grouped by resource in the `repo` modules: account,
//!   extensions, devices, phone numbers, business hours, answering rules,
//!   forwarding numbers, IVR menus and prompts, greetings, message store,
//!   call log, presence and SIP registrations.
//! - [`oauth`] keeps client apps, token hashes, JWT credentials and
//!   authorization codes.
//! - [`blob`] stores prompt, greeting and voicemail audio.
//! - [`StoreConfig`] is the `[store]` section of the configuration file.
//!
//! One migrations folder (`migrations/`) serves both databases through
//! sqlx's `Any` driver; it is applied when the store opens.

pub mod blob;
mod config;
mod db;
mod error;
pub mod oauth;
mod paging;
mod repo;

pub use blob::{BlobStore, LocalBlobStore};
pub use config::StoreConfig;
pub use db::{Backend, Store};
pub use error::StoreError;
pub use paging::{Page, Paged};
pub use repo::call_log::CallLogFilter;
pub use repo::extension::ExtensionFilter;
pub use repo::message::MessageFilter;
pub use repo::registration::SipRegistration;

/// The result type of every store method.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
