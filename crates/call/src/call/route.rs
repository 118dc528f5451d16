//! Routing: the called number to its account, the company answering rule,
//! and the extension's own plan, carried out step by step. Every decision
//! is a `switchboard_phone::rules` function; this module only executes.

use std::path::PathBuf;

use switchboard_media::{PlayEnd, PlayOptions, Prompt};
use switchboard_phone::model::{
    Account, CallTransport, Device, DeviceStatus, Direction, Extension, ExtensionId, ExtensionType,
    PhoneNumber, UsageType,
};
use switchboard_phone::rules::answering::{
    IncomingCall, RuleContext, effective_business_hours, effective_time_zone, select_company_rule,
    select_extension_rule,
};
use switchboard_phone::rules::call_plan::{
    CallPlan, GreetingChoice, PlanInput, PlanStep, plan_company_call, plan_extension_call,
};
use switchboard_phone::rules::call_result::CallEnding;
use switchboard_phone::rules::number::e164_digits;
use switchboard_phone::rules::toll_fraud::{TollDecision, classify, decide};
use tracing::{debug, info, warn};

use super::ring::RingOutcome;
use super::signals::Signal;
use super::{Call, Origin, Stage, Step, Stop};
use crate::error::CallError;
use crate::registry::CallState;

/// Most hand-overs (menu to extension to transfer ...) one call may take,
/// so a loop in the configuration cannot hold a call forever.
const MAX_HOPS: usize = 8;

/// Where the call goes next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Next {
    /// To an extension (an IVR menu, or one that plans its own steps).
    Extension(ExtensionId),
    /// Straight to a mailbox.
    Voicemail(ExtensionId),
    /// Out through a trunk.
    Number(String),
    /// To the account's operator.
    Operator,
    /// The call is over.
    Done(CallEnding),
}

impl Call {
    /// The whole flow, by where the call came from.
    pub(super) async fn route(&mut self) -> Step<CallEnding> {
        match self.origin {
            Origin::Trunk => self.route_inbound().await,
            Origin::Device(extension) => self.route_from_device(extension).await,
        }
    }

    /// A trunk call: number, company rule, then hand-overs.
    async fn route_inbound(&mut self) -> Step<CallEnding> {
        let Some(number) = self.called_number().await? else {
            info!(to = %self.facts.to_number, "called number unknown");
            return Ok(CallEnding::Rejected);
        };
        let account = self.account_of(&number).await?;
        self.facts.account = Some(account.id);
        let next = match (&number.extension, number.usage_type) {
            (Some(owner), UsageType::DirectNumber) => Next::Extension(owner.id),
            _ => self.company(&account).await?,
        };
        self.follow(&account, next).await
    }

    /// A device's call: to another extension by its number, else out
    /// through a trunk.
    async fn route_from_device(&mut self, extension: ExtensionId) -> Step<CallEnding> {
        let store = &self.shared.store;
        let account = store
            .get_account(store.extension_account(extension).await?)
            .await?;
        let caller = store.get_extension(account.id, extension).await?;
        self.facts.account = Some(account.id);
        self.facts.from_name = Some(caller.name.clone());
        self.facts.caller_extension = Some(caller.clone());
        self.stage = Stage::Ringing;
        let dialed = self.facts.to_number.clone();
        if let Some(callee) = store.get_extension_by_number(account.id, &dialed).await? {
            info!(callee = callee.id, "extension to extension");
            self.facts.transport = CallTransport::VoIP;
            self.facts.from_number = caller.extension_number.clone();
            return self.follow(&account, Next::Extension(callee.id)).await;
        }
        self.outbound(&account, &caller).await
    }

    /// Out through the first trunk, if its toll-fraud policy allows the
    /// number, with the extension's caller ID.
    async fn outbound(&mut self, account: &Account, caller: &Extension) -> Step<CallEnding> {
        self.facts.direction = Direction::Outbound;
        self.facts.extension = Some(caller.clone());
        let extensions = self.shared.store.all_extensions(account.id).await?;
        let is_extension = |n: &str| extensions.iter().any(|e| e.extension_number == n);
        let home = &self.shared.config.home_calling_code;
        let class = classify(&self.facts.to_number, home, is_extension);
        let Some(trunk) = self.shared.config.trunks.first() else {
            warn!("no trunk for an outbound call");
            return Ok(CallEnding::Rejected);
        };
        if let TollDecision::Blocked(reason) = decide(&class, &trunk.allowed_destinations) {
            warn!(number = %class.number, ?reason, "outbound call refused by toll-fraud policy");
            return Ok(CallEnding::TollFraudBlocked(reason));
        }
        self.facts.from_number = self.caller_id(account, caller).await?;
        self.facts.to_number = class.number.clone();
        match self.forward_to_number(&class.number).await? {
            Next::Done(ending) => Ok(ending),
            _ => Ok(CallEnding::Failed),
        }
    }

    /// The extension's direct number, else the company's main number.
    async fn caller_id(&self, account: &Account, caller: &Extension) -> Step<String> {
        let numbers = self
            .shared
            .store
            .list_extension_phone_numbers(caller.id)
            .await?;
        let direct = numbers
            .into_iter()
            .find(|n| n.usage_type == UsageType::DirectNumber)
            .map(|n| n.phone_number);
        Ok(direct.unwrap_or_else(|| account.main_number.clone()))
    }

    /// Follows hand-overs until one ends the call.
    async fn follow(&mut self, account: &Account, mut next: Next) -> Step<CallEnding> {
        for _ in 0..MAX_HOPS {
            next = match next {
                Next::Done(ending) => return Ok(ending),
                Next::Extension(id) => self.enter_extension(account, id).await?,
                Next::Voicemail(id) => self.enter_mailbox(account, id).await?,
                Next::Number(n) => self.forward_to_number(&n).await?,
                Next::Operator => match &account.operator {
                    Some(op) => Next::Extension(op.id),
                    None => Next::Done(CallEnding::Rejected),
                },
            };
        }
        warn!("too many hand-overs; routing loop in the configuration?");
        Ok(CallEnding::Failed)
    }

    /// The phone number dialled, as stored (E.164 with `+`).
    async fn called_number(&self) -> Step<Option<PhoneNumber>> {
        let raw = &self.facts.to_number;
        let store = &self.shared.store;
        if let Some(found) = store.find_phone_number(raw).await? {
            return Ok(Some(found));
        }
        let Some(digits) = e164_digits(raw, &self.shared.config.home_calling_code) else {
            return Ok(None);
        };
        Ok(store.find_phone_number(&format!("+{digits}")).await?)
    }

    /// The account owning a number: its extension's, else (a company
    /// number) the first account, since a number row names no account.
    async fn account_of(&self, number: &PhoneNumber) -> Step<Account> {
        let store = &self.shared.store;
        let id = match &number.extension {
            Some(owner) => store.extension_account(owner.id).await?,
            None => store.default_account().await?.id,
        };
        Ok(store.get_account(id).await?)
    }

    /// The company answering rule for this moment and its plan.
    async fn company(&mut self, account: &Account) -> Step<Next> {
        let store = &self.shared.store;
        let rules = store.list_company_answering_rules(account.id).await?;
        let hours = store.get_account_business_hours(account.id).await?;
        let zone = time_zone(account, None)?;
        let ctx = RuleContext {
            instant: self.shared.clock.now(),
            time_zone: &zone,
            business_hours: &hours.schedule.weekly_ranges,
            home_calling_code: &self.shared.config.home_calling_code,
        };
        let call = IncomingCall {
            called_number: &self.facts.to_number,
            caller_id: Some(&self.facts.from_number),
        };
        let plan = match select_company_rule(&rules, &call, &ctx) {
            Some(chosen) => {
                debug!(rule = %chosen.rule.id, because = ?chosen.because, "company rule");
                plan_company_call(chosen.rule, account.operator.as_ref())
            }
            None => CallPlan {
                steps: vec![PlanStep::Disconnect],
            },
        };
        self.company_steps(account, plan).await
    }

    async fn company_steps(&mut self, account: &Account, plan: CallPlan) -> Step<Next> {
        for step in plan.steps {
            match step {
                PlanStep::PlayGreeting(choice) => {
                    let text = format!("Thank you for calling {}.", account.company_name);
                    self.stage = Stage::Greeting;
                    self.play_greeting(account, &choice, &text).await?;
                }
                PlanStep::TransferToExtension { extension_id } => {
                    return Ok(Next::Extension(extension_id));
                }
                other => {
                    debug!(step = ?other, "company plan ends the call");
                    return Ok(Next::Done(CallEnding::Rejected));
                }
            }
        }
        Ok(Next::Done(CallEnding::Rejected))
    }

    /// An IVR menu runs the auto-attendant; any other extension its plan.
    async fn enter_extension(&mut self, account: &Account, id: ExtensionId) -> Step<Next> {
        let extension = self.shared.store.get_extension(account.id, id).await?;
        if !extension.is_enabled() {
            return Ok(Next::Done(CallEnding::Rejected));
        }
        if extension.extension_type == ExtensionType::IvrMenu {
            return self.ivr(account, &extension.id.to_string()).await;
        }
        self.facts.extension = Some(extension.clone());
        self.extension_plan(account, &extension).await
    }

    async fn enter_mailbox(&mut self, account: &Account, id: ExtensionId) -> Step<Next> {
        let extension = self.shared.store.get_extension(account.id, id).await?;
        self.facts.extension = Some(extension.clone());
        let greeting = GreetingChoice::Default(switchboard_phone::model::GreetingType::Voicemail);
        Ok(Next::Done(
            self.voicemail(account, &extension, &greeting).await?,
        ))
    }

    /// The extension's answering rule, turned into a plan and carried out.
    async fn extension_plan(&mut self, account: &Account, ext: &Extension) -> Step<Next> {
        let store = &self.shared.store;
        let rules = store.list_answering_rules(ext.id).await?;
        let own_hours = store.get_extension_business_hours(ext.id).await?;
        let company_hours = store.get_account_business_hours(account.id).await?;
        let zone = time_zone(account, Some(ext))?;
        let ctx = RuleContext {
            instant: self.shared.clock.now(),
            time_zone: &zone,
            business_hours: effective_business_hours(own_hours.as_ref(), &company_hours),
            home_calling_code: &self.shared.config.home_calling_code,
        };
        let call = IncomingCall {
            called_number: &self.facts.to_number,
            caller_id: Some(&self.facts.from_number),
        };
        let Some(chosen) = select_extension_rule(&rules, &call, &ctx) else {
            info!(extension_id = ext.id, "no answering rule; to voicemail");
            return Ok(Next::Voicemail(ext.id));
        };
        debug!(rule = %chosen.rule.id, because = ?chosen.because, "extension rule");
        let devices = self.devices_with_status(ext.id).await?;
        let forwarding = store.list_forwarding_numbers(ext.id).await?;
        let dnd = store.get_presence(ext.id).await?.dnd_status;
        let input = PlanInput {
            extension: ext,
            rule: chosen.rule,
            devices: &devices,
            forwarding_numbers: &forwarding,
            dnd,
            department_call: false,
        };
        let plan = plan_extension_call(&input, &self.shared.config.plan_settings())
            .map_err(|e| CallError::Config(e.to_string()))?;
        self.extension_steps(account, ext, &devices, plan).await
    }

    /// The extension's devices, Online when the location service holds a
    /// binding for their SIP username (the stored status may be stale).
    async fn devices_with_status(&self, ext: ExtensionId) -> Step<Vec<Device>> {
        let mut devices = self.shared.store.list_extension_devices(ext).await?;
        for device in &mut devices {
            let online = !self.bindings_of(device).is_empty();
            device.status = if online {
                DeviceStatus::Online
            } else {
                DeviceStatus::Offline
            };
        }
        Ok(devices)
    }

    async fn extension_steps(
        &mut self,
        account: &Account,
        ext: &Extension,
        devices: &[Device],
        plan: CallPlan,
    ) -> Step<Next> {
        self.set_state(CallState::Ringing);
        let mut outcome = RingOutcome::NoAnswer;
        for step in plan.steps {
            debug!(?step, "plan step");
            match step {
                PlanStep::PlayGreeting(choice) => {
                    self.stage = Stage::Greeting;
                    self.play_greeting(account, &choice, "").await?;
                }
                PlanStep::RingDevices {
                    device_ids,
                    ring_for,
                } => {
                    let targets = self.device_targets(devices, &device_ids);
                    outcome = self.ring(targets, ring_for).await?;
                }
                PlanStep::RingNumbers {
                    phone_numbers,
                    ring_for,
                } => {
                    let targets = self.number_targets(&phone_numbers).await;
                    outcome = self.ring(targets, ring_for).await?;
                }
                PlanStep::ForwardTo { phone_number } => return Ok(Next::Number(phone_number)),
                PlanStep::TransferToExtension { extension_id } => {
                    return Ok(Next::Extension(extension_id));
                }
                PlanStep::Voicemail { mailbox, greeting } => {
                    let owner = if mailbox == ext.id {
                        ext.clone()
                    } else {
                        self.shared.store.get_extension(account.id, mailbox).await?
                    };
                    return Ok(Next::Done(
                        self.voicemail(account, &owner, &greeting).await?,
                    ));
                }
                PlanStep::PlayAnnouncement(choice) => {
                    self.stage = Stage::Greeting;
                    self.play_greeting(account, &choice, "").await?;
                }
                PlanStep::Disconnect => break,
            }
            if let RingOutcome::Answered(leg) = outcome {
                return Ok(Next::Done(self.bridge(*leg).await?));
            }
        }
        Ok(Next::Done(match outcome {
            RingOutcome::Busy => CallEnding::Busy,
            RingOutcome::Declined => CallEnding::Declined,
            _ => CallEnding::NoAnswer,
        }))
    }

    /// An outside number through a trunk, for as long as
    /// `forward_no_answer_secs`.
    async fn forward_to_number(&mut self, number: &str) -> Step<Next> {
        let targets = self.number_targets(&[number.to_owned()]).await;
        if targets.is_empty() {
            return Ok(Next::Done(CallEnding::Rejected));
        }
        let ring_for = std::time::Duration::from_secs(self.shared.config.forward_no_answer_secs);
        match self.ring(targets, ring_for).await? {
            RingOutcome::Answered(leg) => Ok(Next::Done(self.bridge(*leg).await?)),
            RingOutcome::Busy => Ok(Next::Done(CallEnding::Busy)),
            RingOutcome::Declined => Ok(Next::Done(CallEnding::Declined)),
            RingOutcome::NoAnswer => Ok(Next::Done(CallEnding::NoAnswer)),
        }
    }

    /// Plays a greeting: a custom recording from the blob store, or the
    /// default text for presets and unset greetings (none when empty).
    pub(super) async fn play_greeting(
        &mut self,
        account: &Account,
        choice: &GreetingChoice,
        default_text: &str,
    ) -> Step<()> {
        let prompt = match choice {
            GreetingChoice::Custom(id) => {
                let greeting = self.shared.store.get_greeting(account.id, id).await?;
                Prompt::File(self.blob_file(&greeting.blob_key).await?)
            }
            // TODO: preset greetings need the dictionary's audio; until then
            // the default text stands in for them.
            GreetingChoice::Preset(_) | GreetingChoice::Default(_) if default_text.is_empty() => {
                return Ok(());
            }
            GreetingChoice::Preset(_) | GreetingChoice::Default(_) => {
                Prompt::Text(default_text.to_owned())
            }
        };
        self.answer().await?;
        self.play(&[prompt], PlayOptions::default()).await?;
        Ok(())
    }

    /// Plays to the caller until done or the caller leaves.
    pub(super) async fn play(&mut self, prompts: &[Prompt], options: PlayOptions) -> Step<PlayEnd> {
        tokio::select! {
            end = self.media.play(prompts, options) => match end? {
                PlayEnd::HungUp => Err(Stop::CallerGone),
                end => Ok(end),
            },
            stop = caller_stop(&mut self.signals) => Err(stop),
        }
    }

    /// A local copy of a blob (prompts and greetings play from files),
    /// fetched once into the work directory.
    pub(super) async fn blob_file(&self, key: &str) -> Step<PathBuf> {
        let name: String = key
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let path = self.shared.config.work_dir.join("cache").join(name);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(path);
        }
        let bytes = self.shared.blobs.get(key).await?;
        tokio::fs::create_dir_all(path.parent().unwrap_or(&self.shared.config.work_dir)).await?;
        tokio::fs::write(&path, bytes).await?;
        Ok(path)
    }
}

/// Waits until the caller leaves or shutdown; other legs' BYEs are not
/// this step's business while no leg is up.
pub(super) async fn caller_stop(signals: &mut super::signals::Signals) -> Stop {
    loop {
        match signals.next().await {
            Signal::CallerGone => return Stop::CallerGone,
            Signal::Shutdown => return Stop::Shutdown,
            Signal::LegBye(call_id) => debug!(%call_id, "BYE from a leg no longer up"),
        }
    }
}

/// The time zone of the account, or of the extension when it has one.
fn time_zone(account: &Account, ext: Option<&Extension>) -> Step<jiff::tz::TimeZone> {
    let info = match ext {
        Some(ext) => effective_time_zone(ext, account),
        None => &account.regional_settings.timezone,
    };
    info.to_time_zone()
        .map_err(|e| Stop::Failed(CallError::Config(format!("time zone {}: {e}", info.name))))
}
