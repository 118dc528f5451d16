//! Audio codecs: what each is called in SDP, and its encoder and decoder.
//!
//! Every codec turns 16-bit linear PCM at its own sample rate into an RTP
//! payload and back. The RTP clock can differ from the sample rate (G.722).

pub mod g711;
pub mod g722;
pub mod opus;
pub mod resample;

use serde::{Deserialize, Serialize};

/// The audio codecs this layer can negotiate, encode and decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AudioCodec {
    /// G.711 µ-law.
    Pcmu,
    /// G.711 A-law.
    Pcma,
    /// G.722 at 64 kbit/s (wideband).
    G722,
    /// Opus, coded as mono wideband speech.
    Opus,
}

impl AudioCodec {
    /// Every codec, in our default order of preference.
    pub const ALL: [AudioCodec; 4] = [
        AudioCodec::Pcmu,
        AudioCodec::Pcma,
        AudioCodec::G722,
        AudioCodec::Opus,
    ];

    /// The payload type we offer: RFC 3551's static one, or our dynamic pick for Opus.
    pub fn offer_payload_type(self) -> u8 {
        match self {
            AudioCodec::Pcmu => 0,
            AudioCodec::Pcma => 8,
            AudioCodec::G722 => 9,
            AudioCodec::Opus => 111,
        }
    }

    /// The encoding name used in `a=rtpmap`.
    pub fn encoding_name(self) -> &'static str {
        match self {
            AudioCodec::Pcmu => "PCMU",
            AudioCodec::Pcma => "PCMA",
            AudioCodec::G722 => "G722",
            AudioCodec::Opus => "opus",
        }
    }

    /// Channels written in `a=rtpmap`: RFC 7587 §7 always says 2 for Opus.
    pub fn rtpmap_channels(self) -> u8 {
        if self == AudioCodec::Opus { 2 } else { 1 }
    }

    /// The RTP timestamp clock: 8000 Hz for G.711 and G.722 (RFC 3551 §4.5.2),
    /// 48000 Hz for Opus (RFC 7587 §4.1).
    pub fn rtp_clock_rate(self) -> u32 {
        if self == AudioCodec::Opus {
            48000
        } else {
            8000
        }
    }

    /// The rate at which PCM is sampled before encoding.
    pub fn sample_rate(self) -> u32 {
        match self {
            AudioCodec::G722 => 16000,
            AudioCodec::Opus => opus::OPUS_PCM_RATE,
            _ => 8000,
        }
    }

    /// PCM samples in one packet of `ptime_ms`.
    pub fn samples_per_packet(self, ptime_ms: u32) -> usize {
        (self.sample_rate() * ptime_ms / 1000) as usize
    }

    /// RTP timestamp units in one packet of `ptime_ms`.
    pub fn timestamp_step(self, ptime_ms: u32) -> u32 {
        self.rtp_clock_rate() * ptime_ms / 1000
    }

    /// Finds the codec an `rtpmap` entry names, if we have it.
    pub fn from_rtpmap(map: &crate::sdp::RtpMap) -> Option<Self> {
        AudioCodec::ALL.into_iter().find(|c| {
            map.is(c.encoding_name(), c.rtp_clock_rate()) && map.channels == c.rtpmap_channels()
        })
    }

    /// A fresh encoder; G.722 keeps state between packets.
    pub fn encoder(self) -> Encoder {
        match self {
            AudioCodec::Pcmu => Encoder::Pcmu,
            AudioCodec::Pcma => Encoder::Pcma,
            AudioCodec::G722 => Encoder::G722(Box::default()),
            AudioCodec::Opus => Encoder::Opus(Box::default()),
        }
    }

    /// A fresh decoder.
    pub fn decoder(self) -> Decoder {
        match self {
            AudioCodec::Pcmu => Decoder::Pcmu,
            AudioCodec::Pcma => Decoder::Pcma,
            AudioCodec::G722 => Decoder::G722(Box::default()),
            AudioCodec::Opus => Decoder::Opus(Box::default()),
        }
    }
}

/// Turns PCM into payloads for one RTP stream.
pub enum Encoder {
    /// Stateless µ-law.
    Pcmu,
    /// Stateless A-law.
    Pcma,
    /// Stateful ADPCM.
    G722(Box<g722::G722Encoder>),
    /// libopus.
    Opus(Box<opus::OpusEncoder>),
}

impl Encoder {
    /// Encodes one packet's worth of PCM at the codec's sample rate.
    pub fn encode(&mut self, pcm: &[i16]) -> Vec<u8> {
        match self {
            Encoder::Pcmu => pcm.iter().map(|s| g711::ulaw_encode(*s)).collect(),
            Encoder::Pcma => pcm.iter().map(|s| g711::alaw_encode(*s)).collect(),
            Encoder::G722(e) => e.encode(pcm),
            Encoder::Opus(e) => e.encode(pcm),
        }
    }
}

/// Turns payloads of one RTP stream back into PCM.
pub enum Decoder {
    /// Stateless µ-law.
    Pcmu,
    /// Stateless A-law.
    Pcma,
    /// Stateful ADPCM.
    G722(Box<g722::G722Decoder>),
    /// libopus.
    Opus(Box<opus::OpusDecoder>),
}

impl Decoder {
    /// Decodes one payload into PCM at the codec's sample rate.
    pub fn decode(&mut self, payload: &[u8]) -> Vec<i16> {
        match self {
            Decoder::Pcmu => payload.iter().map(|b| g711::ulaw_decode(*b)).collect(),
            Decoder::Pcma => payload.iter().map(|b| g711::alaw_decode(*b)).collect(),
            Decoder::G722(d) => d.decode(payload),
            Decoder::Opus(d) => d.decode(payload),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sine(rate: u32, n: usize) -> Vec<i16> {
        let w = 2.0 * std::f32::consts::PI * 1000.0 / rate as f32;
        (0..n)
            .map(|i| ((i as f32 * w).sin() * 8000.0) as i16)
            .collect()
    }

    fn rms(x: &[i16]) -> f64 {
        (x.iter().map(|s| (*s as f64).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
    }

    #[test]
    fn every_codec_round_trips_a_tone_at_about_its_level() {
        for codec in AudioCodec::ALL {
            let n = codec.samples_per_packet(20);
            let input = sine(codec.sample_rate(), n * 10);
            let (mut enc, mut dec) = (codec.encoder(), codec.decoder());
            let mut out = Vec::new();
            for frame in input.chunks(n) {
                out.extend(dec.decode(&enc.encode(frame)));
            }
            assert_eq!(out.len(), input.len(), "{codec:?}");
            let ratio = rms(&out[n..]) / rms(&input[n..]);
            assert!((0.8..1.2).contains(&ratio), "{codec:?} level ratio {ratio}");
        }
    }

    #[test]
    fn packet_sizes_follow_the_rtp_clock_not_the_sample_rate() {
        assert_eq!(AudioCodec::G722.samples_per_packet(20), 320);
        assert_eq!(AudioCodec::G722.timestamp_step(20), 160);
        assert_eq!(AudioCodec::Pcmu.samples_per_packet(20), 160);
        assert_eq!(AudioCodec::G722.encoder().encode(&[0; 320]).len(), 160);
        assert_eq!(AudioCodec::Opus.samples_per_packet(20), 320);
        assert_eq!(AudioCodec::Opus.timestamp_step(20), 960);
    }
}
