//! Opus (RFC 6716) through libopus, carried as RFC 7587 describes: always
//! `opus/48000/2` in SDP and a 48 kHz RTP clock, whatever the audio inside.
//!
//! We code mono speech at 16 kHz: wideband is what prompts and voicemail
//! need, and libopus converts at its edges.

use tracing::debug;

/// The rate PCM enters and leaves the coder at.
pub const OPUS_PCM_RATE: u32 = 16000;

/// Largest frame a peer may send: 120 ms at our PCM rate (RFC 6716 §2.1.4).
const MAX_FRAME_SAMPLES: usize = 1920;

/// Largest payload we produce, well over what speech needs.
const MAX_PAYLOAD: usize = 1500;

/// A mono VoIP-tuned encoder.
pub struct OpusEncoder(Option<opus::Encoder>);

impl OpusEncoder {
    /// A new encoder; if libopus refuses (it should not), packets are empty.
    pub fn new() -> Self {
        let encoder =
            opus::Encoder::new(OPUS_PCM_RATE, opus::Channels::Mono, opus::Application::Voip);
        Self(
            encoder
                .map_err(|error| debug!(%error, "Opus encoder unavailable"))
                .ok(),
        )
    }

    /// Encodes one frame of 2.5, 5, 10, 20, 40 or 60 ms; other lengths give an empty payload.
    pub fn encode(&mut self, pcm: &[i16]) -> Vec<u8> {
        let Some(encoder) = self.0.as_mut() else {
            return Vec::new();
        };
        encoder
            .encode_vec(pcm, MAX_PAYLOAD)
            .unwrap_or_else(|error| {
                debug!(%error, samples = pcm.len(), "Opus encode failed");
                Vec::new()
            })
    }
}

impl Default for OpusEncoder {
    fn default() -> Self {
        Self::new()
    }
}

/// A mono decoder (stereo streams are downmixed by libopus).
pub struct OpusDecoder(Option<opus::Decoder>);

impl OpusDecoder {
    /// A new decoder.
    pub fn new() -> Self {
        let decoder = opus::Decoder::new(OPUS_PCM_RATE, opus::Channels::Mono);
        Self(
            decoder
                .map_err(|error| debug!(%error, "Opus decoder unavailable"))
                .ok(),
        )
    }

    /// Decodes one payload; a corrupt one gives no samples.
    pub fn decode(&mut self, payload: &[u8]) -> Vec<i16> {
        let Some(decoder) = self.0.as_mut() else {
            return Vec::new();
        };
        let mut pcm = vec![0i16; MAX_FRAME_SAMPLES];
        match decoder.decode(payload, &mut pcm, false) {
            Ok(samples) => {
                pcm.truncate(samples);
                pcm
            }
            Err(error) => {
                debug!(%error, "Opus decode failed");
                Vec::new()
            }
        }
    }
}

impl Default for OpusDecoder {
    fn default() -> Self {
        Self::new()
    }
}

/// Frame lengths Opus can code, in milliseconds (RFC 6716 §2.1.4, whole numbers).
pub fn valid_ptime(ptime_ms: u32) -> bool {
    matches!(ptime_ms, 10 | 20 | 40 | 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_payloads_decode_to_nothing_instead_of_panicking() {
        let mut decoder = OpusDecoder::new();
        for len in 0..64u8 {
            let junk: Vec<u8> = (0..len).map(|i| i.wrapping_mul(37) ^ 0xA5).collect();
            assert!(decoder.decode(&junk).len() <= MAX_FRAME_SAMPLES);
        }
    }

    #[test]
    fn frames_of_invalid_length_encode_to_an_empty_payload() {
        assert!(OpusEncoder::new().encode(&[0; 480]).is_empty());
        assert!(!OpusEncoder::new().encode(&[0; 320]).is_empty());
    }
}
