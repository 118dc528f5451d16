//! UDP and TCP transports (RFC 3261 §18) on tokio: listeners, a registry of
//! open TCP connections (so responses and later requests reuse the
//! connection a peer opened), and the limits that keep peers in check.

use std::collections::HashMap;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, watch};
use tracing::{debug, info, warn};

use crate::config::LimitsConfig;
use crate::message::StreamFramer;

/// A transport protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Transport {
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
}

impl Transport {
    /// The Via transport token.
    pub fn as_str(self) -> &'static str {
        match self {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
        }
    }
}

impl fmt::Display for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where to send a request: an address and a transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Target {
    /// The peer's address.
    pub addr: SocketAddr,
    /// The transport to use.
    pub transport: Transport,
}

/// Where a message came from; responses go back exactly there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Source {
    /// The transport it arrived on.
    pub transport: Transport,
    /// The peer's address as seen by us (after any NAT).
    pub peer: SocketAddr,
    /// Our address it arrived at.
    pub local: SocketAddr,
    /// The TCP connection it arrived on.
    pub conn: Option<u64>,
}

impl Source {
    /// The target that reaches this peer again (NAT-friendly: the observed
    /// address, not what the peer claims).
    pub fn target(&self) -> Target {
        Target {
            addr: self.peer,
            transport: self.transport,
        }
    }
}

/// Receives what the transports read.
pub(crate) trait Sink: Send + Sync + 'static {
    /// A datagram or one framed stream message.
    fn receive(self: Arc<Self>, data: Bytes, src: Source);
    /// A stream that could not be framed; `pending` holds its unread bytes.
    fn frame_error(&self, pending: &[u8], src: Source);
    /// False for peers whose connections are refused outright.
    fn admits(&self, ip: IpAddr) -> bool;
}

/// Transport-level failures.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    /// A socket could not be bound.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The cause.
        source: std::io::Error,
    },
    /// No socket of the needed family or transport is open.
    #[error("no {0} socket for this address family")]
    NoSocket(Transport),
    /// A TCP connection could not be opened.
    #[error("cannot connect to {0}")]
    Connect(SocketAddr),
}

struct Conn {
    tx: mpsc::Sender<Bytes>,
    peer: SocketAddr,
}

#[derive(Default)]
struct Registry {
    by_id: HashMap<u64, Conn>,
    by_peer: HashMap<SocketAddr, u64>,
    per_ip: HashMap<IpAddr, usize>,
}

/// The open sockets and connections.
pub(crate) struct Transports {
    /// Emptied at shutdown so the ports are released at once.
    udp: std::sync::RwLock<Vec<(SocketAddr, Arc<UdpSocket>)>>,
    tcp_local: Vec<SocketAddr>,
    registry: Mutex<Registry>,
    next_id: AtomicU64,
    limits: LimitsConfig,
    shutdown: watch::Receiver<bool>,
    sink: std::sync::Weak<dyn Sink>,
    loops: Mutex<Vec<tokio::task::JoinHandle<()>>>,
}

fn bind_error(addr: SocketAddr) -> impl FnOnce(std::io::Error) -> TransportError {
    move |source| TransportError::Bind { addr, source }
}

fn socket_for(addr: SocketAddr, ty: socket2::Type) -> std::io::Result<socket2::Socket> {
    let domain = socket2::Domain::for_address(addr);
    let s = socket2::Socket::new(domain, ty, None)?;
    if addr.is_ipv6() {
        // v6-only so that 0.0.0.0:5060 and [::]:5060 can both be bound.
        s.set_only_v6(true)?;
    }
    if ty == socket2::Type::STREAM {
        s.set_reuse_address(true)?;
    }
    s.set_nonblocking(true)?;
    s.bind(&addr.into())?;
    Ok(s)
}

fn bind_udp(addr: SocketAddr) -> Result<UdpSocket, TransportError> {
    let s = socket_for(addr, socket2::Type::DGRAM).map_err(bind_error(addr))?;
    // Larger buffers absorb bursts of REGISTERs; failure only costs speed.
    let _ = s.set_recv_buffer_size(4 << 20);
    UdpSocket::from_std(s.into()).map_err(bind_error(addr))
}

fn bind_tcp(addr: SocketAddr) -> Result<TcpListener, TransportError> {
    let s = socket_for(addr, socket2::Type::STREAM).map_err(bind_error(addr))?;
    s.listen(1024).map_err(bind_error(addr))?;
    TcpListener::from_std(s.into()).map_err(bind_error(addr))
}

impl Transports {
    /// Binds every configured socket and starts reading from them.
    pub(crate) fn start(
        udp: &[SocketAddr],
        tcp: &[SocketAddr],
        limits: LimitsConfig,
        sink: Arc<dyn Sink>,
        shutdown: watch::Receiver<bool>,
    ) -> Result<Arc<Transports>, TransportError> {
        let udp = udp
            .iter()
            .map(|a| bind_udp(*a).map(Arc::new))
            .collect::<Result<Vec<_>, _>>()?;
        let listeners = tcp
            .iter()
            .map(|a| bind_tcp(*a))
            .collect::<Result<Vec<_>, _>>()?;
        let tcp_local = listeners
            .iter()
            .filter_map(|l| l.local_addr().ok())
            .collect();
        let this = Arc::new(Transports {
            udp: std::sync::RwLock::new(
                udp.iter()
                    .filter_map(|s| Some((s.local_addr().ok()?, s.clone())))
                    .collect(),
            ),
            tcp_local,
            registry: Mutex::new(Registry::default()),
            next_id: AtomicU64::new(1),
            limits,
            shutdown,
            sink: Arc::downgrade(&sink),
            loops: Mutex::new(Vec::new()),
        });
        let mut loops = Vec::new();
        for sock in udp {
            loops.push(tokio::spawn(udp_loop(this.clone(), sock, sink.clone())));
        }
        for l in listeners {
            loops.push(tokio::spawn(accept_loop(this.clone(), l, sink.clone())));
        }
        *this.loops.lock().unwrap_or_else(|e| e.into_inner()) = loops;
        Ok(this)
    }

    /// The bound addresses per transport.
    pub(crate) fn local_addrs(&self) -> Vec<(Transport, SocketAddr)> {
        let socks = self.udp.read().unwrap_or_else(|e| e.into_inner());
        let udp: Vec<_> = socks.iter().map(|(a, _)| (Transport::Udp, *a)).collect();
        drop(socks);
        let udp = udp.into_iter();
        udp.chain(self.tcp_local.iter().map(|a| (Transport::Tcp, *a)))
            .collect()
    }

    /// Our address of this transport and family, for Via and Contact.
    pub(crate) fn local_for(&self, t: Target) -> Option<SocketAddr> {
        let same = |a: &SocketAddr| a.is_ipv4() == t.addr.is_ipv4();
        self.local_addrs()
            .into_iter()
            .find(|(tr, a)| *tr == t.transport && same(a))
            .map(|x| x.1)
    }

    /// Sends a response back where its request came from: the same TCP
    /// connection, or the UDP source address (RFC 3581 symmetric response).
    pub(crate) async fn reply(&self, src: &Source, data: Bytes) {
        let sent = match (src.transport, src.conn) {
            (Transport::Tcp, Some(id)) => self.send_on_conn(id, data).await,
            _ => self.send_udp(src.peer, &data).await,
        };
        if !sent {
            debug!(peer = %src.peer, "response not delivered");
        }
    }

    /// Sends a request (or ACK) to a target, opening a TCP connection when
    /// none is open to that peer.
    pub(crate) async fn send(self: &Arc<Self>, t: Target, data: Bytes) -> bool {
        match t.transport {
            Transport::Udp => self.send_udp(t.addr, &data).await,
            Transport::Tcp => {
                let existing = self.lock().by_peer.get(&t.addr).copied();
                let id = match existing {
                    Some(id) => id,
                    None => match self.connect(t.addr).await {
                        Ok(id) => id,
                        Err(e) => {
                            debug!(peer = %t.addr, error = %e, "connect failed");
                            return false;
                        }
                    },
                };
                self.send_on_conn(id, data).await
            }
        }
    }

    async fn send_udp(&self, to: SocketAddr, data: &[u8]) -> bool {
        let Some(sock) = self.udp_for(to) else {
            return false;
        };
        sock.send_to(data, to).await.is_ok()
    }

    /// Stops the receive and accept loops and closes every listening
    /// socket, so the ports are free when this returns.
    pub(crate) async fn close(&self) {
        let loops = std::mem::take(&mut *self.loops.lock().unwrap_or_else(|e| e.into_inner()));
        for l in loops {
            l.abort();
            let _ = l.await;
        }
        self.udp.write().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn udp_for(&self, to: SocketAddr) -> Option<Arc<UdpSocket>> {
        let socks = self.udp.read().unwrap_or_else(|e| e.into_inner());
        let found = socks.iter().find(|(a, _)| a.is_ipv4() == to.is_ipv4());
        found.map(|(_, s)| s.clone())
    }

    async fn send_on_conn(&self, id: u64, data: Bytes) -> bool {
        let tx = self.lock().by_id.get(&id).map(|c| c.tx.clone());
        match tx {
            Some(tx) => tx.send(data).await.is_ok(),
            None => false,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        // A poisoned lock only means another task panicked mid-update; the
        // maps stay usable.
        self.registry.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Admits a new connection within the limits, returning its id.
    fn admit(&self, peer: SocketAddr, tx: mpsc::Sender<Bytes>) -> Option<u64> {
        let mut reg = self.lock();
        let per_ip = reg.per_ip.get(&peer.ip()).copied().unwrap_or(0);
        if reg.by_id.len() >= self.limits.max_tcp_connections
            || per_ip >= self.limits.max_tcp_connections_per_ip
        {
            return None;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        reg.by_id.insert(id, Conn { tx, peer });
        reg.by_peer.insert(peer, id);
        *reg.per_ip.entry(peer.ip()).or_insert(0) += 1;
        Some(id)
    }

    fn forget(&self, id: u64) {
        let mut reg = self.lock();
        if let Some(c) = reg.by_id.remove(&id) {
            if reg.by_peer.get(&c.peer) == Some(&id) {
                reg.by_peer.remove(&c.peer);
            }
            if let Some(n) = reg.per_ip.get_mut(&c.peer.ip()) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    reg.per_ip.remove(&c.peer.ip());
                }
            }
        }
    }

    async fn connect(self: &Arc<Self>, addr: SocketAddr) -> Result<u64, TransportError> {
        let sink = self.sink.upgrade().ok_or(TransportError::Connect(addr))?;
        let connect = TcpStream::connect(addr);
        let stream = tokio::time::timeout(Duration::from_secs(5), connect)
            .await
            .map_err(|_| TransportError::Connect(addr))?
            .map_err(|_| TransportError::Connect(addr))?;
        let local = stream
            .local_addr()
            .map_err(|_| TransportError::Connect(addr))?;
        let (tx, rx) = mpsc::channel(64);
        let id = self.admit(addr, tx).ok_or(TransportError::Connect(addr))?;
        let src = Source {
            transport: Transport::Tcp,
            peer: addr,
            local,
            conn: Some(id),
        };
        tokio::spawn(run_conn(self.clone(), stream, src, rx, sink));
        Ok(id)
    }
}

async fn udp_loop(t: Arc<Transports>, sock: Arc<UdpSocket>, sink: Arc<dyn Sink>) {
    let Ok(local) = sock.local_addr() else { return };
    info!(%local, "listening on UDP");
    let mut buf = vec![0u8; 65_536];
    let mut shutdown = t.shutdown.clone();
    loop {
        let received = tokio::select! {
            r = sock.recv_from(&mut buf) => r,
            _ = shutdown.changed() => return,
        };
        match received {
            Ok((n, peer)) if n <= t.limits.max_message_size => {
                let src = Source {
                    transport: Transport::Udp,
                    peer,
                    local,
                    conn: None,
                };
                sink.clone().receive(Bytes::copy_from_slice(&buf[..n]), src);
            }
            Ok((n, peer)) => warn!(%peer, size = n, "oversized datagram dropped"),
            // ICMP errors surface here on some systems; keep reading.
            Err(e) => debug!(error = %e, "UDP receive error"),
        }
    }
}

async fn accept_loop(t: Arc<Transports>, l: TcpListener, sink: Arc<dyn Sink>) {
    let Ok(local) = l.local_addr() else { return };
    info!(%local, "listening on TCP");
    let mut shutdown = t.shutdown.clone();
    loop {
        let accepted = tokio::select! {
            r = l.accept() => r,
            _ = shutdown.changed() => return,
        };
        let Ok((stream, peer)) = accepted else {
            continue;
        };
        if !sink.admits(peer.ip()) {
            continue;
        }
        let (tx, rx) = mpsc::channel(64);
        let Some(id) = t.admit(peer, tx) else {
            warn!(%peer, "TCP connection refused: connection limit reached");
            continue;
        };
        let src = Source {
            transport: Transport::Tcp,
            peer,
            local,
            conn: Some(id),
        };
        tokio::spawn(run_conn(t.clone(), stream, src, rx, sink.clone()));
    }
}

/// Runs one TCP connection: a writer fed from `rx` and a framing reader
/// with an idle timeout.
async fn run_conn(
    t: Arc<Transports>,
    stream: TcpStream,
    src: Source,
    mut rx: mpsc::Receiver<Bytes>,
    sink: Arc<dyn Sink>,
) {
    let (mut reader, mut writer) = stream.into_split();
    let writing = tokio::spawn(async move {
        while let Some(data) = rx.recv().await {
            if writer.write_all(&data).await.is_err() {
                break;
            }
        }
    });
    if !read_frames(&t, &mut reader, src, sink).await {
        // Let the 400 for an unframeable stream reach the writer first.
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if let Some(id) = src.conn {
        t.forget(id);
    }
    // Give queued responses (such as a final 400) a moment to leave.
    let _ = tokio::time::timeout(Duration::from_millis(200), writing).await;
    debug!(peer = %src.peer, "TCP connection closed");
}

async fn read_frames(
    t: &Transports,
    reader: &mut tokio::net::tcp::OwnedReadHalf,
    src: Source,
    sink: Arc<dyn Sink>,
) -> bool {
    let idle = Duration::from_secs(t.limits.tcp_idle_timeout_secs.max(1));
    let mut framer = StreamFramer::new(t.limits.max_message_size);
    let mut buf = vec![0u8; 16 * 1024];
    let mut shutdown = t.shutdown.clone();
    loop {
        let read = tokio::select! {
            r = tokio::time::timeout(idle, reader.read(&mut buf)) => r,
            _ = shutdown.changed() => return true,
        };
        let n = match read {
            Ok(Ok(n)) if n > 0 => n,
            Ok(_) => return true,
            Err(_) => {
                debug!(peer = %src.peer, "idle TCP connection timed out");
                return true;
            }
        };
        framer.extend(&buf[..n]);
        loop {
            match framer.next_message() {
                Ok(Some(msg)) => sink.clone().receive(msg, src),
                Ok(None) => break,
                Err(e) => {
                    warn!(peer = %src.peer, error = %e, "unframeable TCP stream");
                    sink.frame_error(framer.pending(), src);
                    return false;
                }
            }
        }
    }
}
