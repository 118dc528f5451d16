//! One call leg's media: its sockets, its offer/answer state, the tasks that
//! receive RTP and exchange RTCP, and the operations call control runs on it.
//!
//! - `receive`: the RTP receive loop (latching, stats, DTMF, taps).
//! - `control`: the RTCP loop.
//! - `ops`: play, send digits, collect digits, record.

mod control;
mod ops;
mod receive;

use std::net::{IpAddr, SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{debug, info};

pub use ops::{PlayEnd, PlayOptions};

use crate::config::MediaConfig;
use crate::dtmf::DigitQueue;
use crate::engine::{PortLease, local_address};
use crate::error::MediaError;
use crate::rtp::rtcp::ReportBlock;
use crate::rtp::{OutgoingStream, ReceiverStats, RtpPacket, SessionStats};
use crate::sdp::{self, Direction, LocalMedia, NegotiatedAudio, SessionDescription};

/// A decoded frame handed to a recorder.
#[derive(Debug, Clone)]
pub(crate) struct AudioFrame {
    /// RTP timestamp of the frame's first sample.
    pub timestamp: u32,
    /// PCM at the codec's sample rate.
    pub pcm: Vec<i16>,
}

/// Where the receive loop hands packets besides its own processing.
#[derive(Default)]
pub(crate) struct Taps {
    /// Decoded audio for a recorder.
    pub audio: Option<tokio::sync::mpsc::Sender<AudioFrame>>,
    /// Raw packets (audio and telephone-event) for a bridge.
    pub relay: Option<tokio::sync::mpsc::Sender<RtpPacket>>,
}

/// Offer/answer results and where to send.
pub(crate) struct State {
    pub negotiated: Option<NegotiatedAudio>,
    pub pending_offer: Option<SessionDescription>,
    pub version: u64,
    pub remote_rtp: Option<SocketAddr>,
    pub remote_rtcp: Option<SocketAddr>,
    /// Set by each completed offer/answer: the next valid packet's source becomes
    /// the remote address (symmetric RTP, RFC 4961), once.
    pub rtp_latch_armed: bool,
    pub rtcp_latch_armed: bool,
    /// What we want (sendonly while we hold the peer); the outcome is in `negotiated`.
    pub desired: Direction,
}

/// Counters the receive loop, senders and RTCP share.
#[derive(Default)]
pub(crate) struct Counters {
    pub receiver: ReceiverStats,
    pub packets_received: u64,
    pub octets_received: u64,
    pub packets_sent: u64,
    pub octets_sent: u64,
    pub last_sent_timestamp: u32,
    pub dropped: u64,
    pub last_received: Option<std::time::Instant>,
    pub remote_report: Option<ReportBlock>,
    /// Middle 32 bits of the last SR's NTP time and when it arrived (for LSR/DLSR).
    pub last_sr: Option<(u32, std::time::Instant)>,
}

/// The sending side: exclusive to whoever is playing, sending keys or bridging.
pub(crate) struct Outgoing {
    pub stream: OutgoingStream,
    pub last_sent: Option<tokio::time::Instant>,
}

/// Everything the session's tasks share.
pub(crate) struct Shared {
    pub config: Arc<MediaConfig>,
    pub rtp: UdpSocket,
    pub rtcp: UdpSocket,
    pub local_port: u16,
    pub session_id: u64,
    pub ssrc: u32,
    pub started: std::time::Instant,
    pub state: Mutex<State>,
    pub outgoing: tokio::sync::Mutex<Outgoing>,
    pub digits: DigitQueue,
    pub taps: Mutex<Taps>,
    pub counters: Mutex<Counters>,
    pub hangup: CancellationToken,
    _lease: PortLease,
}

/// One call leg's RTP session.
///
/// Dropping it stops its receive and RTCP tasks and returns the port pair to
/// the engine once they have stopped (within a scheduler tick), without an
/// RTCP BYE; [`MediaSession::release`] sends the BYE and waits for the ports.
/// To end operations in progress first (a BYE arrived), call
/// [`MediaSession::hang_up`].
#[must_use = "dropping a MediaSession stops its media and frees its ports"]
pub struct MediaSession {
    pub(crate) shared: Arc<Shared>,
    tasks: Vec<JoinHandle<()>>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Media state stays usable after a panicking holder; nothing here can be half-written.
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.state)
    }

    pub(crate) fn counters(&self) -> MutexGuard<'_, Counters> {
        lock(&self.counters)
    }

    pub(crate) fn taps(&self) -> MutexGuard<'_, Taps> {
        lock(&self.taps)
    }

    /// Sends one packet if our direction allows it and we know where to.
    ///
    /// While held (not sending) the stream still advances, so timestamps stay
    /// true to the clock when sending resumes.
    pub(crate) async fn send(&self, packet: &RtpPacket) {
        let target = {
            let state = self.state();
            let sends = state
                .negotiated
                .as_ref()
                .is_some_and(|n| n.direction.sends());
            state.remote_rtp.filter(|_| sends)
        };
        let Some(target) = target else { return };
        if let Err(error) = self
            .rtp
            .send_to(&packet.to_bytes(), self.socket_form(target))
            .await
        {
            debug!(%target, %error, "RTP send failed");
            return;
        }
        let mut c = self.counters();
        c.packets_sent += 1;
        c.octets_sent += packet.payload.len() as u64;
        c.last_sent_timestamp = packet.header.timestamp;
    }

    /// An IPv6 socket reaches IPv4 peers through mapped addresses.
    pub(crate) fn socket_form(&self, target: SocketAddr) -> SocketAddr {
        match (self.rtp.local_addr(), target) {
            (Ok(SocketAddr::V6(_)), SocketAddr::V4(v4)) => {
                SocketAddr::new(IpAddr::V6(v4.ip().to_ipv6_mapped()), v4.port())
            }
            _ => target,
        }
    }
}

impl MediaSession {
    pub(crate) fn start(
        config: Arc<MediaConfig>,
        rtp: StdUdpSocket,
        rtcp: StdUdpSocket,
        lease: PortLease,
    ) -> Result<Self, MediaError> {
        let local_port = rtp.local_addr()?.port();
        let stream = OutgoingStream::new();
        let state = State {
            negotiated: None,
            pending_offer: None,
            version: 0,
            remote_rtp: None,
            remote_rtcp: None,
            rtp_latch_armed: false,
            rtcp_latch_armed: false,
            desired: Direction::SendRecv,
        };
        let shared = Arc::new(Shared {
            config,
            rtp: UdpSocket::from_std(rtp)?,
            rtcp: UdpSocket::from_std(rtcp)?,
            local_port,
            session_id: u64::from(rand::random::<u32>()),
            ssrc: stream.ssrc,
            started: std::time::Instant::now(),
            state: Mutex::new(state),
            outgoing: tokio::sync::Mutex::new(Outgoing {
                stream,
                last_sent: None,
            }),
            digits: DigitQueue::default(),
            taps: Mutex::new(Taps::default()),
            counters: Mutex::new(Counters::default()),
            hangup: CancellationToken::new(),
            _lease: lease,
        });
        let tasks = vec![
            tokio::spawn(receive::receive_loop(Arc::clone(&shared))),
            tokio::spawn(control::rtcp_loop(Arc::clone(&shared))),
        ];
        info!(
            port = local_port,
            ssrc = shared.ssrc,
            "media session started"
        );
        Ok(Self { shared, tasks })
    }

    /// Our RTP socket address.
    pub fn local_rtp_addr(&self) -> SocketAddr {
        let ip = self
            .shared
            .rtp
            .local_addr()
            .map_or(self.shared.config.bind_address, |a| a.ip());
        SocketAddr::new(ip, self.shared.local_port)
    }

    /// Answers a peer's offer (initial INVITE or re-INVITE); returns our SDP answer.
    ///
    /// On error nothing changes and call control answers 488 (or 400).
    pub fn answer(&self, offer: &str) -> Result<String, MediaError> {
        let offer = SessionDescription::parse(offer)?;
        let mut state = self.shared.state();
        // Only used to pick our address when the bind address is a wildcard.
        let signalled = offer
            .connection
            .map(|c| c.address)
            .filter(|a| !a.is_unspecified());
        let hint = signalled
            .map(|a| SocketAddr::new(a, 9))
            .or(state.remote_rtp);
        let local = self.local_media(&state, hint);
        let (answer, negotiated) = sdp::answer_offer(&offer, &self.shared.config.policy(), &local)?;
        state.version = local.session_version;
        apply(&mut state, negotiated);
        Ok(answer.to_string())
    }

    /// Makes an offer (outgoing INVITE, late-offer 200 OK, or re-INVITE).
    pub fn offer(&self) -> String {
        self.offer_with(Direction::SendRecv)
    }

    /// Makes an offer with a direction: `SendOnly` puts the peer on hold,
    /// `SendRecv` takes it off again (RFC 3264 §8.4).
    pub fn offer_with(&self, direction: Direction) -> String {
        let mut state = self.shared.state();
        state.desired = direction;
        let local = self.local_media(&state, state.remote_rtp);
        let offer = sdp::create_offer(&self.shared.config.policy(), &local);
        state.version = local.session_version;
        let text = offer.to_string();
        state.pending_offer = Some(offer);
        text
    }

    /// Takes the peer's answer to our last offer (200 OK, or ACK after a late offer).
    pub fn accept_answer(&self, answer: &str) -> Result<(), MediaError> {
        let answer = SessionDescription::parse(answer)?;
        let mut state = self.shared.state();
        let offer = state
            .pending_offer
            .as_ref()
            .ok_or(MediaError::NoPendingOffer)?;
        let negotiated = sdp::accept_answer(offer, &answer, &self.shared.config.policy())?;
        state.pending_offer = None;
        apply(&mut state, negotiated);
        Ok(())
    }

    /// What offer/answer settled on, if it has completed.
    pub fn negotiated(&self) -> Option<NegotiatedAudio> {
        self.shared.state().negotiated.clone()
    }

    /// A snapshot of packet, loss and jitter counters.
    pub fn stats(&self) -> SessionStats {
        let clock = self.negotiated().map_or(8000, |n| n.codec.rtp_clock_rate());
        let c = self.shared.counters();
        let to_ms = |units: u32| f64::from(units) * 1000.0 / f64::from(clock);
        SessionStats {
            packets_sent: c.packets_sent,
            octets_sent: c.octets_sent,
            packets_received: c.packets_received,
            octets_received: c.octets_received,
            packets_lost: c.receiver.lost(),
            jitter_ms: to_ms(c.receiver.jitter()),
            packets_dropped: c.dropped,
            remote_fraction_lost: c.remote_report.map(|r| r.fraction_lost),
            remote_jitter_ms: c.remote_report.map(|r| to_ms(r.jitter)),
        }
    }

    /// Completes when the peer has sent no RTP for `rtp_timeout_secs` while
    /// we expect audio (time on hold does not count); call control then hangs
    /// up. Never completes when the timeout is disabled. Cancel-safe.
    pub async fn media_timeout(&self) {
        let Some(limit) = self.shared.config.rtp_timeout() else {
            return std::future::pending().await;
        };
        let mut quiet_since = std::time::Instant::now();
        loop {
            let receiving = self.negotiated().is_some_and(|n| n.direction.receives());
            let last = self.shared.counters().last_received;
            if !receiving {
                quiet_since = std::time::Instant::now();
            } else if let Some(last) = last {
                quiet_since = quiet_since.max(last);
            }
            let idle = quiet_since.elapsed();
            if receiving && idle >= limit {
                tracing::warn!(port = self.shared.local_port, ?idle, "RTP timeout");
                return;
            }
            tokio::time::sleep(limit.saturating_sub(idle).max(Duration::from_millis(50))).await;
        }
    }

    /// Marks the party as gone (BYE received): play, record, collect and bridge
    /// on this session end with their hung-up outcome. The ports stay bound
    /// until the session is released or dropped.
    pub fn hang_up(&self) {
        self.shared.hangup.cancel();
    }

    /// Ends the session: sends RTCP BYE, stops the tasks and waits until the
    /// ports are closed and back in the pool.
    pub async fn release(mut self) {
        control::send_goodbye(&self.shared).await;
        self.shared.hangup.cancel();
        for task in std::mem::take(&mut self.tasks) {
            // The tasks return on cancellation; a join error only means one had panicked.
            let _ = task.await;
        }
        info!(port = self.shared.local_port, "media session released");
    }

    fn local_media(&self, state: &State, peer: Option<SocketAddr>) -> LocalMedia {
        LocalMedia {
            address: local_address(&self.shared.config, peer),
            rtp_port: self.shared.local_port,
            session_id: self.shared.session_id,
            session_version: state.version + 1,
            direction: state.desired,
        }
    }

    /// The negotiated codec, or the error every operation returns without one.
    pub(crate) fn require_negotiated(&self) -> Result<NegotiatedAudio, MediaError> {
        self.negotiated().ok_or(MediaError::NotNegotiated)
    }
}

/// Records an offer/answer outcome and re-arms latching for it.
fn apply(state: &mut State, negotiated: NegotiatedAudio) {
    info!(
        codec = ?negotiated.codec,
        payload_type = negotiated.payload_type,
        telephone_event = ?negotiated.telephone_event.map(|t| t.payload_type),
        remote = ?negotiated.remote_rtp,
        direction = negotiated.direction.attribute(),
        "audio negotiated"
    );
    state.remote_rtp = negotiated.remote_rtp;
    state.remote_rtcp = negotiated.remote_rtcp;
    state.rtp_latch_armed = true;
    state.rtcp_latch_armed = true;
    state.negotiated = Some(negotiated);
}

impl std::fmt::Debug for MediaSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaSession")
            .field("port", &self.shared.local_port)
            .field("ssrc", &self.shared.ssrc)
            .field("negotiated", &self.negotiated())
            .finish()
    }
}

impl Drop for MediaSession {
    fn drop(&mut self) {
        self.shared.hangup.cancel();
        self.tasks.iter().for_each(JoinHandle::abort);
    }
}
