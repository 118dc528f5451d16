//! The dial-by-name directory: feeds the caller's keys and the entry
//! timer to `rules::dial_by_name::DialByNameCall` and carries out its
//! commands (instructions, read-back of matches, the pick).

use switchboard_media::Prompt;
use switchboard_phone::model::{Account, ExtensionId};
use switchboard_phone::rules::dial_by_name::{
    DialByNameCall, DialByNameCommand, DialByNameEvent, DialByNameSettings,
};
use switchboard_phone::rules::directory::SearchBy;
use tokio::time::Instant;
use tracing::info;

use super::ivr::KeyWait;
use super::{Call, Step};

/// Said when the search finds nobody.
const NO_MATCH: &str = "No name matches your entry.";

impl Call {
    /// Runs the directory; the extension picked, or `None` when the caller
    /// went back to the menu.
    pub(super) async fn dial_by_name(&mut self, account: &Account) -> Step<Option<ExtensionId>> {
        let extensions = self.shared.store.all_extensions(account.id).await?;
        let settings = DialByNameSettings::default();
        let mut directory = DialByNameCall::new();
        let mut commands = directory.handle(DialByNameEvent::Start, &extensions, &settings);
        let mut playlist = Vec::new();
        let mut deadline = None;
        loop {
            for command in commands {
                match command {
                    DialByNameCommand::PlayInstructions { by } => {
                        playlist.push(Prompt::Text(instructions(by).to_owned()));
                    }
                    DialByNameCommand::PlayNoMatch => playlist.push(Prompt::Text(NO_MATCH.into())),
                    DialByNameCommand::ReadBack { sentences } => {
                        playlist.extend(sentences.into_iter().map(Prompt::Text));
                    }
                    DialByNameCommand::StartTimer { after } => {
                        deadline = Some(Instant::now() + after)
                    }
                    DialByNameCommand::CancelTimer => deadline = None,
                    DialByNameCommand::Connect { extension_id } => {
                        info!(extension_id, "directory pick");
                        return Ok(Some(extension_id));
                    }
                    DialByNameCommand::ReturnToMenu => return Ok(None),
                }
            }
            let event = match self.wait_for_key(&mut playlist, deadline).await? {
                // The directory has no prompt-end event: keep listening.
                KeyWait::PromptFinished => None,
                KeyWait::Key(key) => Some(DialByNameEvent::Key(key)),
                KeyWait::Timeout => {
                    deadline = None;
                    Some(DialByNameEvent::Timeout)
                }
            };
            commands = event.map_or_else(Vec::new, |e| directory.handle(e, &extensions, &settings));
        }
    }
}

fn instructions(by: SearchBy) -> &'static str {
    match by {
        SearchBy::LastName => {
            "Please enter the first letters of the person's last name. To return to the menu, \
             press star."
        }
        SearchBy::FirstName => {
            "Please enter the first letters of the person's first name. To return to the menu, \
             press star."
        }
    }
}
