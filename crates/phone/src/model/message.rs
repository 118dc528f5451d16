//! Message store records: voicemail (and, later, SMS and fax) with their
//! attachments.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::common::Direction;
use super::extension::ExtensionId;

/// RingCentral message ids are 64-bit integers.
pub type MessageId = i64;

/// `type` of a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageType {
    VoiceMail,
    SMS,
    Fax,
    Pager,
    Text,
}

/// `MessageReadStatusEnum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum ReadStatus {
    Read,
    #[default]
    Unread,
}

/// `MessageStatusEnum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MessageStatus {
    Queued,
    Sent,
    Delivered,
    DeliveryFailed,
    SendingFailed,
    Received,
}

/// `MessageAvailabilityEnum`: deleted messages stay until purged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Availability {
    #[default]
    Alive,
    Deleted,
    Purged,
}

/// `MessageAttachmentTypeEnum`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttachmentType {
    AudioRecording,
    AudioTranscription,
    Text,
    SourceDocument,
    RenderedDocument,
    MmsAttachment,
}

/// `from` / `to[]` of a message.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageParty {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// `attachments[]`: for voicemail, the recording.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageAttachment {
    pub id: i64,
    #[serde(rename = "type")]
    pub attachment_type: AttachmentType,
    /// `audio/wav` for recordings made here.
    pub content_type: String,
    /// Voicemail length in whole seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vm_duration: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    /// Where the content is kept; not part of RingCentral's shape.
    #[serde(default, skip_serializing)]
    pub blob_key: String,
}

/// A message store record (`GetMessageInfoResponse`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Message {
    pub id: MessageId,
    /// The mailbox owner.
    #[serde(with = "extension_id_string")]
    pub extension_id: ExtensionId,
    #[serde(rename = "type")]
    pub message_type: MessageType,
    pub direction: Direction,
    #[serde(default)]
    pub from: MessageParty,
    #[serde(default)]
    pub to: Vec<MessageParty>,
    pub creation_time: Timestamp,
    pub last_modified_time: Timestamp,
    #[serde(default)]
    pub read_status: ReadStatus,
    #[serde(default)]
    pub availability: Availability,
    pub message_status: MessageStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default)]
    pub attachments: Vec<MessageAttachment>,
}

/// `extensionId` is a string in RingCentral's message schema.
mod extension_id_string {
    use serde::{Deserializer, Serializer};

    pub fn serialize<S: Serializer>(id: &i64, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(id)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        crate::model::common::id_number_or_string(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn voicemail_round_trips_in_ringcentral_shape() {
        let json = r#"{"id":5,"extensionId":"101","type":"VoiceMail","direction":"Inbound",
            "from":{"phoneNumber":"+15550100"},"to":[{"extensionNumber":"101"}],
            "creationTime":"2026-12-03T14:00:00Z","lastModifiedTime":"2026-12-03T14:00:00Z",
            "readStatus":"Unread","availability":"Alive","messageStatus":"Received",
            "attachments":[{"id":9,"type":"AudioRecording","contentType":"audio/wav",
            "vmDuration":12}]}"#;
        let message: Message = serde_json::from_str(json).unwrap();
        assert_eq!(message.extension_id, 101);
        assert_eq!(message.attachments[0].vm_duration, Some(12));
        let out = serde_json::to_string(&message).unwrap();
        assert!(out.contains(r#""extensionId":"101""#), "{out}");
        assert_eq!(serde_json::from_str::<Message>(&out).unwrap(), message);
    }
}
