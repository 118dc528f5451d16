//! What call control does with a session: play, send keys, collect keys, record.
//!
//! Every operation is cancel-safe: dropping its future stops it between
//! packets and leaves the session usable (a recording in progress is discarded).

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tracing::{debug, info};

use super::{AudioFrame, MediaSession, Outgoing};
use crate::audio::pacing::{Pacer, frames};
use crate::audio::{Prompt, Tone, render};
use crate::dtmf::rfc4733::key_press_payloads;
use crate::dtmf::{CollectEnd, CollectOptions, CollectedDigits, collect_digits};
use crate::error::MediaError;
use crate::record::{RecordEnd, RecordOptions, Recorder, Recording, save_atomically};
use crate::rtp::reorder::ReorderBuffer;
use crate::sdp::NegotiatedAudio;

/// How to play a playlist.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayOptions {
    /// Stop at the first key the caller presses; the key stays queued for
    /// [`MediaSession::collect_digits`].
    pub barge_in: bool,
}

/// How playing ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PlayEnd {
    /// Everything was played.
    Finished,
    /// The caller pressed a key (barge-in).
    BargedIn,
    /// The party hung up.
    HungUp,
}

/// Length of each key we send, and the pause after it.
const KEY_MS: u32 = 100;
const KEY_GAP_MS: u32 = 60;

/// How long past the maximum length a recording may wait for its audio.
const MAX_LENGTH_GRACE: Duration = Duration::from_secs(1);

/// A pause longer than this between sends starts a new talkspurt.
const TALKSPURT_GAP: Duration = Duration::from_millis(40);

impl MediaSession {
    /// Plays prompts in order, each rendered at the codec's rate and sent with
    /// exact packet-time pacing. Returns early on hang-up or, if asked, on a key.
    pub async fn play(
        &self,
        prompts: &[Prompt],
        options: PlayOptions,
    ) -> Result<PlayEnd, MediaError> {
        let negotiated = self.require_negotiated()?;
        let digits = &self.shared.digits;
        if options.barge_in && !digits.is_empty() {
            return Ok(PlayEnd::BargedIn);
        }
        let body = async {
            let pcm = self
                .render_all(prompts, negotiated.codec.sample_rate())
                .await?;
            let mut out = self.shared.outgoing.lock().await;
            self.send_pcm(&mut out, &negotiated, &pcm).await;
            Ok::<_, MediaError>(PlayEnd::Finished)
        };
        tokio::select! {
            biased;
            () = self.shared.hangup.cancelled() => Ok(PlayEnd::HungUp),
            () = digits.wait_nonempty(), if options.barge_in => Ok(PlayEnd::BargedIn),
            end = body => end,
        }
    }

    /// Renders every prompt first, so a slow one (text-to-speech) cannot leave
    /// a hole in the middle of the stream.
    async fn render_all(&self, prompts: &[Prompt], rate: u32) -> Result<Vec<i16>, MediaError> {
        let mut pcm = Vec::new();
        for prompt in prompts {
            pcm.extend(render(prompt, rate, &self.shared.config.tts_command).await?);
        }
        Ok(pcm)
    }

    /// Sends keys to the peer: RFC 4733 events when negotiated, else in-band tones.
    pub async fn send_digits(&self, keys: &str) -> Result<(), MediaError> {
        let negotiated = self.require_negotiated()?;
        let mut out = self.shared.outgoing.lock().await;
        for key in keys.chars() {
            match negotiated.telephone_event {
                Some(event) => {
                    self.send_event(&mut out, &negotiated, event.payload_type, key)
                        .await
                }
                None => self.send_key_tone(&mut out, &negotiated, key).await,
            }
        }
        Ok(())
    }

    /// Waits for keys under `options`; ends early with `HungUp` if the party leaves.
    pub async fn collect_digits(&self, options: &CollectOptions) -> CollectedDigits {
        let hung_up = CollectedDigits {
            digits: String::new(),
            end: CollectEnd::HungUp,
        };
        tokio::select! {
            () = self.shared.hangup.cancelled() => hung_up,
            collected = collect_digits(&self.shared.digits, options) => collected,
        }
    }

    /// Records the party into `options.path` (after a beep if asked).
    ///
    /// The file appears only when complete; on a hang-up what was recorded is kept.
    pub async fn record(&self, options: &RecordOptions) -> Result<Recording, MediaError> {
        let negotiated = self.require_negotiated()?;
        let beep = [Prompt::Tone(Tone::beep())];
        if options.beep && self.play(&beep, PlayOptions::default()).await? == PlayEnd::HungUp {
            let nothing = self.recorder(options, &negotiated);
            return self.save(options, nothing, RecordEnd::HungUp).await;
        }
        // Keys pressed during the greeting must not end the message at once.
        self.shared.digits.clear();
        let (tx, rx) = mpsc::channel(self.shared.config.tap_queue_packets.max(1));
        self.shared.taps().audio = Some(tx);
        let _untap = AudioTapGuard(self);
        let mut recorder = self.recorder(options, &negotiated);
        let window = self.shared.config.reorder_window_ms / negotiated.ptime_ms.max(1);
        let mut intake = Intake::new(&negotiated, window as usize);
        let end = self
            .record_until_end(options, &mut intake, &mut recorder, rx)
            .await;
        intake.flush(&mut recorder);
        info!(end = ?end, path = %options.path.display(), "recording ended");
        self.save(options, recorder, end).await
    }

    /// The maximum length and trailing-silence limit: the request's, else the config's.
    fn limits(&self, options: &RecordOptions) -> (Duration, Duration) {
        let config = &self.shared.config;
        let max = options
            .max_duration
            .unwrap_or(Duration::from_secs(config.max_recording_secs));
        let silence = options.trailing_silence;
        (
            max,
            silence.unwrap_or(Duration::from_millis(config.trailing_silence_ms)),
        )
    }

    fn recorder(&self, options: &RecordOptions, negotiated: &NegotiatedAudio) -> Recorder {
        let (max, silence) = self.limits(options);
        Recorder::new(
            negotiated.codec.sample_rate(),
            max,
            silence,
            self.shared.config.silence_threshold_dbfs,
        )
    }

    async fn record_until_end(
        &self,
        options: &RecordOptions,
        intake: &mut Intake,
        recorder: &mut Recorder,
        mut rx: mpsc::Receiver<AudioFrame>,
    ) -> RecordEnd {
        let (max, silence) = self.limits(options);
        let quiet_wait = if silence.is_zero() { max } else { silence };
        // The recorder ends at `max` of audio; the clock is a backstop for a
        // peer that stops sending, with grace for packets that started late.
        let deadline = tokio::time::sleep(max + MAX_LENGTH_GRACE);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                () = self.shared.hangup.cancelled() => return RecordEnd::HungUp,
                () = &mut deadline => return RecordEnd::MaxDuration,
                key = self.shared.digits.next() => {
                    if options.stop_keys.contains(key) {
                        return RecordEnd::Key(key);
                    }
                }
                frame = tokio::time::timeout(quiet_wait, rx.recv()) => match frame {
                    Ok(Some(frame)) => {
                        if let Some(end) = intake.push(recorder, frame) {
                            return end;
                        }
                    }
                    Ok(None) => return RecordEnd::HungUp,
                    Err(_) if silence.is_zero() => {}
                    // No packets at all for the silence limit: the party is silent.
                    Err(_) => return RecordEnd::Silence,
                },
            }
        }
    }

    async fn save(
        &self,
        options: &RecordOptions,
        recorder: Recorder,
        end: RecordEnd,
    ) -> Result<Recording, MediaError> {
        let rate = recorder.rate();
        let samples = recorder.finish();
        let duration = Duration::from_secs_f64(samples.len() as f64 / f64::from(rate));
        let path = options.path.clone();
        let write =
            tokio::task::spawn_blocking(move || save_atomically(&path, rate, &samples)).await;
        write.map_err(|e| MediaError::Io(std::io::Error::other(e)))??;
        Ok(Recording {
            path: options.path.clone(),
            duration,
            end,
        })
    }

    /// Sends PCM packet by packet on the packet-time schedule.
    async fn send_pcm(&self, out: &mut Outgoing, negotiated: &NegotiatedAudio, pcm: &[i16]) {
        let codec = negotiated.codec;
        let step = codec.timestamp_step(negotiated.ptime_ms);
        resume_talkspurt(out, step, codec.rtp_clock_rate());
        let mut pacer = Pacer::following(out.last_sent, negotiated.ptime_ms);
        let mut encoder = codec.encoder();
        for frame in frames(pcm, codec.samples_per_packet(negotiated.ptime_ms)) {
            pacer.tick().await;
            let packet =
                out.stream
                    .next_audio(negotiated.payload_type, encoder.encode(&frame), step);
            self.shared.send(&packet).await;
            out.last_sent = Some(tokio::time::Instant::now());
        }
    }

    /// One key as RFC 4733 packets, all at the event's start timestamp (§2.5.1.2).
    async fn send_event(
        &self,
        out: &mut Outgoing,
        negotiated: &NegotiatedAudio,
        payload_type: u8,
        key: char,
    ) {
        let clock = negotiated.codec.rtp_clock_rate();
        let step = negotiated.codec.timestamp_step(negotiated.ptime_ms);
        resume_talkspurt(out, step, clock);
        let start = out.stream.timestamp;
        let mut pacer = Pacer::following(out.last_sent, negotiated.ptime_ms);
        let payloads = key_press_payloads(key, KEY_MS, negotiated.ptime_ms, clock);
        let updates = payloads.iter().filter(|(_, p)| p[1] & 0x80 == 0).count() as u32;
        for (marker, payload) in payloads {
            pacer.tick().await;
            let packet = out
                .stream
                .packet(payload_type, marker, start, payload.to_vec());
            self.shared.send(&packet).await;
        }
        debug!(key = %key, "sent RFC 4733 key");
        out.stream.timestamp = start.wrapping_add((updates + 1) * step);
        tokio::time::sleep(Duration::from_millis(u64::from(KEY_GAP_MS))).await;
        out.last_sent = Some(tokio::time::Instant::now());
    }

    /// One key as a dual tone, for peers without telephone-event.
    async fn send_key_tone(&self, out: &mut Outgoing, negotiated: &NegotiatedAudio, key: char) {
        let Some(tone) = Tone::key(key, Duration::from_millis(u64::from(KEY_MS))) else {
            return;
        };
        let mut pcm = tone.render(negotiated.codec.sample_rate());
        pcm.resize(
            pcm.len() + (negotiated.codec.sample_rate() * KEY_GAP_MS / 1000) as usize,
            0,
        );
        self.send_pcm(out, negotiated, &pcm).await;
    }
}

/// After a pause, move the timestamp on by the silent time and set the marker
/// (RFC 3550 §5.1: timestamps follow the sampling clock across silence).
fn resume_talkspurt(out: &mut Outgoing, step: u32, clock: u32) {
    let Some(last) = out.last_sent else { return };
    let idle = last.elapsed();
    if idle > TALKSPURT_GAP {
        let idle_units = (idle.as_secs_f64() * f64::from(clock)) as u32;
        // The stream already points one step past the last packet.
        out.stream.pause(idle_units.saturating_sub(step));
    }
}

/// Removes the recorder's audio tap when recording ends or is cancelled.
struct AudioTapGuard<'a>(&'a MediaSession);

impl Drop for AudioTapGuard<'_> {
    fn drop(&mut self) {
        self.0.shared.taps().audio = None;
    }
}

/// Puts received frames in timestamp order and fills holes with silence, so
/// a message keeps its length and shape when packets are reordered or lost.
struct Intake {
    reorder: ReorderBuffer<Vec<i16>>,
    next: Option<u32>,
    sample_rate: u32,
    clock: u32,
}

impl Intake {
    fn new(negotiated: &NegotiatedAudio, window: usize) -> Self {
        Self {
            reorder: ReorderBuffer::new(window),
            next: None,
            sample_rate: negotiated.codec.sample_rate(),
            clock: negotiated.codec.rtp_clock_rate(),
        }
    }

    fn push(&mut self, recorder: &mut Recorder, frame: AudioFrame) -> Option<RecordEnd> {
        let jump = self
            .next
            .map(|next| frame.timestamp.wrapping_sub(next) as i32);
        if jump.is_some_and(|j| j.unsigned_abs() > self.clock) {
            // A new stream (SSRC change or sender restart): start over from it.
            self.flush(recorder);
            self.reorder = ReorderBuffer::new(self.reorder.depth());
            self.next = None;
        }
        let due = self.reorder.push(frame.timestamp, frame.pcm);
        due.into_iter()
            .find_map(|(timestamp, pcm)| self.append(recorder, timestamp, &pcm))
    }

    /// Appends what the reorder buffer still holds (the recorder caps the length).
    fn flush(&mut self, recorder: &mut Recorder) {
        for (timestamp, pcm) in self.reorder.flush() {
            self.append(recorder, timestamp, &pcm);
        }
    }

    fn append(
        &mut self,
        recorder: &mut Recorder,
        timestamp: u32,
        pcm: &[i16],
    ) -> Option<RecordEnd> {
        if let Some(next) = self.next {
            let gap = timestamp.wrapping_sub(next) as i32;
            // Only holes under a second; anything else is a new stream or reordering.
            if gap > 0 && (gap as u32) < self.clock {
                let samples = gap as u64 * u64::from(self.sample_rate) / u64::from(self.clock);
                if let Some(end) = recorder.push_gap(samples as usize) {
                    return Some(end);
                }
            }
        }
        let units = pcm.len() as u64 * u64::from(self.clock) / u64::from(self.sample_rate);
        self.next = Some(timestamp.wrapping_add(units as u32));
        recorder.push(pcm)
    }
}
