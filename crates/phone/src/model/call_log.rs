//! Call log records with their legs, in RingCentral's vocabulary for types,
//! actions and results.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::common::{Direction, ExtensionRef, IdRef};

/// `CallTypeEnum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum CallType {
    #[default]
    Voice,
    Fax,
}

/// `CallTransportEnum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallTransport {
    PSTN,
    VoIP,
}

/// `CallActionEnum`, the subset a PBX produces plus `Unknown` for the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallAction {
    #[serde(rename = "Phone Call")]
    PhoneCall,
    #[serde(rename = "VoIP Call")]
    VoipCall,
    #[serde(rename = "Accept Call")]
    AcceptCall,
    FindMe,
    FollowMe,
    #[serde(rename = "Sip Forwarding")]
    SipForwarding,
    Transfer,
    #[serde(rename = "Call Park")]
    CallPark,
    Pickup,
    #[serde(rename = "Ring Directly")]
    RingDirectly,
    #[serde(rename = "RingOut Web")]
    RingOutWeb,
    #[serde(rename = "Incoming Fax")]
    IncomingFax,
    #[serde(rename = "Outgoing Fax")]
    OutgoingFax,
    #[serde(rename = "Conference Call")]
    ConferenceCall,
    Emergency,
    Paging,
    #[serde(other)]
    Unknown,
}

/// `CallResultEnum`: how the call ended, as RingCentral spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallResult {
    Abandoned,
    Accepted,
    #[serde(rename = "Answered Not Accepted")]
    AnsweredNotAccepted,
    #[serde(rename = "Answered Elsewhere")]
    AnsweredElsewhere,
    Blocked,
    Busy,
    #[serde(rename = "Call Failed")]
    CallFailed,
    #[serde(rename = "Call Failure")]
    CallFailure,
    #[serde(rename = "Call connected")]
    CallConnected,
    Declined,
    #[serde(rename = "Hang Up")]
    HangUp,
    #[serde(rename = "IP Phone Offline")]
    IpPhoneOffline,
    #[serde(rename = "In Progress")]
    InProgress,
    #[serde(rename = "Internal Error")]
    InternalError,
    #[serde(rename = "International Disabled")]
    InternationalDisabled,
    #[serde(rename = "International Restricted")]
    InternationalRestricted,
    Missed,
    #[serde(rename = "No Answer")]
    NoAnswer,
    #[serde(rename = "Not Allowed")]
    NotAllowed,
    Received,
    Rejected,
    Reply,
    #[serde(rename = "Restricted Number")]
    RestrictedNumber,
    Sent,
    #[serde(rename = "Sent to Voicemail")]
    SentToVoicemail,
    Stopped,
    Voicemail,
    #[serde(rename = "Wrong Number")]
    WrongNumber,
    #[serde(other)]
    Unknown,
}

/// `CallLegTypeEnum`, the subset a PBX produces plus `Unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallLegType {
    SipForwarding,
    PstnToSip,
    Accept,
    FindMe,
    FollowMe,
    TransferCall,
    ExtensionToExtension,
    CallPark,
    Hunting,
    RingDirectly,
    ParkLocation,
    ConferenceCall,
    #[serde(other)]
    Unknown,
}

/// `from` / `to` of a call log record or leg.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallLogParty {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One leg of a call (`CallLogRecordLegInfo`), shown in the Detailed view.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallLogLeg {
    pub start_time: Timestamp,
    /// Whole seconds.
    #[serde(default)]
    pub duration: u32,
    #[serde(rename = "type", default)]
    pub call_type: CallType,
    pub direction: Direction,
    pub action: CallAction,
    pub result: CallResult,
    #[serde(default)]
    pub from: CallLogParty,
    #[serde(default)]
    pub to: CallLogParty,
    pub leg_type: CallLegType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<CallTransport>,
    /// The leg the record's summary is taken from.
    #[serde(default)]
    pub master: bool,
}

/// A call log record (`CallLogRecord`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallLogRecord {
    /// RingCentral call log ids are strings.
    pub id: String,
    pub session_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub telephony_session_id: Option<String>,
    pub start_time: Timestamp,
    /// Whole seconds.
    #[serde(default)]
    pub duration: u32,
    #[serde(rename = "type", default)]
    pub call_type: CallType,
    pub direction: Direction,
    pub action: CallAction,
    pub result: CallResult,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default)]
    pub from: CallLogParty,
    #[serde(default)]
    pub to: CallLogParty,
    /// The extension whose log this record belongs to; `None` for calls
    /// that only touched company rules (an IVR hang-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<CallTransport>,
    /// The voicemail this call left (`message{id,type}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<IdRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legs: Vec<CallLogLeg>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_use_ringcentral_spelling() {
        let text = serde_json::to_string(&[CallResult::HangUp, CallResult::CallConnected]);
        assert_eq!(text.unwrap(), r#"["Hang Up","Call connected"]"#);
        let odd: CallResult = serde_json::from_str(r#""Fax Poor Line""#).unwrap();
        assert_eq!(odd, CallResult::Unknown);
        let action: CallAction = serde_json::from_str(r#""Phone Call""#).unwrap();
        assert_eq!(action, CallAction::PhoneCall);
    }
}
