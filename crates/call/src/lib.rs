//! Call control for Switchboard: one tokio task per call that drives SIP
//! and media from the phone system's decisions (a back-to-back user agent)
//! and writes the call log.
//!
//! Modules:
//!
//! - [`config`]: [`CallConfig`], the `[call]` section (trunks, timings).
//! - [`control`]: [`CallControl`], which takes the SIP server's incoming
//!   requests, spawns a task per call and routes in-dialog requests to it.
//! - [`registry`]: the active calls, for an API endpoint and metrics.
//! - [`clock`]: the injectable clock that rule selection reads.
//! - `call`: one call's flow, split into steps: answer, company rule, IVR,
//!   ring, bridge, voicemail, log.
//! - `auth`: digest 407 challenges of INVITEs from registered devices.
//! - `sip`, `trunk`, `mwi`: SIP message helpers, trunk matching and
//!   dialling, and message-waiting NOTIFYs (RFC 3842).
//!
//! Routing policy lives in `switchboard_phone::rules`; this crate only
//! carries out what those functions decide.
//!
//! Calls it handles: trunk calls to the main number (company answering
//! rule, IVR menu) or to a direct number (the extension's own plan:
//! ring devices, forwarding numbers, voicemail), calls from registered
//! devices to another extension, and calls from devices out through a
//! trunk under its toll-fraud policy.
//!
//! Starting it in the binary:
//!
//! ```no_run
//! # async fn start(store: switchboard_store::Store) -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use std::time::Duration;
//!
//! use switchboard_call::{CallConfig, CallControl};
//! use switchboard_media::{MediaConfig, MediaEngine};
//! use switchboard_sip::{MemoryCredentials, MemoryLocationStore, SipConfig, SipServer};
//! use switchboard_store::LocalBlobStore;
//!
//! let credentials = Arc::new(MemoryCredentials::new());
//! let locations = Arc::new(MemoryLocationStore::new());
//! let sip = SipServer::start(SipConfig::default(), credentials.clone(), locations).await?;
//! let sip = Arc::new(sip);
//! let media = MediaEngine::new(MediaConfig::default())?;
//! let blobs = Arc::new(LocalBlobStore::new("data/blobs"));
//! let calls = CallControl::new(CallConfig::default(), sip.clone(), store, blobs, media)
//!     .with_device_auth(credentials, "localhost")
//!     .start(sip.take_incoming(256));
//! // At shutdown: every call is hung up and logged.
//! calls.shutdown(Duration::from_secs(5)).await;
//! # Ok(())
//! # }
//! ```

mod auth;
mod call;
pub mod clock;
pub mod config;
pub mod control;
mod error;
mod mwi;
pub mod registry;
mod sip;
mod trunk;

pub use clock::{Clock, FixedClock, SystemClock};
pub use config::CallConfig;
pub use control::{CallControl, CallControlHandle};
pub use error::CallError;
pub use registry::{ActiveCall, ActiveCalls, CallState};
