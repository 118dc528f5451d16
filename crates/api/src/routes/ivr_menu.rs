//! IVR menus, the company's auto-attendants (each also an extension of
//! type `IvrMenu`): `readIvrMenuList`, `createIVRMenu`, `readIVRMenu`,
//! `updateIVRMenu`.

use axum::extract::{Path, State};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde_json::Value;
use switchboard_phone::model::{AccountId, IvrActionKind, IvrMenu, IvrMenuPrompt, PromptMode};

use crate::backend::ExtensionFilter;
use crate::error::ApiError;
use crate::extract::{Object, Query, RcJson, check_kinds, overlay};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest, page_of};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::company_answering_rule::admin_account;
use crate::state::AppState;
use crate::uri::{Uris, id_as_string, id_at, resolve_account, set_in};

const LIST_MENUS: Operation = Operation::new(
    "readIvrMenuList",
    ThrottlingGroup::Medium,
    Permission::ReadAccounts,
);
const CREATE_MENU: Operation = Operation::new(
    "createIVRMenu",
    ThrottlingGroup::Heavy,
    Permission::EditAccounts,
);
const READ_MENU: Operation = Operation::new(
    "readIVRMenu",
    ThrottlingGroup::Medium,
    Permission::ReadAccounts,
);
// The spec asks only ReadAccounts of updateIVRMenu; the handler still
// requires an administrator.
const UPDATE_MENU: Operation = Operation::new(
    "updateIVRMenu",
    ThrottlingGroup::Medium,
    Permission::ReadAccounts,
);

/// The request members the model keeps; `site` is not kept.
const KEPT_FIELDS: [&str; 5] = [
    "name",
    "extensionNumber",
    "promptRepeatCount",
    "prompt",
    "actions",
];

fn menus_base(state: &AppState, account_id: AccountId) -> String {
    format!("{}/ivr-menus", state.uris.account(account_id))
}

/// `IvrMenuInfo`: the menu with its `uri`, the prompt's audio linked, and
/// each action's extension as the spec types it (string id, with `uri`).
fn menu_info(menu: IvrMenu, account_id: AccountId, uris: &Uris) -> Value {
    let base = format!("{}/ivr-menus", uris.account(account_id));
    let uri = format!("{base}/{}", menu.id);
    let actions = menu.actions.len();
    let audio = menu.prompt.audio.as_ref().map(|a| a.id.clone());
    // Model types serialize to JSON objects; nothing here can fail.
    let mut value = serde_json::to_value(menu).unwrap_or_default();
    set_in(&mut value, "", "uri", Value::String(uri));
    if let Some(id) = audio {
        let audio_uri = format!("{}/ivr-prompts/{id}", uris.account(account_id));
        set_in(&mut value, "/prompt/audio", "uri", Value::String(audio_uri));
    }
    for i in 0..actions {
        let pointer = format!("/actions/{i}/extension");
        if let Some(id) = id_at(&value, &pointer) {
            let ext_uri = uris.extension(account_id, id);
            set_in(&mut value, &pointer, "uri", Value::String(ext_uri));
            id_as_string(&mut value, &format!("{pointer}/id"));
        }
    }
    value
}

/// `IvrMenuListInfo`: the summary a list shows.
fn list_info(menu: IvrMenu, account_id: AccountId, uris: &Uris) -> Value {
    let mut value = menu_info(menu, account_id, uris);
    if let Some(object) = value.as_object_mut() {
        let shown = ["id", "uri", "name", "extensionNumber"];
        object.retain(|key, _| shown.contains(&key.as_str()));
    }
    value
}

async fn find(state: &AppState, account_id: AccountId, id: &str) -> Result<IvrMenu, ApiError> {
    let menus = state.directory.ivr_menus(account_id).await?;
    let found = menus.into_iter().find(|m| m.id == id);
    found.ok_or(ApiError::NotFound("ivrMenuId"))
}

/// The checks a whole menu must pass before it is stored.
async fn validate(state: &AppState, account_id: AccountId, menu: &IvrMenu) -> Result<(), ApiError> {
    let number = &menu.extension_number;
    let short = (1..=8).contains(&number.len()) && number.bytes().all(|b| b.is_ascii_digit());
    if !short {
        return Err(ApiError::InvalidParameter("extensionNumber"));
    }
    if !(1..=3).contains(&menu.prompt_repeat_count) {
        return Err(ApiError::InvalidParameter("promptRepeatCount"));
    }
    check_number_free(state, account_id, menu).await?;
    check_prompt(state, account_id, &menu.prompt).await?;
    check_actions(state, account_id, menu).await
}

/// Another extension may not already have the menu's number.
async fn check_number_free(
    state: &AppState,
    account_id: AccountId,
    menu: &IvrMenu,
) -> Result<(), ApiError> {
    let filter = ExtensionFilter {
        extension_number: Some(menu.extension_number.clone()),
        ..ExtensionFilter::default()
    };
    let page = PageRequest {
        page: 1,
        per_page: 1,
    };
    let holders = state.directory.list_extensions(account_id, &filter, page);
    let holders = holders.await?;
    let taken = holders.records.iter().any(|e| e.id.to_string() != menu.id);
    if taken {
        return Err(ApiError::InvalidParameter("extensionNumber"));
    }
    Ok(())
}

/// An audio prompt must be one of the account's; text needs words.
async fn check_prompt(
    state: &AppState,
    account_id: AccountId,
    prompt: &IvrMenuPrompt,
) -> Result<(), ApiError> {
    match prompt.mode {
        PromptMode::TextToSpeech if prompt.text.as_deref().is_none_or(str::is_empty) => {
            Err(ApiError::MissingParameter("prompt"))
        }
        PromptMode::Audio => {
            let Some(audio) = &prompt.audio else {
                return Ok(());
            };
            let prompts = state.directory.ivr_prompts(account_id).await?;
            let known = prompts.iter().any(|p| p.id == audio.id);
            known
                .then_some(())
                .ok_or(ApiError::InvalidParameter("prompt"))
        }
        PromptMode::TextToSpeech => Ok(()),
    }
}

/// One action per key; Connect and Voicemail name an extension of the
/// account, Transfer a phone number.
async fn check_actions(
    state: &AppState,
    account_id: AccountId,
    menu: &IvrMenu,
) -> Result<(), ApiError> {
    for (i, action) in menu.actions.iter().enumerate() {
        if menu.actions[..i].iter().any(|a| a.input == action.input) {
            return Err(ApiError::InvalidParameter("actions"));
        }
        match action.action {
            IvrActionKind::Connect | IvrActionKind::Voicemail => {
                let id = action.extension.as_ref().map(|e| e.id);
                let id = id.ok_or(ApiError::MissingParameter("actions"))?;
                let found = state.directory.extension(account_id, id).await?;
                found.ok_or(ApiError::InvalidParameter("actions"))?;
            }
            IvrActionKind::Transfer if action.phone_number.is_none() => {
                return Err(ApiError::MissingParameter("actions"));
            }
            _ => {}
        }
    }
    Ok(())
}

async fn list_menus(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    Query(query): Query,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let page = PageRequest::from_query(&query)?;
    let menus = state.directory.ivr_menus(account_id).await?;
    let list = ListUri::new(menus_base(&state, account_id), &query);
    let envelope = Envelope::new(page_of(menus, page), page, &list);
    Ok(Json(
        envelope.map(|m| list_info(m, account_id, &state.uris)),
    ))
}

async fn read_menu(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, menu_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let menu = find(&state, account_id, &menu_id).await?;
    Ok(Json(menu_info(menu, account_id, &state.uris)))
}

async fn create_menu(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    RcJson(body): RcJson<Object>,
) -> Result<Json<Value>, ApiError> {
    let account_id = admin_account(&state, &caller, &account).await?;
    if !body.contains_key("extensionNumber") {
        return Err(ApiError::MissingParameter("extensionNumber"));
    }
    let template = IvrMenu {
        id: String::new(),
        name: String::new(),
        extension_number: String::new(),
        prompt_repeat_count: 3,
        prompt: IvrMenuPrompt::default(),
        actions: Vec::new(),
    };
    check_kinds(&body, &[("site", Value::is_object)])?;
    let mut menu = overlay(&template, &body, &KEPT_FIELDS)?;
    if menu.name.trim().is_empty() {
        menu.name = format!("IVR Menu {}", menu.extension_number);
    }
    validate(&state, account_id, &menu).await?;

    let created = state.directory.create_ivr_menu(account_id, &menu).await?;
    // Taken between the check and the insert.
    let created = created.ok_or(ApiError::InvalidParameter("extensionNumber"))?;
    tracing::info!(account_id, ivr_menu_id = %created.id, "IVR menu created");
    Ok(Json(menu_info(created, account_id, &state.uris)))
}

async fn update_menu(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, menu_id)): Path<(String, String)>,
    RcJson(body): RcJson<Object>,
) -> Result<Json<Value>, ApiError> {
    let account_id = admin_account(&state, &caller, &account).await?;
    let current = find(&state, account_id, &menu_id).await?;
    check_kinds(&body, &[("site", Value::is_object)])?;
    let menu = overlay(&current, &body, &KEPT_FIELDS)?;
    if menu.name.trim().is_empty() {
        return Err(ApiError::InvalidParameter("name"));
    }
    validate(&state, account_id, &menu).await?;

    let updated = state.directory.update_ivr_menu(account_id, &menu).await?;
    let updated = updated.ok_or(ApiError::NotFound("ivrMenuId"))?;
    tracing::info!(account_id, ivr_menu_id = %updated.id, "IVR menu updated");
    Ok(Json(menu_info(updated, account_id, &state.uris)))
}

/// The IVR menu routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/ivr-menus";
    let one = "/restapi/v1.0/account/{accountId}/ivr-menus/{ivrMenuId}";
    Router::new()
        .route(list, guarded(get(list_menus), state, LIST_MENUS))
        .route(list, guarded(post(create_menu), state, CREATE_MENU))
        .route(one, guarded(get(read_menu), state, READ_MENU))
        .route(one, guarded(put(update_menu), state, UPDATE_MENU))
}
