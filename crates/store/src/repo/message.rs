//! The message store: voicemail records with their attachments, filtered
//! and paged the way `GET .../message-store` asks.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use switchboard_phone::model::{
    Availability, Direction, ExtensionId, Message, MessageAttachment, MessageId, MessageType,
    ReadStatus,
};
use tracing::debug;

use crate::db::{Bind, RowExt, Sql, count, enum_text, from_json, from_millis, millis};
use crate::db::{next_id, parse_enum, to_json};
use crate::{Page, Paged, Result, Store, StoreError};

const WHAT: &str = "message";

/// The query filters of `listMessages`; empty lists match everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    pub message_types: Vec<MessageType>,
    pub directions: Vec<Direction>,
    pub read_statuses: Vec<ReadStatus>,
    pub availabilities: Vec<Availability>,
    /// Inclusive lower bound on `creationTime`.
    pub date_from: Option<Timestamp>,
    /// Exclusive upper bound on `creationTime`.
    pub date_to: Option<Timestamp>,
}

impl MessageFilter {
    fn sql(&self, extension: ExtensionId, select: &str) -> Sql {
        let mut sql = Sql::new("SELECT ");
        sql.push(select)
            .push(" FROM messages WHERE extension_id = ");
        sql.bind(Bind::Int(extension));
        sql.and_in("type", self.message_types.iter().map(enum_text).collect());
        sql.and_in("direction", self.directions.iter().map(enum_text).collect());
        sql.and_in(
            "read_status",
            self.read_statuses.iter().map(enum_text).collect(),
        );
        sql.and_in(
            "availability",
            self.availabilities.iter().map(enum_text).collect(),
        );
        if let Some(from) = self.date_from {
            sql.push(" AND creation_time >= ")
                .bind(Bind::Int(millis(from)));
        }
        if let Some(to) = self.date_to {
            sql.push(" AND creation_time < ")
                .bind(Bind::Int(millis(to)));
        }
        sql
    }
}

/// An attachment as stored: the model keeps `blob_key` out of its JSON.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StoredAttachment {
    #[serde(flatten)]
    attachment: MessageAttachment,
    blob_key: String,
}

impl Store {
    /// Stores a new message (a voicemail just recorded), assigning the
    /// message id and any attachment id left at 0.
    pub async fn insert_message(&self, message: &Message) -> Result<Message> {
        let mut message = message.clone();
        message.id = next_id(&self.pool).await?;
        for attachment in message.attachments.iter_mut().filter(|a| a.id == 0) {
            attachment.id = next_id(&self.pool).await?;
        }
        sqlx::query(
            "INSERT INTO messages (id, extension_id, type, direction, read_status, availability, \
             message_status, creation_time, last_modified_time, from_party, to_parties, subject, \
             attachments) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(message.id)
        .bind(message.extension_id)
        .bind(enum_text(&message.message_type))
        .bind(enum_text(&message.direction))
        .bind(enum_text(&message.read_status))
        .bind(enum_text(&message.availability))
        .bind(enum_text(&message.message_status))
        .bind(millis(message.creation_time))
        .bind(millis(message.last_modified_time))
        .bind(to_json(&message.from))
        .bind(to_json(&message.to))
        .bind(message.subject.clone())
        .bind(attachments_json(&message.attachments))
        .execute(&self.pool)
        .await
        .map_err(|e| StoreError::from_sqlx(WHAT, e))?;
        debug!(
            extension_id = message.extension_id,
            message_id = message.id,
            "message stored"
        );
        Ok(message)
    }

    /// One page of an extension's messages, newest first.
    pub async fn list_messages(
        &self,
        extension: ExtensionId,
        filter: &MessageFilter,
        page: Page,
    ) -> Result<Paged<Message>> {
        let total = count(&self.pool, &filter.sql(extension, "COUNT(*)")).await?;
        let mut sql = filter.sql(extension, "*");
        sql.push(" ORDER BY creation_time DESC, id DESC LIMIT ")
            .bind(Bind::Int(page.limit()));
        sql.push(" OFFSET ").bind(Bind::Int(page.offset()));
        let rows = sql.query().fetch_all(&self.pool).await?;
        let records = rows.iter().map(message_from_row).collect::<Result<_>>()?;
        Ok(Paged {
            records,
            page,
            total_elements: total,
        })
    }

    /// One message of the extension.
    pub async fn get_message(&self, extension: ExtensionId, id: MessageId) -> Result<Message> {
        let row = sqlx::query("SELECT * FROM messages WHERE extension_id = $1 AND id = $2")
            .bind(extension)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound(WHAT))?;
        message_from_row(&row)
    }

    /// Marks a message read or unread and returns it as updated.
    pub async fn update_message_read_status(
        &self,
        extension: ExtensionId,
        id: MessageId,
        read_status: ReadStatus,
        now: Timestamp,
    ) -> Result<Message> {
        self.set_message_column(extension, id, "read_status", enum_text(&read_status), now)
            .await
    }

    /// Moves a message to `Deleted` (recoverable) or back to `Alive`.
    pub async fn update_message_availability(
        &self,
        extension: ExtensionId,
        id: MessageId,
        availability: Availability,
        now: Timestamp,
    ) -> Result<Message> {
        self.set_message_column(extension, id, "availability", enum_text(&availability), now)
            .await
    }

    /// Removes a message for good and returns it, so the caller can delete
    /// its attachments' blobs.
    pub async fn delete_message(&self, extension: ExtensionId, id: MessageId) -> Result<Message> {
        let message = self.get_message(extension, id).await?;
        sqlx::query("DELETE FROM messages WHERE extension_id = $1 AND id = $2")
            .bind(extension)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(message)
    }

    /// Unread, undeleted voicemails: what the message-waiting lamp shows.
    pub async fn count_unread_voicemail(&self, extension: ExtensionId) -> Result<u64> {
        let filter = MessageFilter {
            message_types: vec![MessageType::VoiceMail],
            read_statuses: vec![ReadStatus::Unread],
            availabilities: vec![Availability::Alive],
            ..MessageFilter::default()
        };
        count(&self.pool, &filter.sql(extension, "COUNT(*)")).await
    }

    /// Sets one fixed status column; `column` is never caller input.
    async fn set_message_column(
        &self,
        extension: ExtensionId,
        id: MessageId,
        column: &'static str,
        value: String,
        now: Timestamp,
    ) -> Result<Message> {
        let sql = format!(
            "UPDATE messages SET {column} = $3, last_modified_time = $4 \
             WHERE extension_id = $1 AND id = $2"
        );
        let done = sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(extension)
            .bind(id)
            .bind(value)
            .bind(millis(now))
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(WHAT));
        }
        self.get_message(extension, id).await
    }
}

fn attachments_json(attachments: &[MessageAttachment]) -> String {
    let stored: Vec<StoredAttachment> = attachments
        .iter()
        .map(|a| StoredAttachment {
            attachment: a.clone(),
            blob_key: a.blob_key.clone(),
        })
        .collect();
    to_json(&stored)
}

fn attachments_from_json(json: &str) -> Result<Vec<MessageAttachment>> {
    let stored: Vec<StoredAttachment> = from_json(WHAT, json)?;
    let with_keys = stored.into_iter().map(|s| MessageAttachment {
        blob_key: s.blob_key,
        ..s.attachment
    });
    Ok(with_keys.collect())
}

fn message_from_row(row: &AnyRow) -> Result<Message> {
    Ok(Message {
        id: row.int("id", WHAT)?,
        extension_id: row.int("extension_id", WHAT)?,
        message_type: parse_enum(WHAT, &row.text("type", WHAT)?)?,
        direction: parse_enum(WHAT, &row.text("direction", WHAT)?)?,
        from: from_json(WHAT, &row.text("from_party", WHAT)?)?,
        to: from_json(WHAT, &row.text("to_parties", WHAT)?)?,
        creation_time: from_millis(WHAT, row.int("creation_time", WHAT)?)?,
        last_modified_time: from_millis(WHAT, row.int("last_modified_time", WHAT)?)?,
        read_status: parse_enum(WHAT, &row.text("read_status", WHAT)?)?,
        availability: parse_enum(WHAT, &row.text("availability", WHAT)?)?,
        message_status: parse_enum(WHAT, &row.text("message_status", WHAT)?)?,
        subject: row.opt_text("subject", WHAT)?,
        attachments: attachments_from_json(&row.text("attachments", WHAT)?)?,
    })
}
