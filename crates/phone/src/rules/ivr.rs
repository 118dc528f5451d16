//! The IVR menu (auto-attendant) as a state machine: events from the
//! caller and the timers in, commands for call control out.
//!
//! Call control feeds [`IvrEvent`]s to [`IvrCall::handle`] and carries
//! out the [`IvrCommand`]s it returns, in order. Playing a prompt replaces
//! whatever was playing. At most one timer runs: `StartTimer` replaces the
//! running one, and a timeout that no longer fits the state is ignored, so
//! a late timer can never act twice.
//!
//! The rules, as RingCentral's auto-attendant behaves:
//! - The menu prompt plays `promptRepeatCount` times in all (1 to 3; 0 is
//!   read as 1), waiting [`IvrSettings::no_input_timeout`] after each play.
//!   After the last wait the menu's `NoInput` action runs, or the call is
//!   disconnected when the menu has none. A `NoInput` action that keeps
//!   the caller in the menus (repeat, return, do nothing) counts as an
//!   invalid entry, so a silent line is let go in the end.
//! - A key with a menu action acts at once, unless an extension number
//!   starts with that key: then the IVR waits
//!   [`IvrSettings::inter_digit_timeout`] for more digits, and a lone key
//!   runs its action when the wait ends.
//! - Digits that spell a dialable extension number connect to it
//!   (dial-by-extension) as soon as no longer number could follow, when
//!   `#` is pressed, or when the inter-digit wait ends. An IVR menu's
//!   number enters that menu.
//! - An invalid entry (a key without action, digits matching no
//!   extension, an action that cannot run) plays "invalid entry, please
//!   try again" and the menu prompt again. The
//!   [`IvrSettings::max_invalid_entries`]-th invalid entry ends the call
//!   with [`IvrSettings::on_too_many_invalid`] (disconnect by default).
//! - Hidden extensions are dialable by number: `hidden` only keeps them
//!   out of the directory.
//! - `DialByName` hands the caller to [`super::dial_by_name`]; the IVR
//!   waits until [`IvrEvent::DirectoryExited`] and then plays its menu
//!   prompt again.

use std::time::Duration;

use crate::model::{
    Extension, ExtensionId, ExtensionType, IvrAction, IvrActionKind, IvrInput, IvrMenu,
};

/// Timing and patience of the IVR.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IvrSettings {
    /// How long to wait for the next digit of an extension number.
    pub inter_digit_timeout: Duration,
    /// How long to wait for a key after the prompt finished.
    pub no_input_timeout: Duration,
    /// Invalid entries allowed before giving up; the last one gives up.
    pub max_invalid_entries: u8,
    /// What happens on giving up.
    pub on_too_many_invalid: GiveUp,
}

impl Default for IvrSettings {
    fn default() -> Self {
        Self {
            inter_digit_timeout: Duration::from_secs(3),
            no_input_timeout: Duration::from_secs(5),
            max_invalid_entries: 3,
            on_too_many_invalid: GiveUp::Disconnect,
        }
    }
}

/// The end of a caller who keeps pressing invalid keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GiveUp {
    #[default]
    Disconnect,
    Operator,
}

/// The account configuration the IVR reads.
#[derive(Debug, Clone, Copy)]
pub struct IvrAccount<'a> {
    pub menus: &'a [IvrMenu],
    pub extensions: &'a [Extension],
}

/// What happened on the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IvrEvent {
    /// The call entered the IVR.
    Start,
    /// A DTMF key: `0`-`9`, `*` or `#` (other keys are ignored).
    Key(char),
    /// The menu prompt finished playing.
    PromptFinished,
    /// The inter-digit timer ran out.
    InterDigitTimeout,
    /// The no-input timer ran out.
    NoInputTimeout,
    /// The caller left the dial-by-name directory without being connected.
    DirectoryExited,
}

/// The IVR's timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IvrTimer {
    InterDigit,
    NoInput,
}

/// What call control must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IvrCommand {
    /// Play the prompt of this menu (its audio prompt or text to speech).
    PlayMenuPrompt { menu_id: String },
    /// Play "invalid entry, please try again".
    PlayInvalidEntry,
    /// Stop the prompt: the caller is entering digits.
    StopPlayback,
    /// Start (or restart) the one IVR timer.
    StartTimer { timer: IvrTimer, after: Duration },
    /// Cancel the running timer.
    CancelTimer,
    /// Final: route the call to this extension under its own rule.
    ConnectExtension { extension_id: ExtensionId },
    /// Final: take a message in this extension's mailbox.
    Voicemail { extension_id: ExtensionId },
    /// Hand the caller to the dial-by-name dialog; send
    /// [`IvrEvent::DirectoryExited`] if they come back.
    DialByName,
    /// Final: transfer to an outside number (subject to toll-fraud rules).
    TransferToNumber { phone_number: String },
    /// Final: connect to the account's operator.
    ConnectToOperator,
    /// Final: hang up.
    Disconnect,
}

/// Where the IVR is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IvrPhase {
    /// Not started yet.
    Idle,
    /// The menu prompt is playing; keys barge in.
    Prompting,
    /// The prompt ended; the no-input timer runs.
    WaitingForInput,
    /// Digits of an extension number are being entered.
    CollectingDigits,
    /// The dial-by-name dialog has the caller.
    InDirectory,
    /// A final command was issued; further events are ignored.
    Finished,
}

/// One caller's walk through the IVR menus.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IvrCall {
    /// Menu ids from the root to the current menu.
    stack: Vec<String>,
    digits: String,
    /// Times the current prompt has started playing.
    plays: u8,
    invalid_entries: u8,
    phase: IvrPhase,
}

impl IvrCall {
    /// A call about to enter the IVR at the menu `root_menu_id`.
    pub fn new(root_menu_id: impl Into<String>) -> Self {
        Self {
            stack: vec![root_menu_id.into()],
            digits: String::new(),
            plays: 0,
            invalid_entries: 0,
            phase: IvrPhase::Idle,
        }
    }

    /// The id of the menu the caller is in.
    pub fn current_menu(&self) -> &str {
        self.stack.last().map_or("", String::as_str)
    }

    pub fn phase(&self) -> IvrPhase {
        self.phase
    }

    /// The digits entered so far towards an extension number.
    pub fn digits(&self) -> &str {
        &self.digits
    }

    /// Advances the IVR by one event.
    pub fn handle(
        &mut self,
        event: IvrEvent,
        account: &IvrAccount<'_>,
        settings: &IvrSettings,
    ) -> Vec<IvrCommand> {
        use IvrPhase as P;
        let commands = match (self.phase, event) {
            (P::Finished, _) => Vec::new(),
            (P::Idle, IvrEvent::Start) => self.play_prompt(account, 1),
            (P::Idle, _) => Vec::new(),
            (P::InDirectory, IvrEvent::DirectoryExited) => self.play_prompt(account, 1),
            (P::InDirectory, _) => Vec::new(),
            (_, IvrEvent::Key(key)) => self.key(key, account, settings),
            (P::Prompting, IvrEvent::PromptFinished) => self.wait_for_input(settings),
            (P::WaitingForInput, IvrEvent::NoInputTimeout) => self.no_input(account, settings),
            (P::CollectingDigits, IvrEvent::InterDigitTimeout) => {
                self.finish_digits(account, settings)
            }
            _ => Vec::new(),
        };
        let menu = self.current_menu();
        tracing::debug!(menu, ?event, phase = ?self.phase, ?commands, "ivr step");
        commands
    }

    fn menu<'a>(&self, account: &IvrAccount<'a>) -> Option<&'a IvrMenu> {
        account.menus.iter().find(|m| m.id == self.current_menu())
    }

    /// Starts the current menu's prompt as its `play`-th play.
    fn play_prompt(&mut self, account: &IvrAccount<'_>, play: u8) -> Vec<IvrCommand> {
        if self.menu(account).is_none() {
            tracing::warn!(
                menu = self.current_menu(),
                "ivr menu not found; disconnecting"
            );
            return self.finish(IvrCommand::Disconnect);
        }
        self.plays = play;
        self.digits.clear();
        self.phase = IvrPhase::Prompting;
        vec![
            IvrCommand::CancelTimer,
            IvrCommand::PlayMenuPrompt {
                menu_id: self.current_menu().to_owned(),
            },
        ]
    }

    fn wait_for_input(&mut self, settings: &IvrSettings) -> Vec<IvrCommand> {
        self.phase = IvrPhase::WaitingForInput;
        vec![IvrCommand::StartTimer {
            timer: IvrTimer::NoInput,
            after: settings.no_input_timeout,
        }]
    }

    fn no_input(&mut self, account: &IvrAccount<'_>, settings: &IvrSettings) -> Vec<IvrCommand> {
        let Some(menu) = self.menu(account) else {
            return self.finish(IvrCommand::Disconnect);
        };
        if self.plays < menu.prompt_repeat_count.clamp(1, 3) {
            return self.play_prompt(account, self.plays + 1);
        }
        let Some(action) = menu.action_for(IvrInput::NoInput) else {
            return self.finish(IvrCommand::Disconnect);
        };
        if keeps_caller_in_menus(action.action) {
            // A silent line must not hold a channel forever: each round of
            // silence that loops back counts as an invalid entry.
            self.invalid_entries = self.invalid_entries.saturating_add(1);
            if self.invalid_entries >= settings.max_invalid_entries.max(1) {
                return self.give_up(settings);
            }
        }
        self.run_action(action, account, settings)
    }

    fn key(
        &mut self,
        key: char,
        account: &IvrAccount<'_>,
        settings: &IvrSettings,
    ) -> Vec<IvrCommand> {
        let Some(input) = IvrInput::from_dtmf(key) else {
            return Vec::new();
        };
        if key.is_ascii_digit() {
            return self.digit(key, account, settings);
        }
        if !self.digits.is_empty() {
            // `#` ends an extension number; `*` in the middle of one is a mistake.
            return match key {
                '#' => self.finish_digits(account, settings),
                _ => self.invalid(account, settings),
            };
        }
        self.menu_key(input, account, settings)
    }

    fn digit(
        &mut self,
        key: char,
        account: &IvrAccount<'_>,
        settings: &IvrSettings,
    ) -> Vec<IvrCommand> {
        let was_prompting = self.phase == IvrPhase::Prompting;
        self.digits.push(key);
        let longer_possible = dialable(account).any(|e| is_longer_prefix(&self.digits, e));

        if !longer_possible {
            return self.finish_digits(account, settings);
        }
        self.phase = IvrPhase::CollectingDigits;
        let mut commands = Vec::new();
        if was_prompting {
            commands.push(IvrCommand::StopPlayback);
        }
        commands.push(IvrCommand::StartTimer {
            timer: IvrTimer::InterDigit,
            after: settings.inter_digit_timeout,
        });
        commands
    }

    /// Resolves the digits entered: an extension number, else a single
    /// menu key, else an invalid entry.
    fn finish_digits(
        &mut self,
        account: &IvrAccount<'_>,
        settings: &IvrSettings,
    ) -> Vec<IvrCommand> {
        let digits = std::mem::take(&mut self.digits);
        if let Some(extension) = dialable(account).find(|e| e.extension_number == digits) {
            return self.enter_extension(extension, account);
        }
        let single_key = match digits.as_bytes() {
            [key] => IvrInput::from_dtmf(char::from(*key)),
            _ => None,
        };
        match single_key {
            Some(input) => self.menu_key(input, account, settings),
            None => self.invalid(account, settings),
        }
    }

    fn menu_key(
        &mut self,
        input: IvrInput,
        account: &IvrAccount<'_>,
        settings: &IvrSettings,
    ) -> Vec<IvrCommand> {
        match self.menu(account).and_then(|m| m.action_for(input)) {
            Some(action) => self.run_action(action, account, settings),
            None => self.invalid(account, settings),
        }
    }

    fn run_action(
        &mut self,
        action: &IvrAction,
        account: &IvrAccount<'_>,
        settings: &IvrSettings,
    ) -> Vec<IvrCommand> {
        use IvrActionKind as A;
        match action.action {
            A::Connect => match target(action, account) {
                Some(extension) => self.enter_extension(extension, account),
                None => self.misconfigured(action, account, settings),
            },
            A::Voicemail => match target(action, account) {
                Some(e) => self.finish(IvrCommand::Voicemail { extension_id: e.id }),
                None => self.misconfigured(action, account, settings),
            },
            A::Transfer => match action.phone_number.as_deref().map(str::trim) {
                Some(n) if !n.is_empty() => self.finish(IvrCommand::TransferToNumber {
                    phone_number: n.to_owned(),
                }),
                _ => self.misconfigured(action, account, settings),
            },
            A::DialByName => self.enter_directory(),
            A::ConnectToOperator => self.finish(IvrCommand::ConnectToOperator),
            A::Disconnect => self.finish(IvrCommand::Disconnect),
            A::Repeat => self.play_prompt(account, 1),
            A::ReturnToRoot | A::ReturnToTopLevelMenu => self.go_to_root(account),
            A::ReturnToPrevious => self.go_back(account),
            A::DoNothing => self.ignore_key(settings),
            A::TransferToContactCenterNumber | A::ConnectToIncomingCallRoutingSelection => {
                self.misconfigured(action, account, settings)
            }
        }
    }

    /// Connects the extension, or enters it when it is an IVR menu.
    fn enter_extension(
        &mut self,
        extension: &Extension,
        account: &IvrAccount<'_>,
    ) -> Vec<IvrCommand> {
        let menu_id = extension.id.to_string();
        let is_menu = extension.extension_type == ExtensionType::IvrMenu
            && account.menus.iter().any(|m| m.id == menu_id);
        if !is_menu {
            return self.finish(IvrCommand::ConnectExtension {
                extension_id: extension.id,
            });
        }
        self.stack.push(menu_id);
        self.invalid_entries = 0;
        self.play_prompt(account, 1)
    }

    fn enter_directory(&mut self) -> Vec<IvrCommand> {
        self.phase = IvrPhase::InDirectory;
        self.digits.clear();
        vec![IvrCommand::CancelTimer, IvrCommand::DialByName]
    }

    fn go_to_root(&mut self, account: &IvrAccount<'_>) -> Vec<IvrCommand> {
        self.stack.truncate(1);
        self.play_prompt(account, 1)
    }

    /// Back one menu; at the root, the root prompt again.
    fn go_back(&mut self, account: &IvrAccount<'_>) -> Vec<IvrCommand> {
        if self.stack.len() > 1 {
            self.stack.pop();
        }
        self.play_prompt(account, 1)
    }

    /// `DoNothing`: the key is swallowed. Digits being collected are
    /// dropped and the caller is back to waiting.
    fn ignore_key(&mut self, settings: &IvrSettings) -> Vec<IvrCommand> {
        match self.phase {
            IvrPhase::Prompting => Vec::new(),
            _ => self.wait_for_input(settings),
        }
    }

    fn misconfigured(
        &mut self,
        action: &IvrAction,
        account: &IvrAccount<'_>,
        settings: &IvrSettings,
    ) -> Vec<IvrCommand> {
        tracing::warn!(menu = self.current_menu(), input = ?action.input, action = ?action.action,
            "ivr action cannot run; treated as an invalid entry");
        self.invalid(account, settings)
    }

    fn invalid(&mut self, account: &IvrAccount<'_>, settings: &IvrSettings) -> Vec<IvrCommand> {
        self.digits.clear();
        self.invalid_entries = self.invalid_entries.saturating_add(1);
        if self.invalid_entries >= settings.max_invalid_entries.max(1) {
            return self.give_up(settings);
        }
        let mut commands = vec![IvrCommand::PlayInvalidEntry];
        commands.extend(self.play_prompt(account, 1));
        commands
    }

    fn give_up(&mut self, settings: &IvrSettings) -> Vec<IvrCommand> {
        let last = match settings.on_too_many_invalid {
            GiveUp::Disconnect => IvrCommand::Disconnect,
            GiveUp::Operator => IvrCommand::ConnectToOperator,
        };
        self.finish(last)
    }

    fn finish(&mut self, last: IvrCommand) -> Vec<IvrCommand> {
        self.phase = IvrPhase::Finished;
        self.digits.clear();
        vec![IvrCommand::CancelTimer, last]
    }
}

/// Extensions a caller can reach by number from the IVR.
fn dialable<'a>(account: &IvrAccount<'a>) -> impl Iterator<Item = &'a Extension> {
    account.extensions.iter().filter(|e| {
        e.is_enabled()
            && matches!(
                e.extension_type,
                ExtensionType::User
                    | ExtensionType::Department
                    | ExtensionType::Announcement
                    | ExtensionType::Voicemail
                    | ExtensionType::DigitalUser
                    | ExtensionType::VirtualUser
                    | ExtensionType::SharedLinesGroup
                    | ExtensionType::IvrMenu
            )
    })
}

/// Actions after which the caller is still listening to a menu.
fn keeps_caller_in_menus(action: IvrActionKind) -> bool {
    use IvrActionKind as A;
    matches!(
        action,
        A::Repeat | A::ReturnToRoot | A::ReturnToTopLevelMenu | A::ReturnToPrevious | A::DoNothing
    )
}

fn is_longer_prefix(digits: &str, extension: &Extension) -> bool {
    extension.extension_number.len() > digits.len()
        && extension.extension_number.starts_with(digits)
}

/// The enabled extension an action points at.
fn target<'a>(action: &IvrAction, account: &IvrAccount<'a>) -> Option<&'a Extension> {
    let id = action.extension.as_ref()?.id;
    account
        .extensions
        .iter()
        .find(|e| e.id == id && e.is_enabled())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ExtensionRef, ExtensionStatus, IvrMenuPrompt};
    use crate::rules::test_support::{extension, user};

    // Menu ids are their extensions' ids; their numbers are 700 and 710.
    const ROOT: &str = "3000";
    const SALES_MENU: &str = "3100";

    fn action(key: char, kind: IvrActionKind, target: Option<i64>) -> IvrAction {
        IvrAction {
            input: IvrInput::from_dtmf(key).unwrap(),
            action: kind,
            extension: target.map(ExtensionRef::new),
            phone_number: None,
        }
    }

    fn menu(id: &str, repeats: u8, actions: Vec<IvrAction>) -> IvrMenu {
        IvrMenu {
            id: id.to_owned(),
            name: id.to_owned(),
            extension_number: id.to_owned(),
            prompt_repeat_count: repeats,
            prompt: IvrMenuPrompt::default(),
            actions,
        }
    }

    struct Fixture {
        menus: Vec<IvrMenu>,
        extensions: Vec<Extension>,
        settings: IvrSettings,
    }

    impl Fixture {
        fn new() -> Self {
            let mut transfer = action('8', IvrActionKind::Transfer, None);
            transfer.phone_number = Some("+14155550100".to_owned());
            let root = menu(
                ROOT,
                2,
                vec![
                    action('1', IvrActionKind::Connect, Some(101)),
                    action('2', IvrActionKind::Connect, Some(3100)),
                    action('3', IvrActionKind::Voicemail, Some(102)),
                    action('4', IvrActionKind::Connect, Some(999)),
                    action('0', IvrActionKind::ConnectToOperator, None),
                    action('9', IvrActionKind::DialByName, None),
                    transfer,
                    action('*', IvrActionKind::Repeat, None),
                    action('#', IvrActionKind::DoNothing, None),
                ],
            );
            let sales = menu(
                SALES_MENU,
                1,
                vec![
                    action('1', IvrActionKind::ReturnToPrevious, None),
                    action('2', IvrActionKind::ReturnToRoot, None),
                    action('3', IvrActionKind::Disconnect, None),
                ],
            );
            let mut gone = user(999, "999", "Gone", "Away");
            gone.status = ExtensionStatus::Disabled;
            Self {
                menus: vec![root, sales],
                extensions: vec![
                    user(101, "101", "Ann", "Smith"),
                    user(102, "102", "Bob", "Jones"),
                    user(150, "1500", "Cy", "Long"),
                    extension(3000, "700", ExtensionType::IvrMenu, "Main menu"),
                    extension(3100, "710", ExtensionType::IvrMenu, "Sales menu"),
                    gone,
                ],
                settings: IvrSettings::default(),
            }
        }

        fn account(&self) -> IvrAccount<'_> {
            IvrAccount {
                menus: &self.menus,
                extensions: &self.extensions,
            }
        }

        /// A started call, its prompt done, plus the commands of `events`.
        fn run(&self, events: &[IvrEvent]) -> (IvrCall, Vec<IvrCommand>) {
            let mut call = IvrCall::new(ROOT);
            call.handle(IvrEvent::Start, &self.account(), &self.settings);
            let mut last = Vec::new();
            for event in events {
                last = call.handle(*event, &self.account(), &self.settings);
            }
            (call, last)
        }

        fn keys(&self, keys: &str) -> (IvrCall, Vec<IvrCommand>) {
            let events: Vec<IvrEvent> = keys.chars().map(IvrEvent::Key).collect();
            self.run(&events)
        }
    }

    fn prompt(menu_id: &str) -> Vec<IvrCommand> {
        vec![
            IvrCommand::CancelTimer,
            IvrCommand::PlayMenuPrompt {
                menu_id: menu_id.to_owned(),
            },
        ]
    }

    fn final_command(last: IvrCommand) -> Vec<IvrCommand> {
        vec![IvrCommand::CancelTimer, last]
    }

    fn invalid_then_prompt(menu_id: &str) -> Vec<IvrCommand> {
        let mut commands = vec![IvrCommand::PlayInvalidEntry];
        commands.extend(prompt(menu_id));
        commands
    }

    #[test]
    fn starting_plays_the_root_prompt() {
        let f = Fixture::new();
        let mut call = IvrCall::new(ROOT);

        assert_eq!(
            call.handle(IvrEvent::Start, &f.account(), &f.settings),
            prompt(ROOT)
        );
        assert_eq!(call.phase(), IvrPhase::Prompting);
    }

    #[test]
    fn events_before_start_are_ignored() {
        let f = Fixture::new();
        let mut call = IvrCall::new(ROOT);

        assert!(
            call.handle(IvrEvent::Key('1'), &f.account(), &f.settings)
                .is_empty()
        );
        assert_eq!(call.phase(), IvrPhase::Idle);
    }

    #[test]
    fn a_missing_root_menu_disconnects_instead_of_panicking() {
        let f = Fixture::new();
        let mut call = IvrCall::new("nope");

        let commands = call.handle(IvrEvent::Start, &f.account(), &f.settings);

        assert_eq!(commands, final_command(IvrCommand::Disconnect));
    }

    #[test]
    fn the_end_of_the_prompt_starts_the_no_input_timer() {
        let f = Fixture::new();

        let (call, commands) = f.run(&[IvrEvent::PromptFinished]);

        assert_eq!(
            commands,
            [IvrCommand::StartTimer {
                timer: IvrTimer::NoInput,
                after: Duration::from_secs(5)
            }]
        );
        assert_eq!(call.phase(), IvrPhase::WaitingForInput);
    }

    #[test]
    fn a_key_whose_number_no_extension_starts_with_acts_at_once() {
        let f = Fixture::new();

        assert_eq!(
            f.keys("3").1,
            final_command(IvrCommand::Voicemail { extension_id: 102 })
        );
        assert_eq!(f.keys("0").1, final_command(IvrCommand::ConnectToOperator));
        assert_eq!(
            f.keys("8").1,
            final_command(IvrCommand::TransferToNumber {
                phone_number: "+14155550100".into()
            })
        );
    }

    #[test]
    fn the_dial_by_name_key_hands_over_and_the_menu_plays_again_on_return() {
        let f = Fixture::new();

        let (call, commands) = f.keys("9");
        let (_, on_return) = f.run(&[
            IvrEvent::Key('9'),
            IvrEvent::Key('1'),
            IvrEvent::DirectoryExited,
        ]);

        assert_eq!(commands, [IvrCommand::CancelTimer, IvrCommand::DialByName]);
        assert_eq!(call.phase(), IvrPhase::InDirectory);
        assert_eq!(on_return, prompt(ROOT));
    }

    #[test]
    fn a_key_that_starts_an_extension_number_waits_for_more_digits() {
        let f = Fixture::new();

        let (call, commands) = f.keys("1");

        assert_eq!(
            commands,
            [
                IvrCommand::StopPlayback,
                IvrCommand::StartTimer {
                    timer: IvrTimer::InterDigit,
                    after: Duration::from_secs(3)
                },
            ]
        );
        assert_eq!(call.phase(), IvrPhase::CollectingDigits);
        assert_eq!(call.digits(), "1");
    }

    #[test]
    fn a_lone_key_runs_its_action_when_the_inter_digit_wait_ends() {
        let f = Fixture::new();

        let (_, commands) = f.run(&[IvrEvent::Key('1'), IvrEvent::InterDigitTimeout]);

        assert_eq!(
            commands,
            final_command(IvrCommand::ConnectExtension { extension_id: 101 })
        );
    }

    #[test]
    fn dialling_a_full_extension_number_connects_to_it() {
        let f = Fixture::new();

        assert_eq!(
            f.keys("102").1,
            final_command(IvrCommand::ConnectExtension { extension_id: 102 })
        );
    }

    #[test]
    fn a_shorter_number_waits_while_a_longer_one_could_follow() {
        let f = Fixture::new();
        // 150 is not an extension, but 1500 is; 1500 connects at once.
        let (call, _) = f.keys("150");

        assert_eq!(call.phase(), IvrPhase::CollectingDigits);
        assert_eq!(
            f.keys("1500").1,
            final_command(IvrCommand::ConnectExtension { extension_id: 150 })
        );
    }

    #[test]
    fn hash_ends_an_extension_number_early() {
        let f = Fixture::new();

        let (_, commands) = f.keys("10#");

        assert_eq!(commands, invalid_then_prompt(ROOT));
    }

    #[test]
    fn digits_matching_no_extension_are_an_invalid_entry() {
        let f = Fixture::new();

        let (call, commands) = f.run(&[IvrEvent::Key('1'), IvrEvent::Key('7')]);

        assert_eq!(commands, invalid_then_prompt(ROOT));
        assert_eq!(call.digits(), "");
    }

    #[test]
    fn a_star_in_the_middle_of_a_number_is_an_invalid_entry() {
        let f = Fixture::new();

        assert_eq!(f.keys("1*").1, invalid_then_prompt(ROOT));
    }

    #[test]
    fn a_key_without_an_action_is_an_invalid_entry() {
        let f = Fixture::new();

        assert_eq!(f.keys("5").1, invalid_then_prompt(ROOT));
    }

    #[test]
    fn an_action_pointing_at_a_disabled_extension_is_an_invalid_entry() {
        let f = Fixture::new();

        assert_eq!(f.keys("4").1, invalid_then_prompt(ROOT));
    }

    #[test]
    fn the_third_invalid_entry_disconnects() {
        let f = Fixture::new();

        assert_eq!(f.keys("55").1, invalid_then_prompt(ROOT));
        let (call, commands) = f.keys("555");

        assert_eq!(commands, final_command(IvrCommand::Disconnect));
        assert_eq!(call.phase(), IvrPhase::Finished);
    }

    #[test]
    fn too_many_invalid_entries_can_go_to_the_operator() {
        let mut f = Fixture::new();
        f.settings.on_too_many_invalid = GiveUp::Operator;
        f.settings.max_invalid_entries = 1;

        assert_eq!(f.keys("5").1, final_command(IvrCommand::ConnectToOperator));
    }

    #[test]
    fn the_prompt_repeats_up_to_its_repeat_count_then_disconnects() {
        let f = Fixture::new();
        let wait = [IvrEvent::PromptFinished, IvrEvent::NoInputTimeout];

        let (_, second_play) = f.run(&wait);
        let (_, after_last) = f.run(&[wait, wait].concat());

        assert_eq!(second_play, prompt(ROOT));
        assert_eq!(after_last, final_command(IvrCommand::Disconnect));
    }

    #[test]
    fn no_input_after_the_last_play_runs_the_no_input_action() {
        let mut f = Fixture::new();
        f.menus[0].prompt_repeat_count = 1;
        f.menus[0].actions.push(IvrAction {
            input: IvrInput::NoInput,
            action: IvrActionKind::Connect,
            extension: Some(ExtensionRef::new(102)),
            phone_number: None,
        });

        let (_, commands) = f.run(&[IvrEvent::PromptFinished, IvrEvent::NoInputTimeout]);

        assert_eq!(
            commands,
            final_command(IvrCommand::ConnectExtension { extension_id: 102 })
        );
    }

    #[test]
    fn a_silent_caller_looped_by_a_no_input_repeat_is_disconnected_in_the_end() {
        let mut f = Fixture::new();
        f.menus[0].prompt_repeat_count = 1;
        f.menus[0].actions.push(IvrAction {
            input: IvrInput::NoInput,
            action: IvrActionKind::Repeat,
            extension: None,
            phone_number: None,
        });
        let silence = [IvrEvent::PromptFinished, IvrEvent::NoInputTimeout];

        let (_, second_round) = f.run(&silence);
        let (_, third_round) = f.run(&silence.repeat(3));

        assert_eq!(second_round, prompt(ROOT));
        assert_eq!(third_round, final_command(IvrCommand::Disconnect));
    }

    #[test]
    fn a_repeat_count_of_zero_plays_the_prompt_once() {
        let mut f = Fixture::new();
        f.menus[0].prompt_repeat_count = 0;

        let (_, commands) = f.run(&[IvrEvent::PromptFinished, IvrEvent::NoInputTimeout]);

        assert_eq!(commands, final_command(IvrCommand::Disconnect));
    }

    #[test]
    fn a_stale_timeout_is_ignored() {
        let f = Fixture::new();

        let (call, commands) = f.run(&[IvrEvent::NoInputTimeout, IvrEvent::InterDigitTimeout]);

        assert!(commands.is_empty());
        assert_eq!(call.phase(), IvrPhase::Prompting);
    }

    #[test]
    fn the_repeat_key_plays_the_prompt_again() {
        let f = Fixture::new();

        assert_eq!(f.keys("*").1, prompt(ROOT));
    }

    #[test]
    fn a_do_nothing_key_lets_the_prompt_play_on() {
        let f = Fixture::new();

        let (call, commands) = f.keys("#");

        assert!(commands.is_empty());
        assert_eq!(call.phase(), IvrPhase::Prompting);
    }

    #[test]
    fn a_menu_key_connecting_to_an_ivr_menu_enters_the_submenu() {
        let f = Fixture::new();

        let (call, commands) = f.keys("2");

        assert_eq!(commands, prompt(SALES_MENU));
        assert_eq!(call.current_menu(), SALES_MENU);
    }

    #[test]
    fn dialling_an_ivr_menu_extension_number_enters_that_menu() {
        let f = Fixture::new();

        let (call, commands) = f.keys("710");

        assert_eq!(commands, prompt(SALES_MENU));
        assert_eq!(call.current_menu(), SALES_MENU);
    }

    #[test]
    fn return_to_previous_and_return_to_root_go_back_up() {
        let f = Fixture::new();

        // 1 starts extension numbers, so it acts when the digit wait ends.
        let (previous, _) = f.run(&[
            IvrEvent::Key('2'),
            IvrEvent::Key('1'),
            IvrEvent::InterDigitTimeout,
        ]);
        let (root, _) = f.keys("22");

        assert_eq!(previous.current_menu(), ROOT);
        assert_eq!(root.current_menu(), ROOT);
    }

    #[test]
    fn a_submenu_key_can_disconnect_and_then_everything_is_ignored() {
        let f = Fixture::new();

        let (mut call, commands) = f.keys("23");

        assert_eq!(commands, final_command(IvrCommand::Disconnect));
        assert!(
            call.handle(IvrEvent::Key('1'), &f.account(), &f.settings)
                .is_empty()
        );
    }

    #[test]
    fn keys_a_to_d_are_ignored() {
        let f = Fixture::new();

        let (call, commands) = f.keys("A");

        assert!(commands.is_empty());
        assert_eq!(call.phase(), IvrPhase::Prompting);
    }
}
