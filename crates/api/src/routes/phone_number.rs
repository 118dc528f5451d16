//! Phone numbers: `listAccountPhoneNumbers` and `listExtensionPhoneNumbers`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use switchboard_phone::model::{
    AccountId, ExtensionRef, PhoneNumber, PhoneNumberStatus, PhoneNumberType, UsageType,
};

use crate::error::ApiError;
use crate::extract::{Query, parse_enums};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest, page_of};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::extension::load;
use crate::state::AppState;
use crate::uri::{Uris, resolve_account};

const LIST_EXTENSION_PHONE_NUMBERS: Operation = Operation::new(
    "listExtensionPhoneNumbers",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);
const LIST_ACCOUNT_PHONE_NUMBERS: Operation = Operation::new(
    "listAccountPhoneNumbers",
    ThrottlingGroup::Heavy,
    Permission::ReadAccounts,
);

/// `CompanyPhoneNumberInfo`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PhoneNumberInfo {
    id: i64,
    uri: String,
    phone_number: String,
    #[serde(rename = "type")]
    number_type: PhoneNumberType,
    usage_type: UsageType,
    status: PhoneNumberStatus,
    payment_type: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension: Option<ExtensionRef>,
    /// Only on an extension's own list.
    #[serde(skip_serializing_if = "Option::is_none")]
    features: Option<Vec<&'static str>>,
}

impl PhoneNumberInfo {
    fn new(number: PhoneNumber, account_id: AccountId, uris: &Uris) -> Self {
        let extension = number.extension.map(|mut ext| {
            ext.uri = Some(uris.extension(account_id, ext.id));
            ext
        });
        Self {
            uri: format!("{}/phone-number/{}", uris.account(account_id), number.id),
            id: number.id,
            phone_number: number.phone_number,
            number_type: number.number_type,
            usage_type: number.usage_type,
            status: number.status,
            // Numbers on a self-hosted system come from its own trunks.
            payment_type: "External",
            label: number.label,
            extension,
            features: None,
        }
    }
}

async fn list_account_phone_numbers(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    Query(query): Query,
) -> Result<Json<Envelope<PhoneNumberInfo>>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let page = PageRequest::from_query(&query)?;
    let usage_types: Vec<UsageType> = parse_enums(&query.all("usageType"), "usageType")?;

    let slice = state
        .directory
        .list_phone_numbers(account_id, &usage_types, page)
        .await?;
    let list = ListUri::new(
        format!("{}/phone-number", state.uris.account(account_id)),
        &query,
    );
    let envelope = Envelope::new(slice, page, &list);
    Ok(Json(
        envelope.map(|n| PhoneNumberInfo::new(n, account_id, &state.uris)),
    ))
}

/// `listExtensionPhoneNumbers`: an extension's own numbers, which it may
/// show as caller ID.
async fn list_extension_phone_numbers(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    Query(query): Query,
) -> Result<Json<Envelope<PhoneNumberInfo>>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    let page = PageRequest::from_query(&query)?;
    let usage_types: Vec<UsageType> = parse_enums(&query.all("usageType"), "usageType")?;

    let mut numbers = state.directory.extension_phone_numbers(ext.id).await?;
    numbers.retain(|n| usage_types.is_empty() || usage_types.contains(&n.usage_type));
    let base = format!("{}/phone-number", state.uris.extension(account_id, ext.id));
    let envelope = Envelope::new(page_of(numbers, page), page, &ListUri::new(base, &query));
    Ok(Json(envelope.map(|n| {
        let mut info = PhoneNumberInfo::new(n, account_id, &state.uris);
        info.features = Some(vec!["CallerId"]);
        info
    })))
}

/// The phone number routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let extension = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/phone-number";
    Router::new()
        .route(
            "/restapi/v1.0/account/{accountId}/phone-number",
            guarded(
                get(list_account_phone_numbers),
                state,
                LIST_ACCOUNT_PHONE_NUMBERS,
            ),
        )
        .route(
            extension,
            guarded(
                get(list_extension_phone_numbers),
                state,
                LIST_EXTENSION_PHONE_NUMBERS,
            ),
        )
}
