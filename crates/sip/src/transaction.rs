//! RFC 3261 §17 transactions with the RFC 6026 fixes: the tables of live
//! server and client transactions, their timers, retransmission and
//! absorption, and the handles the application holds.
//!
//! Timers (Table 4): A and E retransmit requests from T1 doubling (E caps
//! at T2); B, F, H, J and RFC 6026's L and M last 64*T1; G retransmits a
//! final INVITE response until ACK; D (32 s), I and K (T4) absorb
//! retransmissions. On TCP nothing is retransmitted and D, I, J, K are 0.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use bytes::Bytes;
use tokio::sync::mpsc;
use tracing::debug;

use crate::config::TimerConfig;
use crate::message::{CSeq, HeaderName, Headers, Method, Request, Response};
use crate::transport::{Source, Target, Transport, Transports};

/// A fresh random token for tags and branches.
pub fn random_token() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Builds a response to a request's headers (§8.2.6): Via, From, To (with
/// `to_tag` added when it has none), Call-ID and CSeq copied.
pub fn response_for(headers: &Headers, status: u16, to_tag: Option<&str>) -> Response {
    let mut resp = Response::new(status);
    for via in headers.get_all(&HeaderName::Via) {
        resp.headers.push(HeaderName::Via, via);
    }
    if let Some(from) = headers.get(&HeaderName::From) {
        resp.headers.push(HeaderName::From, from);
    }
    if let Some(to) = headers.get(&HeaderName::To) {
        let has_tag = headers.to().is_some_and(|t| t.tag().is_some());
        let value = match to_tag {
            Some(tag) if !has_tag && status > 100 => format!("{to};tag={tag}"),
            _ => to.to_owned(),
        };
        resp.headers.push(HeaderName::To, value);
    }
    for name in [HeaderName::CallId, HeaderName::CSeq] {
        if let Some(v) = headers.get(&name) {
            resp.headers.push(name, v);
        }
    }
    resp
}

/// The key of a server transaction (§17.2.3), ACK folded onto INVITE. For
/// requests without an RFC 3261 branch the RFC 2543 fields are used.
pub(crate) fn server_key(req: &Request, method: &Method) -> Option<String> {
    let via = req.headers.top_via()?;
    let method = if *method == Method::Ack {
        &Method::Invite
    } else {
        method
    };
    let port = via.port.unwrap_or(0);
    if via.has_rfc3261_branch() {
        return Some(format!("{}|{}:{port}|{method}", via.branch()?, via.host));
    }
    let h = &req.headers;
    let from_tag = h
        .from()
        .and_then(|f| f.tag().map(str::to_owned))
        .unwrap_or_default();
    let seq = h.cseq()?.seq;
    Some(format!(
        "2543|{}|{seq}|{from_tag}|{}:{port}|{method}",
        h.call_id()?,
        via.host
    ))
}

/// State of a server transaction (§17.2.1, §17.2.2, RFC 6026 §7.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ServerState {
    Proceeding,
    Completed,
    Accepted,
    Confirmed,
}

/// What happens to an INVITE server transaction after it was handed out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InviteEvent {
    /// A matching CANCEL arrived; it was answered 200 and the INVITE 487.
    Cancelled,
    /// The ACK for our 2xx arrived.
    Ack(Box<Request>),
}

struct ServerEntry {
    state: ServerState,
    source: Source,
    last: Option<Bytes>,
    is_invite: bool,
    /// Kept while a response may still be built from it (INVITE: for the
    /// 487 after CANCEL); dropped after a non-INVITE final response.
    request: Option<Arc<Request>>,
    /// (Call-ID, CSeq) under which a 2xx awaits its ACK.
    ack_key: Option<(String, u32)>,
    to_tag: String,
    events: Option<mpsc::UnboundedSender<InviteEvent>>,
}

/// Client transaction states (§17.1.1, §17.1.2, RFC 6026 §7.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClientState {
    Calling,
    Proceeding,
    Completed,
    Accepted,
}

struct ClientEntry {
    state: ClientState,
    request: Arc<Request>,
    target: Target,
    responses: mpsc::UnboundedSender<Response>,
    ack: Option<Bytes>,
}

/// The transaction tables. Shared by the core and every handle.
pub(crate) struct TxLayer {
    pub(crate) timers: TimerConfig,
    transports: OnceLock<Arc<Transports>>,
    server: Mutex<HashMap<String, ServerEntry>>,
    client: Mutex<HashMap<String, ClientEntry>>,
    /// 2xx responses waiting for their ACK, by (Call-ID, CSeq number).
    awaiting_ack: Mutex<HashMap<(String, u32), String>>,
    /// Completed non-INVITE transactions to drop when Timer J fires. The
    /// duration is constant, so deadlines are in order and one task serves
    /// them all (cheaper than a sleeping task per transaction).
    reap: Mutex<VecDeque<(tokio::time::Instant, String)>>,
}

impl std::fmt::Debug for TxLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TxLayer")
            .field("counts", &self.counts())
            .finish_non_exhaustive()
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned table only means a task panicked mid-update; keep serving.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl TxLayer {
    pub(crate) fn new(timers: TimerConfig) -> Arc<TxLayer> {
        Arc::new(TxLayer {
            timers,
            transports: OnceLock::new(),
            server: Mutex::new(HashMap::new()),
            client: Mutex::new(HashMap::new()),
            awaiting_ack: Mutex::new(HashMap::new()),
            reap: Mutex::new(VecDeque::new()),
        })
    }

    /// Connects the transports and starts the Timer J reaper (call inside
    /// the runtime).
    pub(crate) fn set_transports(self: &Arc<Self>, t: Arc<Transports>) {
        let _ = self.transports.set(t);
        tokio::spawn(reaper(Arc::downgrade(self)));
    }

    /// Removes the transactions whose Timer J has fired.
    fn reap_due(&self) {
        let now = tokio::time::Instant::now();
        loop {
            let due = {
                let mut q = lock(&self.reap);
                match q.front() {
                    Some((t, _)) if *t <= now => q.pop_front().map(|(_, k)| k),
                    _ => None,
                }
            };
            let Some(key) = due else { return };
            self.remove_server(&key);
        }
    }

    pub(crate) fn transports(&self) -> Option<&Arc<Transports>> {
        self.transports.get()
    }

    pub(crate) async fn reply_raw(&self, src: &Source, data: Bytes) {
        if let Some(t) = self.transports() {
            t.reply(src, data).await;
        }
    }

    /// Number of live server and client transactions.
    pub(crate) fn counts(&self) -> (usize, usize) {
        (lock(&self.server).len(), lock(&self.client).len())
    }

    /// Transactions still waiting for a final response (shutdown waits for
    /// these, not for those merely absorbing retransmissions).
    pub(crate) fn unfinished(&self) -> usize {
        let server = lock(&self.server);
        let s = server
            .values()
            .filter(|e| e.state == ServerState::Proceeding)
            .count();
        drop(server);
        let client = lock(&self.client);
        let open =
            |e: &&ClientEntry| matches!(e.state, ClientState::Calling | ClientState::Proceeding);
        s + client.values().filter(open).count()
    }

    /// Absorbs a retransmitted request: resends the last response, if any.
    /// Returns false when the request starts a new transaction.
    pub(crate) async fn absorb(&self, key: &str) -> bool {
        let last = {
            let table = lock(&self.server);
            let Some(e) = table.get(key) else {
                return false;
            };
            e.last.clone().map(|b| (b, e.source))
        };
        if let Some((bytes, src)) = last {
            debug!(key, "retransmission absorbed, last response resent");
            self.reply_raw(&src, bytes).await;
        }
        true
    }

    /// Records a new server transaction.
    pub(crate) fn open_server(
        &self,
        key: &str,
        req: Arc<Request>,
        src: Source,
    ) -> Option<mpsc::UnboundedReceiver<InviteEvent>> {
        let is_invite = req.method == Method::Invite;
        let (tx, rx) = if is_invite {
            let (tx, rx) = mpsc::unbounded_channel();
            (Some(tx), Some(rx))
        } else {
            (None, None)
        };
        let entry = ServerEntry {
            state: ServerState::Proceeding,
            source: src,
            last: None,
            is_invite,
            request: Some(req),
            ack_key: None,
            to_tag: random_token(),
            events: tx,
        };
        lock(&self.server).insert(key.to_owned(), entry);
        rx
    }

    /// The To tag chosen for a server transaction.
    pub(crate) fn to_tag(&self, key: &str) -> String {
        lock(&self.server)
            .get(key)
            .map(|e| e.to_tag.clone())
            .unwrap_or_else(random_token)
    }

    /// Sends a response within a server transaction and runs its timers.
    /// Responses after the final one are ignored (returns false).
    pub(crate) async fn respond(self: &Arc<Self>, key: &str, resp: &Response) -> bool {
        let bytes = Bytes::from(resp.to_bytes());
        let (src, state) = {
            let mut table = lock(&self.server);
            let Some(e) = table.get_mut(key) else {
                return false;
            };
            if e.state != ServerState::Proceeding {
                return false;
            }
            e.last = Some(bytes.clone());
            e.state = match (resp.status, e.is_invite) {
                (100..=199, _) => ServerState::Proceeding,
                (200..=299, true) => ServerState::Accepted,
                _ => ServerState::Completed,
            };
            if e.state != ServerState::Proceeding && !e.is_invite {
                e.request = None;
            }
            if e.state == ServerState::Accepted {
                let h = &resp.headers;
                e.ack_key = h
                    .call_id()
                    .zip(h.cseq())
                    .map(|(c, s)| (c.to_owned(), s.seq));
            }
            (e.source, e.state)
        };
        self.reply_raw(&src, bytes.clone()).await;
        if state != ServerState::Proceeding {
            self.after_final(key, resp, src, bytes, state);
        }
        true
    }

    fn after_final(
        self: &Arc<Self>,
        key: &str,
        resp: &Response,
        src: Source,
        bytes: Bytes,
        state: ServerState,
    ) {
        let udp = src.transport == Transport::Udp;
        let invite = resp
            .headers
            .cseq()
            .is_some_and(|c| c.method == Method::Invite);
        if !invite {
            // Timer J: absorb retransmissions for 64*T1 on UDP, none on TCP.
            let linger = if udp {
                self.timers.timeout()
            } else {
                Duration::ZERO
            };
            let due = tokio::time::Instant::now() + linger;
            lock(&self.reap).push_back((due, key.to_owned()));
            return;
        }
        if let (ServerState::Accepted, Some(cid), Some(seq)) =
            (state, resp.headers.call_id(), resp.headers.cseq())
        {
            lock(&self.awaiting_ack).insert((cid.to_owned(), seq.seq), key.to_owned());
        }
        let me = self.clone();
        let key = key.to_owned();
        tokio::spawn(async move {
            me.retransmit_final(&key, src, bytes, udp).await;
            me.remove_server(&key);
        });
    }

    /// Timer G (non-2xx) or the 2xx retransmission of §13.3.1.4, until ACK
    /// or Timer H / L; then Timer I absorbs ACK retransmissions.
    async fn retransmit_final(&self, key: &str, src: Source, bytes: Bytes, udp: bool) {
        let deadline = tokio::time::Instant::now() + self.timers.timeout();
        let mut interval = self.timers.t1();
        loop {
            let wait = if udp { interval } else { self.timers.timeout() };
            tokio::time::sleep_until((tokio::time::Instant::now() + wait).min(deadline)).await;
            let state = lock(&self.server).get(key).map(|e| e.state);
            match state {
                Some(ServerState::Confirmed) => {
                    if udp {
                        tokio::time::sleep(self.timers.t4()).await;
                    }
                    return;
                }
                Some(_) if tokio::time::Instant::now() >= deadline => {
                    debug!(key, "no ACK before Timer H/L");
                    return;
                }
                Some(_) if udp => self.reply_raw(&src, bytes.clone()).await,
                Some(_) => {}
                None => return,
            }
            interval = (interval * 2).min(self.timers.t2());
        }
    }

    fn remove_server(&self, key: &str) {
        let removed = lock(&self.server).remove(key);
        if let Some(ack_key) = removed.and_then(|e| e.ack_key) {
            lock(&self.awaiting_ack).remove(&ack_key);
        }
    }

    /// An ACK: for a non-2xx it matches the INVITE transaction (§17.2.1);
    /// for a 2xx it matches by Call-ID and CSeq (§13.3.1.4). Else dropped.
    pub(crate) fn on_ack(&self, req: Request) {
        if let Some(key) = server_key(&req, &Method::Ack) {
            let mut table = lock(&self.server);
            if let Some(e) = table
                .get_mut(&key)
                .filter(|e| e.state == ServerState::Completed)
            {
                e.state = ServerState::Confirmed;
                return;
            }
        }
        let (Some(cid), Some(seq)) = (req.headers.call_id(), req.headers.cseq()) else {
            return;
        };
        let Some(key) = lock(&self.awaiting_ack).remove(&(cid.to_owned(), seq.seq)) else {
            debug!(call_id = cid, "ACK matches nothing, dropped");
            return;
        };
        let mut table = lock(&self.server);
        if let Some(e) = table.get_mut(&key) {
            e.state = ServerState::Confirmed;
            if let Some(tx) = &e.events {
                let _ = tx.send(InviteEvent::Ack(Box::new(req)));
            }
        }
    }

    /// A CANCEL (§9.2): 200 to it and 487 to the INVITE when that has no
    /// final response yet; 481 when it matches nothing.
    pub(crate) async fn on_cancel(self: &Arc<Self>, req: &Request, src: Source) -> u16 {
        let Some(key) = server_key(req, &Method::Invite) else {
            return 400;
        };
        let pending = {
            let table = lock(&self.server);
            table.get(&key).and_then(|e| {
                Some((
                    e.state,
                    e.request.clone()?,
                    e.to_tag.clone(),
                    e.events.clone(),
                ))
            })
        };
        let Some((state, invite, tag, events)) = pending else {
            return 481;
        };
        if state == ServerState::Proceeding {
            let resp = response_for(&invite.headers, 487, Some(&tag));
            self.respond(&key, &resp).await;
            if let Some(tx) = events {
                let _ = tx.send(InviteEvent::Cancelled);
            }
        }
        let _ = src;
        200
    }

    /// Sends a request in a new client transaction and runs Timer A/E and
    /// B/F. Returns the receiver of its responses.
    pub(crate) async fn send_request(
        self: &Arc<Self>,
        req: Request,
        target: Target,
    ) -> Option<(String, mpsc::UnboundedReceiver<Response>)> {
        let via = req.headers.top_via()?;
        let key = format!("{}|{}", via.branch()?, req.method);
        let (tx, rx) = mpsc::unbounded_channel();
        let bytes = Bytes::from(req.to_bytes());
        let entry = ClientEntry {
            state: ClientState::Calling,
            request: Arc::new(req),
            target,
            responses: tx,
            ack: None,
        };
        lock(&self.client).insert(key.clone(), entry);
        let transports = self.transports()?.clone();
        if !transports.send(target, bytes.clone()).await {
            self.fail_client(&key, 503);
            return Some((key, rx));
        }
        let me = self.clone();
        let k = key.clone();
        tokio::spawn(async move { me.client_timers(&k, target, bytes).await });
        Some((key, rx))
    }

    async fn client_timers(&self, key: &str, target: Target, bytes: Bytes) {
        let udp = target.transport == Transport::Udp;
        let deadline = tokio::time::Instant::now() + self.timers.timeout();
        let mut interval = self.timers.t1();
        loop {
            let next = (tokio::time::Instant::now() + interval).min(deadline);
            tokio::time::sleep_until(next).await;
            let Some((state, invite)) = self.client_state(key) else {
                return;
            };
            let live = matches!(state, ClientState::Calling)
                || (state == ClientState::Proceeding && !invite);
            if !live {
                return;
            }
            if tokio::time::Instant::now() >= deadline {
                self.fail_client(key, 408);
                return;
            }
            if let (true, Some(t)) = (udp, self.transports()) {
                t.send(target, bytes.clone()).await;
            }
            let cap = if invite {
                Duration::MAX
            } else {
                self.timers.t2()
            };
            let base = if state == ClientState::Proceeding {
                self.timers.t2()
            } else {
                interval * 2
            };
            interval = base.min(cap);
        }
    }

    fn client_state(&self, key: &str) -> Option<(ClientState, bool)> {
        let table = lock(&self.client);
        table
            .get(key)
            .map(|e| (e.state, e.request.method == Method::Invite))
    }

    /// Timer B/F fired or the transport failed: report a local 408/503.
    fn fail_client(&self, key: &str, status: u16) {
        if let Some(e) = lock(&self.client).remove(key) {
            debug!(key, status, "client transaction failed locally");
            let _ = e
                .responses
                .send(response_for(&e.request.headers, status, None));
        }
    }

    /// Stops tracking a client transaction (its handle was dropped).
    pub(crate) fn forget_client(&self, key: &str) {
        lock(&self.client).remove(key);
    }

    /// A response: handed to its client transaction, or dropped (§18.1.2).
    pub(crate) async fn on_response(self: &Arc<Self>, resp: Response) {
        let key = match (resp.headers.top_via(), resp.headers.cseq()) {
            (Some(v), Some(CSeq { method, .. })) => match v.branch() {
                Some(b) => format!("{b}|{method}"),
                None => return,
            },
            _ => return,
        };
        match self.client_update(&key, &resp) {
            ClientAction::Drop => debug!(key, status = resp.status, "response dropped"),
            ClientAction::Deliver => self.schedule_client_cleanup(&key),
            ClientAction::Ack(target, bytes) => {
                if let Some(t) = self.transports() {
                    t.send(target, bytes).await;
                }
                self.schedule_client_cleanup(&key);
            }
        }
    }

    fn client_update(&self, key: &str, resp: &Response) -> ClientAction {
        let mut table = lock(&self.client);
        let Some(e) = table.get_mut(key) else {
            return ClientAction::Drop;
        };
        let invite = e.request.method == Method::Invite;
        match (e.state, resp.status, invite) {
            (ClientState::Completed, 300.., true) => {
                return e
                    .ack
                    .clone()
                    .map_or(ClientAction::Drop, |a| ClientAction::Ack(e.target, a));
            }
            (ClientState::Completed, _, _) => return ClientAction::Drop,
            (ClientState::Accepted, 200..=299, _) => {}
            (ClientState::Accepted, _, _) => return ClientAction::Drop,
            (_, 100..=199, _) => e.state = ClientState::Proceeding,
            (_, 200..=299, true) => e.state = ClientState::Accepted,
            (_, _, true) => {
                e.state = ClientState::Completed;
                let ack = Bytes::from(ack_for_failure(&e.request, resp).to_bytes());
                e.ack = Some(ack.clone());
                let _ = e.responses.send(resp.clone());
                return ClientAction::Ack(e.target, ack);
            }
            (_, _, false) => e.state = ClientState::Completed,
        }
        let _ = e.responses.send(resp.clone());
        ClientAction::Deliver
    }

    /// Timers D, K and M: keep a finished client transaction a while to
    /// absorb (or, for 2xx, pass on) retransmitted responses.
    fn schedule_client_cleanup(self: &Arc<Self>, key: &str) {
        let Some((state, invite)) = self.client_state(key) else {
            return;
        };
        let udp = lock(&self.client)
            .get(key)
            .is_some_and(|e| e.target.transport == Transport::Udp);
        let linger = match (state, invite, udp) {
            (ClientState::Accepted, _, _) => self.timers.timeout(),
            (ClientState::Completed, true, true) => Duration::from_secs(32),
            (ClientState::Completed, false, true) => self.timers.t4(),
            (ClientState::Completed, _, false) => Duration::ZERO,
            _ => return,
        };
        let me = self.clone();
        let key = key.to_owned();
        tokio::spawn(async move {
            tokio::time::sleep(linger).await;
            let done = me.client_state(&key).is_some_and(|(s, _)| s == state);
            if done {
                lock(&me.client).remove(&key);
            }
        });
    }

    /// The request of a client transaction (to build CANCEL).
    pub(crate) fn client_request(&self, key: &str) -> Option<(Arc<Request>, Target)> {
        lock(&self.client)
            .get(key)
            .map(|e| (e.request.clone(), e.target))
    }
}

enum ClientAction {
    Drop,
    Deliver,
    Ack(Target, Bytes),
}

/// The ACK for a non-2xx final response (§17.1.1.3): same branch, Request-URI,
/// Call-ID, From and Route as the INVITE, To from the response.
pub(crate) fn ack_for_failure(invite: &Request, resp: &Response) -> Request {
    let mut ack = Request::new(Method::Ack, invite.uri.clone());
    let h = &invite.headers;
    if let Some(v) = h.get(&HeaderName::Via) {
        ack.headers.push(
            HeaderName::Via,
            crate::message::Via::parse_all(v)
                .ok()
                .and_then(|v| v.first().map(ToString::to_string))
                .unwrap_or_else(|| v.to_owned()),
        );
    }
    ack.headers.push(HeaderName::MaxForwards, "70");
    copy(h, &mut ack.headers, &HeaderName::From);
    copy(&resp.headers, &mut ack.headers, &HeaderName::To);
    copy(h, &mut ack.headers, &HeaderName::CallId);
    let seq = h.cseq().map(|c| c.seq).unwrap_or(1);
    ack.headers.push(HeaderName::CSeq, format!("{seq} ACK"));
    for r in h.get_all(&HeaderName::Route) {
        ack.headers.push(HeaderName::Route, r);
    }
    ack.headers.push(HeaderName::ContentLength, "0");
    ack
}

/// The CANCEL for an INVITE (§9.1).
pub(crate) fn cancel_for(invite: &Request) -> Request {
    let mut cancel = Request::new(Method::Cancel, invite.uri.clone());
    let h = &invite.headers;
    if let Some(v) = h.top_via() {
        cancel.headers.push(HeaderName::Via, v.to_string());
    }
    cancel.headers.push(HeaderName::MaxForwards, "70");
    for name in [HeaderName::From, HeaderName::To, HeaderName::CallId] {
        copy(h, &mut cancel.headers, &name);
    }
    let seq = h.cseq().map(|c| c.seq).unwrap_or(1);
    cancel
        .headers
        .push(HeaderName::CSeq, format!("{seq} CANCEL"));
    for r in h.get_all(&HeaderName::Route) {
        cancel.headers.push(HeaderName::Route, r);
    }
    cancel.headers.push(HeaderName::ContentLength, "0");
    cancel
}

fn copy(from: &Headers, to: &mut Headers, name: &HeaderName) {
    if let Some(v) = from.get(name) {
        to.push(name.clone(), v);
    }
}

/// Runs Timer J for every completed non-INVITE server transaction.
async fn reaper(layer: std::sync::Weak<TxLayer>) {
    let mut tick = tokio::time::interval(Duration::from_millis(100));
    loop {
        tick.tick().await;
        let Some(layer) = layer.upgrade() else { return };
        layer.reap_due();
    }
}
