//! What can interrupt a call's current step: the caller's CANCEL or BYE,
//! a BYE on another leg, and shutdown. Every step waits on [`Signals::next`]
//! beside its own work.

use switchboard_sip::message::Method;
use switchboard_sip::{InviteEvent, InviteServerTransaction, ServerTransaction};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use tracing::debug;

use crate::sip::answer_other;

/// An interruption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Signal {
    /// The caller sent CANCEL (before our answer) or BYE (after it).
    CallerGone,
    /// A BYE arrived on the leg with this Call-ID (already answered 200).
    LegBye(String),
    /// The process is shutting down.
    Shutdown,
}

/// The caller's INVITE transaction and the call's in-dialog requests.
pub(crate) struct Signals {
    /// The caller's INVITE; also answered through here.
    pub invite: InviteServerTransaction,
    invite_open: bool,
    caller_call_id: String,
    requests: mpsc::UnboundedReceiver<ServerTransaction>,
    shutdown: CancellationToken,
    /// Set once the caller has left; later waits never report it again.
    pub caller_gone: bool,
}

impl Signals {
    pub fn new(
        invite: InviteServerTransaction,
        caller_call_id: String,
        requests: mpsc::UnboundedReceiver<ServerTransaction>,
        shutdown: CancellationToken,
    ) -> Self {
        Self {
            invite,
            invite_open: true,
            caller_call_id,
            requests,
            shutdown,
            caller_gone: false,
        }
    }

    /// Waits for the next interruption; cancel-safe. Requests that do not
    /// end a leg are answered here.
    pub async fn next(&mut self) -> Signal {
        loop {
            tokio::select! {
                () = self.shutdown.cancelled() => return Signal::Shutdown,
                event = self.invite.next_event(), if self.invite_open => match event {
                    Some(InviteEvent::Cancelled) => {
                        self.caller_gone = true;
                        return Signal::CallerGone;
                    }
                    Some(InviteEvent::Ack(_)) => debug!("caller ACKed our answer"),
                    None => self.invite_open = false,
                },
                Some(request) = self.requests.recv() => {
                    if let Some(signal) = self.on_request(request).await {
                        return signal;
                    }
                }
            }
        }
    }

    async fn on_request(&mut self, request: ServerTransaction) -> Option<Signal> {
        if request.request().method != Method::Bye {
            answer_other(request).await;
            return None;
        }
        let call_id = request
            .request()
            .headers
            .call_id()
            .unwrap_or_default()
            .to_owned();
        let resp = request.response(200);
        request.respond(resp).await;
        if call_id == self.caller_call_id {
            if self.caller_gone {
                return None;
            }
            self.caller_gone = true;
            return Some(Signal::CallerGone);
        }
        Some(Signal::LegBye(call_id))
    }
}
