//! Ringing: one INVITE per target (each registered contact of a device,
//! or a number through a trunk), all at once with one SDP offer; the
//! first 2xx wins and the others are CANCELled (RFC 3261 §13.2.2.4,
//! §9.1). A 2xx that arrives after the winner is ACKed and hung up.

use std::sync::Arc;
use std::time::Duration;

use switchboard_media::{MediaSession, PlayOptions, Prompt, Tone};
use switchboard_phone::model::{Device, Trunk};
use switchboard_phone::rules::toll_fraud::{TollDecision, classify, decide};
use switchboard_sip::message::{NameAddr, Request, Response, Uri};
use switchboard_sip::{Binding, Dialog, InviteClientTransaction, Target};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

use super::caller::send_bye;
use super::route::caller_stop;
use super::signals::Signals;
use super::{Call, Stage, Step};
use crate::control::{RouteTx, Shared};
use crate::registry::CallState;
use crate::sip::{name_addr, sdp_of, sip_uri, with_offer};
use crate::trunk;

/// What a ring target is, for the call log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RingKind {
    /// One of the extension's own devices.
    Device,
    /// A forwarding number through a trunk.
    Number,
}

/// One INVITE to send.
#[derive(Debug, Clone)]
pub(super) struct RingTarget {
    uri: Uri,
    to: NameAddr,
    target: Target,
    trunk: Option<Trunk>,
    kind: RingKind,
    /// The number dialled, for numbers.
    pub label: String,
}

/// An answered outbound leg.
pub(super) struct Leg {
    pub dialog: Dialog,
    pub media: MediaSession,
    pub kind: RingKind,
    pub label: String,
}

/// How ringing ended.
pub(super) enum RingOutcome {
    Answered(Box<Leg>),
    NoAnswer,
    Busy,
    Declined,
}

/// A response to attempt `.0`.
type Event = (usize, Response);

/// How ringing ends: the winner (its index and ACK) and the outcome.
type Finish = (Option<(usize, Request)>, RingOutcome);

/// One INVITE in flight.
struct Attempt {
    request: Request,
    target: RingTarget,
    cancel: Option<oneshot::Sender<()>>,
    done: bool,
}

impl Call {
    /// The contacts registered for `device_ids`.
    pub(super) fn device_targets(
        &self,
        devices: &[Device],
        device_ids: &[String],
    ) -> Vec<RingTarget> {
        let mut targets = Vec::new();
        for device in devices.iter().filter(|d| device_ids.contains(&d.id)) {
            for binding in self.bindings_of(device) {
                match device_target(&binding) {
                    Some(t) => targets.push(t),
                    None => warn!(contact = %binding.contact, "unusable contact skipped"),
                }
            }
        }
        targets
    }

    /// Current bindings of a device.
    pub(super) fn bindings_of(&self, device: &Device) -> Vec<Binding> {
        self.shared.bindings_of(&device.sip_info.username)
    }

    /// Numbers through the first trunk whose toll-fraud policy allows
    /// each (`rules::toll_fraud`); refused numbers are skipped.
    pub(super) async fn number_targets(&self, numbers: &[String]) -> Vec<RingTarget> {
        let config = &self.shared.config;
        let mut targets = Vec::new();
        for number in numbers {
            // Forwarding numbers are outside numbers, never extensions.
            let class = classify(number, &config.home_calling_code, |_| false);
            let allowed =
                |t: &&Trunk| decide(&class, &t.allowed_destinations) == TollDecision::Allowed;
            let Some(trunk) = config.trunks.iter().find(allowed) else {
                warn!(%number, "no trunk may dial this number; skipped");
                continue;
            };
            let Some(target) = trunk::target(trunk).await else {
                continue;
            };
            let uri = sip_uri(&class.number, &trunk.host, Some(trunk.port));
            targets.push(RingTarget {
                to: NameAddr::new(uri.clone()),
                uri,
                target,
                trunk: Some(trunk.clone()),
                kind: RingKind::Number,
                label: class.number.clone(),
            });
        }
        targets
    }

    /// Rings every target at once for `ring_for`.
    pub(super) async fn ring(
        &mut self,
        targets: Vec<RingTarget>,
        ring_for: Duration,
    ) -> Step<RingOutcome> {
        if targets.is_empty() {
            return Ok(RingOutcome::NoAnswer);
        }
        self.stage = Stage::Ringing;
        self.set_state(CallState::Ringing);
        let (session, offer) = self.shared.media.create_offer().await?;
        let port = session.local_rtp_addr().port();
        self.shared
            .calls
            .update(&self.id, |c| c.rtp_ports.push(port));
        let from = self.outbound_from();
        let mut ringer = Ringer {
            shared: self.shared.clone(),
            queue: self.queue.clone(),
            routed: &mut self.routed,
            contact: self.contact.clone(),
            attempts: Vec::new(),
            events: mpsc::unbounded_channel(),
            session: Some(session),
        };
        for target in targets {
            ringer.send(from.clone(), target, &offer).await;
        }
        let outcome = ringer
            .wait(&mut self.signals, &self.media, self.answered, ring_for)
            .await;
        if !matches!(outcome, Ok(RingOutcome::Answered(_))) {
            self.shared
                .calls
                .update(&self.id, |c| c.rtp_ports.retain(|p| *p != port));
        }
        outcome
    }

    /// From of our INVITEs: the original caller, so phones show who calls.
    fn outbound_from(&self) -> NameAddr {
        let host = self
            .caller_dialog
            .local_uri
            .as_sip()
            .map_or("invalid", |u| u.host.as_str());
        let uri = sip_uri(&self.facts.from_number, host, None);
        name_addr(self.facts.from_name.as_deref(), uri)
    }
}

fn device_target(binding: &Binding) -> Option<RingTarget> {
    let uri = Uri::parse(&binding.contact).ok()?;
    let aor = Uri::parse(&format!("sip:{}", binding.aor)).ok()?;
    Some(RingTarget {
        uri,
        to: NameAddr::new(aor),
        // The address the REGISTER came from reaches phones behind NAT.
        target: binding.source,
        trunk: None,
        kind: RingKind::Device,
        label: binding.aor.clone(),
    })
}

/// The INVITEs of one ring step.
struct Ringer<'a> {
    shared: Arc<Shared>,
    queue: RouteTx,
    routed: &'a mut Vec<String>,
    contact: String,
    attempts: Vec<Attempt>,
    events: (mpsc::UnboundedSender<Event>, mpsc::UnboundedReceiver<Event>),
    session: Option<MediaSession>,
}

impl Ringer<'_> {
    async fn send(&mut self, from: NameAddr, target: RingTarget, offer: &str) {
        let request = self.shared.sip.build_request(
            switchboard_sip::message::Method::Invite,
            target.uri.clone(),
            from,
            target.to.clone(),
        );
        let request = with_offer(request, &self.contact, offer);
        let index = self.attempts.len();
        self.attempts.push(Attempt {
            request: request.clone(),
            target,
            cancel: None,
            done: false,
        });
        self.launch(index, request).await;
    }

    /// Sends (or re-sends, with credentials) attempt `index`'s INVITE.
    async fn launch(&mut self, index: usize, request: Request) {
        let attempt = &mut self.attempts[index];
        if let Some(call_id) = request.headers.call_id() {
            self.shared.add_route(call_id, &self.queue);
            self.routed.push(call_id.to_owned());
        }
        match self
            .shared
            .sip
            .send_invite(request.clone(), attempt.target.target)
            .await
        {
            Ok(tx) => {
                let (cancel, cancelled) = oneshot::channel();
                attempt.cancel = Some(cancel);
                attempt.request = request;
                tokio::spawn(follow(index, tx, self.events.0.clone(), cancelled));
                info!(to = %attempt.target.uri, peer = %attempt.target.target.addr, "ringing");
            }
            Err(error) => {
                warn!(%error, "INVITE not sent");
                attempt.done = true;
            }
        }
    }

    async fn wait(
        mut self,
        signals: &mut Signals,
        caller_media: &MediaSession,
        caller_answered: bool,
        ring_for: Duration,
    ) -> Step<RingOutcome> {
        let deadline = tokio::time::sleep(ring_for);
        tokio::pin!(deadline);
        let ringback = async {
            if caller_answered {
                let tone = [Prompt::Tone(Tone::ringback(ring_for))];
                let _ = caller_media.play(&tone, PlayOptions::default()).await;
            }
            std::future::pending::<()>().await
        };
        tokio::pin!(ringback);
        let mut sent_ringing = false;
        loop {
            if self.attempts.iter().all(|a| a.done) {
                return Ok(self.finish(None, RingOutcome::NoAnswer));
            }
            tokio::select! {
                () = &mut deadline => {
                    debug!("ring time over");
                    return Ok(self.finish(None, RingOutcome::NoAnswer));
                }
                stop = caller_stop(signals) => {
                    self.finish(None, RingOutcome::NoAnswer);
                    return Err(stop);
                }
                () = &mut ringback => {}
                Some((index, resp)) = self.events.1.recv() => {
                    if resp.status > 100 && resp.status < 200 && !sent_ringing && !caller_answered {
                        sent_ringing = true;
                        let ringing = signals.invite.response(180);
                        signals.invite.respond(ringing).await;
                    }
                    if let Some((winner, outcome)) = self.on_response(index, resp).await {
                        return Ok(self.finish(winner, outcome));
                    }
                }
            }
        }
    }

    /// Acts on one response; `Some` when ringing is over.
    async fn on_response(&mut self, index: usize, resp: Response) -> Option<Finish> {
        match resp.status {
            100..=199 => None,
            200..=299 => self.answered(index, resp).await,
            401 | 407 => {
                let retry = {
                    let attempt = &self.attempts[index];
                    let trunk = attempt.target.trunk.as_ref()?;
                    trunk::authorized(&attempt.request, &resp, trunk)
                };
                match retry {
                    Some(retry) => self.launch(index, retry).await,
                    None => self.attempts[index].done = true,
                }
                None
            }
            status => {
                debug!(status, "attempt failed");
                self.attempts[index].done = true;
                let all_done = self.attempts.iter().all(|a| a.done);
                match status {
                    486 | 600 if all_done => Some((None, RingOutcome::Busy)),
                    603 if all_done => Some((None, RingOutcome::Declined)),
                    _ => None,
                }
            }
        }
    }

    /// The first 2xx: ACK it, take its SDP answer, cancel the rest.
    async fn answered(&mut self, index: usize, resp: Response) -> Option<Finish> {
        let attempt = &self.attempts[index];
        let dialog = Dialog::from_uac(&attempt.request, &resp, attempt.target.target)?;
        let seq = attempt.request.headers.cseq().map_or(1, |c| c.seq);
        let ack = dialog.ack(seq);
        if let Err(error) = self.shared.sip.send_ack(ack.clone(), dialog.target).await {
            warn!(%error, "ACK not sent");
        }
        let session = self.session.take()?;
        let accepted = sdp_of(&resp.body).map(|sdp| session.accept_answer(sdp));
        let (kind, label) = (attempt.target.kind, attempt.target.label.clone());
        let mut dialog = dialog;
        if !matches!(accepted, Some(Ok(()))) {
            warn!("answer without usable SDP; leg hung up");
            send_bye(&self.shared, &mut dialog).await;
            self.attempts[index].done = true;
            self.session = Some(session);
            return None;
        }
        info!(to = %attempt.target.uri, "answered");
        let leg = Leg {
            dialog,
            media: session,
            kind,
            label,
        };
        Some((Some((index, ack)), RingOutcome::Answered(Box::new(leg))))
    }

    /// CANCELs every attempt but the winner and leaves late responses to a
    /// background task.
    fn finish(mut self, winner: Option<(usize, Request)>, outcome: RingOutcome) -> RingOutcome {
        let winner_index = winner.as_ref().map(|(i, _)| *i);
        for (i, attempt) in self.attempts.iter_mut().enumerate() {
            if Some(i) != winner_index
                && let Some(cancel) = attempt.cancel.take()
            {
                let _ = cancel.send(());
            }
        }
        let requests = self
            .attempts
            .iter()
            .map(|a| (a.request.clone(), a.target.target))
            .collect();
        let Ringer {
            shared,
            events,
            session,
            ..
        } = self;
        if let Some(unused) = session {
            // Nobody answered: give the offer's ports back now.
            tokio::spawn(unused.release());
        }
        drop(events.0);
        tokio::spawn(late_answers(shared, events.1, requests, winner));
        outcome
    }
}

/// Forwards one INVITE's responses; CANCELs it when told to.
async fn follow(
    index: usize,
    mut tx: InviteClientTransaction,
    out: mpsc::UnboundedSender<Event>,
    mut cancelled: oneshot::Receiver<()>,
) {
    let mut cancel_pending = true;
    loop {
        tokio::select! {
            resp = tx.next_response() => match resp {
                Some(resp) => {
                    if out.send((index, resp)).is_err() {
                        return;
                    }
                }
                None => return,
            },
            result = &mut cancelled, if cancel_pending => {
                cancel_pending = false;
                if result.is_ok()
                    && let Some(cancel) = tx.cancel().await
                {
                    tokio::spawn(cancel.final_response());
                }
            }
        }
    }
}

/// After ringing: the winner's 2xx retransmissions get the ACK again;
/// any other 2xx (a CANCEL that lost the race) is ACKed and hung up.
async fn late_answers(
    shared: Arc<Shared>,
    mut events: mpsc::UnboundedReceiver<(usize, Response)>,
    requests: Vec<(Request, Target)>,
    winner: Option<(usize, Request)>,
) {
    let mut hung_up = Vec::new();
    while let Some((index, resp)) = events.recv().await {
        if !(200..300).contains(&resp.status) {
            continue;
        }
        let Some((request, target)) = requests.get(index) else {
            continue;
        };
        if let Some((w, ack)) = winner.as_ref().filter(|(w, _)| *w == index) {
            debug!(index = w, "2xx retransmitted; ACK again");
            let _ = shared.sip.send_ack(ack.clone(), *target).await;
            continue;
        }
        let Some(mut dialog) = Dialog::from_uac(request, &resp, *target) else {
            continue;
        };
        let seq = request.headers.cseq().map_or(1, |c| c.seq);
        let _ = shared.sip.send_ack(dialog.ack(seq), dialog.target).await;
        if !hung_up.contains(&index) {
            hung_up.push(index);
            info!(call_id = %dialog.call_id, "late answer hung up");
            send_bye(&shared, &mut dialog).await;
        }
    }
}
