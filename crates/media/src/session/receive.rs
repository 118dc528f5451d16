//! The RTP receive loop: latching, statistics, DTMF and hand-off to taps.

use std::net::SocketAddr;
use std::sync::Arc;

use tracing::{debug, info, warn};

use super::{AudioFrame, Shared};
use crate::codec::resample::Resampler;
use crate::codec::{AudioCodec, Decoder};
use crate::dtmf::inband::InbandDetector;
use crate::dtmf::rfc4733::EventReceiver;
use crate::rtp::RtpPacket;
use crate::sdp::NegotiatedAudio;

/// Larger than any audio packet we accept (a 60 ms G.711 frame is 492 octets).
const MAX_DATAGRAM: usize = 2048;

/// Per-loop state that never leaves the receive task.
#[derive(Default)]
struct Receiver {
    events: EventReceiver,
    inband: InbandDetector,
    decoder: Option<(AudioCodec, Decoder)>,
    to_8k: Option<Resampler>,
}

pub(crate) async fn receive_loop(shared: Arc<Shared>) {
    let mut buf = vec![0u8; MAX_DATAGRAM];
    let mut receiver = Receiver::default();
    loop {
        let received = tokio::select! {
            () = shared.hangup.cancelled() => return,
            r = shared.rtp.recv_from(&mut buf) => r,
        };
        match received {
            Ok((n, from)) => receiver.on_datagram(&shared, &buf[..n], canonical(from)),
            Err(error) => {
                // Do not spin if the socket keeps failing.
                debug!(%error, "RTP receive error");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    }
}

/// IPv4 peers seen through an IPv6 socket appear mapped; compare them as IPv4.
pub(crate) fn canonical(address: SocketAddr) -> SocketAddr {
    SocketAddr::new(address.ip().to_canonical(), address.port())
}

impl Receiver {
    fn on_datagram(&mut self, shared: &Shared, data: &[u8], from: SocketAddr) {
        let packet = match RtpPacket::parse(data) {
            Ok(packet) => packet,
            Err(error) => {
                debug!(%from, %error, "malformed RTP dropped");
                shared.counters().dropped += 1;
                return;
            }
        };
        let Some(negotiated) = accept_source(shared, from, packet.header.payload_type) else {
            shared.counters().dropped += 1;
            return;
        };
        count(shared, &packet, &negotiated);
        let event_type = negotiated.telephone_event.map(|t| t.payload_type);
        if Some(packet.header.payload_type) == event_type {
            self.on_event(shared, &packet);
        } else {
            self.on_audio(shared, &packet, &negotiated);
        }
        relay(shared, packet);
    }

    fn on_event(&mut self, shared: &Shared, packet: &RtpPacket) {
        if let Some(key) = self
            .events
            .on_packet(packet.header.timestamp, &packet.payload)
        {
            info!(key = %key, source = "rfc4733", "DTMF key received");
            shared.digits.push(key);
        }
    }

    fn on_audio(&mut self, shared: &Shared, packet: &RtpPacket, negotiated: &NegotiatedAudio) {
        let tap = shared.taps().audio.clone();
        let inband = negotiated.telephone_event.is_none();
        if tap.is_none() && !inband {
            return;
        }
        let pcm = self.decoder(negotiated.codec).decode(&packet.payload);
        if inband {
            self.detect_inband(shared, &pcm, negotiated.codec);
        }
        if let Some(tap) = tap {
            let frame = AudioFrame {
                timestamp: packet.header.timestamp,
                pcm,
            };
            if tap.try_send(frame).is_err() {
                shared.counters().dropped += 1;
            }
        }
    }

    fn detect_inband(&mut self, shared: &Shared, pcm: &[i16], codec: AudioCodec) {
        let narrow = match codec.sample_rate() {
            8000 => pcm.to_vec(),
            rate => self
                .to_8k
                .get_or_insert_with(|| Resampler::new(rate, 8000))
                .process(pcm),
        };
        for key in self.inband.push(&narrow) {
            info!(key = %key, source = "inband", "DTMF key received");
            shared.digits.push(key);
        }
    }

    /// The decoder for `codec`, replaced when a re-INVITE changed the codec.
    fn decoder(&mut self, codec: AudioCodec) -> &mut Decoder {
        if self.decoder.as_ref().is_none_or(|(c, _)| *c != codec) {
            self.decoder = Some((codec, codec.decoder()));
            self.to_8k = None;
        }
        let (_, decoder) = self.decoder.get_or_insert_with(|| (codec, codec.decoder()));
        decoder
    }
}

/// Symmetric RTP: after each offer/answer the first packet of a negotiated
/// payload type fixes the remote address; later packets from elsewhere are dropped.
fn accept_source(shared: &Shared, from: SocketAddr, payload_type: u8) -> Option<NegotiatedAudio> {
    let mut state = shared.state();
    let negotiated = state.negotiated.clone()?;
    let event_type = negotiated.telephone_event.map(|t| t.payload_type);
    if payload_type != negotiated.payload_type && Some(payload_type) != event_type {
        debug!(payload_type, "RTP with a payload type we did not negotiate");
        return None;
    }
    if state.rtp_latch_armed {
        state.rtp_latch_armed = false;
        if state.remote_rtp != Some(from) {
            info!(signalled = ?state.remote_rtp, actual = %from, "RTP latched onto its source");
            state.remote_rtp = Some(from);
        }
        return Some(negotiated);
    }
    if state.remote_rtp != Some(from) {
        warn!(%from, "RTP from an unexpected source dropped");
        return None;
    }
    Some(negotiated)
}

fn count(shared: &Shared, packet: &RtpPacket, negotiated: &NegotiatedAudio) {
    let clock = u128::from(negotiated.codec.rtp_clock_rate());
    let arrival = (shared.started.elapsed().as_micros() * clock / 1_000_000) as u32;
    let h = &packet.header;
    let mut c = shared.counters();
    c.packets_received += 1;
    c.last_received = Some(std::time::Instant::now());
    c.octets_received += packet.payload.len() as u64;
    c.receiver
        .on_packet(h.ssrc, h.sequence, h.timestamp, arrival);
}

fn relay(shared: &Shared, packet: RtpPacket) {
    let tap = shared.taps().relay.clone();
    if let Some(tap) = tap
        && tap.try_send(packet).is_err()
    {
        shared.counters().dropped += 1;
    }
}
