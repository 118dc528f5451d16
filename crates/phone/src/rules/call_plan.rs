//! The call plan of an extension: the ordered steps (ring devices, ring
//! forwarding numbers, voicemail, ...) that its selected answering rule
//! produces, as plain data the call-control layer executes.
//!
//! Call control runs the steps in order. A ring step ends when someone
//! answers (the plan is then finished) or when its time runs out (the next
//! step starts). Every other step is terminal: the call leaves the plan.
//!
//! Choices made here:
//! - A ring lasts [`PlanSettings::ring_duration`], 5 seconds by default,
//!   as on RingCentral, where ring counts are how long each step rings.
//! - The extension's online devices ring together first, for
//!   `softPhonesRingCount` rings (4 when unset). Forwarding numbers of type
//!   `PhoneLine` and `ExtensionApps` are those same devices, so they are
//!   not dialled again through a trunk.
//! - `Sequentially`: each enabled forwarding rule, by `index`, rings its
//!   numbers for its own `ringCount`. `Simultaneously`: every number of
//!   every enabled rule rings at once, for the longest `ringCount`.
//! - After the rings: voicemail with the rule's `Voicemail` greeting, or a
//!   disconnect when the rule turned voicemail off. No `voicemail` object
//!   means RingCentral's default, voicemail on.
//! - Do not disturb `DoNotAcceptAnyCalls`, and `TakeDepartmentCallsOnly`
//!   for a direct call, skip every ring and go to the end of the plan. For
//!   a department call, `DoNotAcceptAnyCalls` and
//!   `DoNotAcceptDepartmentCalls` give an empty plan: the member takes no
//!   part and the department moves on.

use std::time::Duration;

use crate::model::{
    AnsweringRule, CallHandlingAction, CompanyAnsweringRule, CompanyCallHandlingAction, Device,
    DeviceStatus, DndStatus, Extension, ExtensionId, ExtensionRef, ForwardingInfo,
    ForwardingNumber, ForwardingNumberType, ForwardingRule, ForwardingRuleNumber, GreetingInfo,
    GreetingType, RingingMode,
};

/// Tunables of plan building, with RingCentral-like defaults.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanSettings {
    /// The length of one ring.
    pub ring_duration: Duration,
    /// Rings on the extension's devices when `softPhonesRingCount` is unset.
    pub default_device_rings: u32,
}

impl Default for PlanSettings {
    fn default() -> Self {
        Self {
            ring_duration: Duration::from_secs(5),
            default_device_rings: 4,
        }
    }
}

/// Which audio to play for a greeting slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GreetingChoice {
    /// A greeting recorded or uploaded by the user (`custom{id}`).
    Custom(String),
    /// One of the dictionary's greetings (`preset{id}`).
    Preset(String),
    /// Nothing configured: the system's default for this type.
    Default(GreetingType),
}

/// One step of a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanStep {
    /// Play a greeting to the caller, then go on.
    PlayGreeting(GreetingChoice),
    /// Ring these devices together for `ring_for`.
    RingDevices {
        device_ids: Vec<String>,
        ring_for: Duration,
    },
    /// Dial these outside numbers through a trunk together for `ring_for`.
    RingNumbers {
        phone_numbers: Vec<String>,
        ring_for: Duration,
    },
    /// Terminal: hand the call to an outside number, however long it rings.
    ForwardTo { phone_number: String },
    /// Terminal: hand the call to another extension, which plans again.
    TransferToExtension { extension_id: ExtensionId },
    /// Terminal: play the greeting and record a message in `mailbox`.
    Voicemail {
        mailbox: ExtensionId,
        greeting: GreetingChoice,
    },
    /// Terminal: play the announcement, then hang up.
    PlayAnnouncement(GreetingChoice),
    /// Terminal: hang up.
    Disconnect,
}

/// The ordered steps for one call to one extension. Empty means the
/// extension takes no part in the call (see the module notes).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CallPlan {
    pub steps: Vec<PlanStep>,
}

/// What the plan is built from: the extension, its selected rule and the
/// live state call control knows.
#[derive(Debug, Clone, Copy)]
pub struct PlanInput<'a> {
    pub extension: &'a Extension,
    pub rule: &'a AnsweringRule,
    /// The extension's devices; only those online are rung.
    pub devices: &'a [Device],
    /// The extension's forwarding numbers, to resolve rule entries that
    /// carry only an id.
    pub forwarding_numbers: &'a [ForwardingNumber],
    /// The extension's do-not-disturb status.
    pub dnd: DndStatus,
    /// Whether the call reached the extension through a department.
    pub department_call: bool,
}

/// A rule that cannot produce a plan.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("rule {rule_id}: UnconditionalForwarding without a phone number")]
    MissingForwardingNumber { rule_id: String },
    #[error("rule {rule_id}: TransferToExtension without an extension")]
    MissingTransferTarget { rule_id: String },
    #[error("rule {rule_id}: call handling action {action:?} is not routed yet")]
    Unsupported {
        rule_id: String,
        action: CallHandlingAction,
    },
}

/// Builds the plan for a call to `input.extension` under `input.rule`.
pub fn plan_extension_call(
    input: &PlanInput<'_>,
    settings: &PlanSettings,
) -> Result<CallPlan, PlanError> {
    if refuses_department_call(input) {
        return Ok(CallPlan::default());
    }
    let rule = input.rule;
    let steps = match rule.call_handling_action {
        CallHandlingAction::ForwardCalls => forward_calls(input, settings),
        CallHandlingAction::UnconditionalForwarding => vec![unconditional(rule)?],
        CallHandlingAction::TransferToExtension => vec![transfer(rule)?],
        CallHandlingAction::TakeMessagesOnly => vec![voicemail_step(input)],
        CallHandlingAction::PlayAnnouncementOnly => announcement(rule),
        action @ (CallHandlingAction::AgentQueue | CallHandlingAction::SharedLines) => {
            return Err(PlanError::Unsupported {
                rule_id: rule.id.clone(),
                action,
            });
        }
    };
    Ok(CallPlan { steps })
}

/// The steps for a call to a company number under the company rule
/// `rule`: `Operator` plays the company greeting and hands the call to the
/// rule's extension (the auto-attendant, usually), or to the account's
/// operator when the rule names none; `Bypass` hands it over without the
/// greeting; `Disconnect` plays the greeting and hangs up. With no
/// extension to hand over to, the call is disconnected after the greeting.
pub fn plan_company_call(rule: &CompanyAnsweringRule, operator: Option<&ExtensionRef>) -> CallPlan {
    let greeting = PlanStep::PlayGreeting(greeting_for(&rule.greetings, GreetingType::Company));
    let target = rule.extension.as_ref().or(operator).map(|e| e.id);
    let hand_over = |id| PlanStep::TransferToExtension { extension_id: id };

    let steps = match (rule.call_handling_action, target) {
        (CompanyCallHandlingAction::Operator, Some(id)) => vec![greeting, hand_over(id)],
        (CompanyCallHandlingAction::Bypass, Some(id)) => vec![hand_over(id)],
        (CompanyCallHandlingAction::Disconnect, _) => vec![greeting, PlanStep::Disconnect],
        (_, None) => {
            tracing::warn!(rule_id = %rule.id, "company rule without a target extension");
            vec![greeting, PlanStep::Disconnect]
        }
    };
    CallPlan { steps }
}

/// The greeting a rule sets for one type, or the system default.
pub fn greeting_for(greetings: &[GreetingInfo], greeting_type: GreetingType) -> GreetingChoice {
    let Some(info) = greetings.iter().find(|g| g.greeting_type == greeting_type) else {
        return GreetingChoice::Default(greeting_type);
    };
    match (&info.custom, &info.preset) {
        (Some(custom), _) => GreetingChoice::Custom(custom.id.clone()),
        (None, Some(preset)) => GreetingChoice::Preset(preset.id.clone()),
        (None, None) => GreetingChoice::Default(greeting_type),
    }
}

fn refuses_department_call(input: &PlanInput<'_>) -> bool {
    input.department_call
        && matches!(
            input.dnd,
            DndStatus::DoNotAcceptAnyCalls | DndStatus::DoNotAcceptDepartmentCalls
        )
}

/// Whether do-not-disturb sends a direct call straight past the rings.
fn skips_rings(input: &PlanInput<'_>) -> bool {
    match input.dnd {
        DndStatus::DoNotAcceptAnyCalls => true,
        DndStatus::TakeDepartmentCallsOnly => !input.department_call,
        _ => false,
    }
}

fn forward_calls(input: &PlanInput<'_>, settings: &PlanSettings) -> Vec<PlanStep> {
    let mut steps = Vec::new();
    if let Some(intro) = custom_only(&input.rule.greetings, GreetingType::Introductory) {
        steps.push(PlanStep::PlayGreeting(intro));
    }
    if !skips_rings(input) {
        let unset = ForwardingInfo::default();
        let forwarding = input.rule.forwarding.as_ref().unwrap_or(&unset);
        steps.extend(ring_devices(input.devices, forwarding, settings));
        steps.extend(ring_numbers(forwarding, input.forwarding_numbers, settings));
    }
    steps.push(after_rings(input));
    steps
}

/// Introductory greetings play only when the user set one; the system has
/// no default introduction.
fn custom_only(greetings: &[GreetingInfo], greeting_type: GreetingType) -> Option<GreetingChoice> {
    match greeting_for(greetings, greeting_type) {
        GreetingChoice::Default(_) => None,
        chosen => Some(chosen),
    }
}

fn ring_devices(
    devices: &[Device],
    forwarding: &ForwardingInfo,
    settings: &PlanSettings,
) -> Option<PlanStep> {
    let device_ids: Vec<String> = devices
        .iter()
        .filter(|d| d.status == DeviceStatus::Online)
        .map(|d| d.id.clone())
        .collect();
    if device_ids.is_empty() {
        return None;
    }
    let rings = forwarding
        .soft_phones_ring_count
        .unwrap_or(settings.default_device_rings);
    Some(PlanStep::RingDevices {
        device_ids,
        ring_for: rings_to_time(rings, settings),
    })
}

fn ring_numbers(
    forwarding: &ForwardingInfo,
    known: &[ForwardingNumber],
    settings: &PlanSettings,
) -> Vec<PlanStep> {
    let mut rules: Vec<&ForwardingRule> = forwarding.rules.iter().filter(|r| r.enabled).collect();
    rules.sort_by_key(|r| r.index);
    let groups: Vec<(Vec<String>, u32)> = rules
        .iter()
        .map(|r| (outside_numbers(&r.forwarding_numbers, known), r.ring_count))
        .filter(|(numbers, _)| !numbers.is_empty())
        .collect();

    match forwarding.ringing_mode {
        RingingMode::Sequentially => groups
            .into_iter()
            .map(|(n, rings)| ring_step(n, rings, settings))
            .collect(),
        RingingMode::Simultaneously => all_at_once(groups, settings).into_iter().collect(),
    }
}

fn all_at_once(groups: Vec<(Vec<String>, u32)>, settings: &PlanSettings) -> Option<PlanStep> {
    let longest = groups.iter().map(|(_, rings)| *rings).max()?;
    let mut numbers: Vec<String> = Vec::new();
    for number in groups.into_iter().flat_map(|(n, _)| n) {
        if !numbers.contains(&number) {
            numbers.push(number);
        }
    }
    Some(ring_step(numbers, longest, settings))
}

fn ring_step(phone_numbers: Vec<String>, rings: u32, settings: &PlanSettings) -> PlanStep {
    PlanStep::RingNumbers {
        phone_numbers,
        ring_for: rings_to_time(rings, settings),
    }
}

/// The numbers to dial through a trunk: entries that are the extension's
/// own devices are skipped, and entries with only an id are resolved.
fn outside_numbers(entries: &[ForwardingRuleNumber], known: &[ForwardingNumber]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|e| outside_number(e, known))
        .collect()
}

fn outside_number(entry: &ForwardingRuleNumber, known: &[ForwardingNumber]) -> Option<String> {
    let resolved = entry
        .id
        .as_ref()
        .and_then(|id| known.iter().find(|k| &k.id == id));
    let number_type = entry.number_type.or(resolved.map(|k| k.number_type));
    if matches!(
        number_type,
        Some(ForwardingNumberType::PhoneLine | ForwardingNumberType::ExtensionApps)
    ) {
        return None;
    }
    let number = entry
        .phone_number
        .clone()
        .or_else(|| resolved.map(|k| k.phone_number.clone()));
    if number.is_none() {
        tracing::warn!(
            forwarding_number_id = ?entry.id,
            "forwarding number without a phone number skipped"
        );
    }
    number
}

fn rings_to_time(rings: u32, settings: &PlanSettings) -> Duration {
    settings.ring_duration.saturating_mul(rings)
}

/// The last step of a `ForwardCalls` plan.
fn after_rings(input: &PlanInput<'_>) -> PlanStep {
    let voicemail_on = input.rule.voicemail.as_ref().is_none_or(|v| v.enabled);
    if voicemail_on {
        voicemail_step(input)
    } else {
        PlanStep::Disconnect
    }
}

fn voicemail_step(input: &PlanInput<'_>) -> PlanStep {
    let recipient = input
        .rule
        .voicemail
        .as_ref()
        .and_then(|v| v.recipient.as_ref());
    PlanStep::Voicemail {
        mailbox: recipient.map_or(input.extension.id, |r| r.id),
        greeting: greeting_for(&input.rule.greetings, GreetingType::Voicemail),
    }
}

fn unconditional(rule: &AnsweringRule) -> Result<PlanStep, PlanError> {
    let number = rule
        .unconditional_forwarding
        .as_ref()
        .map(|u| u.phone_number.trim());
    match number {
        Some(n) if !n.is_empty() => Ok(PlanStep::ForwardTo {
            phone_number: n.to_owned(),
        }),
        _ => Err(PlanError::MissingForwardingNumber {
            rule_id: rule.id.clone(),
        }),
    }
}

fn transfer(rule: &AnsweringRule) -> Result<PlanStep, PlanError> {
    match &rule.transfer {
        Some(t) => Ok(PlanStep::TransferToExtension {
            extension_id: t.extension.id,
        }),
        None => Err(PlanError::MissingTransferTarget {
            rule_id: rule.id.clone(),
        }),
    }
}

fn announcement(rule: &AnsweringRule) -> Vec<PlanStep> {
    let greeting = greeting_for(&rule.greetings, GreetingType::Announcement);
    vec![PlanStep::PlayAnnouncement(greeting), PlanStep::Disconnect]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{
        BUSINESS_HOURS_RULE_ID, DeviceType, IdRef, RuleType, SipCredentials, TransferInfo,
        UnconditionalForwarding, VoicemailInfo,
    };
    use crate::rules::test_support::user;

    fn device(id: &str, status: DeviceStatus) -> Device {
        Device {
            id: id.to_owned(),
            name: id.to_owned(),
            device_type: DeviceType::HardPhone,
            extension: None,
            status,
            sip_info: SipCredentials::default(),
        }
    }

    fn number(phone: &str, number_type: ForwardingNumberType) -> ForwardingRuleNumber {
        ForwardingRuleNumber {
            id: None,
            phone_number: Some(phone.to_owned()),
            label: None,
            number_type: Some(number_type),
        }
    }

    fn step(index: u32, ring_count: u32, numbers: Vec<ForwardingRuleNumber>) -> ForwardingRule {
        ForwardingRule {
            index,
            ring_count,
            enabled: true,
            forwarding_numbers: numbers,
        }
    }

    fn rule(action: CallHandlingAction) -> AnsweringRule {
        AnsweringRule {
            id: BUSINESS_HOURS_RULE_ID.to_owned(),
            rule_type: RuleType::BusinessHours,
            name: None,
            enabled: true,
            schedule: None,
            called_numbers: Vec::new(),
            callers: Vec::new(),
            call_handling_action: action,
            forwarding: None,
            unconditional_forwarding: None,
            transfer: None,
            voicemail: None,
            greetings: Vec::new(),
        }
    }

    fn forwarding_rule(mode: RingingMode) -> AnsweringRule {
        let mut r = rule(CallHandlingAction::ForwardCalls);
        r.forwarding = Some(ForwardingInfo {
            soft_phones_ring_count: Some(3),
            ringing_mode: mode,
            rules: vec![
                step(
                    2,
                    4,
                    vec![number("+14155550102", ForwardingNumberType::Home)],
                ),
                step(
                    1,
                    2,
                    vec![number("+14155550101", ForwardingNumberType::Mobile)],
                ),
            ],
            ..ForwardingInfo::default()
        });
        r
    }

    fn plan_for(rule: &AnsweringRule, dnd: DndStatus, department_call: bool) -> Vec<PlanStep> {
        let extension = user(101, "101", "Ann", "Smith");
        let devices = [
            device("d1", DeviceStatus::Online),
            device("d2", DeviceStatus::Offline),
        ];
        let input = PlanInput {
            extension: &extension,
            rule,
            devices: &devices,
            forwarding_numbers: &[],
            dnd,
            department_call,
        };
        plan_extension_call(&input, &PlanSettings::default())
            .unwrap()
            .steps
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn default_voicemail() -> PlanStep {
        PlanStep::Voicemail {
            mailbox: 101,
            greeting: GreetingChoice::Default(GreetingType::Voicemail),
        }
    }

    #[test]
    fn forward_calls_rings_online_devices_then_numbers_in_index_order_then_voicemail() {
        let steps = plan_for(
            &forwarding_rule(RingingMode::Sequentially),
            DndStatus::TakeAllCalls,
            false,
        );

        assert_eq!(
            steps,
            [
                PlanStep::RingDevices {
                    device_ids: vec!["d1".into()],
                    ring_for: secs(15)
                },
                PlanStep::RingNumbers {
                    phone_numbers: vec!["+14155550101".into()],
                    ring_for: secs(10)
                },
                PlanStep::RingNumbers {
                    phone_numbers: vec!["+14155550102".into()],
                    ring_for: secs(20)
                },
                default_voicemail(),
            ]
        );
    }

    #[test]
    fn simultaneous_forwarding_rings_every_number_for_the_longest_ring_count() {
        let steps = plan_for(
            &forwarding_rule(RingingMode::Simultaneously),
            DndStatus::TakeAllCalls,
            false,
        );

        assert_eq!(
            steps[1],
            PlanStep::RingNumbers {
                phone_numbers: vec!["+14155550101".into(), "+14155550102".into()],
                ring_for: secs(20),
            }
        );
        assert_eq!(steps.len(), 3);
    }

    #[test]
    fn disabled_forwarding_steps_and_device_entries_are_not_dialled() {
        let mut r = forwarding_rule(RingingMode::Sequentially);
        let forwarding = r.forwarding.as_mut().unwrap();
        forwarding.rules[0].enabled = false;
        forwarding.rules[1]
            .forwarding_numbers
            .push(number("+14155550109", ForwardingNumberType::PhoneLine));

        let steps = plan_for(&r, DndStatus::TakeAllCalls, false);

        assert_eq!(
            steps[1],
            PlanStep::RingNumbers {
                phone_numbers: vec!["+14155550101".into()],
                ring_for: secs(10)
            }
        );
        assert_eq!(steps.len(), 3);
    }

    #[test]
    fn forwarding_entries_with_only_an_id_are_resolved_from_the_extension_numbers() {
        let mut r = rule(CallHandlingAction::ForwardCalls);
        let by_id = ForwardingRuleNumber {
            id: Some("11".into()),
            ..ForwardingRuleNumber::default()
        };
        r.forwarding = Some(ForwardingInfo {
            rules: vec![step(1, 1, vec![by_id])],
            ..ForwardingInfo::default()
        });
        let known = [ForwardingNumber {
            id: "11".into(),
            phone_number: "+14155550111".into(),
            label: None,
            number_type: ForwardingNumberType::Mobile,
        }];
        let extension = user(101, "101", "Ann", "Smith");
        let input = PlanInput {
            extension: &extension,
            rule: &r,
            devices: &[],
            forwarding_numbers: &known,
            dnd: DndStatus::TakeAllCalls,
            department_call: false,
        };

        let steps = plan_extension_call(&input, &PlanSettings::default())
            .unwrap()
            .steps;

        assert_eq!(
            steps[0],
            PlanStep::RingNumbers {
                phone_numbers: vec!["+14155550111".into()],
                ring_for: secs(5)
            }
        );
    }

    #[test]
    fn unset_soft_phone_ring_count_rings_devices_for_four_rings() {
        let steps = plan_for(
            &rule(CallHandlingAction::ForwardCalls),
            DndStatus::TakeAllCalls,
            false,
        );

        assert_eq!(
            steps,
            [
                PlanStep::RingDevices {
                    device_ids: vec!["d1".into()],
                    ring_for: secs(20)
                },
                default_voicemail()
            ]
        );
    }

    #[test]
    fn do_not_accept_any_calls_goes_straight_to_voicemail() {
        let steps = plan_for(
            &forwarding_rule(RingingMode::Sequentially),
            DndStatus::DoNotAcceptAnyCalls,
            false,
        );

        assert_eq!(steps, [default_voicemail()]);
    }

    #[test]
    fn take_department_calls_only_sends_direct_calls_to_voicemail() {
        let r = forwarding_rule(RingingMode::Sequentially);

        assert_eq!(
            plan_for(&r, DndStatus::TakeDepartmentCallsOnly, false),
            [default_voicemail()]
        );
        assert_eq!(
            plan_for(&r, DndStatus::TakeDepartmentCallsOnly, true).len(),
            4
        );
    }

    #[test]
    fn a_member_refusing_department_calls_takes_no_part() {
        let r = forwarding_rule(RingingMode::Sequentially);

        assert!(plan_for(&r, DndStatus::DoNotAcceptDepartmentCalls, true).is_empty());
        assert_eq!(
            plan_for(&r, DndStatus::DoNotAcceptDepartmentCalls, false).len(),
            4
        );
    }

    #[test]
    fn voicemail_turned_off_ends_in_a_disconnect() {
        let mut r = rule(CallHandlingAction::ForwardCalls);
        r.voicemail = Some(VoicemailInfo {
            enabled: false,
            recipient: None,
        });

        assert_eq!(
            plan_for(&r, DndStatus::TakeAllCalls, false).last(),
            Some(&PlanStep::Disconnect)
        );
    }

    #[test]
    fn voicemail_goes_to_the_recipient_with_the_custom_greeting() {
        let mut r = rule(CallHandlingAction::TakeMessagesOnly);
        r.voicemail = Some(VoicemailInfo {
            enabled: true,
            recipient: Some(ExtensionRef::new(205)),
        });
        r.greetings.push(GreetingInfo {
            greeting_type: GreetingType::Voicemail,
            preset: Some(IdRef::new("65536")),
            custom: Some(IdRef::new("g-7")),
        });

        assert_eq!(
            plan_for(&r, DndStatus::TakeAllCalls, false),
            [PlanStep::Voicemail {
                mailbox: 205,
                greeting: GreetingChoice::Custom("g-7".into())
            }]
        );
    }

    #[test]
    fn a_custom_introductory_greeting_plays_before_the_rings() {
        let mut r = rule(CallHandlingAction::ForwardCalls);
        r.greetings.push(GreetingInfo {
            greeting_type: GreetingType::Introductory,
            preset: None,
            custom: Some(IdRef::new("intro")),
        });

        let steps = plan_for(&r, DndStatus::TakeAllCalls, false);

        assert_eq!(
            steps[0],
            PlanStep::PlayGreeting(GreetingChoice::Custom("intro".into()))
        );
    }

    #[test]
    fn unconditional_forwarding_hands_the_call_to_the_number() {
        let mut r = rule(CallHandlingAction::UnconditionalForwarding);
        r.unconditional_forwarding = Some(UnconditionalForwarding {
            phone_number: "+14155550100".into(),
        });

        assert_eq!(
            plan_for(&r, DndStatus::TakeAllCalls, false),
            [PlanStep::ForwardTo {
                phone_number: "+14155550100".into()
            }]
        );
    }

    #[test]
    fn transfer_to_extension_hands_the_call_over() {
        let mut r = rule(CallHandlingAction::TransferToExtension);
        r.transfer = Some(TransferInfo {
            extension: ExtensionRef::new(300),
        });

        assert_eq!(
            plan_for(&r, DndStatus::TakeAllCalls, false),
            [PlanStep::TransferToExtension { extension_id: 300 }]
        );
    }

    #[test]
    fn play_announcement_only_plays_then_hangs_up() {
        let r = rule(CallHandlingAction::PlayAnnouncementOnly);

        assert_eq!(
            plan_for(&r, DndStatus::TakeAllCalls, false),
            [
                PlanStep::PlayAnnouncement(GreetingChoice::Default(GreetingType::Announcement)),
                PlanStep::Disconnect
            ]
        );
    }

    fn company(action: CompanyCallHandlingAction, target: Option<i64>) -> CompanyAnsweringRule {
        CompanyAnsweringRule {
            id: BUSINESS_HOURS_RULE_ID.to_owned(),
            rule_type: RuleType::BusinessHours,
            name: None,
            enabled: true,
            schedule: None,
            called_numbers: Vec::new(),
            callers: Vec::new(),
            call_handling_action: action,
            extension: target.map(ExtensionRef::new),
            greetings: Vec::new(),
        }
    }

    fn company_greeting() -> PlanStep {
        PlanStep::PlayGreeting(GreetingChoice::Default(GreetingType::Company))
    }

    #[test]
    fn the_company_operator_rule_greets_then_hands_the_call_to_the_ivr_menu() {
        let plan = plan_company_call(
            &company(CompanyCallHandlingAction::Operator, Some(3001)),
            None,
        );

        assert_eq!(
            plan.steps,
            [
                company_greeting(),
                PlanStep::TransferToExtension { extension_id: 3001 }
            ]
        );
    }

    #[test]
    fn the_company_operator_rule_without_a_target_uses_the_account_operator() {
        let operator = ExtensionRef::new(100);

        let plan = plan_company_call(
            &company(CompanyCallHandlingAction::Operator, None),
            Some(&operator),
        );

        assert_eq!(
            plan.steps[1],
            PlanStep::TransferToExtension { extension_id: 100 }
        );
    }

    #[test]
    fn the_company_bypass_rule_skips_the_greeting() {
        let plan = plan_company_call(&company(CompanyCallHandlingAction::Bypass, Some(101)), None);

        assert_eq!(
            plan.steps,
            [PlanStep::TransferToExtension { extension_id: 101 }]
        );
    }

    #[test]
    fn the_company_disconnect_rule_and_a_rule_without_target_greet_then_hang_up() {
        let expected = [company_greeting(), PlanStep::Disconnect];

        assert_eq!(
            plan_company_call(
                &company(CompanyCallHandlingAction::Disconnect, Some(1)),
                None
            )
            .steps,
            expected
        );
        assert_eq!(
            plan_company_call(&company(CompanyCallHandlingAction::Operator, None), None).steps,
            expected
        );
    }

    #[test]
    fn incomplete_or_unsupported_rules_are_errors_not_panics() {
        let extension = user(101, "101", "Ann", "Smith");
        let plan = |r: &AnsweringRule| {
            let input = PlanInput {
                extension: &extension,
                rule: r,
                devices: &[],
                forwarding_numbers: &[],
                dnd: DndStatus::TakeAllCalls,
                department_call: false,
            };
            plan_extension_call(&input, &PlanSettings::default())
        };

        assert!(matches!(
            plan(&rule(CallHandlingAction::UnconditionalForwarding)),
            Err(PlanError::MissingForwardingNumber { .. })
        ));
        assert!(matches!(
            plan(&rule(CallHandlingAction::TransferToExtension)),
            Err(PlanError::MissingTransferTarget { .. })
        ));
        assert!(matches!(
            plan(&rule(CallHandlingAction::AgentQueue)),
            Err(PlanError::Unsupported { .. })
        ));
    }
}
