//! The dial-by-name dialog as a state machine: the caller spells a name on
//! the keypad, hears the matching people read back, and picks one.
//!
//! The caller spells [`DialByNameSettings::min_letters`] letters (three by
//! default, as on most auto-attendants), or fewer followed by `#`, or stops
//! and lets [`DialByNameSettings::entry_timeout`] run out. Then:
//! - no match: "no name matches", and spelling starts over;
//! - one to nine matches: each is read back ("Press 1 for John Smith,
//!   extension 101") and a key from 1 picks one;
//! - more than nine: the caller goes on spelling.
//!
//! `*` leaves the directory for the menu it came from, at any time. `#`
//! while choosing starts the spelling over. Keys 0 and 1, which carry no
//! letters, are ignored while spelling. After
//! [`DialByNameSettings::max_attempts`] failed attempts (no match, no
//! input, an invalid choice) the caller is sent back to the menu.

use std::time::Duration;

use crate::model::{Extension, ExtensionId};

use super::directory::{DirectoryMatch, DirectoryOutcome, SearchBy, lookup, read_back_choices};

/// How the dialog behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DialByNameSettings {
    pub by: SearchBy,
    /// Letters after which the search runs without waiting.
    pub min_letters: usize,
    /// How long to wait for the next key.
    pub entry_timeout: Duration,
    /// Failed attempts before the caller is sent back to the menu.
    pub max_attempts: u8,
}

impl Default for DialByNameSettings {
    fn default() -> Self {
        Self {
            by: SearchBy::LastName,
            min_letters: 3,
            entry_timeout: Duration::from_secs(5),
            max_attempts: 3,
        }
    }
}

/// What happened on the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialByNameEvent {
    Start,
    /// A DTMF key: `0`-`9`, `*` or `#`.
    Key(char),
    /// The entry timer ran out.
    Timeout,
}

/// What call control must do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DialByNameCommand {
    /// "Enter the first letters of the person's last (or first) name."
    PlayInstructions {
        by: SearchBy,
    },
    /// "No name matches."
    PlayNoMatch,
    /// Speak these sentences, in order.
    ReadBack {
        sentences: Vec<String>,
    },
    /// Start (or restart) the entry timer.
    StartTimer {
        after: Duration,
    },
    CancelTimer,
    /// Final: route the call to this extension.
    Connect {
        extension_id: ExtensionId,
    },
    /// Final: back to the IVR menu the caller came from.
    ReturnToMenu,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum State {
    Idle,
    Spelling { digits: String },
    Choosing { choices: Vec<ExtensionId> },
    Finished,
}

/// One caller's use of the directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DialByNameCall {
    state: State,
    failed_attempts: u8,
}

impl Default for DialByNameCall {
    fn default() -> Self {
        Self::new()
    }
}

impl DialByNameCall {
    pub fn new() -> Self {
        Self {
            state: State::Idle,
            failed_attempts: 0,
        }
    }

    /// Whether a final command was issued.
    pub fn is_finished(&self) -> bool {
        self.state == State::Finished
    }

    /// Advances the dialog by one event. `extensions` is the account's
    /// extension list; only listed users are found.
    pub fn handle(
        &mut self,
        event: DialByNameEvent,
        extensions: &[Extension],
        settings: &DialByNameSettings,
    ) -> Vec<DialByNameCommand> {
        let state = std::mem::replace(&mut self.state, State::Finished);
        match (state, event) {
            (State::Idle, DialByNameEvent::Start) => self.spell_again(settings, Vec::new()),
            (State::Idle, _) => self.stay(State::Idle),
            (State::Finished, _) => Vec::new(),
            (_, DialByNameEvent::Key('*')) => finish(DialByNameCommand::ReturnToMenu),
            (State::Spelling { digits }, event) => {
                self.spelling(digits, event, extensions, settings)
            }
            (State::Choosing { choices }, event) => self.choosing(choices, event, settings),
        }
    }

    fn stay(&mut self, state: State) -> Vec<DialByNameCommand> {
        self.state = state;
        Vec::new()
    }

    fn spelling(
        &mut self,
        mut digits: String,
        event: DialByNameEvent,
        extensions: &[Extension],
        settings: &DialByNameSettings,
    ) -> Vec<DialByNameCommand> {
        match event {
            DialByNameEvent::Key(key @ '2'..='9') => {
                digits.push(key);
                if digits.len() >= settings.min_letters {
                    return self.search(digits, extensions, settings);
                }
                self.state = State::Spelling { digits };
                vec![timer(settings)]
            }
            DialByNameEvent::Key('#') | DialByNameEvent::Timeout if !digits.is_empty() => {
                self.search(digits, extensions, settings)
            }
            DialByNameEvent::Timeout => self.failed(settings, Vec::new()),
            _ => self.stay(State::Spelling { digits }),
        }
    }

    fn search(
        &mut self,
        digits: String,
        extensions: &[Extension],
        settings: &DialByNameSettings,
    ) -> Vec<DialByNameCommand> {
        match lookup(extensions, &digits, settings.by) {
            DirectoryOutcome::NoMatch => {
                self.failed(settings, vec![DialByNameCommand::PlayNoMatch])
            }
            DirectoryOutcome::Single(hit) => self.offer(vec![hit], settings),
            DirectoryOutcome::Choices(hits) => self.offer(hits, settings),
            DirectoryOutcome::TooMany { .. } => {
                self.state = State::Spelling { digits };
                vec![timer(settings)]
            }
        }
    }

    fn offer(
        &mut self,
        hits: Vec<DirectoryMatch<'_>>,
        settings: &DialByNameSettings,
    ) -> Vec<DialByNameCommand> {
        let sentences = read_back_choices(&hits);
        self.state = State::Choosing {
            choices: hits.iter().map(|h| h.extension.id).collect(),
        };
        vec![DialByNameCommand::ReadBack { sentences }, timer(settings)]
    }

    fn choosing(
        &mut self,
        choices: Vec<ExtensionId>,
        event: DialByNameEvent,
        settings: &DialByNameSettings,
    ) -> Vec<DialByNameCommand> {
        let picked = match event {
            DialByNameEvent::Key(key) => key.to_digit(10).and_then(|d| d.checked_sub(1)),
            DialByNameEvent::Timeout | DialByNameEvent::Start => None,
        };
        if let Some(&extension_id) = picked.and_then(|i| choices.get(i as usize)) {
            return finish(DialByNameCommand::Connect { extension_id });
        }
        if event == DialByNameEvent::Key('#') {
            return self.spell_again(settings, Vec::new());
        }
        self.failed(settings, Vec::new())
    }

    /// Counts a failed attempt: back to the menu after the last one, else
    /// the spelling starts over after `first`.
    fn failed(
        &mut self,
        settings: &DialByNameSettings,
        first: Vec<DialByNameCommand>,
    ) -> Vec<DialByNameCommand> {
        self.failed_attempts = self.failed_attempts.saturating_add(1);
        if self.failed_attempts >= settings.max_attempts.max(1) {
            return finish(DialByNameCommand::ReturnToMenu);
        }
        self.spell_again(settings, first)
    }

    fn spell_again(
        &mut self,
        settings: &DialByNameSettings,
        mut commands: Vec<DialByNameCommand>,
    ) -> Vec<DialByNameCommand> {
        self.state = State::Spelling {
            digits: String::new(),
        };
        commands.push(DialByNameCommand::PlayInstructions { by: settings.by });
        commands.push(timer(settings));
        commands
    }
}

fn timer(settings: &DialByNameSettings) -> DialByNameCommand {
    DialByNameCommand::StartTimer {
        after: settings.entry_timeout,
    }
}

/// The state is already `Finished` (see [`DialByNameCall::handle`]).
fn finish(last: DialByNameCommand) -> Vec<DialByNameCommand> {
    vec![DialByNameCommand::CancelTimer, last]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::user;

    fn people() -> Vec<Extension> {
        vec![
            user(1, "101", "John", "Smith"),
            user(2, "102", "Ann", "Smith"),
            user(3, "103", "Bob", "Jones"),
            user(4, "104", "Sue", "Kern"),
        ]
    }

    fn run(events: &[DialByNameEvent]) -> (DialByNameCall, Vec<DialByNameCommand>) {
        let (extensions, settings) = (people(), DialByNameSettings::default());
        let mut call = DialByNameCall::new();
        let mut last = call.handle(DialByNameEvent::Start, &extensions, &settings);
        for event in events {
            last = call.handle(*event, &extensions, &settings);
        }
        (call, last)
    }

    fn keys(keys: &str) -> Vec<DialByNameEvent> {
        keys.chars().map(DialByNameEvent::Key).collect()
    }

    fn instructions() -> Vec<DialByNameCommand> {
        vec![
            DialByNameCommand::PlayInstructions {
                by: SearchBy::LastName,
            },
            DialByNameCommand::StartTimer {
                after: Duration::from_secs(5),
            },
        ]
    }

    fn read_back(sentences: &[&str]) -> Vec<DialByNameCommand> {
        vec![
            DialByNameCommand::ReadBack {
                sentences: sentences.iter().map(|s| s.to_string()).collect(),
            },
            DialByNameCommand::StartTimer {
                after: Duration::from_secs(5),
            },
        ]
    }

    #[test]
    fn starting_plays_the_instructions() {
        let (_, commands) = run(&[]);

        assert_eq!(commands, instructions());
    }

    #[test]
    fn three_letters_of_a_unique_name_read_back_that_person() {
        // J-O-N spells 566.
        let (_, commands) = run(&keys("566"));

        assert_eq!(
            commands,
            read_back(&["Press 1 for Bob Jones, extension 103"])
        );
    }

    #[test]
    fn a_shared_last_name_offers_every_match_in_order() {
        let (_, commands) = run(&keys("764"));

        assert_eq!(
            commands,
            read_back(&[
                "Press 1 for Ann Smith, extension 102",
                "Press 2 for John Smith, extension 101",
            ])
        );
    }

    #[test]
    fn picking_a_key_connects_to_that_person() {
        let (call, commands) = run(&keys("7642"));

        assert_eq!(
            commands,
            [
                DialByNameCommand::CancelTimer,
                DialByNameCommand::Connect { extension_id: 1 }
            ]
        );
        assert!(call.is_finished());
    }

    #[test]
    fn hash_searches_with_fewer_letters() {
        let (_, commands) = run(&keys("56#"));

        assert_eq!(
            commands,
            read_back(&["Press 1 for Bob Jones, extension 103"])
        );
    }

    #[test]
    fn a_pause_after_some_letters_searches_too() {
        let mut events = keys("53");
        events.push(DialByNameEvent::Timeout);

        let (_, commands) = run(&events);

        assert_eq!(
            commands,
            read_back(&["Press 1 for Sue Kern, extension 104"])
        );
    }

    #[test]
    fn no_match_says_so_and_starts_over() {
        let (_, commands) = run(&keys("999"));

        let mut expected = vec![DialByNameCommand::PlayNoMatch];
        expected.extend(instructions());
        assert_eq!(commands, expected);
    }

    #[test]
    fn the_third_failed_attempt_returns_to_the_menu() {
        let timeout = DialByNameEvent::Timeout;

        let (call, commands) = run(&[timeout, timeout, timeout]);

        assert_eq!(
            commands,
            [
                DialByNameCommand::CancelTimer,
                DialByNameCommand::ReturnToMenu
            ]
        );
        assert!(call.is_finished());
    }

    #[test]
    fn star_returns_to_the_menu_at_any_time() {
        let (_, commands) = run(&keys("76*"));

        assert_eq!(
            commands,
            [
                DialByNameCommand::CancelTimer,
                DialByNameCommand::ReturnToMenu
            ]
        );
    }

    #[test]
    fn keys_without_letters_are_ignored_while_spelling() {
        let (_, commands) = run(&keys("5610"));

        assert!(commands.is_empty());
    }

    #[test]
    fn a_choice_beyond_the_list_is_a_failed_attempt() {
        let (_, commands) = run(&keys("7643"));

        assert_eq!(commands, instructions());
    }

    #[test]
    fn hash_while_choosing_starts_the_spelling_over() {
        let (_, commands) = run(&keys("764#"));

        assert_eq!(commands, instructions());
    }
}
