//! A SIP media test endpoint built from `switchboard-sip` and
//! `switchboard-media`, used to prove the media engine against real peers
//! (SIPp, baresip, tshark) and to measure it under load.
//!
//! Modules:
//!
//! - [`config`]: what the endpoint listens on, plays and where it records.
//! - [`behaviour`]: what a call does, chosen by the Request-URI user.
//! - [`endpoint`]: the UAS that answers every INVITE and runs a behaviour,
//!   reporting each call's outcome on a channel tests can read.
//! - [`load`]: the load generator behind the `testbed-load` binary.

pub mod behaviour;
pub mod config;
pub mod endpoint;
pub mod load;

pub use behaviour::{Behaviour, Outcome};
pub use config::EndpointConfig;
pub use endpoint::{CallReport, Endpoint, EndpointError, Event};
