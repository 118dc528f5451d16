//! SDP: the message syntax (RFC 4566), the static payload table (RFC 3551) and
//! our offer/answer policy (RFC 3264).
//!
//! Call control only sees strings and [`NegotiatedAudio`]; the parser is ours
//! and stays behind this module.

mod message;
mod negotiate;
mod payload;

pub use message::{Attribute, Connection, MediaDescription, Origin, SessionDescription};
pub use negotiate::{
    Direction, LocalMedia, MediaPolicy, NegotiatedAudio, TelephoneEvent, accept_answer,
    answer_offer, create_offer,
};
pub use payload::{RtpMap, fmtp_of, rtpmap_of, static_rtpmap};

/// Why an SDP body could not be read or negotiated.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SdpError {
    /// The body was empty.
    #[error("empty session description")]
    Empty,
    /// The first line was not `v=0`.
    #[error("session description does not start with v=0")]
    Version,
    /// A required line was absent.
    #[error("session description has no {0} line")]
    Missing(&'static str),
    /// A line could not be read.
    #[error("line {number}: {reason}")]
    Line {
        /// One-based line number.
        number: usize,
        /// What was wrong with it.
        reason: &'static str,
    },
    /// A media description had no `c=` line and neither did the session.
    #[error("media description {0} has no connection address")]
    NoConnection(usize),
    /// No audio stream with a codec we support; SIP answers 488.
    #[error("no acceptable audio stream")]
    NoAcceptableMedia,
    /// The answer does not match the offer (RFC 3264 §6 requires one m= per offered m=).
    #[error("answer does not match the offer: {0}")]
    AnswerMismatch(&'static str),
}
