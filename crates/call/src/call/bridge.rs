//! Two parties talking: both media sessions bridged through our media
//! engine (so calls can be recorded and keys detected), until either side
//! sends BYE, media stops, or shutdown; then the other leg gets BYE.

use switchboard_phone::model::{
    CallAction, CallLegType, CallLogLeg, CallLogParty, CallResult, CallTransport, CallType,
    ExtensionRef,
};
use switchboard_phone::rules::call_result::CallEnding;
use tracing::{info, warn};

use super::caller::send_bye;
use super::ring::{Leg, RingKind};
use super::signals::Signal;
use super::{Call, Step, Stop};
use crate::registry::CallState;

/// Who ended the conversation.
enum Ended {
    Caller,
    Callee,
    Shutdown,
    MediaTimeout,
}

impl Call {
    /// Answers the caller if needed, bridges until a hang-up, and ends the
    /// callee's leg.
    pub(super) async fn bridge(&mut self, mut leg: Leg) -> Step<CallEnding> {
        if let Err(stop) = self.answer().await {
            send_bye(&self.shared, &mut leg.dialog).await;
            leg.media.release().await;
            return Err(stop);
        }
        self.set_state(CallState::Connected);
        let answered_at = tokio::time::Instant::now();
        let ended = self.talk(&leg).await;
        info!(by = ended.name(), "conversation over");
        if !matches!(ended, Ended::Callee) {
            send_bye(&self.shared, &mut leg.dialog).await;
        }
        self.push_leg(&leg, answered_at);
        leg.media.release().await;
        match ended {
            Ended::Shutdown => Err(Stop::Shutdown),
            _ => Ok(match leg.kind {
                RingKind::Device => CallEnding::AnsweredByDevice,
                RingKind::Number => CallEnding::AnsweredByForwardingNumber,
            }),
        }
    }

    async fn talk(&mut self, leg: &Leg) -> Ended {
        let bridge = switchboard_media::bridge(&self.media, &leg.media);
        tokio::pin!(bridge);
        loop {
            tokio::select! {
                result = &mut bridge => {
                    if let Err(error) = result {
                        warn!(%error, "bridge failed");
                    }
                    return Ended::MediaTimeout;
                }
                signal = self.signals.next() => match signal {
                    Signal::CallerGone => return Ended::Caller,
                    Signal::Shutdown => return Ended::Shutdown,
                    Signal::LegBye(id) if id == leg.dialog.call_id => return Ended::Callee,
                    Signal::LegBye(_) => {}
                },
                () = self.media.media_timeout() => return Ended::MediaTimeout,
                () = leg.media.media_timeout() => return Ended::MediaTimeout,
            }
        }
    }

    /// The answered party's leg for the call log.
    fn push_leg(&mut self, leg: &Leg, answered_at: tokio::time::Instant) {
        let (leg_type, transport, to) = match leg.kind {
            RingKind::Device => (
                CallLegType::Accept,
                CallTransport::VoIP,
                self.extension_party(),
            ),
            RingKind::Number => (
                CallLegType::FindMe,
                CallTransport::PSTN,
                CallLogParty {
                    phone_number: Some(leg.label.clone()),
                    ..CallLogParty::default()
                },
            ),
        };
        let ext = self
            .facts
            .extension
            .as_ref()
            .map(|e| ExtensionRef::new(e.id));
        let offset = answered_at.duration_since(self.facts.started);
        let start = self
            .facts
            .start_time
            .checked_add(offset)
            .unwrap_or(self.facts.start_time);
        self.facts.legs.push(CallLogLeg {
            start_time: start,
            duration: answered_at.elapsed().as_secs() as u32,
            call_type: CallType::Voice,
            direction: self.facts.direction,
            action: match transport {
                CallTransport::PSTN => CallAction::PhoneCall,
                CallTransport::VoIP => CallAction::VoipCall,
            },
            result: CallResult::Accepted,
            from: self.caller_party(),
            to,
            leg_type,
            extension: ext,
            transport: Some(transport),
            master: false,
        });
    }
}

impl Ended {
    fn name(&self) -> &'static str {
        match self {
            Ended::Caller => "caller",
            Ended::Callee => "callee",
            Ended::Shutdown => "shutdown",
            Ended::MediaTimeout => "media timeout",
        }
    }
}
