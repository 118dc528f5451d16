//! An extension's forwarding numbers: `listForwardingNumbers`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use switchboard_phone::model::ForwardingNumber;

use crate::error::ApiError;
use crate::extract::Query;
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

async fn list_forwarding_numbers(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    Query(query): Query,
) -> Result<Json<Envelope<WithUri<ForwardingNumber>>>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let page = PageRequest::from_query(&query)?;

    let numbers = state.directory.forwarding_numbers(ext.id).await?;
    let base = format!(
        "{}/forwarding-number",
        state.uris.extension(account_id, ext.id)
    );
    let envelope = Envelope::new(
        page_of(numbers, page),
        page,
        &ListUri::new(base.clone(), &query),
    );
    Ok(Json(envelope.map(|n| WithUri {
        uri: format!("{base}/{}", n.id),
        record: n,
    })))
}

/// The forwarding number routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/forwarding-number";
    Router::new().route(
        list,
        guarded(get(list_forwarding_numbers), state, LIST_FORWARDING_NUMBERS),
    )
}
