//! Voicemail: the mailbox owner's greeting, a beep, the caller's message
//! recorded until `#`, silence, the length limit or hang-up; then the WAV
//! goes to the blob store, a VoiceMail message into the message store,
//! and the owner's phones get a message-waiting NOTIFY.

use std::path::PathBuf;
use std::time::Duration;

use switchboard_media::{RecordOptions, Recording};
use switchboard_phone::model::{
    Account, AttachmentType, Availability, Direction, Extension, Message, MessageAttachment,
    MessageId, MessageParty, MessageStatus, MessageType, ReadStatus,
};
use switchboard_phone::rules::call_plan::GreetingChoice;
use switchboard_phone::rules::call_result::CallEnding;
use tracing::{info, warn};

use super::signals::Signal;
use super::{Call, Stage, Step, Stop};
use crate::mwi;
use crate::registry::CallState;

impl Call {
    /// Takes a message for `owner`; the ending says whether one was left.
    pub(super) async fn voicemail(
        &mut self,
        account: &Account,
        owner: &Extension,
        greeting: &GreetingChoice,
    ) -> Step<CallEnding> {
        self.stage = Stage::Voicemail;
        if self.facts.extension.is_none() {
            self.facts.extension = Some(owner.clone());
        }
        self.set_state(CallState::Voicemail);
        self.answer().await?;
        let text = format!(
            "{} is not available. Please leave a message after the tone.",
            owner.name
        );
        self.play_greeting(account, greeting, &text).await?;
        let (recording, stop) = self.record_message().await?;
        if recording.duration.is_zero() {
            let _ = tokio::fs::remove_file(&recording.path).await;
            info!("no message left");
            return stop.map_or(Ok(CallEnding::HungUpInVoicemail), Err);
        }
        let id = self.save_message(owner, &recording).await?;
        self.facts.message = Some(id);
        mwi::notify(&self.shared, owner.id).await;
        match stop {
            Some(Stop::Shutdown) => Err(Stop::Shutdown),
            _ => Ok(CallEnding::VoicemailLeft),
        }
    }

    /// Records until the message ends. A caller who hangs up keeps what
    /// was said: the session is marked hung up and the recording saved,
    /// rather than the recording dropped mid-way.
    async fn record_message(&mut self) -> Step<(Recording, Option<Stop>)> {
        let config = &self.shared.config;
        tokio::fs::create_dir_all(&config.work_dir).await?;
        let options = RecordOptions {
            path: self.recording_path(),
            max_duration: Some(Duration::from_secs(config.voicemail_max_secs)),
            trailing_silence: Some(Duration::from_millis(config.voicemail_trailing_silence_ms)),
            beep: config.voicemail_beep,
            stop_keys: "#".to_owned(),
        };
        let record = self.media.record(&options);
        tokio::pin!(record);
        let mut stop = None;
        let recording = loop {
            tokio::select! {
                recording = &mut record => break recording?,
                signal = self.signals.next(), if stop.is_none() => match signal {
                    Signal::CallerGone => stop = Some(Stop::CallerGone),
                    Signal::Shutdown => stop = Some(Stop::Shutdown),
                    Signal::LegBye(_) => continue,
                },
            }
            self.media.hang_up();
        };
        info!(duration_ms = recording.duration.as_millis() as u64, end = ?recording.end,
            "message recorded");
        Ok((recording, stop))
    }

    fn recording_path(&self) -> PathBuf {
        let name: String = self
            .id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(40)
            .collect();
        self.shared
            .config
            .work_dir
            .join(format!("voicemail-{name}.wav"))
    }

    /// Moves the WAV into the blob store and files the message.
    async fn save_message(&self, owner: &Extension, recording: &Recording) -> Step<MessageId> {
        let store = &self.shared.store;
        let bytes = tokio::fs::read(&recording.path).await?;
        let size = bytes.len() as u64;
        let blob_id = store.next_id().await?;
        let key = format!("voicemail/{}/{blob_id}.wav", owner.id);
        self.shared.blobs.put(&key, bytes).await?;
        if let Err(error) = tokio::fs::remove_file(&recording.path).await {
            warn!(%error, "recording left in the work directory");
        }
        let now = self.shared.clock.now();
        let attachment = MessageAttachment {
            id: 0,
            attachment_type: AttachmentType::AudioRecording,
            content_type: "audio/wav".to_owned(),
            vm_duration: Some(recording.duration.as_secs_f64().ceil() as u32),
            file_name: Some(format!("{blob_id}.wav")),
            size: Some(size),
            blob_key: key,
        };
        let message = Message {
            id: 0,
            extension_id: owner.id,
            message_type: MessageType::VoiceMail,
            direction: Direction::Inbound,
            from: MessageParty {
                phone_number: Some(self.facts.from_number.clone()),
                extension_number: None,
                name: self.facts.from_name.clone(),
            },
            to: vec![MessageParty {
                phone_number: None,
                extension_number: Some(owner.extension_number.clone()),
                name: Some(owner.name.clone()),
            }],
            creation_time: now,
            last_modified_time: now,
            read_status: ReadStatus::Unread,
            availability: Availability::Alive,
            message_status: MessageStatus::Received,
            subject: Some(format!("Voice message from {}", self.facts.from_number)),
            attachments: vec![attachment],
        };
        let stored = store.insert_message(&message).await?;
        info!(
            message_id = stored.id,
            extension_id = owner.id,
            "voicemail stored"
        );
        Ok(stored.id)
    }
}
