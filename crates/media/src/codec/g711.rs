//! G.711 µ-law and A-law companding (ITU-T G.711), written from the segment rules.

/// µ-law adds this bias so every segment starts on a power of two.
const ULAW_BIAS: i32 = 0x84;
/// Largest magnitude µ-law can represent once the bias is added.
const ULAW_CLIP: i32 = 32635;

/// Encodes one linear sample as µ-law.
pub fn ulaw_encode(sample: i16) -> u8 {
    let value = i32::from(sample);
    let sign = if value < 0 { 0x80 } else { 0 };
    let magnitude = value.abs().min(ULAW_CLIP) + ULAW_BIAS;
    let exponent = segment(magnitude);
    let mantissa = (magnitude >> (exponent + 3)) & 0x0F;
    !(sign | (exponent << 4) as u8 | mantissa as u8)
}

/// Decodes one µ-law byte.
pub fn ulaw_decode(byte: u8) -> i16 {
    let u = !byte;
    let exponent = i32::from((u >> 4) & 0x07);
    let mantissa = i32::from(u & 0x0F);
    let magnitude = (((mantissa << 3) + ULAW_BIAS) << exponent) - ULAW_BIAS;
    if u & 0x80 != 0 {
        -magnitude as i16
    } else {
        magnitude as i16
    }
}

/// Encodes one linear sample as A-law.
pub fn alaw_encode(sample: i16) -> u8 {
    let value = i32::from(sample);
    // A-law marks positive values with the sign bit set.
    let (sign, magnitude) = if value >= 0 {
        (0x80, value)
    } else {
        (0, -value - 1)
    };
    let (exponent, mantissa) = if magnitude < 256 {
        (0, magnitude >> 4)
    } else {
        let e = segment(magnitude);
        (e, (magnitude >> (e + 3)) & 0x0F)
    };
    (sign | (exponent << 4) as u8 | mantissa as u8) ^ 0x55
}

/// Decodes one A-law byte.
pub fn alaw_decode(byte: u8) -> i16 {
    let a = byte ^ 0x55;
    let exponent = i32::from((a >> 4) & 0x07);
    let mantissa = i32::from(a & 0x0F);
    let magnitude = match exponent {
        0 => (mantissa << 4) + 8,
        e => ((mantissa << 4) + 0x108) << (e - 1),
    };
    if a & 0x80 != 0 {
        magnitude as i16
    } else {
        -magnitude as i16
    }
}

/// The segment (exponent) of a magnitude: which power of two above 2^7 it reaches.
fn segment(magnitude: i32) -> i32 {
    let top_bit = 31 - magnitude.max(1).leading_zeros() as i32;
    (top_bit - 7).clamp(0, 7)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_encodes_to_the_well_known_bytes() {
        assert_eq!(ulaw_encode(0), 0xFF);
        assert_eq!(alaw_encode(0), 0xD5);
        assert_eq!(ulaw_decode(0xFF), 0);
        assert_eq!(alaw_decode(0xD5), 8);
    }

    #[test]
    fn every_byte_survives_decode_then_encode() {
        for byte in 0..=255u8 {
            assert_eq!(alaw_encode(alaw_decode(byte)), byte, "A-law {byte:#x}");
            let back = ulaw_encode(ulaw_decode(byte));
            // 0x7F and 0xFF are both zero in µ-law; zero encodes as 0xFF.
            assert!(
                back == byte || ulaw_decode(back) == ulaw_decode(byte),
                "µ-law {byte:#x}"
            );
        }
    }

    #[test]
    fn quantisation_error_stays_within_the_segment_step() {
        for sample in (i16::MIN..=i16::MAX).step_by(7) {
            let step = (i32::from(sample).abs() / 16).max(16) + 8;
            let u = i32::from(ulaw_decode(ulaw_encode(sample)));
            let a = i32::from(alaw_decode(alaw_encode(sample)));
            let clipped = i32::from(sample).clamp(-32635, 32635);
            assert!((u - clipped).abs() <= step + 132, "µ-law {sample} -> {u}");
            assert!(
                (a - i32::from(sample)).abs() <= step + 64,
                "A-law {sample} -> {a}"
            );
        }
    }
}
