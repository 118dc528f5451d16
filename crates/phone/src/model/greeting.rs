//! Custom greetings recorded or uploaded for an extension or the company.

use serde::{Deserialize, Serialize};

use super::common::IdRef;
use super::extension::ExtensionId;

/// `GreetingTypeEnum` plus the company and dictionary types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum GreetingType {
    Introductory,
    Announcement,
    AutomaticRecording,
    BlockedCallersAll,
    BlockedCallersSpecific,
    BlockedNoCallerId,
    BlockedPayPhones,
    ConnectingMessage,
    ConnectingAudio,
    StartRecording,
    StopRecording,
    Voicemail,
    Unavailable,
    HoldMusic,
    InterruptPrompt,
    PronouncedName,
    Company,
    TemplateGreeting,
}

/// A custom greeting (`CustomUserGreetingInfo`). The audio lives in the
/// blob store under `blob_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Greeting {
    pub id: String,
    #[serde(rename = "type")]
    pub greeting_type: GreetingType,
    /// `audio/wav` or `audio/mpeg`.
    pub content_type: String,
    /// The rule this greeting was recorded for (`answeringRule{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answering_rule: Option<IdRef>,
    /// `None` for a company greeting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_id: Option<ExtensionId>,
    /// Where the audio is kept; not part of RingCentral's shape.
    #[serde(default, skip_serializing)]
    pub blob_key: String,
}
