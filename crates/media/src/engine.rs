//! The media engine: owns the RTP port range and creates sessions.

use std::collections::HashSet;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, UdpSocket as StdUdpSocket};
use std::sync::{Arc, Mutex};

use tracing::{debug, warn};

use crate::config::MediaConfig;
use crate::error::MediaError;
use crate::session::MediaSession;

/// Creates media sessions from one configuration; cheap to clone.
#[derive(Clone, Debug)]
pub struct MediaEngine {
    config: Arc<MediaConfig>,
    ports: Arc<PortPool>,
}

impl MediaEngine {
    /// Checks the configuration and prepares the port range.
    pub fn new(config: MediaConfig) -> Result<Self, MediaError> {
        config.validate().map_err(MediaError::Config)?;
        let ports = Arc::new(PortPool::new(config.port_min, config.port_max));
        Ok(Self {
            config: Arc::new(config),
            ports,
        })
    }

    /// The settings in force.
    pub fn config(&self) -> &MediaConfig {
        &self.config
    }

    /// A session for an incoming offer, and the SDP answer to send back.
    ///
    /// A [`MediaError::Sdp`] means the offer is unacceptable (SIP 488).
    pub async fn answer_offer(&self, offer: &str) -> Result<(MediaSession, String), MediaError> {
        let session = self.session().await?;
        let answer = session.answer(offer)?;
        Ok((session, answer))
    }

    /// A session and our offer, for an outgoing INVITE or a late-offer 200 OK;
    /// pass the peer's answer to [`MediaSession::accept_answer`].
    pub async fn create_offer(&self) -> Result<(MediaSession, String), MediaError> {
        let session = self.session().await?;
        let offer = session.offer();
        Ok((session, offer))
    }

    /// A session with its ports bound and nothing negotiated yet.
    pub async fn session(&self) -> Result<MediaSession, MediaError> {
        let (rtp, rtcp, lease) = self.ports.allocate(self.config.bind_address)?;
        MediaSession::start(Arc::clone(&self.config), rtp, rtcp, lease)
    }
}

/// The address to write in SDP (see `MediaConfig::advertised_address`).
pub(crate) fn local_address(config: &MediaConfig, peer: Option<SocketAddr>) -> IpAddr {
    if let Some(address) = config.advertised_address {
        return address;
    }
    if !config.bind_address.is_unspecified() {
        return config.bind_address;
    }
    // Connecting a UDP socket sends nothing; it only asks the kernel for a route.
    let routed = peer.and_then(|peer| {
        let probe = StdUdpSocket::bind(SocketAddr::new(unspecified_like(peer.ip()), 0)).ok()?;
        probe.connect(peer).ok()?;
        Some(probe.local_addr().ok()?.ip())
    });
    routed.unwrap_or_else(|| {
        warn!("media.advertised_address unset and bind address is a wildcard: offering 127.0.0.1");
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    })
}

fn unspecified_like(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
        IpAddr::V6(_) => IpAddr::V6(std::net::Ipv6Addr::UNSPECIFIED),
    }
}

/// Even RTP ports in use; RTCP takes the odd port above each (RFC 3550 §11).
#[derive(Debug)]
pub(crate) struct PortPool {
    first: u16,
    last: u16,
    state: Mutex<PoolState>,
}

#[derive(Debug)]
struct PoolState {
    in_use: HashSet<u16>,
    next: u16,
}

impl PortPool {
    fn new(min: u16, max: u16) -> Self {
        let first = min.saturating_add(min & 1);
        let last = max.saturating_sub(1);
        Self {
            first,
            last,
            state: Mutex::new(PoolState {
                in_use: HashSet::new(),
                next: first,
            }),
        }
    }

    /// Binds the next free pair, skipping ports another program holds.
    fn allocate(
        self: &Arc<Self>,
        bind: IpAddr,
    ) -> Result<(StdUdpSocket, StdUdpSocket, PortLease), MediaError> {
        let pairs = usize::from((self.last.saturating_sub(self.first)) / 2 + 1);
        for _ in 0..pairs {
            let Some(port) = self.next_candidate() else {
                break;
            };
            match bind_pair(bind, port) {
                Ok((rtp, rtcp)) => return Ok((rtp, rtcp, self.lease(port))),
                Err(error) => debug!(port, %error, "RTP port pair busy, trying the next"),
            }
        }
        Err(MediaError::NoPorts {
            min: self.first,
            max: self.last + 1,
        })
    }

    fn next_candidate(&self) -> Option<u16> {
        let mut state = self.lock();
        for _ in 0..=usize::from(self.last.saturating_sub(self.first)) / 2 {
            let port = state.next;
            state.next = if port.saturating_add(2) > self.last {
                self.first
            } else {
                port + 2
            };
            if !state.in_use.contains(&port) {
                return Some(port);
            }
        }
        None
    }

    fn lease(self: &Arc<Self>, port: u16) -> PortLease {
        self.lock().in_use.insert(port);
        PortLease {
            pool: Arc::clone(self),
            port,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, PoolState> {
        // The set stays consistent even if a holder panicked.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn bind_pair(bind: IpAddr, port: u16) -> std::io::Result<(StdUdpSocket, StdUdpSocket)> {
    let rtp = StdUdpSocket::bind(SocketAddr::new(bind, port))?;
    let rtcp = StdUdpSocket::bind(SocketAddr::new(bind, port + 1))?;
    rtp.set_nonblocking(true)?;
    rtcp.set_nonblocking(true)?;
    Ok((rtp, rtcp))
}

/// Holds an RTP port pair for a session; dropping it returns the pair to the pool.
pub(crate) struct PortLease {
    pool: Arc<PortPool>,
    port: u16,
}

impl Drop for PortLease {
    fn drop(&mut self) {
        self.pool.lock().in_use.remove(&self.port);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_even_distinct_and_returned_on_drop() {
        let pool = Arc::new(PortPool::new(41001, 41006));
        let loopback = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let a = pool.allocate(loopback).unwrap();
        let b = pool.allocate(loopback).unwrap();
        let ports = [
            a.0.local_addr().unwrap().port(),
            b.0.local_addr().unwrap().port(),
        ];
        assert_eq!(ports, [41002, 41004]);
        assert_eq!(b.1.local_addr().unwrap().port(), 41005);
        assert!(matches!(
            pool.allocate(loopback),
            Err(MediaError::NoPorts { .. })
        ));
        drop(a);
        assert_eq!(
            pool.allocate(loopback)
                .unwrap()
                .0
                .local_addr()
                .unwrap()
                .port(),
            41002
        );
    }

    #[test]
    fn ports_held_by_someone_else_are_skipped() {
        let _squatter = StdUdpSocket::bind("127.0.0.1:41102").unwrap();
        let pool = Arc::new(PortPool::new(41102, 41106));
        let (rtp, _, _) = pool.allocate(IpAddr::V4(Ipv4Addr::LOCALHOST)).unwrap();
        assert_eq!(rtp.local_addr().unwrap().port(), 41104);
    }
}
