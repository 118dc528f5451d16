//! Audio sources for playing: WAV prompts, text through espeak-ng, tones and
//! silence, rendered to PCM at the codec's sample rate.

pub mod pacing;
pub mod wav;

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use wav::WavError;

/// One item of a playlist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Prompt {
    /// A WAV file: 8, 16 or 48 kHz, PCM or G.711, mono (stereo is downmixed).
    File(PathBuf),
    /// Text spoken by the configured text-to-speech command (espeak-ng).
    Text(String),
    /// Silence of this length (sent as encoded silence, so timing stays exact).
    Silence(Duration),
    /// A tone or cadence.
    Tone(Tone),
}

/// A sum of sine waves switched on and off in a cadence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tone {
    /// Frequencies in Hz, summed.
    pub frequencies: Vec<f32>,
    /// Level of each frequency in dBm0.
    pub level_dbm0: f32,
    /// Time on per cycle.
    pub on: Duration,
    /// Time off per cycle; zero for a steady tone.
    pub off: Duration,
    /// Total length, cut mid-cycle if need be.
    pub total: Duration,
}

impl Tone {
    /// North American ringback: 440 + 480 Hz, 2 s on, 4 s off (ANSI T1.401).
    pub fn ringback(total: Duration) -> Self {
        Self {
            frequencies: vec![440.0, 480.0],
            level_dbm0: -19.0,
            on: Duration::from_secs(2),
            off: Duration::from_secs(4),
            total,
        }
    }

    /// The beep before recording: 1 kHz for half a second.
    pub fn beep() -> Self {
        let half = Duration::from_millis(500);
        Self {
            frequencies: vec![1000.0],
            level_dbm0: -13.0,
            on: half,
            off: Duration::ZERO,
            total: half,
        }
    }

    /// The dual tone of a keypad key (ITU-T Q.23) at -10 dBm0 per frequency.
    pub fn key(key: char, length: Duration) -> Option<Self> {
        const ROWS: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
        const COLUMNS: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
        let index = "123A456B789C*0#D".find(key.to_ascii_uppercase())?;
        let frequencies = vec![ROWS[index / 4], COLUMNS[index % 4]];
        Some(Self {
            frequencies,
            level_dbm0: -10.0,
            on: length,
            off: Duration::ZERO,
            total: length,
        })
    }

    /// Renders the tone at `rate` Hz.
    pub fn render(&self, rate: u32) -> Vec<i16> {
        let samples = |d: Duration| (d.as_secs_f64() * f64::from(rate)) as usize;
        let (on, period, total) = (
            samples(self.on),
            samples(self.on + self.off).max(1),
            samples(self.total),
        );
        let amplitude = 32767.0 * 10f64.powf((f64::from(self.level_dbm0) - 3.17) / 20.0);
        (0..total)
            .map(|n| {
                if n % period >= on {
                    return 0;
                }
                let t = n as f64 / f64::from(rate);
                let sum: f64 = self
                    .frequencies
                    .iter()
                    .map(|f| (2.0 * std::f64::consts::PI * f64::from(*f) * t).sin())
                    .sum();
                (sum * amplitude).clamp(-32768.0, 32767.0) as i16
            })
            .collect()
    }
}

/// Why a prompt could not be played.
#[derive(Debug, thiserror::Error)]
pub enum PromptError {
    /// The WAV file was unreadable.
    #[error(transparent)]
    Wav(#[from] WavError),
    /// The text-to-speech command could not run or failed.
    #[error("text-to-speech failed: {0}")]
    Speech(String),
}

/// Renders one prompt to mono PCM at `rate` Hz.
pub async fn render(
    prompt: &Prompt,
    rate: u32,
    tts_command: &str,
) -> Result<Vec<i16>, PromptError> {
    match prompt {
        Prompt::File(path) => {
            let path = path.clone();
            let read = tokio::task::spawn_blocking(move || wav::read_wav(&path, rate));
            read.await
                .map_err(|e| PromptError::Speech(e.to_string()))?
                .map_err(PromptError::from)
        }
        Prompt::Text(text) => speak(text, rate, tts_command).await,
        Prompt::Silence(d) => Ok(vec![0; (d.as_secs_f64() * f64::from(rate)) as usize]),
        Prompt::Tone(tone) => Ok(tone.render(rate)),
    }
}

/// Runs `<tts_command> -w <temp.wav> <text>` and reads the result.
async fn speak(text: &str, rate: u32, tts_command: &str) -> Result<Vec<i16>, PromptError> {
    let name = format!(
        "switchboard-tts-{}-{}.wav",
        std::process::id(),
        rand::random::<u64>()
    );
    let path = std::env::temp_dir().join(name);
    let status = tokio::process::Command::new(tts_command)
        .arg("-w")
        .arg(&path)
        .arg("--")
        .arg(text)
        .kill_on_drop(true)
        .status()
        .await
        .map_err(|e| PromptError::Speech(format!("{tts_command}: {e}")))?;
    if !status.success() {
        let _ = tokio::fs::remove_file(&path).await;
        return Err(PromptError::Speech(format!(
            "{tts_command} exited with {status}"
        )));
    }
    let read_path = path.clone();
    let pcm = tokio::task::spawn_blocking(move || wav::read_wav(&read_path, rate)).await;
    let _ = tokio::fs::remove_file(&path).await;
    Ok(pcm.map_err(|e| PromptError::Speech(e.to_string()))??)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ringback_is_two_seconds_on_and_four_off() {
        let pcm = Tone::ringback(Duration::from_secs(12)).render(8000);
        assert_eq!(pcm.len(), 96000);
        let loud = |range: std::ops::Range<usize>| pcm[range].iter().any(|s| s.abs() > 1000);
        assert!(loud(0..16000) && !loud(16000..48000) && loud(48000..64000) && !loud(64000..96000));
    }

    #[test]
    fn beep_lasts_half_a_second_at_16_khz() {
        assert_eq!(Tone::beep().render(16000).len(), 8000);
    }

    #[tokio::test]
    async fn text_is_spoken_by_espeak_ng() {
        let pcm = render(&Prompt::Text("Hello".into()), 8000, "espeak-ng").await;
        let pcm =
            pcm.expect("espeak-ng must be installed for this test (apt-get install espeak-ng)");
        assert!(pcm.len() > 2000 && pcm.iter().any(|s| s.abs() > 1000));
    }

    #[tokio::test]
    async fn a_missing_tts_command_is_an_error() {
        let result = render(&Prompt::Text("x".into()), 8000, "/nonexistent/tts").await;
        assert!(matches!(result, Err(PromptError::Speech(_))));
    }
}
