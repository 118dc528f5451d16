//! The company's IVR prompts, the recordings IVR menus play:
//! `listIvrPrompts`, `createIVRPrompt` (multipart upload), `readIVRPrompt`,
//! `updateIVRPrompt`, `deleteIVRPrompt`, `readIVRPromptContent`.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;
use switchboard_phone::model::{AccountId, IvrPrompt};

use crate::content::{Disposition, binary};
use crate::error::ApiError;
use crate::extract::{Query, RcJson};
use crate::guard::guarded;
use crate::multipart::{Multipart, Part};
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest, page_of};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::company_answering_rule::admin_account;
use crate::state::AppState;
use crate::uri::resolve_account;

const LIST_PROMPTS: Operation = Operation::new(
    "listIvrPrompts",
    ThrottlingGroup::Medium,
    Permission::ReadAccounts,
);
const CREATE_PROMPT: Operation = Operation::new(
    "createIVRPrompt",
    ThrottlingGroup::Heavy,
    Permission::EditAccounts,
);
const READ_PROMPT: Operation = Operation::new(
    "readIVRPrompt",
    ThrottlingGroup::Medium,
    Permission::ReadAccounts,
);
const UPDATE_PROMPT: Operation = Operation::new(
    "updateIVRPrompt",
    ThrottlingGroup::Medium,
    Permission::EditAccounts,
);
const DELETE_PROMPT: Operation = Operation::new(
    "deleteIVRPrompt",
    ThrottlingGroup::Heavy,
    Permission::EditAccounts,
);
const READ_PROMPT_CONTENT: Operation = Operation::new(
    "readIVRPromptContent",
    ThrottlingGroup::Heavy,
    Permission::ReadAccounts,
);

/// The audio formats RingCentral takes for prompts, with the file
/// extension each is stored under.
const AUDIO_TYPES: [(&str, &str); 4] = [
    ("audio/wav", "wav"),
    ("audio/x-wav", "wav"),
    ("audio/mpeg", "mp3"),
    ("audio/mp3", "mp3"),
];

fn prompts_base(state: &AppState, account_id: AccountId) -> String {
    format!("{}/ivr-prompts", state.uris.account(account_id))
}

/// `PromptInfo`: the prompt with its `uri` and `contentUri`.
fn prompt_info(prompt: IvrPrompt, base: &str) -> Value {
    let uri = format!("{base}/{}", prompt.id);
    // Model types serialize to JSON objects; nothing here can fail.
    let mut value = serde_json::to_value(prompt).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("contentUri".into(), Value::String(format!("{uri}/content")));
        object.insert("uri".into(), Value::String(uri));
    }
    value
}

async fn find(
    state: &AppState,
    account_id: AccountId,
    prompt_id: &str,
) -> Result<IvrPrompt, ApiError> {
    let prompts = state.directory.ivr_prompts(account_id).await?;
    let found = prompts.into_iter().find(|p| p.id == prompt_id);
    found.ok_or(ApiError::NotFound("promptId"))
}

async fn list_prompts(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    Query(query): Query,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let page = PageRequest::from_query(&query)?;
    let prompts = state.directory.ivr_prompts(account_id).await?;
    let base = prompts_base(&state, account_id);
    let list = ListUri::new(base.clone(), &query);
    let envelope = Envelope::new(page_of(prompts, page), page, &list);
    Ok(Json(envelope.map(|p| prompt_info(p, &base))))
}

async fn read_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, prompt_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let prompt = find(&state, account_id, &prompt_id).await?;
    Ok(Json(prompt_info(prompt, &prompts_base(&state, account_id))))
}

/// The upload's content type: its own, or guessed from the file name when
/// the client sent none (or a generic one). Only WAV and MP3 are taken.
fn audio_type(part: &Part) -> Result<(&'static str, &'static str), ApiError> {
    let declared = part.content_type.as_deref().map(str::to_ascii_lowercase);
    let declared = declared.filter(|t| t != "application/octet-stream");
    let guessed = part.filename.as_deref().and_then(|name| {
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "wav" => Some("audio/wav".to_owned()),
            "mp3" => Some("audio/mpeg".to_owned()),
            _ => None,
        }
    });
    let kind = declared.or(guessed).unwrap_or_default();
    let found = AUDIO_TYPES.iter().find(|(t, _)| *t == kind);
    found
        .copied()
        .ok_or(ApiError::InvalidParameter("attachment"))
}

/// Stores the audio first under a fresh key, then the record; a failed
/// record takes its audio away again.
async fn create_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    form: Multipart,
) -> Result<Json<Value>, ApiError> {
    let account_id = admin_account(&state, &caller, &account).await?;
    let file = form.part("attachment");
    let file = file.ok_or(ApiError::MissingParameter("attachment"))?;
    if file.body.is_empty() {
        return Err(ApiError::InvalidParameter("attachment"));
    }
    let (content_type, extension) = audio_type(file)?;
    let key = format!(
        "ivr-prompts/{account_id}/{:016x}.{extension}",
        rand::random::<u64>()
    );
    let prompt = IvrPrompt {
        id: String::new(),
        name: form.text("name").filter(|n| !n.trim().is_empty()),
        filename: file.filename.clone(),
        content_type: content_type.to_owned(),
        blob_key: key.clone(),
    };

    state.blobs.put_blob(&key, file.body.clone()).await?;
    let created = match state.directory.create_ivr_prompt(account_id, &prompt).await {
        Ok(created) => created,
        Err(e) => {
            // Best effort: the request fails either way.
            let _ = state.blobs.delete_blob(&key).await;
            return Err(e.into());
        }
    };
    tracing::info!(account_id, prompt_id = %created.id, "IVR prompt uploaded");
    Ok(Json(prompt_info(
        created,
        &prompts_base(&state, account_id),
    )))
}

/// `UpdateIVRPromptRequest`, plus the `name` the upload takes.
#[derive(Debug, Deserialize)]
struct UpdatePromptRequest {
    filename: Option<String>,
    name: Option<String>,
}

async fn update_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, prompt_id)): Path<(String, String)>,
    RcJson(body): RcJson<UpdatePromptRequest>,
) -> Result<Json<Value>, ApiError> {
    let account_id = admin_account(&state, &caller, &account).await?;
    let mut prompt = find(&state, account_id, &prompt_id).await?;
    if body
        .filename
        .as_deref()
        .is_some_and(|f| f.trim().is_empty())
    {
        return Err(ApiError::InvalidParameter("filename"));
    }
    if body.filename.is_some() {
        prompt.filename = body.filename;
    }
    if body.name.is_some() {
        prompt.name = body.name;
    }
    let updated = state
        .directory
        .update_ivr_prompt(account_id, &prompt)
        .await?;
    let updated = updated.ok_or(ApiError::NotFound("promptId"))?;
    tracing::info!(account_id, prompt_id, "IVR prompt renamed");
    Ok(Json(prompt_info(
        updated,
        &prompts_base(&state, account_id),
    )))
}

/// A prompt an IVR menu still plays cannot go: the menu would fall silent.
async fn delete_prompt(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, prompt_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let account_id = admin_account(&state, &caller, &account).await?;
    let menus = state.directory.ivr_menus(account_id).await?;
    let in_use = menus.iter().any(|m| {
        let audio = m.prompt.audio.as_ref();
        audio.is_some_and(|a| a.id == prompt_id)
    });
    if in_use {
        return Err(ApiError::InvalidParameter("promptId"));
    }
    let removed = state
        .directory
        .delete_ivr_prompt(account_id, &prompt_id)
        .await?;
    let removed = removed.ok_or(ApiError::NotFound("promptId"))?;
    state.blobs.delete_blob(&removed.blob_key).await?;
    tracing::info!(account_id, prompt_id, "IVR prompt deleted");
    Ok(StatusCode::NO_CONTENT)
}

async fn read_prompt_content(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, prompt_id)): Path<(String, String)>,
    Query(query): Query,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let prompt = find(&state, account_id, &prompt_id).await?;
    let default_name = prompt.filename.clone().unwrap_or_else(|| prompt.id.clone());
    let disposition = Disposition::from_query(&query, &default_name)?;
    let Some(bytes) = state.blobs.blob(&prompt.blob_key).await? else {
        tracing::warn!(account_id, prompt_id, "IVR prompt has no stored audio");
        return Err(ApiError::NotFound("promptId"));
    };
    binary(bytes, &prompt.content_type, &disposition, &headers)
}

/// The IVR prompt routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/ivr-prompts";
    let one = "/restapi/v1.0/account/{accountId}/ivr-prompts/{promptId}";
    let content = "/restapi/v1.0/account/{accountId}/ivr-prompts/{promptId}/content";
    Router::new()
        .route(list, guarded(get(list_prompts), state, LIST_PROMPTS))
        .route(list, guarded(post(create_prompt), state, CREATE_PROMPT))
        .route(one, guarded(get(read_prompt), state, READ_PROMPT))
        .route(one, guarded(put(update_prompt), state, UPDATE_PROMPT))
        .route(one, guarded(delete(delete_prompt), state, DELETE_PROMPT))
        .route(
            content,
            guarded(get(read_prompt_content), state, READ_PROMPT_CONTENT),
        )
}
