//! Calls in progress, shaped like call log records:
//! `listExtensionActiveCalls` and `listCompanyActiveCalls`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use switchboard_phone::model::{AccountId, CallType, Direction, ExtensionId};

use crate::error::ApiError;
use crate::extract::{Pairs, Query, parse_enums};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest, page_of};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::call_log::{detailed, in_view, record_info};
use crate::routes::extension::{check_own_or_admin, load};
use crate::state::AppState;
use crate::uri::resolve_account;

const LIST_EXTENSION_ACTIVE_CALLS: Operation = Operation::new(
    "listExtensionActiveCalls",
    ThrottlingGroup::Heavy,
    Permission::ReadCallLog,
);
const LIST_COMPANY_ACTIVE_CALLS: Operation = Operation::new(
    "listCompanyActiveCalls",
    ThrottlingGroup::Heavy,
    Permission::ReadCallLog,
);

/// The calls of `extension` (all of the account's without one), filtered
/// by `direction` and `type`, one page in the envelope.
async fn list(
    state: &AppState,
    account_id: AccountId,
    extension: Option<ExtensionId>,
    query: &Pairs,
    base: String,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let page = PageRequest::from_query(query)?;
    let detailed = detailed(query)?;
    let directions: Vec<Direction> = parse_enums(&query.all("direction"), "direction")?;
    let types: Vec<CallType> = parse_enums(&query.all("type"), "type")?;

    let mut calls = state
        .active_calls
        .active_calls(account_id, extension)
        .await?;
    calls.retain(|c| {
        (directions.is_empty() || directions.contains(&c.direction))
            && (types.is_empty() || types.contains(&c.call_type))
    });
    let envelope = Envelope::new(page_of(calls, page), page, &ListUri::new(base, query));
    Ok(Json(envelope.map(|call| {
        record_info(in_view(call, detailed), account_id, &state.uris)
    })))
}

async fn list_extension_active_calls(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    Query(query): Query,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let base = format!("{}/active-calls", state.uris.extension(account_id, ext.id));
    list(&state, account_id, Some(ext.id), &query, base).await
}

async fn list_company_active_calls(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    Query(query): Query,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let me = caller.subject.extension_id;
    if !state.directory.is_admin(account_id, me).await? {
        return Err(ApiError::AdminRequired);
    }
    let base = format!("{}/active-calls", state.uris.account(account_id));
    list(&state, account_id, None, &query, base).await
}

/// The active call routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let user = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/active-calls";
    let company = "/restapi/v1.0/account/{accountId}/active-calls";
    let (user_op, company_op) = (LIST_EXTENSION_ACTIVE_CALLS, LIST_COMPANY_ACTIVE_CALLS);
    Router::new()
        .route(
            user,
            guarded(get(list_extension_active_calls), state, user_op),
        )
        .route(
            company,
            guarded(get(list_company_active_calls), state, company_op),
        )
}
