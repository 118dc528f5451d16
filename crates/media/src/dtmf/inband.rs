//! In-band DTMF detection with the Goertzel algorithm, for peers that do not
//! negotiate telephone-event.
//!
//! Checks follow ITU-T Q.24's spirit: each tone above a floor, the strongest
//! row and column tones well above the rest of their group, twist within
//! limits, and the two tones holding most of the block's energy, which is what
//! keeps voiced speech (many harmonics) from passing as a key.

use super::rfc4733::key_of;

/// Samples per analysis block at 8 kHz: about 25.6 ms, bins ~39 Hz wide.
const BLOCK: usize = 205;
const RATE: f32 = 8000.0;
const ROWS: [f32; 4] = [697.0, 770.0, 852.0, 941.0];
const COLUMNS: [f32; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
/// Event codes laid out as the keypad (row-major).
const PAD: [[u8; 4]; 4] = [[1, 2, 3, 12], [4, 5, 6, 13], [7, 8, 9, 14], [10, 0, 11, 15]];

/// Weakest tone accepted: about -36 dBm0 (full scale sine is +3.17 dBm0).
const MIN_AMPLITUDE: f32 = 330.0;
/// Column may be at most this many dB above the row (reverse twist).
const MAX_REVERSE_TWIST_DB: f32 = 6.0;
/// Row may be at most this many dB above the column (normal twist).
const MAX_NORMAL_TWIST_DB: f32 = 8.0;
/// The strongest tone of a group must beat the others by this power ratio.
const GROUP_DOMINANCE: f32 = 6.0;
/// Share of the block's power the two tones must hold.
const MIN_TONE_SHARE: f32 = 0.7;
/// Consecutive agreeing blocks before a key is reported (about 51 ms).
const CONFIRM_BLOCKS: u8 = 2;

/// Detects keys in 8 kHz PCM, reporting each press once.
#[derive(Debug, Default)]
pub struct InbandDetector {
    buffer: Vec<f32>,
    candidate: Option<u8>,
    agreeing: u8,
    reported: bool,
}

impl InbandDetector {
    /// Feeds 8 kHz samples; returns keys whose press began in them.
    pub fn push(&mut self, pcm: &[i16]) -> Vec<char> {
        let mut keys = Vec::new();
        for sample in pcm {
            self.buffer.push(f32::from(*sample));
            if self.buffer.len() == BLOCK {
                keys.extend(self.on_block());
                self.buffer.clear();
            }
        }
        keys
    }

    fn on_block(&mut self) -> Option<char> {
        let detected = classify(&self.buffer);
        if detected != self.candidate {
            self.candidate = detected;
            self.agreeing = 0;
            self.reported = false;
        }
        self.agreeing = self.agreeing.saturating_add(1);
        if self.reported || self.agreeing < CONFIRM_BLOCKS {
            return None;
        }
        self.reported = true;
        detected.and_then(key_of)
    }
}

/// The event code one block carries, if it passes every check.
fn classify(block: &[f32]) -> Option<u8> {
    let power = block.iter().map(|x| x * x).sum::<f32>() / block.len() as f32;
    let rows = ROWS.map(|f| amplitude(block, f));
    let columns = COLUMNS.map(|f| amplitude(block, f));
    let (row, row_amp) = dominant(&rows)?;
    let (column, column_amp) = dominant(&columns)?;
    if row_amp < MIN_AMPLITUDE || column_amp < MIN_AMPLITUDE {
        return None;
    }
    let twist_db = 20.0 * (column_amp / row_amp).log10();
    if !(-MAX_NORMAL_TWIST_DB..=MAX_REVERSE_TWIST_DB).contains(&twist_db) {
        return None;
    }
    // A sine of amplitude A carries A²/2 of power.
    let tone_power = (row_amp * row_amp + column_amp * column_amp) / 2.0;
    (tone_power >= MIN_TONE_SHARE * power).then_some(PAD[row][column])
}

/// The strongest entry if it dominates the other three.
fn dominant(amplitudes: &[f32; 4]) -> Option<(usize, f32)> {
    let (index, best) = amplitudes
        .iter()
        .copied()
        .enumerate()
        .max_by(|a, b| a.1.total_cmp(&b.1))?;
    let dominates = amplitudes
        .iter()
        .enumerate()
        .all(|(i, a)| i == index || a * a * GROUP_DOMINANCE <= best * best);
    dominates.then_some((index, best))
}

/// Goertzel estimate of the amplitude of `freq` in `block`.
fn amplitude(block: &[f32], freq: f32) -> f32 {
    let coefficient = 2.0 * (2.0 * std::f32::consts::PI * freq / RATE).cos();
    let (mut s1, mut s2) = (0.0f32, 0.0f32);
    for x in block {
        let s0 = x + coefficient * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
    2.0 * power.max(0.0).sqrt() / block.len() as f32
}

#[cfg(test)]
mod tests;
