//! The auto-attendant: feeds the caller's keys, the prompt's end and the
//! timers to `rules::ivr::IvrCall` and carries out its commands.

use std::time::Duration;

use switchboard_media::{CollectEnd, CollectOptions, PlayEnd, PlayOptions, Prompt};
use switchboard_phone::model::{Account, IvrMenu, PromptMode};
use switchboard_phone::rules::call_result::CallEnding;
use switchboard_phone::rules::ivr::{IvrAccount, IvrCall, IvrCommand, IvrEvent, IvrTimer};
use tokio::time::Instant;
use tracing::{debug, info, warn};

use super::route::{Next, caller_stop};
use super::{Call, Stage, Step, Stop};
use crate::registry::CallState;

/// Played after an invalid entry, before the menu prompt again.
const INVALID_ENTRY: &str = "Sorry, that is not a valid entry.";

/// The one IVR timer that may run.
type Timer = Option<(IvrTimer, Instant)>;

/// What the IVR's commands leave for the next wait.
#[derive(Default)]
struct Pending {
    /// Prompts to play, in order.
    playlist: Vec<Prompt>,
    timer: Timer,
    /// Events to feed back without waiting (the directory's return).
    events: Vec<IvrEvent>,
}

/// How long to wait for a key when no timer runs: a silent caller is
/// still let go by the RTP timeout or the menu's own timers.
const NO_TIMER: Duration = Duration::from_secs(3600);

/// What waiting for the caller gave.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyWait {
    /// The prompts played to the end.
    PromptFinished,
    /// A key.
    Key(char),
    /// The deadline passed without a key.
    Timeout,
}

impl Call {
    /// Runs the menu `menu_id` until the IVR hands the call on.
    pub(super) async fn ivr(&mut self, account: &Account, menu_id: &str) -> Step<Next> {
        self.stage = Stage::Ivr;
        self.set_state(CallState::Ivr);
        self.answer().await?;
        let store = &self.shared.store;
        let menus = store.list_ivr_menus(account.id).await?;
        let extensions = store.all_extensions(account.id).await?;
        let directory = IvrAccount {
            menus: &menus,
            extensions: &extensions,
        };
        let settings = self.shared.config.ivr_settings();
        let mut ivr = IvrCall::new(menu_id);
        let mut commands = ivr.handle(IvrEvent::Start, &directory, &settings);
        let mut pending = Pending::default();
        loop {
            for command in commands {
                let next = self
                    .ivr_command(account, &menus, command, &mut pending)
                    .await?;
                if let Some(next) = next {
                    info!(?next, "IVR done");
                    return Ok(next);
                }
            }
            if pending.events.is_empty() {
                let event = self
                    .ivr_wait(&mut pending.playlist, &mut pending.timer)
                    .await?;
                pending.events.push(event);
            }
            commands = std::mem::take(&mut pending.events)
                .into_iter()
                .flat_map(|e| ivr.handle(e, &directory, &settings))
                .collect();
        }
    }

    /// Carries out one command; `Some` when the call leaves the IVR.
    async fn ivr_command(
        &mut self,
        account: &Account,
        menus: &[IvrMenu],
        command: IvrCommand,
        pending: &mut Pending,
    ) -> Step<Option<Next>> {
        let Pending {
            playlist,
            timer,
            events,
        } = pending;
        let next = match command {
            IvrCommand::PlayMenuPrompt { menu_id } => {
                playlist.push(self.menu_prompt(account, menus, &menu_id).await);
                None
            }
            IvrCommand::PlayInvalidEntry => {
                playlist.push(Prompt::Text(INVALID_ENTRY.to_owned()));
                None
            }
            IvrCommand::StopPlayback => {
                playlist.clear();
                None
            }
            IvrCommand::StartTimer { timer: kind, after } => {
                *timer = Some((kind, Instant::now() + after));
                None
            }
            IvrCommand::CancelTimer => {
                *timer = None;
                None
            }
            IvrCommand::DialByName => {
                playlist.clear();
                *timer = None;
                let picked = self.dial_by_name(account).await?;
                if picked.is_none() {
                    events.push(IvrEvent::DirectoryExited);
                }
                picked.map(Next::Extension)
            }
            IvrCommand::ConnectExtension { extension_id } => Some(Next::Extension(extension_id)),
            IvrCommand::Voicemail { extension_id } => Some(Next::Voicemail(extension_id)),
            IvrCommand::TransferToNumber { phone_number } => Some(Next::Number(phone_number)),
            IvrCommand::ConnectToOperator => Some(Next::Operator),
            IvrCommand::Disconnect => Some(Next::Done(CallEnding::Rejected)),
        };
        Ok(next)
    }

    /// Plays what is queued, then waits for a key or the running timer;
    /// returns the event for the IVR.
    async fn ivr_wait(&mut self, playlist: &mut Vec<Prompt>, timer: &mut Timer) -> Step<IvrEvent> {
        let deadline = timer.map(|(_, at)| at);
        match self.wait_for_key(playlist, deadline).await? {
            KeyWait::PromptFinished => Ok(IvrEvent::PromptFinished),
            KeyWait::Key(key) => Ok(IvrEvent::Key(key)),
            KeyWait::Timeout => match timer.take() {
                Some((IvrTimer::InterDigit, _)) => Ok(IvrEvent::InterDigitTimeout),
                _ => Ok(IvrEvent::NoInputTimeout),
            },
        }
    }

    /// Plays `playlist` (a key barges in), then waits for a key until
    /// `deadline`. Shared by the IVR and the dial-by-name directory.
    pub(super) async fn wait_for_key(
        &mut self,
        playlist: &mut Vec<Prompt>,
        deadline: Option<Instant>,
    ) -> Step<KeyWait> {
        if !playlist.is_empty() {
            let prompts = std::mem::take(playlist);
            let options = PlayOptions { barge_in: true };
            if self.play(&prompts, options).await? == PlayEnd::Finished {
                return Ok(KeyWait::PromptFinished);
            }
        }
        let wait = deadline.map_or(NO_TIMER, |at| at.saturating_duration_since(Instant::now()));
        let options = CollectOptions {
            max_digits: 1,
            terminator: None,
            first_digit_timeout: wait,
            inter_digit_timeout: wait,
        };
        let collected = tokio::select! {
            got = self.media.collect_digits(&options) => got,
            stop = caller_stop(&mut self.signals) => return Err(stop),
        };
        if let Some(key) = collected.digits.chars().next() {
            debug!(%key, "key");
            return Ok(KeyWait::Key(key));
        }
        match collected.end {
            CollectEnd::HungUp => Err(Stop::CallerGone),
            _ => Ok(KeyWait::Timeout),
        }
    }

    /// A menu's prompt: its uploaded audio, or its text spoken.
    async fn menu_prompt(&self, account: &Account, menus: &[IvrMenu], menu_id: &str) -> Prompt {
        let Some(menu) = menus.iter().find(|m| m.id == menu_id) else {
            return Prompt::Silence(Duration::from_millis(200));
        };
        let spoken = || {
            Prompt::Text(
                menu.prompt
                    .text
                    .clone()
                    .unwrap_or_else(|| menu.name.clone()),
            )
        };
        let audio = match (&menu.prompt.mode, &menu.prompt.audio) {
            (PromptMode::Audio, Some(audio)) => audio,
            _ => return spoken(),
        };
        let file = async {
            let store = &self.shared.store;
            let prompt = store
                .get_ivr_prompt(account.id, &audio.id)
                .await
                .map_err(Stop::from)?;
            self.blob_file(&prompt.blob_key).await
        };
        match file.await {
            Ok(path) => Prompt::File(path),
            Err(error) => {
                warn!(menu = %menu.id, ?error, "IVR audio prompt unavailable; spoken instead");
                spoken()
            }
        }
    }
}
