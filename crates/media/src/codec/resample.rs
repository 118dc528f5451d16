//! Sample-rate conversion between 8, 16 and 48 kHz (and any other pair).
//!
//! A windowed-sinc interpolator that keeps its history between calls, so the
//! same code serves whole prompts and 20 ms frames of a transcoding bridge.
//! The low-pass cut sits at 90% of the lower Nyquist frequency.

use std::f64::consts::PI;

/// Zero crossings of the sinc kernel on each side of the centre.
const HALF_ZEROS: f64 = 12.0;

/// A streaming resampler from one fixed rate to another.
pub struct Resampler {
    from: u32,
    to: u32,
    /// Input samples not yet fully used, oldest first.
    history: Vec<f64>,
    /// Position of the next output sample, in input samples from `history[0]`.
    position: f64,
    /// Kernel half-width in input samples.
    half_width: usize,
    cutoff: f64,
}

impl Resampler {
    /// A resampler from `from` Hz to `to` Hz (a zero rate is taken as 1 Hz).
    pub fn new(from: u32, to: u32) -> Self {
        let (from, to) = (from.max(1), to.max(1));
        let cutoff = 0.9 * (f64::from(to) / f64::from(from)).min(1.0);
        let half_width = (HALF_ZEROS / cutoff).ceil() as usize;
        // Starting with a half kernel of silence keeps the output aligned with the input.
        Self {
            from,
            to,
            history: vec![0.0; half_width],
            position: half_width as f64,
            half_width,
            cutoff,
        }
    }

    /// Converts the next stretch of input; output length follows the rate ratio.
    pub fn process(&mut self, input: &[i16]) -> Vec<i16> {
        if self.from == self.to {
            return input.to_vec();
        }
        self.history.extend(input.iter().map(|s| f64::from(*s)));
        let step = f64::from(self.from) / f64::from(self.to);
        let mut out = Vec::with_capacity(input.len() * self.to as usize / self.from as usize + 1);
        while self.position + (self.half_width as f64) < self.history.len() as f64 {
            out.push(self.sample_at(self.position));
            self.position += step;
        }
        self.drop_used();
        out
    }

    /// Pushes out what the kernel still holds, at the end of a whole buffer.
    pub fn flush(&mut self) -> Vec<i16> {
        let pending = self.history.len() as f64 - self.position;
        let zeros = vec![0i16; self.half_width];
        let mut out = self.process(&zeros);
        let wanted = (pending.max(0.0) * f64::from(self.to) / f64::from(self.from)).round();
        out.truncate(wanted as usize);
        out
    }

    fn sample_at(&self, position: f64) -> i16 {
        let centre = position.floor() as isize;
        let first = (centre - self.half_width as isize + 1).max(0) as usize;
        let last = ((centre + self.half_width as isize) as usize).min(self.history.len() - 1);
        let mut acc = 0.0;
        for (i, x) in self.history.iter().enumerate().take(last + 1).skip(first) {
            acc += x * self.kernel(i as f64 - position);
        }
        acc.round().clamp(f64::from(i16::MIN), f64::from(i16::MAX)) as i16
    }

    /// Blackman-windowed sinc, scaled so the pass band keeps unit gain.
    fn kernel(&self, t: f64) -> f64 {
        let x = t * self.cutoff;
        if x.abs() >= HALF_ZEROS {
            return 0.0;
        }
        let sinc = if x == 0.0 {
            1.0
        } else {
            (PI * x).sin() / (PI * x)
        };
        let u = PI * x / HALF_ZEROS;
        let blackman = 0.42 + 0.5 * u.cos() + 0.08 * (2.0 * u).cos();
        self.cutoff * sinc * blackman
    }

    fn drop_used(&mut self) {
        let keep_from = (self.position.floor() as usize).saturating_sub(self.half_width);
        if keep_from > 0 {
            self.history.drain(..keep_from);
            self.position -= keep_from as f64;
        }
    }
}

/// Converts a whole buffer at once.
pub fn resample(input: &[i16], from: u32, to: u32) -> Vec<i16> {
    if from == 0 || to == 0 {
        return Vec::new();
    }
    if from == to {
        return input.to_vec();
    }
    let mut r = Resampler::new(from, to);
    let mut out = r.process(input);
    out.extend(r.flush());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freq: f64, rate: u32, n: usize) -> Vec<i16> {
        let w = 2.0 * PI * freq / f64::from(rate);
        (0..n)
            .map(|i| ((i as f64 * w).sin() * 10000.0) as i16)
            .collect()
    }

    fn rms(x: &[i16]) -> f64 {
        (x.iter().map(|s| f64::from(*s).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
    }

    #[test]
    fn whole_buffers_keep_length_ratio_and_level() {
        for (from, to) in [(8000, 16000), (16000, 8000), (48000, 8000), (8000, 48000)] {
            let input = tone(400.0, from, from as usize);
            let out = resample(&input, from, to);
            assert_eq!(out.len(), to as usize, "{from}->{to}");
            let ratio = rms(&out[100..out.len() - 100]) / rms(&input);
            assert!((0.95..1.05).contains(&ratio), "{from}->{to} gain {ratio}");
        }
    }

    #[test]
    fn tones_above_the_new_nyquist_are_removed() {
        let out = resample(&tone(6000.0, 48000, 48000), 48000, 8000);
        assert!(rms(&out[100..7900]) < 300.0, "alias level {}", rms(&out));
    }

    #[test]
    fn streaming_in_frames_matches_the_frame_count() {
        let mut r = Resampler::new(8000, 16000);
        let input = tone(300.0, 8000, 1600);
        let total: usize = input.chunks(160).map(|f| r.process(f).len()).sum();
        assert!((3200 - 40..=3200).contains(&total), "got {total}");
    }
}
