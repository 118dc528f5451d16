//! The test endpoint: a UAS that answers every INVITE with the media
//! engine's SDP answer, runs the behaviour the Request-URI user names, and
//! reports each call on a channel.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use switchboard_media::{MediaEngine, MediaError, MediaSession, SessionStats};
use switchboard_sip::message::{HeaderName, Method};
use switchboard_sip::{
    Dialog, IncomingRequest, InviteServerTransaction, MemoryCredentials, MemoryLocationStore,
    ServerTransaction, SipConfig, SipError, SipServer, SipServerHandle, Transport,
};
use tokio::sync::{mpsc, oneshot};
use tracing::{Instrument, debug, info, info_span, warn};

use crate::behaviour::{self, Behaviour, Outcome};
use crate::config::EndpointConfig;

/// Why the endpoint could not start.
#[derive(Debug, thiserror::Error)]
pub enum EndpointError {
    /// The SIP server did not start.
    #[error("SIP: {0}")]
    Sip(#[from] SipError),
    /// The media configuration is unusable.
    #[error("media: {0}")]
    Media(#[from] MediaError),
}

/// What the endpoint tells its owner.
#[derive(Debug)]
pub enum Event {
    /// A call was answered with 200 OK.
    Answered {
        /// Its Call-ID.
        call_id: String,
        /// What it runs.
        behaviour: Behaviour,
    },
    /// A call ended.
    Ended(CallReport),
}

/// The result of one call.
#[derive(Debug, Clone)]
pub struct CallReport {
    /// Its Call-ID.
    pub call_id: String,
    /// What it ran.
    pub behaviour: Behaviour,
    /// How that went.
    pub outcome: Outcome,
    /// The media session's counters at the end.
    pub stats: SessionStats,
}

/// One answered call: its media, its dialog, and the BYE once it arrives.
pub(crate) struct Leg {
    pub session: MediaSession,
    pub dialog: Dialog,
    pub byes: mpsc::Receiver<ServerTransaction>,
    pub bye: Option<ServerTransaction>,
    // Held so the 2xx keeps its transaction until the ACK.
    _invite: InviteServerTransaction,
}

/// A running endpoint; [`shutdown`](Self::shutdown) stops it.
#[must_use = "dropping the endpoint leaves its SIP server running until the runtime ends"]
pub struct Endpoint {
    ctx: Arc<Context>,
    events: mpsc::UnboundedReceiver<Event>,
    serve: tokio::task::JoinHandle<()>,
}

struct Context {
    sip: SipServerHandle,
    engine: MediaEngine,
    config: EndpointConfig,
    /// Where to pass a BYE, by Call-ID.
    calls: Mutex<HashMap<String, mpsc::Sender<ServerTransaction>>>,
    /// `bridge-<key>` legs waiting for their partner.
    partners: Mutex<HashMap<String, oneshot::Sender<Leg>>>,
    events: mpsc::UnboundedSender<Event>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The maps stay consistent even if a holder panicked.
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Endpoint {
    /// Starts the SIP server (UDP only) and the media engine.
    pub async fn start(config: EndpointConfig) -> Result<Self, EndpointError> {
        let engine = MediaEngine::new(config.media.clone())?;
        let sip_config = SipConfig {
            udp_listen: vec![config.sip_listen],
            tcp_listen: Vec::new(),
            ..SipConfig::default()
        };
        let sip = SipServer::start(
            sip_config,
            Arc::new(MemoryCredentials::new()),
            Arc::new(MemoryLocationStore::new()),
        )
        .await?;
        let incoming = sip.take_incoming(config.queue);
        let (events_tx, events) = mpsc::unbounded_channel();
        let ctx = Arc::new(Context {
            sip,
            engine,
            config,
            calls: Mutex::default(),
            partners: Mutex::default(),
            events: events_tx,
        });
        let serve = tokio::spawn(serve(ctx.clone(), incoming));
        info!(sip = ?ctx.sip.local_addr(Transport::Udp), "test endpoint started");
        Ok(Self { ctx, events, serve })
    }

    /// The UDP address SIP peers call.
    pub fn sip_addr(&self) -> SocketAddr {
        // Start binds exactly one UDP socket or fails.
        self.ctx
            .sip
            .local_addr(Transport::Udp)
            .unwrap_or(self.ctx.config.sip_listen)
    }

    /// Calls in progress.
    pub fn calls(&self) -> usize {
        lock(&self.ctx.calls).len()
    }

    /// The next event; `None` once the endpoint has stopped.
    pub async fn next_event(&mut self) -> Option<Event> {
        self.events.recv().await
    }

    /// The next call that ended, skipping other events.
    pub async fn next_report(&mut self) -> Option<CallReport> {
        loop {
            if let Event::Ended(report) = self.events.recv().await? {
                return Some(report);
            }
        }
    }

    /// Stops taking calls; calls in progress end with the runtime.
    pub async fn shutdown(self) {
        self.serve.abort();
        if let Ok(ctx) = Arc::try_unwrap(self.ctx) {
            ctx.sip.shutdown().await;
        }
    }
}

async fn serve(ctx: Arc<Context>, mut incoming: mpsc::Receiver<IncomingRequest>) {
    while let Some(request) = incoming.recv().await {
        match request {
            IncomingRequest::Invite(tx) => {
                let span = call_span(&tx);
                tokio::spawn(answer(ctx.clone(), tx).instrument(span));
            }
            IncomingRequest::Request(tx) => in_dialog(&ctx, tx).await,
        }
    }
}

fn call_span(tx: &InviteServerTransaction) -> tracing::Span {
    info_span!(
        "call",
        call_id = tx.request().headers.call_id().unwrap_or_default(),
        peer = %tx.source().peer,
    )
}

/// BYE goes to its call; other in-dialog requests (INFO, NOTIFY, UPDATE
/// without SDP) are acknowledged and otherwise ignored.
async fn in_dialog(ctx: &Context, tx: ServerTransaction) {
    let call_id = tx
        .request()
        .headers
        .call_id()
        .unwrap_or_default()
        .to_owned();
    let call = lock(&ctx.calls).get(&call_id).cloned();
    let Some(call) = call else {
        let resp = tx.response(481);
        return tx.respond(resp).await;
    };
    if tx.request().method != Method::Bye {
        let resp = tx.response(200);
        return tx.respond(resp).await;
    }
    if let Err(mpsc::error::TrySendError::Full(tx) | mpsc::error::TrySendError::Closed(tx)) =
        call.try_send(tx)
    {
        // The call already has a BYE to answer: this one is a retransmission
        // the transaction layer did not absorb, or the call just ended.
        let resp = tx.response(200);
        tx.respond(resp).await;
    }
}

/// Answers one INVITE and runs its behaviour to the end.
async fn answer(ctx: Arc<Context>, tx: InviteServerTransaction) {
    if tx.request().headers.to().is_some_and(|t| t.tag().is_some()) {
        // TODO: re-INVITEs (hold, codec change) matter once a peer sends them;
        // SIPp's and baresip's test calls do not.
        let resp = tx.response(488);
        tx.respond(resp).await;
        return;
    }
    let user = tx.request().uri.as_sip().and_then(|u| u.user_unescaped());
    let Some(behaviour) = user.as_deref().and_then(Behaviour::from_user) else {
        debug!(user = ?user, "no behaviour for this user");
        tx.respond(tx.response(404)).await;
        return;
    };
    let Some(leg) = accept(&ctx, tx, user.as_deref().unwrap_or_default()).await else {
        return;
    };
    let _ = ctx.events.send(Event::Answered {
        call_id: leg.dialog.call_id.clone(),
        behaviour: behaviour.clone(),
    });
    run(&ctx, leg, behaviour).await;
}

/// Negotiates media and sends the 200 OK; `None` when the call was refused.
async fn accept(ctx: &Context, tx: InviteServerTransaction, user: &str) -> Option<Leg> {
    let offer = String::from_utf8_lossy(&tx.request().body).into_owned();
    let (session, answer) = match ctx.engine.answer_offer(&offer).await {
        Ok(pair) => pair,
        Err(error) => {
            warn!(%error, "offer refused");
            tx.respond(tx.response(488)).await;
            return None;
        }
    };
    let Some(dialog) = Dialog::from_uas(tx.request(), tx.to_tag(), tx.source()) else {
        tx.respond(tx.response(400)).await;
        return None;
    };
    let (bye_tx, byes) = mpsc::channel(1);
    lock(&ctx.calls).insert(dialog.call_id.clone(), bye_tx);
    let mut ok = tx.response(200);
    let local = tx.source().local;
    ok.headers
        .push(HeaderName::Contact, format!("<sip:{user}@{local}>"));
    ok.set_body("application/sdp", Bytes::from(answer));
    tx.respond(ok).await;
    Some(Leg {
        session,
        dialog,
        byes,
        bye: None,
        _invite: tx,
    })
}

async fn run(ctx: &Context, mut leg: Leg, behaviour: Behaviour) {
    let outcome = match &behaviour {
        Behaviour::PromptDigits => behaviour::prompt_digits(&mut leg, &ctx.config.prompt).await,
        Behaviour::Record => behaviour::record(&mut leg, &ctx.config.record_dir).await,
        Behaviour::Bridge(key) => return pair(ctx, leg, key, behaviour.clone()).await,
    };
    finish(ctx, leg, behaviour, outcome).await;
}

/// The first leg with a key waits for the second and runs the bridge; the
/// second hands itself over.
async fn pair(ctx: &Context, mut leg: Leg, key: &str, behaviour: Behaviour) {
    let waiting = lock(&ctx.partners).remove(key);
    if let Some(first) = waiting {
        if let Err(leg) = first.send(leg) {
            finish(ctx, leg, behaviour, Outcome::Bridged(None)).await;
        }
        return;
    }
    let (tx, rx) = oneshot::channel();
    lock(&ctx.partners).insert(key.to_owned(), tx);
    let Ok(Ok(mut other)) = tokio::time::timeout(ctx.config.bridge_wait, rx).await else {
        lock(&ctx.partners).remove(key);
        warn!(key, "bridge partner never came");
        return finish(ctx, leg, behaviour, Outcome::Bridged(None)).await;
    };
    let outcome = behaviour::bridge_pair(&mut leg, &mut other).await;
    tokio::join!(
        finish(ctx, leg, behaviour.clone(), outcome.clone()),
        finish(ctx, other, behaviour, outcome),
    );
}

/// Answers the caller's BYE (with the keys in `X-Digits`) or sends ours,
/// releases the media and reports.
async fn finish(ctx: &Context, mut leg: Leg, behaviour: Behaviour, outcome: Outcome) {
    lock(&ctx.calls).remove(&leg.dialog.call_id);
    match leg.bye.take() {
        Some(bye) => {
            let mut ok = bye.response(200);
            if let Outcome::Digits(keys) = &outcome {
                ok.headers
                    .push(HeaderName::Other("X-Digits".into()), keys.as_str());
            }
            bye.respond(ok).await;
        }
        None => send_bye(ctx, &mut leg.dialog).await,
    }
    let stats = leg.session.stats();
    leg.session.release().await;
    info!(?outcome, packets_sent = stats.packets_sent, "call ended");
    let report = CallReport {
        call_id: leg.dialog.call_id,
        behaviour,
        outcome,
        stats,
    };
    let _ = ctx.events.send(Event::Ended(report));
}

async fn send_bye(ctx: &Context, dialog: &mut Dialog) {
    let bye = dialog.request(Method::Bye);
    match ctx.sip.send_request(bye, dialog.target).await {
        Ok(tx) => {
            let answered = tokio::time::timeout(Duration::from_secs(5), tx.final_response());
            if answered.await.ok().flatten().is_none() {
                debug!("no answer to our BYE");
            }
        }
        Err(error) => warn!(%error, "cannot send BYE"),
    }
}
