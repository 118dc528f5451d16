//! `CallError`: what can go wrong while a call task drives SIP, media and
//! the store. Every one of them ends the call as "Call Failed".

use switchboard_media::MediaError;
use switchboard_sip::SipError;
use switchboard_store::StoreError;

/// A failure inside one call.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// The store could not be read or written.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The media engine failed (no ports, bad SDP, a prompt that cannot play).
    #[error(transparent)]
    Media(#[from] MediaError),
    /// A request could not be sent.
    #[error(transparent)]
    Sip(#[from] SipError),
    /// The configuration names something that does not exist.
    #[error("configuration: {0}")]
    Config(String),
    /// Writing or reading a local file (a recording) failed.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
}
