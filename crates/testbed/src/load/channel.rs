//! One call of the load generator: its SIP dialog, its RTP socket, what its
//! receiver measured, and the keys it pressed.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use switchboard_sip::message::{HeaderName, Method, NameAddr, Uri};
use switchboard_sip::{Dialog, SipServerHandle, Target, Transport};
use tokio::net::UdpSocket;
use tokio::task::JoinSet;

use super::Mode;
use super::measure::ChannelStats;

const PACKET_TIME: Duration = Duration::from_millis(20);
/// The payload types we offer: PCMU and telephone-event.
const PCMU: u8 = 0;
const EVENT: u8 = 101;
const KEYS: &[u8] = b"0123456789*#";

/// One placed call; cheap to clone.
#[derive(Clone)]
pub struct Channel {
    inner: Arc<Inner>,
}

struct Inner {
    rtp: UdpSocket,
    remote: SocketAddr,
    dialog: Mutex<Dialog>,
    stats: Mutex<ChannelStats>,
    keys_sent: Mutex<String>,
    /// Audio packets handed to the socket while measuring (bridge mode).
    sent: AtomicU64,
    ssrc: u32,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain counters: still meaningful after a panicking holder.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Places one call per user, `rate` INVITEs a second; returns those answered.
pub async fn place_all(
    sip: &Arc<SipServerHandle>,
    target: SocketAddr,
    users: &[String],
    rate: u32,
) -> Vec<Channel> {
    let mut set = JoinSet::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1) / rate.max(1));
    for (i, user) in users.iter().enumerate() {
        tick.tick().await;
        let (sip, user) = (sip.clone(), user.clone());
        set.spawn(async move { (i, place(&sip, target, &user).await) });
    }
    let mut placed: Vec<(usize, Channel)> = Vec::new();
    while let Some(done) = set.join_next().await {
        if let Ok((i, Some(ch))) = done {
            placed.push((i, ch));
        }
    }
    // Keep the order of users, so legs of a bridge stay side by side.
    placed.sort_by_key(|(i, _)| *i);
    placed.into_iter().map(|(_, ch)| ch).collect()
}

fn offer(port: u16) -> String {
    format!(
        "v=0\r\no=load 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio {port} RTP/AVP {PCMU} {EVENT}\r\na=rtpmap:{PCMU} PCMU/8000\r\n\
         a=rtpmap:{EVENT} telephone-event/8000\r\na=fmtp:{EVENT} 0-15\r\na=ptime:20\r\n"
    )
}

/// The audio address of an SDP answer (its `c=` and `m=audio` lines).
fn answer_addr(sdp: &[u8]) -> Option<SocketAddr> {
    let text = std::str::from_utf8(sdp).ok()?;
    let ip = text
        .lines()
        .find_map(|l| l.strip_prefix("c=IN IP4 "))?
        .trim()
        .parse()
        .ok()?;
    let port = text
        .lines()
        .find_map(|l| l.strip_prefix("m=audio "))?
        .split(' ')
        .next()?
        .parse()
        .ok()?;
    Some(SocketAddr::new(ip, port))
}

async fn place(sip: &SipServerHandle, target: SocketAddr, user: &str) -> Option<Channel> {
    let rtp = UdpSocket::bind("127.0.0.1:0").await.ok()?;
    let port = rtp.local_addr().ok()?.port();
    let uri = Uri::parse(&format!("sip:{user}@{target}")).ok()?;
    let from = NameAddr::new(Uri::parse("sip:load@127.0.0.1").ok()?);
    let mut invite = sip.build_request(Method::Invite, uri.clone(), from, NameAddr::new(uri));
    let local = sip.local_addr(Transport::Udp)?;
    invite
        .headers
        .push(HeaderName::Contact, format!("<sip:load@{local}>"));
    invite.set_body("application/sdp", Bytes::from(offer(port)));
    let to = Target {
        addr: target,
        transport: Transport::Udp,
    };
    let mut tx = sip.send_invite(invite.clone(), to).await.ok()?;
    let ok = loop {
        let resp = tokio::time::timeout(Duration::from_secs(10), tx.next_response());
        let resp = resp.await.ok()??;
        if resp.status >= 200 {
            break resp;
        }
    };
    if ok.status != 200 {
        return None;
    }
    let dialog = Dialog::from_uac(&invite, &ok, to)?;
    sip.send_ack(dialog.ack(1), to).await.ok()?;
    let inner = Inner {
        rtp,
        remote: answer_addr(&ok.body)?,
        dialog: Mutex::new(dialog),
        stats: Mutex::default(),
        keys_sent: Mutex::default(),
        sent: AtomicU64::new(0),
        ssrc: rand::random(),
    };
    Some(Channel {
        inner: Arc::new(inner),
    })
}

impl Channel {
    /// What the receiver measured.
    pub fn stats(&self) -> ChannelStats {
        lock(&self.inner.stats).clone()
    }

    /// Audio packets sent while measuring.
    pub fn sent(&self) -> u64 {
        self.inner.sent.load(Ordering::Relaxed)
    }

    /// Receives audio until aborted, measuring only while `measuring` is set.
    /// With `numbered`, gaps are found from the packet number our sender puts
    /// in the payload, since a bridge renumbers the RTP sequence it relays
    /// and would hide packets lost on the way in.
    pub async fn receive(self, measuring: Arc<AtomicBool>, numbered: bool) {
        let mut buf = [0u8; 2048];
        let mut last: Option<(Instant, u16)> = None;
        loop {
            let Ok(n) = self.inner.rtp.recv(&mut buf).await else {
                continue;
            };
            let now = Instant::now();
            if n < 16 || buf[1] & 0x7f != PCMU {
                continue;
            }
            let at = if numbered { 14 } else { 2 };
            let seq = u16::from_be_bytes([buf[at], buf[at + 1]]);
            if !measuring.load(Ordering::Relaxed) {
                last = None;
                continue;
            }
            self.count(now, seq, last);
            last = Some((now, seq));
        }
    }

    fn count(&self, now: Instant, seq: u16, last: Option<(Instant, u16)>) {
        let mut stats = lock(&self.inner.stats);
        stats.packets += 1;
        let Some((then, prev)) = last else { return };
        let step = seq.wrapping_sub(prev);
        // Zero is a duplicate, a huge step a late packet: neither is loss.
        if (1..3000).contains(&step) {
            stats.lost += u64::from(step - 1);
        }
        if step == 1 {
            let interval = now - then;
            let deviation = interval.abs_diff(PACKET_TIME);
            stats.jitter.add(deviation);
            stats.max_deviation = stats.max_deviation.max(deviation);
        }
    }

    /// Presses a key a second while `measuring` is set (starting at a random
    /// offset so channels do not press in step); returns when it is cleared.
    pub async fn press_keys(self, measuring: Arc<AtomicBool>) {
        let offset = Duration::from_millis(rand::random::<u64>() % 1000);
        tokio::time::sleep(offset).await;
        let (mut seq, mut timestamp) = (rand::random::<u16>(), rand::random::<u32>());
        let mut started = false;
        let mut n = 0;
        loop {
            if measuring.load(Ordering::Relaxed) {
                started = true;
                let key = KEYS[n % KEYS.len()];
                self.send_key(key, &mut seq, timestamp).await;
                lock(&self.inner.keys_sent).push(char::from(key));
                n += 1;
            } else if started {
                return;
            }
            timestamp = timestamp.wrapping_add(8000);
            tokio::time::sleep(Duration::from_secs(1)).await;
        }
    }

    /// One key as RFC 4733 §2.5: five updates 20 ms apart, then the end
    /// packet three times, all with the event's start timestamp.
    async fn send_key(&self, key: u8, seq: &mut u16, timestamp: u32) {
        let event = KEYS.iter().position(|k| *k == key).unwrap_or(0) as u8;
        let event = match key {
            b'*' => 10,
            b'#' => 11,
            _ => event,
        };
        for i in 1..=8u16 {
            let end = i > 5;
            let duration = 160 * i.min(5);
            let payload = [event, if end { 0x80 | 10 } else { 10 }, 0, 0];
            let mut payload = payload;
            payload[2..4].copy_from_slice(&duration.to_be_bytes());
            let packet = rtp_packet(EVENT, i == 1, *seq, timestamp, self.inner.ssrc, &payload);
            let _ = self.inner.rtp.send_to(&packet, self.inner.remote).await;
            *seq = seq.wrapping_add(1);
            if i < 6 {
                tokio::time::sleep(PACKET_TIME).await;
            }
        }
    }
}

fn rtp_packet(pt: u8, marker: bool, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = Vec::with_capacity(12 + payload.len());
    p.push(0x80);
    p.push(pt | if marker { 0x80 } else { 0 });
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ts.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// Sends a G.711 frame on every channel each 20 ms, on an absolute schedule,
/// until aborted; counts what it sent while measuring.
pub async fn send_audio(channels: &[Channel], measuring: &AtomicBool) -> std::io::Result<()> {
    let mut tick = tokio::time::interval(PACKET_TIME);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut n: u32 = 0;
    let mut payload = [0xffu8; 160];
    loop {
        tick.tick().await;
        // The packet number rides in the payload, which a same-codec bridge
        // relays untouched (see `receive`).
        payload[..4].copy_from_slice(&n.to_be_bytes());
        for ch in channels {
            let packet = rtp_packet(PCMU, n == 0, n as u16, n * 160, ch.inner.ssrc, &payload);
            // A full socket buffer is loss, which the far leg's receiver sees
            // as a gap in the packet numbers.
            let sent = ch.inner.rtp.try_send_to(&packet, ch.inner.remote).is_ok();
            if sent && measuring.load(Ordering::Relaxed) {
                ch.inner.sent.fetch_add(1, Ordering::Relaxed);
            }
        }
        n = n.wrapping_add(1);
    }
}

/// Hangs every call up; returns how many were answered 200 and, in play
/// mode, reported exactly the keys pressed.
pub async fn hang_up_all(sip: &Arc<SipServerHandle>, channels: &[Channel], mode: Mode) -> usize {
    let mut set = JoinSet::new();
    for ch in channels {
        let (sip, ch) = (sip.clone(), ch.clone());
        set.spawn(async move { ch.hang_up(&sip, mode).await });
    }
    let mut ok = 0;
    while let Some(done) = set.join_next().await {
        ok += usize::from(done.unwrap_or(false));
    }
    ok
}

impl Channel {
    async fn hang_up(&self, sip: &SipServerHandle, mode: Mode) -> bool {
        let (bye, target) = {
            let mut dialog = lock(&self.inner.dialog);
            (dialog.request(Method::Bye), dialog.target)
        };
        let Ok(tx) = sip.send_request(bye, target).await else {
            return false;
        };
        let answer = tokio::time::timeout(Duration::from_secs(10), tx.final_response());
        let Ok(Some(resp)) = answer.await else {
            return false;
        };
        let digits = resp.headers.get(&HeaderName::Other("X-Digits".into()));
        let sent = lock(&self.inner.keys_sent).clone();
        resp.status == 200 && (mode == Mode::Bridge || digits.unwrap_or_default() == sent)
    }
}
