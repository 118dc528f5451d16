//! The error type of the media layer's public API.

use crate::audio::{PromptError, WavError};
use crate::sdp::SdpError;

/// What can go wrong when call control drives a media session.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The peer's SDP was unreadable or unacceptable (answer 488 or 400).
    #[error(transparent)]
    Sdp(#[from] SdpError),
    /// Every port pair in the range is taken.
    #[error("no free RTP port pair between {min} and {max}")]
    NoPorts {
        /// Low end of the range.
        min: u16,
        /// High end of the range.
        max: u16,
    },
    /// A socket operation failed.
    #[error("media socket: {0}")]
    Io(#[from] std::io::Error),
    /// A prompt could not be rendered.
    #[error(transparent)]
    Prompt(#[from] PromptError),
    /// A recording could not be written.
    #[error("recording: {0}")]
    Recording(#[from] WavError),
    /// Play, record or collect was called before offer/answer completed.
    #[error("no audio stream has been negotiated yet")]
    NotNegotiated,
    /// An answer arrived but we had made no offer.
    #[error("no offer of ours is waiting for an answer")]
    NoPendingOffer,
    /// The configuration cannot work.
    #[error("invalid media configuration: {0}")]
    Config(String),
}
