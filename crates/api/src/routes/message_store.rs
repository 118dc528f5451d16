//! The message store: `listMessages`, `readMessage`, `updateMessage`,
//! `deleteMessage`, and `readMessageContent` (voicemail audio).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get, put};
use axum::{Json, Router};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::Value;
use switchboard_phone::model::{
    Availability, ExtensionId, Message, MessageId, MessageParty, ReadStatus,
};

use crate::backend::MessageFilter;
use crate::content::{Disposition, binary};
use crate::error::ApiError;
use crate::extract::{Pairs, Query, RcJson, check_one_of, parse_enum, parse_enums, parse_time};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::extension::{check_own_or_admin, load};
use crate::state::AppState;
use crate::uri::WithUri;

const LIST_MESSAGES: Operation = Operation::new(
    "listMessages",
    ThrottlingGroup::Light,
    Permission::ReadMessages,
);

const READ_MESSAGE: Operation = Operation::new(
    "readMessage",
    ThrottlingGroup::Light,
    Permission::ReadMessages,
);
const UPDATE_MESSAGE: Operation = Operation::new(
    "updateMessage",
    ThrottlingGroup::Medium,
    Permission::EditMessages,
);
const DELETE_MESSAGE: Operation = Operation::new(
    "deleteMessage",
    ThrottlingGroup::Medium,
    Permission::EditMessages,
);
const READ_MESSAGE_CONTENT: Operation = Operation::new(
    "readMessageContent",
    ThrottlingGroup::Medium,
    Permission::ReadMessages,
);

/// `type` values of `deleteMessage`.
const DELETE_TYPES: [&str; 6] = ["Fax", "SMS", "VoiceMail", "Pager", "Text", "All"];

/// Without `dateFrom`, RingCentral lists the 24 hours before `dateTo`.
const DEFAULT_SPAN: SignedDuration = SignedDuration::from_hours(24);

fn filter(query: &Pairs) -> Result<MessageFilter, ApiError> {
    let date_to = match query.non_empty("dateTo") {
        Some(text) => parse_time(text, "dateTo")?,
        None => Timestamp::now(),
    };
    let date_from = match query.non_empty("dateFrom") {
        Some(text) => parse_time(text, "dateFrom")?,
        None => date_to.checked_sub(DEFAULT_SPAN).unwrap_or(Timestamp::MIN),
    };
    Ok(MessageFilter {
        message_types: parse_enums(&query.all("messageType"), "messageType")?,
        directions: parse_enums(&query.all("direction"), "direction")?,
        read_statuses: parse_enums(&query.all("readStatus"), "readStatus")?,
        availabilities: parse_enums(&query.all("availability"), "availability")?,
        date_from: Some(date_from),
        date_to: Some(date_to),
    })
}

async fn list_messages(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    Query(query): Query,
) -> Result<Json<Envelope<WithUri<Message>>>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let page = PageRequest::from_query(&query)?;

    let slice = state
        .directory
        .messages(ext.id, &filter(&query)?, page)
        .await?;
    let base = format!("{}/message-store", state.uris.extension(account_id, ext.id));
    let envelope = Envelope::new(slice, page, &ListUri::new(base.clone(), &query));
    Ok(Json(envelope.map(|m| WithUri {
        uri: format!("{base}/{}", m.id),
        record: m,
    })))
}

/// The mailbox and message a path names, after the access check. Comma
/// lists of ids (RingCentral's multipart bulk reads) are not supported and
/// find nothing.
async fn locate(
    state: &AppState,
    caller: &Caller,
    (account, extension, message): (String, String, String),
) -> Result<(String, ExtensionId, MessageId), ApiError> {
    let (account_id, ext) = load(state, caller, (account, extension)).await?;
    check_own_or_admin(state, caller, ext.id).await?;
    let message_id = message
        .parse()
        .map_err(|_| ApiError::NotFound("messageId"))?;
    let base = format!("{}/message-store", state.uris.extension(account_id, ext.id));
    Ok((base, ext.id, message_id))
}

/// `GetSingleMessageInfoResponse`: the message with its `uri` and
/// `vmSideRecipients`, which the spec requires (at least one) on a single
/// read; Switchboard delivers each message to one mailbox, so they are its
/// `to` parties.
fn single_message(message: Message, uri: String) -> Value {
    let recipients: Vec<MessageParty> = message.to.clone();
    let record = WithUri {
        uri,
        record: message,
    };
    // Model types serialize to JSON objects; nothing here can fail.
    let mut value = serde_json::to_value(record).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        let recipients = serde_json::to_value(recipients).unwrap_or_default();
        object.insert("vmSideRecipients".into(), recipients);
    }
    value
}

async fn read_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (base, extension_id, message_id) = locate(&state, &caller, path).await?;
    let message = state.directory.message(extension_id, message_id).await?;
    let mut message = message.ok_or(ApiError::NotFound("messageId"))?;
    if message.to.is_empty() {
        let owner = state
            .directory
            .extension(caller.subject.account_id, extension_id)
            .await?;
        let party = MessageParty {
            extension_number: owner.map(|e| e.extension_number),
            ..MessageParty::default()
        };
        message.to.push(party);
    }
    Ok(Json(single_message(
        message,
        format!("{base}/{message_id}"),
    )))
}

/// `UpdateMessageRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateMessageRequest {
    read_status: Option<String>,
}

async fn update_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String, String)>,
    RcJson(body): RcJson<UpdateMessageRequest>,
) -> Result<Json<WithUri<Message>>, ApiError> {
    let (base, extension_id, message_id) = locate(&state, &caller, path).await?;
    let status = body
        .read_status
        .ok_or(ApiError::MissingParameter("readStatus"))?;
    let status: ReadStatus = parse_enum(&status, "readStatus")?;

    let updated = state.directory.update_message_read_status(
        extension_id,
        message_id,
        status,
        Timestamp::now(),
    );
    let message = updated.await?.ok_or(ApiError::NotFound("messageId"))?;
    tracing::info!(extension_id, message_id, read_status = ?status, "message updated");
    Ok(Json(WithUri {
        uri: format!("{base}/{message_id}"),
        record: message,
    }))
}

/// As in RingCentral, a first delete moves the message to the trash
/// (`availability` Deleted); `purge=true`, or deleting from the trash,
/// removes it and its audio for good.
async fn delete_message(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String, String)>,
    Query(query): Query,
) -> Result<StatusCode, ApiError> {
    let (_, extension_id, message_id) = locate(&state, &caller, path).await?;
    // `type` narrows conversation deletes; one message only checks it.
    check_one_of(query.non_empty("type"), &DELETE_TYPES, "type")?;
    let purge = match query.non_empty("purge") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(ApiError::InvalidParameter("purge")),
    };
    let message = state.directory.message(extension_id, message_id).await?;
    let message = message.ok_or(ApiError::NotFound("messageId"))?;

    if purge || message.availability != Availability::Alive {
        purge_message(&state, extension_id, message_id).await?;
        return Ok(StatusCode::NO_CONTENT);
    }
    let trashed = state.directory.update_message_availability(
        extension_id,
        message_id,
        Availability::Deleted,
        Timestamp::now(),
    );
    trashed.await?.ok_or(ApiError::NotFound("messageId"))?;
    tracing::info!(extension_id, message_id, "message moved to the trash");
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the record first, then its audio: a failure in between leaves
/// an orphan file, never a record whose audio is gone.
async fn purge_message(
    state: &AppState,
    extension_id: ExtensionId,
    message_id: MessageId,
) -> Result<(), ApiError> {
    let removed = state
        .directory
        .delete_message(extension_id, message_id)
        .await?;
    let removed = removed.ok_or(ApiError::NotFound("messageId"))?;
    for attachment in removed
        .attachments
        .iter()
        .filter(|a| !a.blob_key.is_empty())
    {
        state.blobs.delete_blob(&attachment.blob_key).await?;
    }
    tracing::info!(extension_id, message_id, "message purged");
    Ok(())
}

/// The attachment's bytes (a voicemail's WAV) as stored, typed by the
/// attachment's content type; a `Range` gets its part only.
async fn read_message_content(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, extension, message, attachment)): Path<(String, String, String, String)>,
    Query(query): Query,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (_, extension_id, message_id) =
        locate(&state, &caller, (account, extension, message)).await?;
    let message = state.directory.message(extension_id, message_id).await?;
    let message = message.ok_or(ApiError::NotFound("messageId"))?;
    let attachment_id: i64 = attachment
        .parse()
        .map_err(|_| ApiError::NotFound("attachmentId"))?;
    let attachment = message.attachments.iter().find(|a| a.id == attachment_id);
    let attachment = attachment.ok_or(ApiError::NotFound("attachmentId"))?;
    let default_name = attachment
        .file_name
        .clone()
        .unwrap_or_else(|| format!("{message_id}-{attachment_id}{}", extension_of(attachment)));
    let disposition = Disposition::from_query(&query, &default_name)?;

    let bytes = state.blobs.blob(&attachment.blob_key).await?;
    let Some(bytes) = bytes else {
        tracing::warn!(
            message_id,
            attachment_id,
            "attachment has no stored content"
        );
        return Err(ApiError::NotFound("attachmentId"));
    };
    binary(bytes, &attachment.content_type, &disposition, &headers)
}

/// A file extension matching the attachment's content type.
fn extension_of(attachment: &switchboard_phone::model::MessageAttachment) -> &'static str {
    match attachment.content_type.as_str() {
        "audio/wav" | "audio/x-wav" => ".wav",
        "audio/mpeg" => ".mp3",
        "application/pdf" => ".pdf",
        _ => "",
    }
}

/// The message store routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/message-store";
    let one = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/message-store/{messageId}";
    let content = format!("{one}/content/{{attachmentId}}");
    let read_content = guarded(get(read_message_content), state, READ_MESSAGE_CONTENT);
    Router::new()
        .route(list, guarded(get(list_messages), state, LIST_MESSAGES))
        .route(one, guarded(get(read_message), state, READ_MESSAGE))
        .route(one, guarded(put(update_message), state, UPDATE_MESSAGE))
        .route(one, guarded(delete(delete_message), state, DELETE_MESSAGE))
        .route(&content, read_content)
}
