//! IVR menus (the auto-attendant) and the IVR prompts they play.

use serde::{Deserialize, Serialize};

use super::common::{ExtensionRef, IdRef};

/// `input` of an IVR action: a digit key, `Star`, `Hash`, or `NoInput` when
/// the caller pressed nothing before the prompt finished its repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IvrInput {
    #[serde(rename = "0")]
    Digit0,
    #[serde(rename = "1")]
    Digit1,
    #[serde(rename = "2")]
    Digit2,
    #[serde(rename = "3")]
    Digit3,
    #[serde(rename = "4")]
    Digit4,
    #[serde(rename = "5")]
    Digit5,
    #[serde(rename = "6")]
    Digit6,
    #[serde(rename = "7")]
    Digit7,
    #[serde(rename = "8")]
    Digit8,
    #[serde(rename = "9")]
    Digit9,
    Star,
    Hash,
    NoInput,
}

impl IvrInput {
    /// The input for a DTMF key (`0`-`9`, `*`, `#`); `None` for A-D.
    pub fn from_dtmf(key: char) -> Option<Self> {
        const DIGITS: [IvrInput; 10] = [
            IvrInput::Digit0,
            IvrInput::Digit1,
            IvrInput::Digit2,
            IvrInput::Digit3,
            IvrInput::Digit4,
            IvrInput::Digit5,
            IvrInput::Digit6,
            IvrInput::Digit7,
            IvrInput::Digit8,
            IvrInput::Digit9,
        ];
        match key {
            '*' => Some(Self::Star),
            '#' => Some(Self::Hash),
            _ => key.to_digit(10).map(|d| DIGITS[d as usize]),
        }
    }
}

/// `action` of an IVR menu entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum IvrActionKind {
    /// Connect to `extension`.
    Connect,
    /// Take a message in `extension`'s mailbox.
    Voicemail,
    DialByName,
    /// Transfer to the outside `phoneNumber`.
    Transfer,
    Repeat,
    ReturnToRoot,
    ReturnToPrevious,
    Disconnect,
    ReturnToTopLevelMenu,
    DoNothing,
    ConnectToOperator,
    TransferToContactCenterNumber,
    ConnectToIncomingCallRoutingSelection,
}

/// `actions[]` of an IVR menu.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IvrAction {
    pub input: IvrInput,
    pub action: IvrActionKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension: Option<ExtensionRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
}

/// `mode` of a menu prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum PromptMode {
    #[default]
    Audio,
    TextToSpeech,
}

/// `prompt` of an IVR menu: an uploaded prompt or text to speak.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IvrMenuPrompt {
    pub mode: PromptMode,
    /// The [`IvrPrompt`] to play in `Audio` mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio: Option<IdRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// An IVR menu (`IvrMenuInfo`). In RingCentral an IVR menu is also an
/// extension of type `IvrMenu`; its id is that extension's id as a string.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IvrMenu {
    pub id: String,
    pub name: String,
    pub extension_number: String,
    /// How many times the prompt plays before `NoInput` applies (1 to 3).
    #[serde(default = "default_repeat_count")]
    pub prompt_repeat_count: u8,
    #[serde(default)]
    pub prompt: IvrMenuPrompt,
    #[serde(default)]
    pub actions: Vec<IvrAction>,
}

fn default_repeat_count() -> u8 {
    3
}

impl IvrMenu {
    /// The action bound to an input, if any.
    pub fn action_for(&self, input: IvrInput) -> Option<&IvrAction> {
        self.actions.iter().find(|a| a.input == input)
    }
}

/// An uploaded IVR prompt (`PromptInfo`). The audio lives in the blob store
/// under `blob_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IvrPrompt {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// `audio/wav` or `audio/mpeg`.
    pub content_type: String,
    /// Where the audio is kept; not part of RingCentral's shape.
    #[serde(default, skip_serializing)]
    pub blob_key: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ivr_menu_parses_digit_and_named_inputs() {
        let json = r#"{"id":"3001","name":"Main","extensionNumber":"3001",
            "promptRepeatCount":2,"prompt":{"mode":"TextToSpeech","text":"Hi"},
            "actions":[{"input":"1","action":"Connect","extension":{"id":101}},
                       {"input":"Star","action":"DialByName"}]}"#;
        let menu: IvrMenu = serde_json::from_str(json).unwrap();
        let one = menu.action_for(IvrInput::from_dtmf('1').unwrap()).unwrap();
        assert_eq!(one.extension.as_ref().unwrap().id, 101);
        assert_eq!(
            menu.action_for(IvrInput::Star).unwrap().action,
            IvrActionKind::DialByName
        );
        assert!(
            serde_json::to_string(&menu)
                .unwrap()
                .contains(r#""input":"1""#)
        );
    }
}
