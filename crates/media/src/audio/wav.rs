//! Reading WAV prompts (PCM or G.711) and writing recordings as 16-bit PCM.
//!
//! `hound` reads PCM; G.711 WAV files (format tags 6 and 7) are read here
//! from their RIFF chunks, since `hound` does not know those formats.

use std::fs;
use std::path::Path;

use crate::codec::g711::{alaw_decode, ulaw_decode};
use crate::codec::resample::resample;

/// Why a prompt file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum WavError {
    /// The file could not be read or written.
    #[error("WAV I/O: {0}")]
    Io(#[from] std::io::Error),
    /// `hound` refused the file.
    #[error("WAV format: {0}")]
    Hound(#[from] hound::Error),
    /// A format we do not play (not PCM or G.711, or more than two channels).
    #[error("unsupported WAV format: {0}")]
    Unsupported(&'static str),
}

/// Samples as stored, their rate and channel count.
type Decoded = (Vec<i16>, u32, u16);

const FORMAT_ALAW: u16 = 6;
const FORMAT_ULAW: u16 = 7;

/// Reads a WAV file as mono PCM at `rate` Hz, downmixing and resampling as needed.
pub fn read_wav(path: &Path, rate: u32) -> Result<Vec<i16>, WavError> {
    let bytes = fs::read(path)?;
    let (samples, source_rate, channels) = match g711_chunks(&bytes) {
        Some(g711) => g711?,
        None => read_pcm(&bytes)?,
    };
    if !(4000..=192_000).contains(&source_rate) {
        return Err(WavError::Unsupported("sample rate"));
    }
    let mono = downmix(&samples, channels)?;
    Ok(resample(&mono, source_rate, rate))
}

fn read_pcm(bytes: &[u8]) -> Result<Decoded, WavError> {
    let mut reader = hound::WavReader::new(bytes)?;
    let spec = reader.spec();
    let samples: Vec<i16> = match (spec.sample_format, spec.bits_per_sample) {
        (hound::SampleFormat::Int, 16) => reader.samples::<i16>().collect::<Result<_, _>>()?,
        (hound::SampleFormat::Int, 8) => reader
            .samples::<i8>()
            .map(|s| s.map(|v| i16::from(v) << 8))
            .collect::<Result<_, _>>()?,
        (hound::SampleFormat::Int, 24 | 32) => {
            let shift = spec.bits_per_sample - 16;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| (v >> shift) as i16))
                .collect::<Result<_, _>>()?
        }
        (hound::SampleFormat::Float, 32) => reader
            .samples::<f32>()
            .map(|s| s.map(|v| (v.clamp(-1.0, 1.0) * 32767.0) as i16))
            .collect::<Result<_, _>>()?,
        _ => return Err(WavError::Unsupported("sample width")),
    };
    Ok((samples, spec.sample_rate, spec.channels))
}

/// `Some` when the file is a G.711 WAV; walks the RIFF chunks itself.
fn g711_chunks(bytes: &[u8]) -> Option<Result<Decoded, WavError>> {
    if bytes.get(..4)? != b"RIFF" || bytes.get(8..12)? != b"WAVE" {
        return None;
    }
    let mut format = None;
    let mut offset = 12;
    while let Some(header) = bytes.get(offset..offset + 8) {
        let size = u32::from_le_bytes([header[4], header[5], header[6], header[7]]) as usize;
        let body = bytes.get(offset + 8..(offset + 8 + size).min(bytes.len()))?;
        match &header[..4] {
            b"fmt " if body.len() >= 16 => format = Some(read_fmt(body)),
            b"data" => {
                let (tag, channels, rate) = format?;
                let decode: fn(u8) -> i16 = match tag {
                    FORMAT_ALAW => alaw_decode,
                    FORMAT_ULAW => ulaw_decode,
                    _ => return None,
                };
                return Some(Ok((
                    body.iter().map(|b| decode(*b)).collect(),
                    rate,
                    channels,
                )));
            }
            _ => {}
        }
        // Chunks are padded to an even length (RIFF).
        offset += 8 + size + (size & 1);
    }
    None
}

fn read_fmt(body: &[u8]) -> (u16, u16, u32) {
    let tag = u16::from_le_bytes([body[0], body[1]]);
    let channels = u16::from_le_bytes([body[2], body[3]]);
    let rate = u32::from_le_bytes([body[4], body[5], body[6], body[7]]);
    (tag, channels, rate)
}

fn downmix(samples: &[i16], channels: u16) -> Result<Vec<i16>, WavError> {
    match channels {
        1 => Ok(samples.to_vec()),
        2 => Ok(samples
            .chunks_exact(2)
            .map(|p| ((i32::from(p[0]) + i32::from(p[1])) / 2) as i16)
            .collect()),
        _ => Err(WavError::Unsupported("more than two channels")),
    }
}

/// Writes mono 16-bit PCM at `rate` to `path`.
pub fn write_wav(path: &Path, rate: u32, samples: &[i16]) -> Result<(), WavError> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec)?;
    samples.iter().try_for_each(|s| writer.write_sample(*s))?;
    writer.finalize()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::g711::ulaw_encode;

    fn temp(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("sb-media-wav-{}-{name}", std::process::id()))
    }

    fn g711_wav(samples: &[i16], rate: u32) -> Vec<u8> {
        let data: Vec<u8> = samples.iter().map(|s| ulaw_encode(*s)).collect();
        let mut out = b"RIFF".to_vec();
        out.extend_from_slice(&(4 + 26 + 8 + data.len() as u32).to_le_bytes());
        out.extend_from_slice(b"WAVEfmt ");
        out.extend_from_slice(&18u32.to_le_bytes());
        out.extend_from_slice(&FORMAT_ULAW.to_le_bytes());
        out.extend_from_slice(&1u16.to_le_bytes());
        out.extend_from_slice(&rate.to_le_bytes());
        out.extend_from_slice(&rate.to_le_bytes());
        out.extend_from_slice(&[1, 0, 8, 0, 0, 0]);
        out.extend_from_slice(b"data");
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
        out
    }

    #[test]
    fn pcm_wav_is_resampled_to_the_asked_rate() {
        let path = temp("pcm48.wav");
        write_wav(&path, 48000, &vec![1000; 48000]).unwrap();
        let pcm = read_wav(&path, 8000).unwrap();
        fs::remove_file(&path).ok();
        assert_eq!(pcm.len(), 8000);
        assert!((pcm[4000] - 1000).abs() < 20, "{}", pcm[4000]);
    }

    #[test]
    fn ulaw_wav_is_decoded() {
        let path = temp("ulaw.wav");
        fs::write(&path, g711_wav(&[8000; 800], 8000)).unwrap();
        let pcm = read_wav(&path, 8000).unwrap();
        fs::remove_file(&path).ok();
        assert_eq!(pcm.len(), 800);
        assert!((pcm[400] - 8000).abs() < 300);
    }

    #[test]
    fn a_zero_sample_rate_is_refused() {
        let path = temp("rate0.wav");
        let mut bytes = g711_wav(&[0; 80], 8000);
        bytes[24..28].copy_from_slice(&0u32.to_le_bytes());
        fs::write(&path, bytes).unwrap();
        assert!(matches!(
            read_wav(&path, 8000),
            Err(WavError::Unsupported(_))
        ));
        fs::remove_file(&path).ok();
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let path = temp("junk.wav");
        fs::write(&path, b"RIFF\x10\0\0\0WAVEjunk").unwrap();
        assert!(read_wav(&path, 8000).is_err());
        fs::remove_file(&path).ok();
    }
}
