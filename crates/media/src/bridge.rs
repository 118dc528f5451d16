//! Bridging two sessions: each side's packets are sent on to the other.
//!
//! Same codec: relayed without decoding, with SSRC, sequence and timestamps
//! rewritten onto the receiving leg's own outgoing stream, so each peer sees
//! one continuous stream across prompts and bridging (RFC 3550 §5.1).
//! Different codecs: decoded, resampled and encoded again. RFC 4733 events
//! are relayed with the payload type (and clock) each leg negotiated, or
//! played as in-band tones to a leg without telephone-event.

use serde::Serialize;
use tokio::sync::mpsc;
use tracing::{debug, info};

use std::collections::VecDeque;
use std::time::Duration;

use crate::audio::Tone;
use crate::codec::resample::Resampler;
use crate::codec::{Decoder, Encoder};
use crate::dtmf::rfc4733::EventReceiver;
use crate::error::MediaError;
use crate::rtp::{OutgoingStream, RtpPacket};
use crate::sdp::NegotiatedAudio;
use crate::session::MediaSession;

/// Which leg ended the bridge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BridgeEnd {
    /// The first session's party hung up (or it was released).
    FirstHungUp,
    /// The second session's party hung up.
    SecondHungUp,
}

/// Connects `a` and `b` until either party hangs up; cancel-safe (dropping the
/// future unbridges both, leaving them ready for prompts or another bridge).
///
/// While bridged, neither session can play or send keys; a session should be
/// in one bridge at a time.
pub async fn bridge(a: &MediaSession, b: &MediaSession) -> Result<BridgeEnd, MediaError> {
    a.require_negotiated()?;
    b.require_negotiated()?;
    let mut out_a = a.shared.outgoing.lock().await;
    let mut out_b = b.shared.outgoing.lock().await;
    let mut from_a = tap(a);
    let mut from_b = tap(b);
    let _untap = RelayTapGuard([a, b]);
    let mut a_to_b = Relay::default();
    let mut b_to_a = Relay::default();
    info!(
        a = a.shared.local_port,
        b = b.shared.local_port,
        "bridge started"
    );
    loop {
        tokio::select! {
            () = a.shared.hangup.cancelled() => return Ok(BridgeEnd::FirstHungUp),
            () = b.shared.hangup.cancelled() => return Ok(BridgeEnd::SecondHungUp),
            Some(packet) = from_a.recv() => {
                for out in a_to_b.forward(a, b, &mut out_b.stream, packet) {
                    b.shared.send(&out).await;
                    out_b.last_sent = Some(tokio::time::Instant::now());
                }
            }
            Some(packet) = from_b.recv() => {
                for out in b_to_a.forward(b, a, &mut out_a.stream, packet) {
                    a.shared.send(&out).await;
                    out_a.last_sent = Some(tokio::time::Instant::now());
                }
            }
        }
    }
}

fn tap(session: &MediaSession) -> mpsc::Receiver<RtpPacket> {
    let (tx, rx) = mpsc::channel(session.shared.config.tap_queue_packets.max(1));
    session.shared.taps().relay = Some(tx);
    rx
}

struct RelayTapGuard<'a>([&'a MediaSession; 2]);

impl Drop for RelayTapGuard<'_> {
    fn drop(&mut self) {
        self.0.iter().for_each(|s| s.shared.taps().relay = None);
    }
}

/// One direction of a bridge.
#[derive(Default)]
struct Relay {
    /// Both legs' negotiation when the converter was built; rebuilt after a re-INVITE.
    legs: Option<(NegotiatedAudio, NegotiatedAudio)>,
    converter: Option<Converter>,
    /// How the incoming stream's timestamps land on ours.
    mapping: Option<Mapping>,
    /// Keys to play as tones to a leg that did not negotiate telephone-event.
    tones: Option<ToneInjector>,
}

/// Turns RFC 4733 keys from one leg into in-band tones for the other, which
/// replace that leg's audio frames while they play.
struct ToneInjector {
    events: EventReceiver,
    pending: VecDeque<i16>,
    encoder: Encoder,
    frame: usize,
    sample_rate: u32,
}

/// Tone and pause per key, as a phone would send them.
const INJECTED_KEY: Duration = Duration::from_millis(100);
const INJECTED_GAP: Duration = Duration::from_millis(60);

impl ToneInjector {
    fn new(outbound: &NegotiatedAudio) -> Self {
        Self {
            events: EventReceiver::default(),
            pending: VecDeque::new(),
            encoder: outbound.codec.encoder(),
            frame: outbound.codec.samples_per_packet(outbound.ptime_ms),
            sample_rate: outbound.codec.sample_rate(),
        }
    }

    fn on_event(&mut self, timestamp: u32, payload: &[u8]) {
        let Some(key) = self.events.on_packet(timestamp, payload) else {
            return;
        };
        let Some(tone) = Tone::key(key, INJECTED_KEY) else {
            return;
        };
        debug!(key = %key, "relaying a key as in-band tone");
        self.pending.extend(tone.render(self.sample_rate));
        let gap = (INJECTED_GAP.as_secs_f64() * f64::from(self.sample_rate)) as usize;
        self.pending.extend(std::iter::repeat_n(0, gap));
    }

    /// The next tone frame, while any is left.
    fn next_frame(&mut self) -> Option<Vec<u8>> {
        if self.pending.is_empty() {
            return None;
        }
        let take = self.frame.min(self.pending.len());
        let mut pcm: Vec<i16> = self.pending.drain(..take).collect();
        pcm.resize(self.frame, 0);
        Some(self.encoder.encode(&pcm))
    }
}

/// One incoming timestamp and the outgoing one it maps to.
#[derive(Clone, Copy)]
struct Mapping {
    ssrc: u32,
    inbound: u32,
    outbound: u32,
}

/// Decode, resample, encode: used only when the codecs differ.
struct Converter {
    decoder: Decoder,
    resampler: Resampler,
    encoder: Encoder,
    /// Resampled PCM not yet filling a whole outgoing frame.
    pending: Vec<i16>,
    frame: usize,
}

impl Converter {
    /// Payloads for every whole outgoing frame now available.
    fn convert(&mut self, payload: &[u8]) -> Vec<Vec<u8>> {
        let pcm = self.resampler.process(&self.decoder.decode(payload));
        self.pending.extend(pcm);
        let whole = self.pending.len() / self.frame.max(1) * self.frame;
        let ready: Vec<i16> = self.pending.drain(..whole).collect();
        ready
            .chunks(self.frame.max(1))
            .map(|f| self.encoder.encode(f))
            .collect()
    }
}

/// RFC 4733 durations count in the RTP clock, so they change with it.
fn rescale_event(payload: &[u8], in_clock: u32, out_clock: u32) -> Vec<u8> {
    let mut out = payload.to_vec();
    if in_clock != out_clock && out.len() >= 4 {
        let duration = u64::from(u16::from_be_bytes([out[2], out[3]]));
        let scaled =
            (duration * u64::from(out_clock) / u64::from(in_clock)).min(u64::from(u16::MAX));
        out[2..4].copy_from_slice(&(scaled as u16).to_be_bytes());
    }
    out
}

impl Relay {
    /// The packets to send on for one received packet (none, one, or for a
    /// transcoded stream whose frames do not line up, occasionally two).
    fn forward(
        &mut self,
        from: &MediaSession,
        to: &MediaSession,
        stream: &mut OutgoingStream,
        packet: RtpPacket,
    ) -> Vec<RtpPacket> {
        let (Some(inbound), Some(outbound)) = (from.negotiated(), to.negotiated()) else {
            return Vec::new();
        };
        self.refresh(&inbound, &outbound);
        let h = packet.header;
        let (in_clock, out_clock) = (
            inbound.codec.rtp_clock_rate(),
            outbound.codec.rtp_clock_rate(),
        );
        let timestamp = self.map_timestamp(h.ssrc, h.timestamp, stream, in_clock, out_clock);
        if Some(h.payload_type) == inbound.telephone_event.map(|t| t.payload_type) {
            let Some(event) = outbound.telephone_event else {
                return self.event_as_tone(h.timestamp, &packet.payload, &outbound, stream);
            };
            let payload = rescale_event(&packet.payload, in_clock, out_clock);
            let marker = std::mem::take(&mut stream.talkspurt_start) || h.marker;
            return vec![stream.packet(event.payload_type, marker, timestamp, payload)];
        }
        if h.payload_type != inbound.payload_type {
            return Vec::new();
        }
        let step = outbound.codec.timestamp_step(outbound.ptime_ms);
        let mut payloads = match self.converter.as_mut() {
            Some(converter) => converter.convert(&packet.payload),
            None => vec![packet.payload.to_vec()],
        };
        if let Some(tones) = self.tones.as_mut() {
            payloads
                .iter_mut()
                .for_each(|p| *p = tones.next_frame().unwrap_or(std::mem::take(p)));
        }
        if self.converter.is_some() {
            // Transcoded frames follow our own clock: the coders' delays shift them anyway.
            return payloads
                .into_iter()
                .map(|p| stream.next_audio(outbound.payload_type, p, step))
                .collect();
        }
        let marker = std::mem::take(&mut stream.talkspurt_start) || h.marker;
        let payload = payloads.pop().unwrap_or_default();
        let out = stream.packet(outbound.payload_type, marker, timestamp, payload);
        stream.timestamp = timestamp.wrapping_add(step);
        vec![out]
    }

    /// Each event packet from a sender (which mutes its audio during a key)
    /// paces one frame of the tone to a leg without telephone-event.
    fn event_as_tone(
        &mut self,
        timestamp: u32,
        payload: &[u8],
        outbound: &NegotiatedAudio,
        stream: &mut OutgoingStream,
    ) -> Vec<RtpPacket> {
        let Some(tones) = self.tones.as_mut() else {
            return Vec::new();
        };
        tones.on_event(timestamp, payload);
        let step = outbound.codec.timestamp_step(outbound.ptime_ms);
        let frame = tones.next_frame();
        frame
            .into_iter()
            .map(|p| stream.next_audio(outbound.payload_type, p, step))
            .collect()
    }

    /// Maps a received timestamp onto our stream, scaling between RTP clocks;
    /// a new incoming SSRC starts a new talkspurt where our stream stands.
    fn map_timestamp(
        &mut self,
        ssrc: u32,
        timestamp: u32,
        stream: &mut OutgoingStream,
        in_clock: u32,
        out_clock: u32,
    ) -> u32 {
        let mapping = match self.mapping {
            Some(m) if m.ssrc == ssrc => m,
            _ => {
                stream.talkspurt_start = true;
                Mapping {
                    ssrc,
                    inbound: timestamp,
                    outbound: stream.timestamp,
                }
            }
        };
        let delta = i64::from(timestamp.wrapping_sub(mapping.inbound) as i32);
        let mapped = mapping
            .outbound
            .wrapping_add((delta * i64::from(out_clock) / i64::from(in_clock)) as u32);
        // Re-anchor on each newer packet so the 32-bit difference never overflows.
        let anchor = if delta > 0 {
            Mapping {
                ssrc,
                inbound: timestamp,
                outbound: mapped,
            }
        } else {
            mapping
        };
        self.mapping = Some(anchor);
        mapped
    }

    fn refresh(&mut self, inbound: &NegotiatedAudio, outbound: &NegotiatedAudio) {
        if self
            .legs
            .as_ref()
            .is_some_and(|(i, o)| i == inbound && o == outbound)
        {
            return;
        }
        self.converter = (inbound.codec != outbound.codec).then(|| Converter {
            decoder: inbound.codec.decoder(),
            resampler: Resampler::new(inbound.codec.sample_rate(), outbound.codec.sample_rate()),
            encoder: outbound.codec.encoder(),
            pending: Vec::new(),
            frame: outbound.codec.samples_per_packet(outbound.ptime_ms),
        });
        let needs_tones = inbound.telephone_event.is_some() && outbound.telephone_event.is_none();
        self.tones = needs_tones.then(|| ToneInjector::new(outbound));
        let transcoding = self.converter.is_some();
        debug!(from = ?inbound.codec, to = ?outbound.codec, transcoding, "bridge direction set up");
        self.legs = Some((inbound.clone(), outbound.clone()));
    }
}
