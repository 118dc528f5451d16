//! Business hours of the company and of each extension:
//! `readCompanyBusinessHours`, `updateCompanyBusinessHours`,
//! `readUserBusinessHours`, `updateUserBusinessHours`.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::Deserialize;
use switchboard_phone::model::BusinessHours;

use crate::error::ApiError;
use crate::extract::RcJson;
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::extension::{check_own_or_admin, load};
use crate::state::AppState;
use crate::uri::{WithUri, resolve_account};

const READ_COMPANY: Operation = Operation::new(
    "readCompanyBusinessHours",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);
const UPDATE_COMPANY: Operation = Operation::new(
    "updateCompanyBusinessHours",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);
const READ_USER: Operation = Operation::new(
    "readUserBusinessHours",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);
const UPDATE_USER: Operation = Operation::new(
    "updateUserBusinessHours",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);

type HoursInfo = Json<WithUri<BusinessHours>>;

/// `BusinessHoursUpdateRequest`: `schedule` is required, though the model
/// would default it.
#[derive(Debug, Deserialize)]
struct HoursRequest {
    schedule: serde_json::Map<String, serde_json::Value>,
}

impl HoursRequest {
    fn into_model(self) -> Result<BusinessHours, ApiError> {
        let body = serde_json::json!({ "schedule": self.schedule });
        serde_json::from_value(body).map_err(|e| ApiError::BadJson(e.to_string()))
    }
}

async fn read_company(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
) -> Result<HoursInfo, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let hours = state.directory.account_business_hours(account_id).await?;
    let uri = format!("{}/business-hours", state.uris.account(account_id));
    Ok(Json(WithUri { uri, record: hours }))
}

async fn update_company(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    RcJson(hours): RcJson<HoursRequest>,
) -> Result<HoursInfo, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let hours = hours.into_model()?;
    if !state
        .directory
        .is_admin(account_id, caller.subject.extension_id)
        .await?
    {
        return Err(ApiError::AdminRequired);
    }
    let hours = state
        .directory
        .put_account_business_hours(account_id, &hours)
        .await?;
    tracing::info!(account_id, "company business hours updated");
    let uri = format!("{}/business-hours", state.uris.account(account_id));
    Ok(Json(WithUri { uri, record: hours }))
}

/// An extension without hours of its own follows the company's.
async fn read_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
) -> Result<HoursInfo, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    let hours = match state.directory.extension_business_hours(ext.id).await? {
        Some(hours) => hours,
        None => state.directory.account_business_hours(account_id).await?,
    };
    let uri = format!(
        "{}/business-hours",
        state.uris.extension(account_id, ext.id)
    );
    Ok(Json(WithUri { uri, record: hours }))
}

async fn update_user(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    RcJson(hours): RcJson<HoursRequest>,
) -> Result<HoursInfo, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    let hours = hours.into_model()?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    state
        .directory
        .put_extension_business_hours(ext.id, Some(&hours))
        .await?;
    tracing::info!(extension_id = ext.id, "user business hours updated");
    let uri = format!(
        "{}/business-hours",
        state.uris.extension(account_id, ext.id)
    );
    Ok(Json(WithUri { uri, record: hours }))
}

/// The business hours routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let company = "/restapi/v1.0/account/{accountId}/business-hours";
    let user = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/business-hours";
    Router::new()
        .route(company, guarded(get(read_company), state, READ_COMPANY))
        .route(company, guarded(put(update_company), state, UPDATE_COMPANY))
        .route(user, guarded(get(read_user), state, READ_USER))
        .route(user, guarded(put(update_user), state, UPDATE_USER))
}
