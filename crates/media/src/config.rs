//! `[media]` configuration: every limit of this layer, each with a default.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::codec::AudioCodec;
use crate::sdp::MediaPolicy;

/// Settings for the media engine; the binary reads them from `[media]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    /// Address RTP and RTCP sockets bind to. `0.0.0.0` for every IPv4
    /// interface; `::` for IPv4 and IPv6 together on a dual-stack host.
    pub bind_address: IpAddr,
    /// Address written in SDP. When unset: the bind address if it is a real
    /// address, else the local address that routes to the peer.
    pub advertised_address: Option<IpAddr>,
    /// Lowest RTP port (rounded up to even); RTCP uses RTP + 1 (RFC 3550 §11).
    pub port_min: u16,
    /// Highest port the pair may use.
    pub port_max: u16,
    /// Codecs we accept and offer, in order of preference.
    pub codecs: Vec<AudioCodec>,
    /// Whether to negotiate RFC 4733 telephone-event.
    pub telephone_event: bool,
    /// Packet time we offer and send with, in milliseconds.
    pub ptime_ms: u32,
    /// Seconds between RTCP reports (RFC 3550 §6.2 suggests 5).
    pub rtcp_interval_secs: u64,
    /// Longest recording, in seconds, unless a request asks for less.
    pub max_recording_secs: u64,
    /// A recording ends after this much silence, in milliseconds; 0 disables it.
    pub trailing_silence_ms: u64,
    /// Frames quieter than this RMS level (dBFS) count as silence.
    pub silence_threshold_dbfs: f32,
    /// Text-to-speech command, called as `<command> -w <file.wav> -- <text>`.
    pub tts_command: String,
    /// Audio a recording holds back to put reordered packets in place, in ms.
    pub reorder_window_ms: u32,
    /// A call whose peer sends no RTP for this many seconds, while we expect
    /// audio, is reported by `MediaSession::media_timeout`; 0 disables.
    pub rtp_timeout_secs: u64,
    /// Packets queued between a session's receive loop and a reader (recorder,
    /// bridge) before newer ones are dropped; 64 is over a second at 20 ms.
    pub tap_queue_packets: usize,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            bind_address: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            advertised_address: None,
            port_min: 10000,
            port_max: 20000,
            codecs: AudioCodec::ALL.to_vec(),
            telephone_event: true,
            ptime_ms: 20,
            rtcp_interval_secs: 5,
            max_recording_secs: 180,
            trailing_silence_ms: 5000,
            silence_threshold_dbfs: -45.0,
            tts_command: "espeak-ng".to_owned(),
            tap_queue_packets: 64,
            reorder_window_ms: 60,
            rtp_timeout_secs: 60,
        }
    }
}

impl MediaConfig {
    /// The offer/answer policy these settings imply.
    pub fn policy(&self) -> MediaPolicy {
        MediaPolicy {
            codecs: self.codecs.clone(),
            telephone_event: self.telephone_event,
            ptime_ms: self.ptime_ms,
        }
    }

    /// Checks values that would make the engine unusable.
    pub fn validate(&self) -> Result<(), String> {
        if self.port_min > self.port_max.saturating_sub(1) {
            return Err("port_min must be below port_max".into());
        }
        if self.codecs.is_empty() {
            return Err("codecs must name at least one codec".into());
        }
        if !(10..=60).contains(&self.ptime_ms) || !self.ptime_ms.is_multiple_of(10) {
            return Err("ptime_ms must be 10, 20, ... 60".into());
        }
        Ok(())
    }

    /// The RTP inactivity limit, if enabled.
    pub fn rtp_timeout(&self) -> Option<Duration> {
        (self.rtp_timeout_secs > 0).then(|| Duration::from_secs(self.rtp_timeout_secs))
    }

    /// Interval between RTCP reports.
    pub fn rtcp_interval(&self) -> Duration {
        Duration::from_secs(self.rtcp_interval_secs.max(1))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_section_gives_the_defaults() {
        let parsed: MediaConfig = serde_json::from_str("{}").unwrap();
        assert_eq!(parsed, MediaConfig::default());
        assert!(parsed.validate().is_ok());
    }

    #[test]
    fn nonsense_values_are_refused() {
        let bad = [
            MediaConfig {
                port_min: 20000,
                port_max: 10000,
                ..MediaConfig::default()
            },
            MediaConfig {
                codecs: vec![],
                ..MediaConfig::default()
            },
            MediaConfig {
                ptime_ms: 25,
                ..MediaConfig::default()
            },
        ];
        assert!(bad.iter().all(|c| c.validate().is_err()));
    }
}
