//! `GET /restapi/v1.0/account/{accountId}` (`readAccountInfo`).

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use switchboard_phone::model::{Account, RegionalSettings};

use crate::error::ApiError;
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::state::AppState;
use crate::uri::{Uris, resolve_account};

const READ_ACCOUNT_INFO: Operation = Operation::new(
    "readAccountInfo",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);

/// `AccountOperatorInfo`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OperatorInfo {
    uri: String,
    id: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    extension_number: Option<String>,
}

/// `ServiceInfo`, reduced to what a self-hosted system can say.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ServiceInfo {
    uri: String,
    brand: BrandInfo,
}

/// `BrandInfo`: the company itself, since there is no reseller.
#[derive(Debug, Serialize)]
struct BrandInfo {
    id: String,
    name: String,
}

/// `GetAccountInfoResponse`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountInfo {
    id: i64,
    uri: String,
    main_number: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    operator: Option<OperatorInfo>,
    service_info: ServiceInfo,
    status: String,
    setup_wizard_state: &'static str,
    regional_settings: RegionalSettings,
    federated: bool,
}

impl AccountInfo {
    fn new(account: Account, uris: &Uris) -> Self {
        let uri = uris.account(account.id);
        let operator = account.operator.map(|op| OperatorInfo {
            uri: uris.extension(account.id, op.id),
            id: op.id,
            extension_number: op.extension_number,
        });
        Self {
            id: account.id,
            service_info: ServiceInfo {
                uri: format!("{uri}/service-info"),
                brand: BrandInfo {
                    id: account.id.to_string(),
                    name: account.company_name,
                },
            },
            uri,
            main_number: account.main_number,
            operator,
            status: account.status,
            setup_wizard_state: "Completed",
            regional_settings: account.regional_settings,
            federated: false,
        }
    }
}

async fn read_account_info(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
) -> Result<Json<AccountInfo>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let account = state.directory.account(account_id).await?;
    let account = account.ok_or(ApiError::NotFound("accountId"))?;
    Ok(Json(AccountInfo::new(account, &state.uris)))
}

/// The account routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    Router::new().route(
        "/restapi/v1.0/account/{accountId}",
        guarded(get(read_account_info), state, READ_ACCOUNT_INFO),
    )
}
