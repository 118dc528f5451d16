//! The media layer: RTP/RTCP sessions, SDP offer/answer, codecs, DTMF,
//! playing and recording audio, and bridging two call legs.
//!
//! Call control uses [`MediaEngine`] to get a [`MediaSession`] per call leg,
//! hands SDP strings between it and SIP, and runs operations on it:
//!
//! ```no_run
//! # async fn leg(offer: &str) -> Result<(), switchboard_media::MediaError> {
//! use switchboard_media::{CollectOptions, MediaConfig, MediaEngine, PlayOptions, Prompt};
//!
//! let engine = MediaEngine::new(MediaConfig::default())?;
//! let (session, answer) = engine.answer_offer(offer).await?; // answer goes in the 200 OK
//! # let _ = answer;
//! let greeting = [Prompt::Text("Press one for sales".into())];
//! session.play(&greeting, PlayOptions { barge_in: true }).await?;
//! let keys = session.collect_digits(&CollectOptions::default()).await;
//! # let _ = keys;
//! session.release().await;
//! # Ok(())
//! # }
//! ```
//!
//! Modules, bottom up:
//!
//! - [`sdp`]: parse and print descriptions, negotiate one audio stream.
//! - [`rtp`]: packets, RTCP reports, statistics, reordering, the outgoing stream.
//! - [`codec`]: G.711, G.722, Opus, and resampling between 8, 16 and 48 kHz.
//! - [`dtmf`]: RFC 4733 events, in-band detection, digit collection.
//! - [`audio`]: prompts (WAV, text-to-speech, tones, silence) and pacing.
//! - [`record`]: voicemail stop rules and the temp-then-rename write.
//! - [`session`], [`engine`], [`mod@bridge`]: sockets and tasks that tie it together.

pub mod audio;
pub mod bridge;
pub mod codec;
pub mod config;
pub mod dtmf;
pub mod engine;
pub mod error;
pub mod record;
pub mod rtp;
pub mod sdp;
pub mod session;

pub use audio::{Prompt, Tone};
pub use bridge::{BridgeEnd, bridge};
pub use config::MediaConfig;
pub use dtmf::{CollectEnd, CollectOptions, CollectedDigits};
pub use engine::MediaEngine;
pub use error::MediaError;
pub use record::{RecordEnd, RecordOptions, Recording};
pub use rtp::SessionStats;
pub use sdp::{Direction, NegotiatedAudio};
pub use session::{MediaSession, PlayEnd, PlayOptions};
