//! How a call ended, in the call log's vocabulary: RingCentral's `result`,
//! `reason` and `action` for the record.
//!
//! The mapping, from the point of view of the record's owner:
//!
//! | ending | inbound result (reason) | outbound result (reason) |
//! |---|---|---|
//! | answered on a device | Accepted (Accepted) | Call connected (Accepted) |
//! | answered on a forwarding number | Accepted (Accepted) | Call connected (Accepted) |
//! | voicemail left | Voicemail | Voicemail |
//! | hung up in the voicemail greeting | Missed (Hang Up) | Hang Up (Hang Up) |
//! | hung up while ringing | Missed (Hang Up) | Hang Up (Hang Up) |
//! | hung up in a greeting or the IVR | Hang Up (Hang Up) | Hang Up (Hang Up) |
//! | rang out, nothing else to do | Missed (No Answer) | No Answer (Not Answered) |
//! | busy | Busy (Line Busy) | Busy (Line Busy) |
//! | declined by the callee | Declined | Rejected |
//! | refused (DND, no route) | Rejected (Calls Not Accepted) | Rejected (Calls Not Accepted) |
//! | caller on the blocked list | Blocked (Number Blocked) | Blocked (Number Blocked) |
//! | refused by toll-fraud policy | - | see [`BlockReason`] |
//! | internal failure | Call Failed (Internal Error) | Call Failed (Internal Error) |
//!
//! An inbound call that reached an extension and was not answered is
//! "Missed" because that is what RingCentral's missed-calls filter
//! (`statusGroup=Missed`) and the apps show; a caller who leaves before
//! reaching anybody (company greeting, IVR) is "Hang Up", as RingCentral
//! defines it: "the caller hung up before the call was answered". A call
//! answered by a forwarding number keeps the "Phone Call" action; the
//! forwarding shows in its leg.
//!
//! `action` is "Phone Call" for calls over the telephone network, "VoIP
//! Call" for calls between the account's own devices, and "Emergency" for
//! emergency calls.

use crate::model::{CallAction, CallResult, CallTransport, Direction};

use super::toll_fraud::BlockReason;

/// How a call ended, as call control saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallEnding {
    AnsweredByDevice,
    AnsweredByForwardingNumber,
    VoicemailLeft,
    /// Reached the voicemail greeting, left no message.
    HungUpInVoicemail,
    HungUpWhileRinging,
    /// Left during the company greeting or an introductory greeting.
    HungUpDuringGreeting,
    HungUpInIvr,
    /// Every ring step ran out and the plan ended without voicemail.
    NoAnswer,
    Busy,
    /// The callee pressed decline and nothing else took the call.
    Declined,
    /// The system refused the call (do not disturb, no rule, no route).
    Rejected,
    /// The caller is on the account's blocked list.
    CallerBlocked,
    /// Outbound, refused by the trunk's toll-fraud policy.
    TollFraudBlocked(BlockReason),
    /// Something broke on our side.
    Failed,
}

/// The facts of the call besides its ending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallFacts {
    pub direction: Direction,
    pub transport: CallTransport,
    pub emergency: bool,
}

/// What the call log record says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CallLogOutcome {
    pub result: CallResult,
    /// RingCentral's `reason` text, where one applies.
    pub reason: Option<&'static str>,
    pub action: CallAction,
}

/// The record's `result`, `reason` and `action` for a call.
pub fn call_log_outcome(facts: &CallFacts, ending: CallEnding) -> CallLogOutcome {
    let (result, reason) = match facts.direction {
        Direction::Inbound => inbound(ending),
        Direction::Outbound => outbound(ending),
    };
    CallLogOutcome {
        result,
        reason,
        action: action(facts),
    }
}

fn action(facts: &CallFacts) -> CallAction {
    match (facts.emergency, facts.transport) {
        (true, _) => CallAction::Emergency,
        (false, CallTransport::PSTN) => CallAction::PhoneCall,
        (false, CallTransport::VoIP) => CallAction::VoipCall,
    }
}

fn inbound(ending: CallEnding) -> (CallResult, Option<&'static str>) {
    use CallEnding as E;
    match ending {
        E::AnsweredByDevice | E::AnsweredByForwardingNumber => {
            (CallResult::Accepted, Some("Accepted"))
        }
        E::HungUpInVoicemail | E::HungUpWhileRinging => (CallResult::Missed, Some("Hang Up")),
        E::NoAnswer => (CallResult::Missed, Some("No Answer")),
        E::Declined => (CallResult::Declined, None),
        other => common(other),
    }
}

fn outbound(ending: CallEnding) -> (CallResult, Option<&'static str>) {
    use CallEnding as E;
    match ending {
        E::AnsweredByDevice | E::AnsweredByForwardingNumber => {
            (CallResult::CallConnected, Some("Accepted"))
        }
        E::HungUpInVoicemail | E::HungUpWhileRinging => (CallResult::HangUp, Some("Hang Up")),
        E::NoAnswer => (CallResult::NoAnswer, Some("Not Answered")),
        E::Declined => (CallResult::Rejected, None),
        other => common(other),
    }
}

/// Endings that read the same in both directions.
fn common(ending: CallEnding) -> (CallResult, Option<&'static str>) {
    use CallEnding as E;
    match ending {
        E::VoicemailLeft => (CallResult::Voicemail, None),
        E::HungUpDuringGreeting | E::HungUpInIvr => (CallResult::HangUp, Some("Hang Up")),
        E::Busy => (CallResult::Busy, Some("Line Busy")),
        E::Rejected => (CallResult::Rejected, Some("Calls Not Accepted")),
        E::CallerBlocked => (CallResult::Blocked, Some("Number Blocked")),
        E::TollFraudBlocked(reason) => (toll_fraud_result(reason), Some(reason.result_reason())),
        E::Failed => (CallResult::CallFailed, Some("Internal Error")),
        // Direction-specific endings are handled by the callers; this arm
        // keeps the match total should one be forgotten.
        E::AnsweredByDevice
        | E::AnsweredByForwardingNumber
        | E::HungUpInVoicemail
        | E::HungUpWhileRinging
        | E::NoAnswer
        | E::Declined => (CallResult::Unknown, None),
    }
}

fn toll_fraud_result(reason: BlockReason) -> CallResult {
    match reason {
        BlockReason::InternationalRestricted => CallResult::InternationalRestricted,
        BlockReason::PremiumRate => CallResult::RestrictedNumber,
        BlockReason::NumberDisabled => CallResult::NotAllowed,
        BlockReason::BadNumber | BlockReason::Internal => CallResult::WrongNumber,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INBOUND: CallFacts = CallFacts {
        direction: Direction::Inbound,
        transport: CallTransport::PSTN,
        emergency: false,
    };
    const OUTBOUND: CallFacts = CallFacts {
        direction: Direction::Outbound,
        ..INBOUND
    };

    fn inbound_result(ending: CallEnding) -> (CallResult, Option<&'static str>) {
        let outcome = call_log_outcome(&INBOUND, ending);
        (outcome.result, outcome.reason)
    }

    fn outbound_result(ending: CallEnding) -> (CallResult, Option<&'static str>) {
        let outcome = call_log_outcome(&OUTBOUND, ending);
        (outcome.result, outcome.reason)
    }

    #[test]
    fn an_inbound_call_answered_anywhere_is_accepted() {
        assert_eq!(
            inbound_result(CallEnding::AnsweredByDevice).0,
            CallResult::Accepted
        );
        assert_eq!(
            inbound_result(CallEnding::AnsweredByForwardingNumber).0,
            CallResult::Accepted
        );
    }

    #[test]
    fn an_outbound_call_answered_is_call_connected() {
        assert_eq!(
            outbound_result(CallEnding::AnsweredByDevice).0,
            CallResult::CallConnected
        );
    }

    #[test]
    fn a_message_left_is_voicemail() {
        assert_eq!(
            inbound_result(CallEnding::VoicemailLeft),
            (CallResult::Voicemail, None)
        );
    }

    #[test]
    fn a_caller_leaving_during_ringing_or_the_voicemail_greeting_is_missed() {
        let missed = (CallResult::Missed, Some("Hang Up"));

        assert_eq!(inbound_result(CallEnding::HungUpWhileRinging), missed);
        assert_eq!(inbound_result(CallEnding::HungUpInVoicemail), missed);
    }

    #[test]
    fn a_caller_leaving_during_the_company_greeting_or_ivr_is_hang_up() {
        let hang_up = (CallResult::HangUp, Some("Hang Up"));

        assert_eq!(inbound_result(CallEnding::HungUpDuringGreeting), hang_up);
        assert_eq!(inbound_result(CallEnding::HungUpInIvr), hang_up);
    }

    #[test]
    fn a_call_that_rang_out_is_missed_inbound_and_no_answer_outbound() {
        assert_eq!(
            inbound_result(CallEnding::NoAnswer),
            (CallResult::Missed, Some("No Answer"))
        );
        assert_eq!(
            outbound_result(CallEnding::NoAnswer),
            (CallResult::NoAnswer, Some("Not Answered"))
        );
    }

    #[test]
    fn busy_declined_rejected_and_blocked_keep_their_names() {
        assert_eq!(
            inbound_result(CallEnding::Busy),
            (CallResult::Busy, Some("Line Busy"))
        );
        assert_eq!(inbound_result(CallEnding::Declined).0, CallResult::Declined);
        assert_eq!(
            outbound_result(CallEnding::Declined).0,
            CallResult::Rejected
        );
        assert_eq!(inbound_result(CallEnding::Rejected).0, CallResult::Rejected);
        assert_eq!(
            inbound_result(CallEnding::CallerBlocked),
            (CallResult::Blocked, Some("Number Blocked"))
        );
    }

    #[test]
    fn toll_fraud_blocks_use_ringcentral_restriction_results() {
        let blocked = |r| outbound_result(CallEnding::TollFraudBlocked(r));

        assert_eq!(
            blocked(BlockReason::InternationalRestricted),
            (
                CallResult::InternationalRestricted,
                Some("International Restricted")
            )
        );
        assert_eq!(
            blocked(BlockReason::PremiumRate),
            (CallResult::RestrictedNumber, Some("Restricted Number"))
        );
        assert_eq!(
            blocked(BlockReason::NumberDisabled).0,
            CallResult::NotAllowed
        );
        assert_eq!(blocked(BlockReason::BadNumber).0, CallResult::WrongNumber);
    }

    #[test]
    fn a_failure_is_call_failed() {
        assert_eq!(
            inbound_result(CallEnding::Failed),
            (CallResult::CallFailed, Some("Internal Error"))
        );
    }

    #[test]
    fn the_action_follows_transport_and_emergency() {
        let voip = CallFacts {
            transport: CallTransport::VoIP,
            ..INBOUND
        };
        let emergency = CallFacts {
            emergency: true,
            ..OUTBOUND
        };
        let ending = CallEnding::AnsweredByDevice;

        assert_eq!(
            call_log_outcome(&INBOUND, ending).action,
            CallAction::PhoneCall
        );
        assert_eq!(call_log_outcome(&voip, ending).action, CallAction::VoipCall);
        assert_eq!(
            call_log_outcome(&emergency, ending).action,
            CallAction::Emergency
        );
    }

    #[test]
    fn results_serialize_in_ringcentral_spelling() {
        let outcome = call_log_outcome(&INBOUND, CallEnding::HungUpInIvr);

        assert_eq!(
            serde_json::to_string(&outcome.result).unwrap(),
            r#""Hang Up""#
        );
        assert_eq!(
            serde_json::to_string(&outcome.action).unwrap(),
            r#""Phone Call""#
        );
    }
}
