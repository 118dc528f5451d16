//! `SipServer`: starts the transports, the transaction layer, the registrar
//! and its expiry sweeper, and hands the application a handle.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tracing::{info, warn};

use crate::config::SipConfig;
use crate::core::Core;
use crate::dialog::new_call_id;
use crate::digest::{Algorithm, DigestServer};
use crate::handles::{ClientTransaction, IncomingRequest, InviteClientTransaction};
use crate::location::{CredentialSource, Location, LocationStore, StoreError};
use crate::lockout::Lockout;
use crate::message::{HeaderName, Method, NameAddr, Request, Uri};
use crate::registrar::Registrar;
use crate::transaction::{TxLayer, random_token};
use crate::transport::{Sink, Target, Transport, TransportError, Transports};

/// Failures of the SIP layer's public operations.
#[derive(Debug, thiserror::Error)]
pub enum SipError {
    /// A socket could not be opened.
    #[error(transparent)]
    Transport(#[from] TransportError),
    /// The location store failed while loading bindings.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The request lacks a header needed to send it (From, To, Call-ID, CSeq).
    #[error("request is missing {0}")]
    Incomplete(&'static str),
    /// The message could not be handed to the transport.
    #[error("cannot send to {0:?}")]
    Send(Target),
}

/// Counters for logs and metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SipStats {
    /// Source addresses locked out since start.
    pub lockouts: u64,
    /// Failed authentications since start.
    pub auth_failures: u64,
    /// Addresses locked out right now.
    pub locked_now: usize,
    /// Live server transactions.
    pub server_transactions: usize,
    /// Live client transactions.
    pub client_transactions: usize,
}

/// The entry point.
pub struct SipServer;

impl SipServer {
    /// Loads the stored bindings, binds every configured socket and starts
    /// serving. Call inside a tokio runtime.
    pub async fn start(
        config: SipConfig,
        credentials: Arc<dyn CredentialSource>,
        locations: Arc<dyn LocationStore>,
    ) -> Result<SipServerHandle, SipError> {
        let location = Arc::new(Location::default());
        for b in locations.load_all().await? {
            location.put(b);
        }
        let (stop_tx, stop_rx) = watch::channel(false);
        let lockout = Arc::new(Lockout::new(config.lockout.clone()));
        let lifetime = Duration::from_secs(config.registrar.nonce_lifetime_secs);
        let algorithms: Vec<Algorithm> = config
            .registrar
            .digest_algorithms
            .iter()
            .filter_map(|a| Algorithm::from_name(a))
            .collect();
        let registrar = Registrar {
            cfg: config.clone(),
            digest: DigestServer::new(config.realm(), lifetime, &algorithms),
            credentials,
            store: locations.clone(),
            location: location.clone(),
            lockout: lockout.clone(),
        };
        let core = Arc::new(Core {
            tx: TxLayer::new(config.timers.clone()),
            cfg: config.clone(),
            registrar,
            lockout,
            app: Mutex::new(None),
        });
        let sink: Arc<dyn Sink> = core.clone();
        let limits = config.limits.clone();
        let transports = Transports::start(
            &config.udp_listen,
            &config.tcp_listen,
            limits,
            sink,
            stop_rx,
        )?;
        core.tx.set_transports(transports.clone());
        let sweeper = tokio::spawn(sweep(location.clone(), locations));
        info!(addrs = ?transports.local_addrs(), domain = %config.domain, "SIP server started");
        Ok(SipServerHandle {
            core,
            transports,
            stop: stop_tx,
            sweeper,
            location,
        })
    }
}

/// Removes lapsed bindings once a second, from memory and the store.
async fn sweep(location: Arc<Location>, store: Arc<dyn LocationStore>) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tick.tick().await;
        for b in location.take_expired() {
            info!(aor = %b.aor, contact = %b.contact, "binding expired");
            if let Err(e) = store.remove(&b.aor, &b.contact).await {
                warn!(error = %e, "cannot remove expired binding");
            }
        }
    }
}

/// A running server. Dropping it leaves the server running until the
/// runtime ends; call [`shutdown`](Self::shutdown) to stop it.
#[must_use = "dropping the handle loses the only way to shut the server down"]
pub struct SipServerHandle {
    core: Arc<Core>,
    transports: Arc<Transports>,
    stop: watch::Sender<bool>,
    sweeper: tokio::task::JoinHandle<()>,
    location: Arc<Location>,
}

impl SipServerHandle {
    /// The bound addresses per transport (resolves port 0).
    pub fn local_addrs(&self) -> Vec<(Transport, SocketAddr)> {
        self.transports.local_addrs()
    }

    /// The first bound address of a transport.
    pub fn local_addr(&self, transport: Transport) -> Option<SocketAddr> {
        self.local_addrs()
            .into_iter()
            .find(|(t, _)| *t == transport)
            .map(|(_, a)| a)
    }

    /// Starts delivering INVITEs and other requests the SIP layer does not
    /// answer itself, queueing up to `capacity`. Until called (or after the
    /// receiver is dropped), INVITEs get 480 (for known and unknown users
    /// alike) and in-dialog requests 481; while the queue is full, new
    /// requests are answered 500. Calling it again replaces the receiver.
    pub fn take_incoming(&self, capacity: usize) -> mpsc::Receiver<IncomingRequest> {
        let (tx, rx) = mpsc::channel(capacity.max(1));
        *self.core.app.lock().unwrap_or_else(|e| e.into_inner()) = Some(tx);
        rx
    }

    /// The location service (current bindings by address of record).
    pub fn location(&self) -> Arc<Location> {
        self.location.clone()
    }

    /// Counters.
    pub fn stats(&self) -> SipStats {
        let (lockouts, auth_failures, locked_now) = self.core.lockout.stats();
        let (server_transactions, client_transactions) = self.core.tx.counts();
        SipStats {
            lockouts,
            auth_failures,
            locked_now,
            server_transactions,
            client_transactions,
        }
    }

    /// A new out-of-dialog request: fresh Call-ID, From tag, CSeq 1.
    pub fn build_request(&self, method: Method, uri: Uri, from: NameAddr, to: NameAddr) -> Request {
        let mut req = Request::new(method.clone(), uri);
        let mut from = from;
        if from.tag().is_none() {
            from.params.set("tag", Some(&random_token()));
        }
        req.headers.push(HeaderName::From, from.to_string());
        req.headers.push(HeaderName::To, to.to_string());
        req.headers.push(HeaderName::CallId, new_call_id());
        req.headers.push(HeaderName::CSeq, format!("1 {method}"));
        req.headers.push(HeaderName::MaxForwards, "70");
        req
    }

    /// Sends a non-INVITE request in a client transaction. A Via with a
    /// fresh branch is added on top.
    pub async fn send_request(
        &self,
        req: Request,
        target: Target,
    ) -> Result<ClientTransaction, SipError> {
        let req = self.prepare(req, target)?;
        let (key, rx) = self
            .core
            .tx
            .send_request(req, target)
            .await
            .ok_or(SipError::Send(target))?;
        Ok(ClientTransaction {
            tx: self.core.tx.clone(),
            key,
            rx,
        })
    }

    /// Sends an INVITE in an INVITE client transaction.
    pub async fn send_invite(
        &self,
        req: Request,
        target: Target,
    ) -> Result<InviteClientTransaction, SipError> {
        let inner = self.send_request(req, target).await?;
        Ok(InviteClientTransaction {
            inner,
            core: self.core.clone(),
        })
    }

    /// Sends an ACK for a 2xx (outside any transaction, §13.2.2.4).
    pub async fn send_ack(&self, ack: Request, target: Target) -> Result<(), SipError> {
        let ack = self.prepare(ack, target)?;
        let sent = self.transports.send(target, ack.to_bytes().into()).await;
        if sent {
            Ok(())
        } else {
            Err(SipError::Send(target))
        }
    }

    fn prepare(&self, mut req: Request, target: Target) -> Result<Request, SipError> {
        for (name, label) in [
            (HeaderName::From, "From"),
            (HeaderName::To, "To"),
            (HeaderName::CallId, "Call-ID"),
            (HeaderName::CSeq, "CSeq"),
        ] {
            if req.headers.get(&name).is_none() {
                return Err(SipError::Incomplete(label));
            }
        }
        let local = self
            .transports
            .local_for(target)
            .ok_or(SipError::Send(target))?;
        let host = if local.ip().is_unspecified() {
            self.core.cfg.domain.clone()
        } else {
            local.ip().to_string()
        };
        let host = if local.is_ipv6() && !local.ip().is_unspecified() {
            format!("[{host}]")
        } else {
            host
        };
        let via = format!(
            "SIP/2.0/{} {host}:{};branch=z9hG4bK{};rport",
            target.transport,
            local.port(),
            random_token()
        );
        req.headers.push_front(HeaderName::Via, via);
        if req.headers.get(&HeaderName::MaxForwards).is_none() {
            req.headers.push(HeaderName::MaxForwards, "70");
        }
        if req.headers.get(&HeaderName::UserAgent).is_none() {
            req.headers
                .push(HeaderName::UserAgent, self.core.cfg.user_agent.as_str());
        }
        Ok(req)
    }

    /// Stops accepting messages, gives transactions still waiting for a
    /// final response up to two seconds, then closes the sockets and stops
    /// the sweeper. Responses the application sends after that are lost.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(2);
        while tokio::time::Instant::now() < deadline && self.core.tx.unfinished() > 0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.transports.close().await;
        self.sweeper.abort();
        *self.core.app.lock().unwrap_or_else(|e| e.into_inner()) = None;
        info!("SIP server stopped");
    }
}
