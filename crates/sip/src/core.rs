//! The transaction user core: every received message comes here. It answers
//! malformed requests statelessly, absorbs retransmissions, applies the
//! checks of RFC 3261 §8.2 in order, and dispatches to the registrar, the
//! OPTIONS responder or the application.

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use tokio::sync::mpsc;
use tracing::{Instrument, debug, debug_span, warn};

use crate::config::SipConfig;
use crate::handles::{IncomingRequest, InviteServerTransaction, ServerTransaction};
use crate::lockout::Lockout;
use crate::message::{
    HeaderName, Method, Rejection, Request, Response, SipMessage, Uri, parse_message,
};
use crate::registrar::Registrar;
use crate::transaction::{InviteEvent, TxLayer, random_token, response_for, server_key};
use crate::transport::{Sink, Source};

/// Methods this server implements (the Allow header).
pub(crate) const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, NOTIFY, UPDATE";

/// Body types accepted in INVITE (the Accept header of 415 and OPTIONS).
pub(crate) const ACCEPT: &str = "application/sdp";

/// Everything the dispatch needs.
pub(crate) struct Core {
    pub(crate) cfg: SipConfig,
    pub(crate) tx: Arc<TxLayer>,
    pub(crate) registrar: Registrar,
    pub(crate) lockout: Arc<Lockout>,
    pub(crate) app: Mutex<Option<mpsc::Sender<IncomingRequest>>>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core")
            .field("domain", &self.cfg.domain)
            .finish_non_exhaustive()
    }
}

impl Sink for Core {
    fn receive(self: Arc<Self>, data: Bytes, src: Source) {
        if self.lockout.is_locked(src.peer.ip()) {
            return;
        }
        match parse_message(&data) {
            Ok(SipMessage::Request(req)) => {
                let span = request_span(&req, &src);
                tokio::spawn(self.on_request(req, src).instrument(span));
            }
            Ok(SipMessage::Response(resp)) => {
                let tx = self.tx.clone();
                tokio::spawn(async move { tx.on_response(resp).await });
            }
            Err(rej) => self.reject(rej, src),
        }
    }

    fn admits(&self, ip: std::net::IpAddr) -> bool {
        !self.lockout.is_locked(ip)
    }

    fn frame_error(&self, pending: &[u8], src: Source) {
        let rej = match parse_message(pending) {
            Err(rej) => rej,
            Ok(SipMessage::Request(r)) => Rejection {
                error: crate::message::ParseError::ContentLength,
                request_headers: Some(r.headers),
            },
            Ok(SipMessage::Response(_)) => return,
        };
        self.reject(rej, src);
    }
}

fn request_span(req: &Request, src: &Source) -> tracing::Span {
    // Field values are only computed when the span is enabled.
    debug_span!(
        "sip_request",
        method = %req.method,
        call_id = req.headers.call_id().unwrap_or_default(),
        branch = req.headers.top_via().and_then(|v| v.branch().map(str::to_owned)),
        peer = %src.peer,
    )
}

impl Core {
    /// A malformed message: a request gets a stateless 400 or 505 when it
    /// has a Via to answer to; a response is dropped (§16.3, RFC 4475).
    fn reject(&self, rej: Rejection, src: Source) {
        let Some(headers) = rej.request_headers else {
            debug!(peer = %src.peer, error = %rej.error, "malformed message dropped");
            return;
        };
        warn!(peer = %src.peer, error = %rej.error, "malformed request");
        if headers.get(&HeaderName::Via).is_none() {
            return;
        }
        let mut resp = response_for(&headers, rej.error.status(), Some(&random_token()));
        resp.reason = rej.error.reason();
        self.decorate(&mut resp);
        let tx = self.tx.clone();
        tokio::spawn(async move { tx.reply_raw(&src, Bytes::from(resp.to_bytes())).await });
    }

    /// Adds the Server header to everything we send.
    pub(crate) fn decorate(&self, resp: &mut Response) {
        if resp.headers.get(&HeaderName::Server).is_none() {
            resp.headers
                .push(HeaderName::Server, self.cfg.user_agent.as_str());
        }
    }

    async fn on_request(self: Arc<Self>, mut req: Request, src: Source) {
        stamp_via(&mut req, &src);
        if req.method == Method::Ack {
            self.tx.on_ack(req);
            return;
        }
        let Some(key) = server_key(&req, &req.method) else {
            return;
        };
        if self.tx.absorb(&key).await {
            return;
        }
        let req = Arc::new(req);
        let events = self.tx.open_server(&key, req.clone(), src);
        let tag = self.tx.to_tag(&key);
        let resp = match self.screen(&req, &tag) {
            Some(resp) => resp,
            None => match self.dispatch(&key, req.clone(), src, &tag, events).await {
                Some(resp) => resp,
                None => return,
            },
        };
        self.send_final(&key, resp).await;
    }

    pub(crate) async fn send_final(&self, key: &str, mut resp: Response) {
        self.decorate(&mut resp);
        self.tx.respond(key, &resp).await;
    }

    /// The request checks of RFC 3261 §8.2.1 to §8.2.3, in the RFC's order.
    fn screen(&self, req: &Request, tag: &str) -> Option<Response> {
        let reply = |status| response_for(&req.headers, status, Some(tag));
        if req.method == Method::Cancel {
            return None;
        }
        if let Some(status) = method_status(&req.method) {
            let mut r = reply(status);
            r.headers.push(HeaderName::Allow, ALLOW);
            return Some(r);
        }
        let Uri::Sip(uri) = &req.uri else {
            return Some(reply(416));
        };
        if !self.cfg.serves_host(&uri.host) {
            // We are no proxy: a request for elsewhere would need forwarding.
            let status = if req.headers.max_forwards() == Some(0) {
                483
            } else {
                404
            };
            return Some(reply(status));
        }
        let required = req.headers.tokens(&HeaderName::Require);
        if !required.is_empty() {
            let mut r = reply(420);
            r.headers.push(HeaderName::Unsupported, required.join(", "));
            return Some(r);
        }
        (req.method == Method::Invite)
            .then(|| self.screen_invite_body(req, tag))
            .flatten()
    }

    /// §8.2.3: body types we cannot read get 415; an Accept that excludes
    /// SDP gets 406, since our answer would carry SDP.
    fn screen_invite_body(&self, req: &Request, tag: &str) -> Option<Response> {
        let reply = |status| response_for(&req.headers, status, Some(tag));
        let encoded = req
            .headers
            .get(&HeaderName::ContentEncoding)
            .is_some_and(|e| !e.trim().eq_ignore_ascii_case("identity"));
        let ct = req.headers.content_type();
        let sdp_like = ct
            .as_ref()
            .is_none_or(|t| t.accepts("application", "sdp") || t.accepts("multipart", "mixed"));
        if encoded || (!req.body.is_empty() && !sdp_like) {
            let mut r = reply(415);
            r.headers.push(HeaderName::Accept, ACCEPT);
            return Some(r);
        }
        let accept = req.headers.accept()?;
        (!accept.iter().any(|m| m.accepts("application", "sdp"))).then(|| reply(406))
    }

    async fn dispatch(
        self: &Arc<Self>,
        key: &str,
        req: Arc<Request>,
        src: Source,
        tag: &str,
        events: Option<mpsc::UnboundedReceiver<InviteEvent>>,
    ) -> Option<Response> {
        let reply = |status| response_for(&req.headers, status, Some(tag));
        match req.method {
            Method::Cancel => Some(reply(self.tx.on_cancel(&req, src).await)),
            Method::Register => Some(self.registrar.register(&req, &src, tag).await),
            Method::Options => Some(self.options(&req, tag)),
            Method::Invite => self.offer_invite(key, req, src, tag, events).await,
            _ => self.offer_other(key, req, src, tag).await,
        }
    }

    fn options(&self, req: &Request, tag: &str) -> Response {
        let mut r = response_for(&req.headers, 200, Some(tag));
        r.headers.push(HeaderName::Allow, ALLOW);
        r.headers.push(HeaderName::Accept, ACCEPT);
        r.headers.push(HeaderName::Supported, "");
        r
    }

    fn app(&self) -> Option<mpsc::Sender<IncomingRequest>> {
        let app = self.app.lock().unwrap_or_else(|e| e.into_inner());
        app.as_ref().filter(|s| !s.is_closed()).cloned()
    }

    /// Hands an INVITE to the application, or answers it: 481 inside a
    /// dialog we do not know, else 480 whether or not the user exists, so
    /// INVITE scans (`svwar -m INVITE`) cannot enumerate extensions.
    async fn offer_invite(
        self: &Arc<Self>,
        key: &str,
        req: Arc<Request>,
        src: Source,
        tag: &str,
        events: Option<mpsc::UnboundedReceiver<InviteEvent>>,
    ) -> Option<Response> {
        let reply = |status| response_for(&req.headers, status, Some(tag));
        if let (Some(app), Some(events)) = (self.app(), events) {
            let mut trying = reply(100);
            self.decorate(&mut trying);
            self.tx.respond(key, &trying).await;
            let handle = InviteServerTransaction::new(self.clone(), key, req.clone(), src, events);
            if let Err(e) = app.try_send(IncomingRequest::Invite(handle)) {
                warn!(error = %e, "application queue full; INVITE refused");
            }
            return None;
        }
        if req.headers.to().is_some_and(|t| t.tag().is_some()) {
            return Some(reply(481));
        }
        Some(reply(480))
    }

    /// Non-INVITE requests other than REGISTER, OPTIONS and CANCEL go to
    /// the application; without one, in-dialog requests get 481 (§12.2.2).
    async fn offer_other(
        self: &Arc<Self>,
        key: &str,
        req: Arc<Request>,
        src: Source,
        tag: &str,
    ) -> Option<Response> {
        let reply = |status| response_for(&req.headers, status, Some(tag));
        if let Some(app) = self.app() {
            let handle = ServerTransaction::new(self.clone(), key, req.clone(), src);
            if let Err(e) = app.try_send(IncomingRequest::Request(handle)) {
                warn!(error = %e, "application queue full; request refused");
            }
            return None;
        }
        let in_dialog = req.headers.to().is_some_and(|t| t.tag().is_some());
        Some(reply(if in_dialog || req.method == Method::Bye {
            481
        } else {
            405
        }))
    }
}

/// 405 for methods we know but do not serve, 501 for unknown ones (§8.2.1).
fn method_status(m: &Method) -> Option<u16> {
    match m {
        Method::Invite
        | Method::Ack
        | Method::Bye
        | Method::Cancel
        | Method::Register
        | Method::Options
        | Method::Info
        | Method::Notify
        | Method::Update => None,
        Method::Extension(_) => Some(501),
        _ => Some(405),
    }
}

/// §18.2.1: note the source address in `received`, and fill `rport`
/// (RFC 3581) when the client asked for it.
fn stamp_via(req: &mut Request, src: &Source) {
    let Some(first) = req.headers.get_mut(&HeaderName::Via) else {
        return;
    };
    let values = crate::message::Via::parse_all(first).unwrap_or_default();
    let Some((top, rest)) = values.split_first() else {
        return;
    };
    let mut top = top.clone();
    let ip = src.peer.ip().to_string();
    if top.host.trim_matches(['[', ']']) != ip {
        top.params.set("received", Some(&ip));
    }
    if top.params.contains("rport") {
        top.params.set("rport", Some(&src.peer.port().to_string()));
    }
    let mut line = top.to_string();
    for v in rest {
        line.push_str(", ");
        line.push_str(&v.to_string());
    }
    *first = line;
}
