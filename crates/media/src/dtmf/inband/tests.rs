//! In-band detection: keys through G.711 with noise are found; speech-like
//! signals and real synthetic speech are not taken for keys.

use super::*;
use crate::codec::g711::{ulaw_decode, ulaw_encode};

/// Peak amplitude of a sine at `dbm0` in 16-bit G.711 scale (+3.17 dBm0 full scale).
fn amplitude_for(dbm0: f32) -> f32 {
    32767.0 * 10f32.powf((dbm0 - 3.17) / 20.0)
}

/// A simple deterministic noise source (xorshift), uniform in ±`level`.
struct Noise(u32);

impl Noise {
    fn next(&mut self, level: f32) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 17;
        self.0 ^= self.0 << 5;
        (self.0 as f32 / u32::MAX as f32 * 2.0 - 1.0) * level
    }
}

fn key_tone(key: char, ms: usize, dbm0: f32, noise: &mut Noise) -> Vec<f32> {
    let code = crate::dtmf::rfc4733::event_of(key).unwrap();
    let (r, c) = (0..16)
        .find_map(|i| (PAD[i / 4][i % 4] == code).then_some((i / 4, i % 4)))
        .unwrap();
    let a = amplitude_for(dbm0);
    let w = |f: f32| 2.0 * std::f32::consts::PI * f / RATE;
    (0..ms * 8)
        .map(|n| {
            a * ((n as f32 * w(ROWS[r])).sin() + (n as f32 * w(COLUMNS[c])).sin())
                + noise.next(200.0)
        })
        .collect()
}

fn through_ulaw(signal: &[f32]) -> Vec<i16> {
    signal
        .iter()
        .map(|x| ulaw_decode(ulaw_encode(x.clamp(-32768.0, 32767.0) as i16)))
        .collect()
}

fn detect(pcm: &[i16]) -> String {
    let mut d = InbandDetector::default();
    pcm.chunks(160).flat_map(|frame| d.push(frame)).collect()
}

#[test]
fn keys_at_minus_20_dbm_through_ulaw_with_noise_are_detected_once_each() {
    let mut noise = Noise(7);
    let mut signal = Vec::new();
    for key in "0123456789*#ABCD".chars() {
        signal.extend(key_tone(key, 80, -20.0, &mut noise));
        signal.extend((0..8 * 60).map(|_| noise.next(200.0)));
    }
    assert_eq!(detect(&through_ulaw(&signal)), "0123456789*#ABCD");
}

#[test]
fn a_key_held_for_two_seconds_is_one_digit() {
    let mut noise = Noise(3);
    assert_eq!(
        detect(&through_ulaw(&key_tone('5', 2000, -20.0, &mut noise))),
        "5"
    );
}

#[test]
fn tones_below_the_floor_and_shorter_than_40_ms_are_ignored() {
    let mut noise = Noise(5);
    assert_eq!(
        detect(&through_ulaw(&key_tone('1', 200, -45.0, &mut noise))),
        ""
    );
    assert_eq!(
        detect(&through_ulaw(&key_tone('1', 30, -20.0, &mut noise))),
        ""
    );
}

/// Voiced speech stand-in: 30 harmonics of a gliding pitch under a formant envelope.
fn speech_like(seconds: usize) -> Vec<f32> {
    let mut phase = [0.0f32; 30];
    let mut out = Vec::with_capacity(seconds * 8000);
    for n in 0..seconds * 8000 {
        let t = n as f32 / RATE;
        let pitch = 140.0 + 60.0 * (2.0 * std::f32::consts::PI * 1.3 * t).sin();
        let mut x = 0.0;
        for (h, p) in phase.iter_mut().enumerate() {
            let f = pitch * (h + 1) as f32;
            *p += 2.0 * std::f32::consts::PI * f / RATE;
            let formant = 1.0 / (1.0 + ((f - 700.0) / 300.0).powi(2))
                + 0.6 / (1.0 + ((f - 1300.0) / 250.0).powi(2));
            x += if f < 3800.0 { formant * p.sin() } else { 0.0 };
        }
        out.push(x * 3000.0);
    }
    out
}

#[test]
fn speech_like_harmonics_with_gliding_pitch_trigger_no_key() {
    assert_eq!(detect(&through_ulaw(&speech_like(10))), "");
}

#[test]
fn synthetic_speech_from_espeak_ng_triggers_no_key() {
    let dir = std::env::temp_dir().join(format!("sb-media-espeak-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("speech.wav");
    let text = "Thank you for calling. Please press one for sales, two for support, \
        or stay on the line. Nine eight seven six five four three two one zero.";
    let status = std::process::Command::new("espeak-ng")
        .arg("-w")
        .arg(&path)
        .arg(text)
        .status();
    let status =
        status.expect("espeak-ng must be installed for this test (apt-get install espeak-ng)");
    assert!(status.success());
    let prompt = crate::audio::wav::read_wav(&path, 8000).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(prompt.len() > 8000 * 3);
    assert_eq!(detect(&prompt), "");
}
