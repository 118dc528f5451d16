//! The message store: `listMessages`, `readMessage`, `updateMessage`.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde_json::Value;
use switchboard_phone::model::{ExtensionId, Message, MessageId, MessageParty, ReadStatus};

use crate::backend::MessageFilter;
use crate::error::ApiError;
use crate::extract::{Pairs, Query, RcJson, parse_enum, parse_enums, parse_time};
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

/// The message store routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/message-store";
    let one = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/message-store/{messageId}";
    Router::new()
        .route(list, guarded(get(list_messages), state, LIST_MESSAGES))
        .route(one, guarded(get(read_message), state, READ_MESSAGE))
        .route(one, guarded(put(update_message), state, UPDATE_MESSAGE))
}
