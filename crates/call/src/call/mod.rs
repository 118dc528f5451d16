//! One call: a task that owns the caller's leg and carries it through its
//! steps, each in its own module:
//!
//! - `signals`: the caller's CANCEL/BYE and other interruptions.
//! - `caller`: answering, refusing and hanging up the caller's leg.
//! - `route`: the called number, the company rule and the extension plan.
//! - `ivr`: the auto-attendant.
//! - `dial_by_name`: the directory the IVR hands callers to.
//! - `ring`: INVITEs to devices and forwarding numbers, first 2xx wins.
//! - `bridge`: two parties talking until one hangs up.
//! - `voicemail`: greeting, beep, recording, message store.
//! - `log`: the call log record.

mod bridge;
mod caller;
mod dial_by_name;
mod ivr;
mod log;
mod ring;
mod route;
mod signals;
mod voicemail;

use std::sync::Arc;

use jiff::Timestamp;
use switchboard_media::MediaSession;
use switchboard_phone::model::{
    AccountId, CallLogLeg, CallTransport, Direction, Extension, ExtensionId, MessageId,
};
use switchboard_phone::rules::call_result::CallEnding;
use switchboard_sip::{Dialog, InviteServerTransaction, ServerTransaction};
use tokio::sync::mpsc;
use tracing::{Instrument, info, info_span, warn};

use crate::auth::Auth;
use crate::control::{RouteTx, Shared};
use crate::error::CallError;
use crate::registry::{ActiveCall, CallState};
use crate::sip::{contact, contact_host, sdp_of, user_of};
use crate::trunk::inbound_trunk;

use signals::Signals;

/// Why a step stopped the call's flow.
#[derive(Debug)]
pub(crate) enum Stop {
    /// The caller hung up.
    CallerGone,
    /// Shutdown hung the call up.
    Shutdown,
    /// Something broke on our side.
    Failed(CallError),
}

/// `?` on the store, media and SIP calls of a step fails the call.
macro_rules! stop_from {
    ($($error:ty),*) => {$(
        impl From<$error> for Stop {
            fn from(e: $error) -> Self {
                Stop::Failed(e.into())
            }
        }
    )*};
}

stop_from!(
    CallError,
    switchboard_store::StoreError,
    switchboard_media::MediaError,
    switchboard_sip::SipError,
    std::io::Error
);

/// The result of a step.
pub(crate) type Step<T> = Result<T, Stop>;

/// Where the caller is, to name a hang-up in the call log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Greeting,
    Ivr,
    Ringing,
    Voicemail,
}

/// Where a call came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    /// A trunk: a call from the telephone network.
    Trunk,
    /// An authenticated device of this extension.
    Device(ExtensionId),
}

/// What the call log needs besides the ending.
#[derive(Debug)]
pub(crate) struct Facts {
    /// Inbound for trunk and extension-to-extension calls (the callee's
    /// record), Outbound for calls out through a trunk.
    pub direction: Direction,
    /// PSTN through a trunk, VoIP between the account's own devices.
    pub transport: CallTransport,
    /// The calling extension, for calls from devices.
    pub caller_extension: Option<Extension>,
    pub start_time: Timestamp,
    pub started: tokio::time::Instant,
    pub from_number: String,
    pub from_name: Option<String>,
    pub to_number: String,
    pub account: Option<AccountId>,
    pub extension: Option<Extension>,
    pub legs: Vec<CallLogLeg>,
    pub message: Option<MessageId>,
}

/// One call: from a trunk, or from an authenticated device.
pub(crate) struct Call {
    shared: Arc<Shared>,
    /// The caller leg's Call-ID.
    id: String,
    signals: Signals,
    /// The caller's media session.
    media: MediaSession,
    /// Our SDP answer to the caller's offer.
    answer_sdp: String,
    /// Our Contact header value.
    contact: String,
    caller_dialog: Dialog,
    answered: bool,
    stage: Stage,
    facts: Facts,
    queue: RouteTx,
    routed: Vec<String>,
    origin: Origin,
}

/// Takes a new INVITE: checks where it came from and its SDP, then runs
/// the call to its end.
pub(crate) async fn serve(
    shared: Arc<Shared>,
    invite: InviteServerTransaction,
    queue: RouteTx,
    requests: mpsc::UnboundedReceiver<ServerTransaction>,
) {
    let call_id = invite
        .request()
        .headers
        .call_id()
        .unwrap_or_default()
        .to_owned();
    let span = info_span!("call", call_id = %call_id, peer = %invite.source().peer);
    async move {
        match Call::accept(shared, invite, queue, requests).await {
            Some(call) => call.run().await,
            None => info!("INVITE refused"),
        }
    }
    .instrument(span)
    .await;
}

impl Call {
    /// Refuses INVITEs that are neither from a trunk nor from an
    /// authenticated device, and unusable offers (488); otherwise sets up
    /// the caller's media session.
    async fn accept(
        shared: Arc<Shared>,
        invite: InviteServerTransaction,
        queue: RouteTx,
        requests: mpsc::UnboundedReceiver<ServerTransaction>,
    ) -> Option<Call> {
        let source = invite.source();
        let config = &shared.config;
        let origin = origin_of(&shared, &invite).await?;
        let offer = sdp_of(&invite.request().body).map(str::to_owned);
        let session = match offer {
            Some(offer) => shared.media.answer_offer(&offer).await,
            None => Err(switchboard_media::MediaError::NotNegotiated),
        };
        let (media, answer_sdp) = match session {
            Ok(s) => s,
            Err(error) => {
                warn!(%error, "caller's offer refused");
                invite.respond(invite.response(488)).await;
                return None;
            }
        };
        let Some(caller_dialog) = Dialog::from_uas(invite.request(), invite.to_tag(), source)
        else {
            invite.respond(invite.response(400)).await;
            return None;
        };
        let host = contact_host(config.contact_host.as_deref(), &source);
        let contact = contact(&host, source.local.port());
        let facts = facts_of(&invite, &shared);
        let id = caller_dialog.call_id.clone();
        let signals = Signals::new(invite, id.clone(), requests, shared.shutdown.clone());
        Some(Call {
            shared,
            id,
            signals,
            media,
            answer_sdp,
            contact,
            caller_dialog,
            answered: false,
            stage: Stage::Greeting,
            facts,
            queue,
            routed: Vec::new(),
            origin,
        })
    }

    /// Routes the call, then ends every leg, releases media and writes
    /// exactly one call log record.
    async fn run(mut self) {
        self.register();
        info!(from = %self.facts.from_number, to = %self.facts.to_number, "call started");
        let ending = match self.route().await {
            Ok(ending) => ending,
            Err(Stop::CallerGone | Stop::Shutdown) => self.hang_up_ending(),
            Err(Stop::Failed(error)) => {
                warn!(%error, "call failed");
                CallEnding::Failed
            }
        };
        self.end_caller(ending).await;
        info!(?ending, "call ended");
        let Call {
            shared,
            id,
            media,
            facts,
            routed,
            ..
        } = self;
        media.release().await;
        log::write(&shared, &id, facts, ending).await;
        for call_id in routed.iter().chain([&id]) {
            shared.remove_route(call_id);
        }
        shared.calls.remove(&id);
    }

    fn register(&mut self) {
        self.shared.add_route(&self.id, &self.queue);
        self.shared.calls.insert(ActiveCall {
            call_id: self.id.clone(),
            from: self.facts.from_number.clone(),
            to: self.facts.to_number.clone(),
            start_time: self.facts.start_time,
            state: CallState::Routing,
            extension_id: None,
            rtp_ports: vec![self.media.local_rtp_addr().port()],
        });
    }

    fn set_state(&self, state: CallState) {
        let ext = self.facts.extension.as_ref().map(|e| e.id);
        self.shared.calls.update(&self.id, |c| {
            c.state = state;
            c.extension_id = ext.or(c.extension_id);
        });
    }

    /// The ending of a call the caller left at the current stage.
    fn hang_up_ending(&self) -> CallEnding {
        match self.stage {
            Stage::Greeting => CallEnding::HungUpDuringGreeting,
            Stage::Ivr => CallEnding::HungUpInIvr,
            Stage::Ringing => CallEnding::HungUpWhileRinging,
            Stage::Voicemail => CallEnding::HungUpInVoicemail,
        }
    }
}

/// A trunk's INVITE, or a device's once it passed its 407 challenge;
/// anything else is answered here and gets `None`.
async fn origin_of(shared: &Shared, invite: &InviteServerTransaction) -> Option<Origin> {
    let source = invite.source();
    let config = &shared.config;
    if let Some(trunk) = inbound_trunk(&config.trunks, &source, config.match_trunk_port).await {
        info!(trunk = %trunk.id, "INVITE from trunk");
        return Some(Origin::Trunk);
    }
    let Some(auth) = &shared.device_auth else {
        warn!("INVITE from outside the trunks refused");
        invite.respond(invite.response(403)).await;
        return None;
    };
    let credential = match auth.check(invite).await {
        Auth::Device(credential) => credential,
        Auth::Refuse(resp) => {
            invite.respond(resp).await;
            return None;
        }
    };
    match credential.extension_id.parse() {
        Ok(id) => Some(Origin::Device(id)),
        Err(_) => {
            warn!(extension_id = %credential.extension_id, "credential names no extension");
            invite.respond(invite.response(403)).await;
            None
        }
    }
}

/// The caller and called numbers from the INVITE.
fn facts_of(invite: &InviteServerTransaction, shared: &Shared) -> Facts {
    let request = invite.request();
    let from = request.headers.from();
    let from_number = from
        .as_ref()
        .and_then(|f| user_of(&f.uri))
        .unwrap_or_else(|| "anonymous".to_owned());
    let from_name = from.and_then(|f| f.display);
    let to_number = user_of(&request.uri).unwrap_or_default();
    Facts {
        direction: Direction::Inbound,
        transport: CallTransport::PSTN,
        caller_extension: None,
        start_time: shared.clock.now(),
        started: tokio::time::Instant::now(),
        from_number,
        from_name,
        to_number,
        account: None,
        extension: None,
        legs: Vec::new(),
        message: None,
    }
}
