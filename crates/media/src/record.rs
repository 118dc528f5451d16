//! Recording one party for voicemail: the stop rules, trailing-silence trim,
//! and the temp-then-rename write that never leaves half a message.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::audio::wav::{WavError, write_wav};

/// What to record and when to stop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordOptions {
    /// Where the finished WAV goes (16-bit PCM at the codec's sample rate).
    pub path: PathBuf,
    /// Longest message; `None` uses `max_recording_secs` from the config.
    pub max_duration: Option<Duration>,
    /// Stop after this much silence; `None` uses the config, zero disables.
    pub trailing_silence: Option<Duration>,
    /// Play a beep first, as voicemail callers expect.
    pub beep: bool,
    /// Keys that end the recording (not recorded as part of the message).
    pub stop_keys: String,
}

impl RecordOptions {
    /// Voicemail defaults: beep, stop on `#`, limits from the config.
    pub fn voicemail(path: impl Into<PathBuf>) -> Self {
        Self {
            path: path.into(),
            max_duration: None,
            trailing_silence: None,
            beep: true,
            stop_keys: "#".into(),
        }
    }
}

/// Why a recording ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum RecordEnd {
    /// One of the stop keys was pressed.
    Key(char),
    /// The party hung up (or the session was released).
    HungUp,
    /// The maximum length was reached.
    MaxDuration,
    /// The party stayed silent for the trailing-silence limit.
    Silence,
}

/// A finished message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recording {
    /// The final path (already renamed into place).
    pub path: PathBuf,
    /// Length after trimming.
    pub duration: Duration,
    /// Why it ended.
    pub end: RecordEnd,
}

/// The stop rules over a stream of PCM frames; no I/O, so it is testable alone.
#[derive(Debug)]
pub struct Recorder {
    rate: u32,
    samples: Vec<i16>,
    max_samples: usize,
    silence_samples: usize,
    threshold: f64,
    trailing_silent: usize,
}

impl Recorder {
    /// Rules for PCM at `rate`; a zero `trailing_silence` never stops on silence.
    pub fn new(rate: u32, max: Duration, trailing_silence: Duration, threshold_dbfs: f32) -> Self {
        let samples = |d: Duration| (d.as_secs_f64() * f64::from(rate)) as usize;
        Self {
            rate,
            samples: Vec::new(),
            max_samples: samples(max),
            silence_samples: samples(trailing_silence),
            threshold: 32768.0 * 10f64.powf(f64::from(threshold_dbfs) / 20.0),
            trailing_silent: 0,
        }
    }

    /// Adds one frame; returns why to stop, if it is time.
    pub fn push(&mut self, frame: &[i16]) -> Option<RecordEnd> {
        let room = self.max_samples.saturating_sub(self.samples.len());
        let frame = &frame[..frame.len().min(room)];
        self.samples.extend_from_slice(frame);
        self.trailing_silent = if rms(frame) < self.threshold {
            self.trailing_silent + frame.len()
        } else {
            0
        };
        if self.samples.len() >= self.max_samples {
            return Some(RecordEnd::MaxDuration);
        }
        (self.silence_samples > 0 && self.trailing_silent >= self.silence_samples)
            .then_some(RecordEnd::Silence)
    }

    /// Adds `samples` of silence for packets that never came (lost or not sent).
    pub fn push_gap(&mut self, samples: usize) -> Option<RecordEnd> {
        self.push(&vec![0; samples])
    }

    /// The message with its trailing silence removed.
    pub fn finish(mut self) -> Vec<i16> {
        let keep = self.samples.len() - self.trailing_silent.min(self.samples.len());
        self.samples.truncate(keep);
        self.samples
    }

    /// The sample rate frames are expected at.
    pub fn rate(&self) -> u32 {
        self.rate
    }
}

fn rms(frame: &[i16]) -> f64 {
    if frame.is_empty() {
        return 0.0;
    }
    (frame.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / frame.len() as f64).sqrt()
}

/// Writes to a hidden temp name beside `path`, then renames into place, so a
/// crash leaves either nothing or a whole message (rename is atomic on POSIX).
pub fn save_atomically(path: &Path, rate: u32, samples: &[i16]) -> Result<(), WavError> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("recording.wav");
    let temp = path.with_file_name(format!(".{name}.partial-{}", rand::random::<u32>()));
    let written = write_wav(&temp, rate, samples).and_then(|()| Ok(std::fs::rename(&temp, path)?));
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOUD: [i16; 160] = [3000; 160];
    const QUIET: [i16; 160] = [0; 160];

    fn recorder(max_ms: u64, silence_ms: u64) -> Recorder {
        Recorder::new(
            8000,
            Duration::from_millis(max_ms),
            Duration::from_millis(silence_ms),
            -45.0,
        )
    }

    #[test]
    fn recording_stops_at_max_length_exactly() {
        let mut r = recorder(1000, 0);
        let ends: Vec<_> = (0..60).filter_map(|_| r.push(&LOUD)).collect();
        assert_eq!(ends.first(), Some(&RecordEnd::MaxDuration));
        assert_eq!(r.finish().len(), 8000);
    }

    #[test]
    fn trailing_silence_stops_and_is_trimmed() {
        let mut r = recorder(10_000, 2000);
        (0..50).for_each(|_| assert_eq!(r.push(&LOUD), None));
        let end = (0..200).find_map(|_| r.push(&QUIET));
        assert_eq!(end, Some(RecordEnd::Silence));
        assert_eq!(r.finish().len(), 50 * 160);
    }

    #[test]
    fn short_pauses_inside_a_message_are_kept() {
        let mut r = recorder(10_000, 2000);
        for _ in 0..3 {
            (0..25).for_each(|_| assert_eq!(r.push(&LOUD), None));
            (0..50).for_each(|_| assert_eq!(r.push(&QUIET), None));
        }
        assert_eq!(r.finish().len(), (3 * 75 - 50) * 160);
    }

    #[test]
    fn zero_trailing_silence_never_stops_on_silence() {
        let mut r = recorder(10_000, 0);
        assert!((0..400).all(|_| r.push(&QUIET).is_none()));
    }

    #[test]
    fn lost_packets_are_filled_with_silence() {
        let mut r = recorder(10_000, 0);
        r.push(&LOUD);
        r.push_gap(320);
        r.push(&LOUD);
        assert_eq!(r.finish().len(), 640);
    }

    #[test]
    fn saving_goes_through_a_temp_name_and_leaves_nothing_else() {
        let dir = std::env::temp_dir().join(format!("sb-media-rec-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("message.wav");
        save_atomically(&path, 8000, &[100; 800]).unwrap();
        let names: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("message.wav")]);
        assert_eq!(hound::WavReader::open(&path).unwrap().duration(), 800);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_save_leaves_no_file_behind() {
        let path = std::env::temp_dir()
            .join("sb-media-no-such-dir")
            .join("m.wav");
        assert!(save_atomically(&path, 8000, &[0; 10]).is_err());
        assert!(!path.exists());
    }
}
