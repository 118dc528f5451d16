//! Answering rules: an extension's call handling rules
//! (`CallHandlingRuleInfo`) and the company's (`CompanyAnsweringRuleInfo`).

use serde::{Deserialize, Serialize};

use super::common::{ExtensionRef, IdRef};
use super::forwarding::ForwardingNumberType;
use super::greeting::GreetingType;
use super::schedule::Schedule;

/// The id of the built-in rule that applies during business hours.
pub const BUSINESS_HOURS_RULE_ID: &str = "business-hours-rule";
/// The id of the built-in rule that applies outside business hours.
pub const AFTER_HOURS_RULE_ID: &str = "after-hours-rule";

/// `RuleTypeInfo`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RuleType {
    BusinessHours,
    AfterHours,
    Custom,
}

/// `callHandlingAction` of an extension rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallHandlingAction {
    /// Ring the extension's devices, then its forwarding numbers.
    ForwardCalls,
    /// Send every call to one external number.
    UnconditionalForwarding,
    /// Call queue distribution; not routed by this server yet.
    AgentQueue,
    TransferToExtension,
    /// Straight to voicemail.
    TakeMessagesOnly,
    /// Play a greeting and hang up.
    PlayAnnouncementOnly,
    SharedLines,
}

/// `callHandlingAction` of a company rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CompanyCallHandlingAction {
    /// Send the call to `extension` (usually an IVR menu or the operator).
    Operator,
    Disconnect,
    /// Skip the auto-attendant: the called number's owner takes the call.
    Bypass,
}

/// `ringingMode` of forwarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum RingingMode {
    #[default]
    Sequentially,
    Simultaneously,
}

/// `calledNumbers[]`: the rule applies when one of these numbers was dialled.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CalledNumber {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    pub phone_number: String,
}

/// `callers[]`: the rule applies to calls from one of these caller ids.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CallerInfo {
    pub caller_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// One number inside a forwarding step (`forwardingNumbers[]`).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardingRuleNumber {
    /// The forwarding number's id; the store resolves the rest from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub number_type: Option<ForwardingNumberType>,
}

/// `rules[]` of forwarding: one step of the ring sequence.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardingRule {
    /// 1-based order of this step.
    pub index: u32,
    /// How many rings (of about 5 seconds each) this step lasts.
    pub ring_count: u32,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default)]
    pub forwarding_numbers: Vec<ForwardingRuleNumber>,
}

/// `forwarding` of a `ForwardCalls` rule.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ForwardingInfo {
    #[serde(default)]
    pub notify_my_soft_phones: bool,
    #[serde(default)]
    pub notify_admin_soft_phones: bool,
    /// Rings on the extension's own devices before the first step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub soft_phones_ring_count: Option<u32>,
    #[serde(default)]
    pub ringing_mode: RingingMode,
    #[serde(default)]
    pub rules: Vec<ForwardingRule>,
}

/// `unconditionalForwarding`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UnconditionalForwarding {
    pub phone_number: String,
}

/// `transfer`: the extension calls go to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransferInfo {
    pub extension: ExtensionRef,
}

/// `voicemail` (`VoicemailInfo`): whether unanswered calls go to voicemail,
/// and whose mailbox receives the message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VoicemailInfo {
    pub enabled: bool,
    /// `None` means the rule's own extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recipient: Option<ExtensionRef>,
}

/// The voicemail settings of a rule; RingCentral keeps no separate object.
pub type VoicemailSettings = VoicemailInfo;

/// `greetings[]`: which greeting to play for one purpose, a preset or a
/// custom recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GreetingInfo {
    #[serde(rename = "type")]
    pub greeting_type: GreetingType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<IdRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<IdRef>,
}

/// An extension's call handling rule (`CallHandlingRuleInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AnsweringRule {
    /// `business-hours-rule`, `after-hours-rule` or a number for custom rules.
    pub id: String,
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub called_numbers: Vec<CalledNumber>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callers: Vec<CallerInfo>,
    pub call_handling_action: CallHandlingAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forwarding: Option<ForwardingInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unconditional_forwarding: Option<UnconditionalForwarding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<TransferInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voicemail: Option<VoicemailInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub greetings: Vec<GreetingInfo>,
}

/// The company's answering rule (`CompanyAnsweringRuleInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanyAnsweringRule {
    /// `business-hours-rule`, `after-hours-rule` or a number for custom rules.
    pub id: String,
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default = "yes")]
    pub enabled: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub called_numbers: Vec<CalledNumber>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub callers: Vec<CallerInfo>,
    pub call_handling_action: CompanyCallHandlingAction,
    /// The target of `Operator`, e.g. the IVR menu extension.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub greetings: Vec<GreetingInfo>,
}

fn yes() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_rule_parses_ringcentral_json() {
        let json = r#"{
            "id": "business-hours-rule", "type": "BusinessHours", "enabled": true,
            "callHandlingAction": "ForwardCalls",
            "schedule": {"ref": "BusinessHours"},
            "forwarding": {"ringingMode": "Sequentially", "softPhonesRingCount": 4,
                "rules": [{"index": 1, "ringCount": 3, "enabled": true,
                    "forwardingNumbers": [{"id": "11", "phoneNumber": "+15550100",
                        "label": "Mobile", "type": "Mobile"}]}]},
            "voicemail": {"enabled": true, "recipient": {"id": "101"}}
        }"#;
        let rule: AnsweringRule = serde_json::from_str(json).unwrap();
        assert_eq!(rule.id, BUSINESS_HOURS_RULE_ID);
        assert_eq!(rule.call_handling_action, CallHandlingAction::ForwardCalls);
        let forwarding = rule.forwarding.as_ref().unwrap();
        assert_eq!(forwarding.rules[0].forwarding_numbers.len(), 1);
        assert_eq!(
            rule.voicemail
                .as_ref()
                .unwrap()
                .recipient
                .as_ref()
                .unwrap()
                .id,
            101
        );
        let again: AnsweringRule =
            serde_json::from_str(&serde_json::to_string(&rule).unwrap()).unwrap();
        assert_eq!(again, rule);
    }

    #[test]
    fn company_rule_targets_an_extension() {
        let json = r#"{"id":"after-hours-rule","type":"AfterHours","enabled":true,
            "callHandlingAction":"Operator","extension":{"id":"2001"}}"#;
        let rule: CompanyAnsweringRule = serde_json::from_str(json).unwrap();
        assert_eq!(rule.extension.unwrap().id, 2001);
    }
}
