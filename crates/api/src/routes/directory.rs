//! The company directory: `listDirectoryEntries`, built from the
//! extensions that are not hidden.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use switchboard_phone::model::{AccountId, Extension, ExtensionStatus, ExtensionType};

use crate::backend::ExtensionFilter;
use crate::error::ApiError;
use crate::extract::Query;
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::state::AppState;
use crate::uri::resolve_account;

const LIST_DIRECTORY_ENTRIES: Operation = Operation::new(
    "listDirectoryEntries",
    ThrottlingGroup::Medium,
    Permission::ReadAccounts,
);

/// `AccountResource` inside a directory entry; its `id` is a string.
#[derive(Debug, Serialize)]
struct AccountRef {
    id: String,
}

/// `ContactResource`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactResource {
    id: String,
    #[serde(rename = "type")]
    extension_type: ExtensionType,
    status: ExtensionStatus,
    extension_number: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    first_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    email: Option<String>,
    account: AccountRef,
}

impl ContactResource {
    fn new(account_id: AccountId, ext: Extension) -> Self {
        Self {
            id: ext.id.to_string(),
            extension_type: ext.extension_type,
            status: ext.status,
            extension_number: ext.extension_number,
            name: ext.name,
            first_name: ext.contact.first_name,
            last_name: ext.contact.last_name,
            email: ext.contact.email,
            account: AccountRef {
                id: account_id.to_string(),
            },
        }
    }
}

/// Lists enabled extensions. Hidden ones are dropped from the page after
/// paging, so a page may hold fewer records than `perPage`; a store query
/// that excludes them would fix that when it matters.
async fn list_directory_entries(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    Query(query): Query,
) -> Result<Json<Envelope<ContactResource>>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let page = PageRequest::from_query(&query)?;
    let filter = ExtensionFilter {
        statuses: vec![ExtensionStatus::Enabled],
        ..Default::default()
    };

    let mut slice = state
        .directory
        .list_extensions(account_id, &filter, page)
        .await?;
    slice.records.retain(|e| !e.hidden);
    let base = format!("{}/directory/entries", state.uris.account(account_id));
    let envelope = Envelope::new(slice, page, &ListUri::new(base, &query));
    Ok(Json(
        envelope.map(|ext| ContactResource::new(account_id, ext)),
    ))
}

/// The directory routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/directory/entries";
    Router::new().route(
        list,
        guarded(get(list_directory_entries), state, LIST_DIRECTORY_ENTRIES),
    )
}
