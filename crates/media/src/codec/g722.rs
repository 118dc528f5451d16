//! G.722 at 64 kbit/s through `ezk-g722`'s port of the ITU reference coder.
//!
//! The wrapper exists so the rest of the crate never names the dependency.

use ezk_g722::libg722::{Bitrate, decoder::Decoder, encoder::Encoder};

/// 16 kHz PCM in, one byte per two samples out.
pub struct G722Encoder(Encoder);

impl G722Encoder {
    /// A 64 kbit/s encoder over 16 kHz input, unpacked (one code per byte).
    pub fn new() -> Self {
        Self(Encoder::new(Bitrate::Mode1_64000, false, false))
    }

    /// Encodes 16 kHz samples; an odd last sample is dropped by the coder.
    pub fn encode(&mut self, pcm: &[i16]) -> Vec<u8> {
        self.0.encode(pcm)
    }
}

impl Default for G722Encoder {
    fn default() -> Self {
        Self::new()
    }
}

/// One byte in, two 16 kHz samples out.
pub struct G722Decoder(Decoder);

impl G722Decoder {
    /// A 64 kbit/s decoder producing 16 kHz output.
    pub fn new() -> Self {
        Self(Decoder::new(Bitrate::Mode1_64000, false, false))
    }

    /// Decodes one payload.
    pub fn decode(&mut self, payload: &[u8]) -> Vec<i16> {
        self.0.decode(payload)
    }
}

impl Default for G722Decoder {
    fn default() -> Self {
        Self::new()
    }
}
