//! The SIP layer of Switchboard: message syntax, transports, transactions,
//! dialogs, digest authentication, and the registrar with its location
//! service. Nothing above this crate touches SIP wire details.
//!
//! Modules, bottom up:
//!
//! - [`message`]: sans-IO parsing, validation and printing of requests and
//!   responses, URIs and typed headers, plus TCP stream framing.
//! - [`digest`]: RFC 7616/8760 digest authentication, server and client.
//! - [`transport`]: UDP and TCP sockets on tokio, with connection limits.
//! - [`transaction`]: RFC 3261 §17 state machines and timers (private
//!   tables; public helpers such as [`transaction::response_for`]).
//! - [`handles`]: the transaction handles the application holds.
//! - [`dialog`]: dialog state for in-dialog requests.
//! - [`location`]: bindings, and the [`CredentialSource`] and
//!   [`LocationStore`] traits the binary implements (in-memory versions
//!   included).
//! - `registrar`, `lockout`, `core`: REGISTER handling, brute-force
//!   defence, and the dispatch that ties them together.
//! - [`config`] and [`server`]: [`SipConfig`] and the [`SipServer`] entry
//!   point returning a [`SipServerHandle`].

pub mod config;
mod core;
pub mod dialog;
pub mod digest;
pub mod handles;
pub mod location;
pub mod lockout;
pub mod message;
mod registrar;
pub mod server;
pub mod transaction;
pub mod transport;

pub use config::SipConfig;
pub use dialog::Dialog;
pub use handles::{
    ClientTransaction, IncomingRequest, InviteClientTransaction, InviteServerTransaction,
    ServerTransaction,
};
pub use location::{
    Binding, CredentialSource, Location, LocationStore, MemoryCredentials, MemoryLocationStore,
    UserCredential,
};
pub use server::{SipError, SipServer, SipServerHandle, SipStats};
pub use transaction::InviteEvent;
pub use transport::{Source, Target, Transport};
