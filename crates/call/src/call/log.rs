//! The call log record every call writes exactly once: RingCentral's
//! result from `rules::call_result`, the parties, the extension, the
//! voicemail left, and the legs.

use switchboard_phone::model::{
    CallLegType, CallLogLeg, CallLogParty, CallLogRecord, CallTransport, CallType, Direction,
    ExtensionRef, IdRef,
};
use switchboard_phone::rules::call_result::{CallEnding, CallFacts, call_log_outcome};
use tracing::{info, warn};

use super::{Call, Facts};
use crate::control::Shared;

impl Call {
    /// The caller, as the log shows it.
    pub(super) fn caller_party(&self) -> CallLogParty {
        from_party(&self.facts)
    }

    /// The extension reached, as the log shows it.
    pub(super) fn extension_party(&self) -> CallLogParty {
        extension_party(&self.facts)
    }
}

/// The caller: an outside number, or one of our extensions.
fn from_party(facts: &Facts) -> CallLogParty {
    let Some(ext) = &facts.caller_extension else {
        return CallLogParty {
            phone_number: Some(facts.from_number.clone()),
            name: facts.from_name.clone(),
            ..CallLogParty::default()
        };
    };
    CallLogParty {
        // Outbound calls show the caller ID the carrier was given.
        phone_number: (facts.direction == Direction::Outbound).then(|| facts.from_number.clone()),
        extension_number: Some(ext.extension_number.clone()),
        extension_id: Some(ext.id.to_string()),
        name: Some(ext.name.clone()),
    }
}

/// The called party: the extension reached, or the number dialled out.
fn to_party(facts: &Facts) -> CallLogParty {
    match facts.direction {
        Direction::Inbound => extension_party(facts),
        Direction::Outbound => CallLogParty {
            phone_number: Some(facts.to_number.clone()),
            ..CallLogParty::default()
        },
    }
}

fn extension_party(facts: &Facts) -> CallLogParty {
    let ext = facts.extension.as_ref();
    CallLogParty {
        phone_number: Some(facts.to_number.clone()),
        extension_number: ext.map(|e| e.extension_number.clone()),
        extension_id: ext.map(|e| e.id.to_string()),
        name: ext.map(|e| e.name.clone()),
    }
}

/// Writes the record. A call to a number no account owns is logged in the
/// first account, so no call goes unrecorded.
pub(super) async fn write(shared: &Shared, call_id: &str, facts: Facts, ending: CallEnding) {
    let account = match facts.account {
        Some(id) => id,
        None => match shared.store.default_account().await {
            Ok(account) => account.id,
            Err(error) => {
                warn!(%error, "no account to log the call in");
                return;
            }
        },
    };
    let record = record(call_id, facts, ending);
    match shared.store.insert_call_log(account, &record).await {
        Ok(stored) => info!(call_log_id = %stored.id, result = ?stored.result, "call logged"),
        Err(error) => warn!(%error, "call log record not written"),
    }
}

/// The record of a call, from the extension's point of view.
fn record(call_id: &str, facts: Facts, ending: CallEnding) -> CallLogRecord {
    let call_facts = CallFacts {
        direction: facts.direction,
        transport: facts.transport,
        // TODO: emergency calls need their own routing (E911) first.
        emergency: false,
    };
    let outcome = call_log_outcome(&call_facts, ending);
    let duration = facts.started.elapsed().as_secs() as u32;
    let extension = facts.extension.as_ref().map(|e| ExtensionRef {
        id: e.id,
        uri: None,
        extension_number: Some(e.extension_number.clone()),
        name: Some(e.name.clone()),
    });
    let master = CallLogLeg {
        start_time: facts.start_time,
        duration,
        call_type: CallType::Voice,
        direction: facts.direction,
        action: outcome.action,
        result: outcome.result,
        from: from_party(&facts),
        to: to_party(&facts),
        leg_type: leg_type(&facts),
        extension: extension.clone(),
        transport: Some(facts.transport),
        master: true,
    };
    let mut legs = vec![master];
    legs.extend(facts.legs.iter().cloned());
    CallLogRecord {
        id: String::new(),
        session_id: call_id.to_owned(),
        telephony_session_id: Some(call_id.to_owned()),
        start_time: facts.start_time,
        duration,
        call_type: CallType::Voice,
        direction: facts.direction,
        action: outcome.action,
        result: outcome.result,
        reason: outcome.reason.map(str::to_owned),
        from: from_party(&facts),
        to: to_party(&facts),
        extension,
        transport: Some(facts.transport),
        message: facts.message.map(|id| IdRef::new(id.to_string())),
        legs,
    }
}

/// The master leg's type: where the call entered.
fn leg_type(facts: &Facts) -> CallLegType {
    match (facts.direction, facts.transport) {
        (Direction::Inbound, CallTransport::PSTN) => CallLegType::PstnToSip,
        (Direction::Inbound, CallTransport::VoIP) => CallLegType::ExtensionToExtension,
        (Direction::Outbound, _) => CallLegType::SipForwarding,
    }
}
