//! An extension's forwarding numbers, the outside phones its rules may
//! ring: `listForwardingNumbers`, `createForwardingNumber`,
//! `readForwardingNumber`, `updateForwardingNumber`,
//! `deleteForwardingNumber`, `deleteForwardingNumbers`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::Value;
use switchboard_phone::model::{AccountId, ExtensionId, ForwardingNumber, ForwardingNumberType};

use crate::error::ApiError;
use crate::extract::{Object, Query, RcJson, check_kinds, overlay};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest, page_of};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::extension::{check_own_or_admin, load};
use crate::state::AppState;
use crate::uri::WithUri;

const LIST_FORWARDING_NUMBERS: Operation = Operation::new(
    "listForwardingNumbers",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);
const CREATE_FORWARDING_NUMBER: Operation = Operation::new(
    "createForwardingNumber",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);
const READ_FORWARDING_NUMBER: Operation = Operation::new(
    "readForwardingNumber",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);
const UPDATE_FORWARDING_NUMBER: Operation = Operation::new(
    "updateForwardingNumber",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);
const DELETE_FORWARDING_NUMBER: Operation = Operation::new(
    "deleteForwardingNumber",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);
const DELETE_FORWARDING_NUMBERS: Operation = Operation::new(
    "deleteForwardingNumbers",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);

/// The request members the model keeps. `flipNumber` and `device` (call
/// flip and desk-phone forwarding) are not kept yet.
const KEPT_FIELDS: [&str; 3] = ["phoneNumber", "label", "type"];

type NumberInfo = Json<WithUri<ForwardingNumber>>;

/// The mailbox owner a path names, after the access check, and where its
/// forwarding numbers live.
async fn locate(
    state: &AppState,
    caller: &Caller,
    path: (String, String),
) -> Result<(ExtensionId, String), ApiError> {
    let (account_id, ext) = load(state, caller, path).await?;
    check_own_or_admin(state, caller, ext.id).await?;
    Ok((ext.id, numbers_base(state, account_id, ext.id)))
}

fn numbers_base(state: &AppState, account_id: AccountId, extension_id: ExtensionId) -> String {
    let extension = state.uris.extension(account_id, extension_id);
    format!("{extension}/forwarding-number")
}

fn info(base: &str, number: ForwardingNumber) -> WithUri<ForwardingNumber> {
    WithUri {
        uri: format!("{base}/{}", number.id),
        record: number,
    }
}

/// A number that can be dialled: digits with an optional leading `+`, 3 to
/// 15 digits (E.164's limit), spaces and dashes allowed.
fn is_dialable(text: &str) -> bool {
    let body = text.strip_prefix('+').unwrap_or(text);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    let clean = body
        .chars()
        .all(|c| c.is_ascii_digit() || " -().".contains(c));
    clean && (3..=15).contains(&digits)
}

fn checked(number: ForwardingNumber) -> Result<ForwardingNumber, ApiError> {
    if !is_dialable(&number.phone_number) {
        return Err(ApiError::InvalidParameter("phoneNumber"));
    }
    Ok(number)
}

async fn find(
    state: &AppState,
    extension_id: ExtensionId,
    id: &str,
) -> Result<ForwardingNumber, ApiError> {
    let numbers = state.directory.forwarding_numbers(extension_id).await?;
    let found = numbers.into_iter().find(|n| n.id == id);
    found.ok_or(ApiError::NotFound("forwardingNumberId"))
}

async fn list_forwarding_numbers(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    Query(query): Query,
) -> Result<Json<Envelope<WithUri<ForwardingNumber>>>, ApiError> {
    let (extension_id, base) = locate(&state, &caller, path).await?;
    let page = PageRequest::from_query(&query)?;

    let numbers = state.directory.forwarding_numbers(extension_id).await?;
    let list = ListUri::new(base.clone(), &query);
    let envelope = Envelope::new(page_of(numbers, page), page, &list);
    Ok(Json(envelope.map(|n| info(&base, n))))
}

async fn create_forwarding_number(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    RcJson(body): RcJson<Object>,
) -> Result<NumberInfo, ApiError> {
    let (extension_id, base) = locate(&state, &caller, path).await?;
    if !body.contains_key("phoneNumber") {
        return Err(ApiError::MissingParameter("phoneNumber"));
    }
    let template = ForwardingNumber {
        id: String::new(),
        phone_number: String::new(),
        label: None,
        number_type: ForwardingNumberType::Other,
    };
    // The create request types `flipNumber` as a number, the update as text.
    check_kinds(
        &body,
        &[("flipNumber", Value::is_i64), ("device", Value::is_object)],
    )?;
    let number = checked(overlay(&template, &body, &KEPT_FIELDS)?)?;

    let created = state
        .directory
        .create_forwarding_number(extension_id, &number);
    let created = created.await?;
    tracing::info!(extension_id, forwarding_number_id = %created.id, "forwarding number created");
    Ok(Json(info(&base, created)))
}

async fn read_forwarding_number(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, extension, id)): Path<(String, String, String)>,
) -> Result<NumberInfo, ApiError> {
    let (extension_id, base) = locate(&state, &caller, (account, extension)).await?;
    let number = find(&state, extension_id, &id).await?;
    Ok(Json(info(&base, number)))
}

async fn update_forwarding_number(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, extension, id)): Path<(String, String, String)>,
    RcJson(body): RcJson<Object>,
) -> Result<NumberInfo, ApiError> {
    let (extension_id, base) = locate(&state, &caller, (account, extension)).await?;
    let current = find(&state, extension_id, &id).await?;
    check_kinds(&body, &[("flipNumber", Value::is_string)])?;
    let number = checked(overlay(&current, &body, &KEPT_FIELDS)?)?;

    let updated = state
        .directory
        .update_forwarding_number(extension_id, &number);
    let updated = updated.await?;
    let updated = updated.ok_or(ApiError::NotFound("forwardingNumberId"))?;
    tracing::info!(extension_id, forwarding_number_id = %id, "forwarding number updated");
    Ok(Json(info(&base, updated)))
}

/// A number an answering rule still rings cannot go: the rule keeps its
/// own copy of the number and would go on ringing it.
async fn check_unused(
    state: &AppState,
    extension_id: ExtensionId,
    ids: &[String],
) -> Result<(), ApiError> {
    let rules = state.directory.answering_rules(extension_id).await?;
    let steps = rules.iter().filter_map(|r| r.forwarding.as_ref());
    let mut named = steps
        .flat_map(|f| &f.rules)
        .flat_map(|r| &r.forwarding_numbers);
    if named.any(|n| n.id.as_ref().is_some_and(|id| ids.contains(id))) {
        return Err(ApiError::InvalidParameter("forwardingNumberId"));
    }
    Ok(())
}

async fn delete_forwarding_number(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, extension, id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (extension_id, _) = locate(&state, &caller, (account, extension)).await?;
    check_unused(&state, extension_id, std::slice::from_ref(&id)).await?;
    if !state
        .directory
        .delete_forwarding_number(extension_id, &id)
        .await?
    {
        return Err(ApiError::NotFound("forwardingNumberId"));
    }
    tracing::info!(extension_id, forwarding_number_id = %id, "forwarding number deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// `DeleteForwardingNumbersRequest`.
#[derive(Debug, Deserialize)]
struct DeleteRequest {
    records: Vec<NumberId>,
}

/// `ForwardingNumberId`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct NumberId {
    forwarding_number_id: String,
}

/// Every id is checked before any number is deleted, so a bad id leaves
/// the list as it was.
async fn delete_forwarding_numbers(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    RcJson(body): RcJson<DeleteRequest>,
) -> Result<StatusCode, ApiError> {
    let (extension_id, _) = locate(&state, &caller, path).await?;
    if body.records.is_empty() {
        return Err(ApiError::MissingParameter("records"));
    }
    let stored = state.directory.forwarding_numbers(extension_id).await?;
    let ids: Vec<String> = body
        .records
        .into_iter()
        .map(|r| r.forwarding_number_id)
        .collect();
    if ids.iter().any(|id| !stored.iter().any(|n| n.id == *id)) {
        return Err(ApiError::InvalidParameter("forwardingNumberId"));
    }
    check_unused(&state, extension_id, &ids).await?;
    for id in &ids {
        state
            .directory
            .delete_forwarding_number(extension_id, id)
            .await?;
    }
    tracing::info!(
        extension_id,
        count = ids.len(),
        "forwarding numbers deleted"
    );
    Ok(StatusCode::NO_CONTENT)
}

/// The forwarding number routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/forwarding-number";
    let one = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/forwarding-number/{id}";
    let (list_op, create_op) = (LIST_FORWARDING_NUMBERS, CREATE_FORWARDING_NUMBER);
    let (read_op, update_op) = (READ_FORWARDING_NUMBER, UPDATE_FORWARDING_NUMBER);
    let (delete_op, bulk_op) = (DELETE_FORWARDING_NUMBER, DELETE_FORWARDING_NUMBERS);
    Router::new()
        .route(list, guarded(get(list_forwarding_numbers), state, list_op))
        .route(
            list,
            guarded(post(create_forwarding_number), state, create_op),
        )
        .route(
            list,
            guarded(delete(delete_forwarding_numbers), state, bulk_op),
        )
        .route(one, guarded(get(read_forwarding_number), state, read_op))
        .route(
            one,
            guarded(put(update_forwarding_number), state, update_op),
        )
        .route(
            one,
            guarded(delete(delete_forwarding_number), state, delete_op),
        )
}
