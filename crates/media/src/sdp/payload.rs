//! The static RTP payload types of RFC 3551 §6 (table 4) and `a=rtpmap` reading.
//!
//! Offers may list a static payload type without an `rtpmap`, so the meaning of
//! 0, 8, 9 and friends comes from this table, not from the peer.

use super::MediaDescription;

/// What a payload type stands for: `encoding/clock[/channels]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpMap {
    /// The encoding name as written; compared case-insensitively (RFC 4855 §3).
    pub encoding: String,
    /// The RTP clock rate, which for G.722 is 8000 although it samples 16 kHz.
    pub clock_rate: u32,
    /// Audio channels; 1 when not written.
    pub channels: u8,
}

impl RtpMap {
    fn new(encoding: &str, clock_rate: u32, channels: u8) -> Self {
        Self {
            encoding: encoding.to_owned(),
            clock_rate,
            channels,
        }
    }

    /// Whether this map names `encoding` (any case) at `clock_rate`.
    pub fn is(&self, encoding: &str, clock_rate: u32) -> bool {
        self.encoding.eq_ignore_ascii_case(encoding) && self.clock_rate == clock_rate
    }

    /// Parses the value of an `a=rtpmap` attribute without its payload type.
    fn parse(text: &str) -> Option<Self> {
        let mut parts = text.trim().split('/');
        let encoding = parts.next().filter(|e| !e.is_empty())?;
        let clock_rate = parts.next()?.parse().ok()?;
        let channels = match parts.next() {
            Some(c) => c.parse().ok()?,
            None => 1,
        };
        Some(Self::new(encoding, clock_rate, channels))
    }
}

/// The RFC 3551 table for the audio payload types that are still in use.
pub fn static_rtpmap(payload_type: u8) -> Option<RtpMap> {
    let (encoding, clock_rate, channels) = match payload_type {
        0 => ("PCMU", 8000, 1),
        3 => ("GSM", 8000, 1),
        4 => ("G723", 8000, 1),
        5 => ("DVI4", 8000, 1),
        6 => ("DVI4", 16000, 1),
        7 => ("LPC", 8000, 1),
        8 => ("PCMA", 8000, 1),
        // RFC 3551 §4.5.2: G.722 keeps an 8000 Hz RTP clock for historical reasons.
        9 => ("G722", 8000, 1),
        10 => ("L16", 44100, 2),
        11 => ("L16", 44100, 1),
        12 => ("QCELP", 8000, 1),
        13 => ("CN", 8000, 1),
        15 => ("G728", 8000, 1),
        16 => ("DVI4", 11025, 1),
        17 => ("DVI4", 22050, 1),
        18 => ("G729", 8000, 1),
        _ => return None,
    };
    Some(RtpMap::new(encoding, clock_rate, channels))
}

/// The meaning of `payload_type` in `media`: its `rtpmap`, else the static table.
pub fn rtpmap_of(media: &MediaDescription, payload_type: u8) -> Option<RtpMap> {
    let prefix = payload_type.to_string();
    let written = media.attribute_values("rtpmap").find_map(|value| {
        let (pt, map) = value.split_once(' ')?;
        (pt == prefix).then(|| RtpMap::parse(map)).flatten()
    });
    written.or_else(|| static_rtpmap(payload_type))
}

/// The `a=fmtp` parameters written for `payload_type`, if any.
pub fn fmtp_of(media: &MediaDescription, payload_type: u8) -> Option<&str> {
    let prefix = payload_type.to_string();
    media.attribute_values("fmtp").find_map(|value| {
        let (pt, params) = value.split_once(' ')?;
        (pt == prefix).then_some(params.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sdp::SessionDescription;

    fn media(lines: &str) -> MediaDescription {
        let text = format!("v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n{lines}");
        SessionDescription::parse(&text).unwrap().media.remove(0)
    }

    #[test]
    fn static_types_resolve_without_rtpmap() {
        let m = media("m=audio 1000 RTP/AVP 0 8 9\r\n");
        assert!(rtpmap_of(&m, 0).unwrap().is("PCMU", 8000));
        assert!(rtpmap_of(&m, 8).unwrap().is("PCMA", 8000));
        assert!(rtpmap_of(&m, 9).unwrap().is("G722", 8000));
    }

    #[test]
    fn written_rtpmap_wins_and_is_case_insensitive() {
        let m = media(
            "m=audio 1000 RTP/AVP 96 97\r\na=rtpmap:96 opus/48000/2\r\n\
            a=rtpmap:97 TELEPHONE-EVENT/8000\r\na=fmtp:97 0-15\r\n",
        );
        let opus = rtpmap_of(&m, 96).unwrap();
        assert!(opus.is("OPUS", 48000));
        assert_eq!(opus.channels, 2);
        assert!(rtpmap_of(&m, 97).unwrap().is("telephone-event", 8000));
        assert_eq!(fmtp_of(&m, 97), Some("0-15"));
        assert_eq!(rtpmap_of(&m, 98), None);
    }

    #[test]
    fn malformed_rtpmap_falls_back_to_nothing() {
        let m = media("m=audio 1000 RTP/AVP 96\r\na=rtpmap:96 opus\r\n");
        assert_eq!(rtpmap_of(&m, 96), None);
    }
}
