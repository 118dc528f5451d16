//! The caller's leg (our UAS side): 180 Ringing, answering with our SDP,
//! and ending it with BYE or a final error response.

use std::sync::Arc;

use switchboard_phone::rules::call_result::CallEnding;
use switchboard_sip::Dialog;
use switchboard_sip::message::Method;
use tracing::{debug, warn};

use super::{Call, Step, Stop};
use crate::control::Shared;
use crate::sip::with_sdp;

impl Call {
    /// Answers the caller (200 OK with our SDP) unless already answered.
    pub(super) async fn answer(&mut self) -> Step<()> {
        if self.answered {
            return Ok(());
        }
        if self.signals.caller_gone {
            return Err(Stop::CallerGone);
        }
        let ok = self.signals.invite.response(200);
        let ok = with_sdp(ok, &self.contact, &self.answer_sdp);
        if !self.signals.invite.respond(ok).await {
            // CANCEL won the race: the INVITE already has its 487.
            self.signals.caller_gone = true;
            return Err(Stop::CallerGone);
        }
        self.answered = true;
        debug!("caller answered");
        Ok(())
    }

    /// Ends the caller's leg if it is still up: BYE after an answer, else
    /// a final response that says why.
    pub(super) async fn end_caller(&mut self, ending: CallEnding) {
        if self.signals.caller_gone {
            return;
        }
        self.signals.caller_gone = true;
        if self.answered {
            send_bye(&self.shared, &mut self.caller_dialog).await;
            return;
        }
        let status = match ending {
            CallEnding::Busy => 486,
            CallEnding::Declined | CallEnding::Rejected => 603,
            CallEnding::Failed => 500,
            CallEnding::TollFraudBlocked(_) => 403,
            _ => 480,
        };
        let resp = self.signals.invite.response(status);
        self.signals.invite.respond(resp).await;
    }
}

/// Sends BYE in `dialog`; its response is awaited in the background so
/// the call's end is not held up by a peer that never answers.
pub(super) async fn send_bye(shared: &Arc<Shared>, dialog: &mut Dialog) {
    let bye = dialog.request(Method::Bye);
    match shared.sip.send_request(bye, dialog.target).await {
        Ok(tx) => {
            tokio::spawn(async move {
                let status = tx.final_response().await.map(|r| r.status);
                debug!(?status, "BYE answered");
            });
        }
        Err(error) => warn!(%error, call_id = %dialog.call_id, "BYE not sent"),
    }
}
