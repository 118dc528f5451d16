//! Phones and softphones: `listExtensionDevices`, `readDevice` and
//! `readDeviceSipInfo`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Serialize;
use serde_json::Value;
use switchboard_phone::model::{AccountId, Device, DeviceType};

use crate::error::ApiError;
use crate::extract::{Query, parse_enums};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest, page_of};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::extension::{check_own_or_admin, load};
use crate::state::AppState;
use crate::uri::{Uris, id_at, resolve_account, set_in};

const LIST_DEVICES: Operation = Operation::new(
    "listExtensionDevices",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);
const READ_DEVICE: Operation = Operation::new(
    "readDevice",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);
const READ_DEVICE_SIP_INFO: Operation = Operation::new(
    "readDeviceSipInfo",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);

/// `DeviceResource`: the device with its `uri` and its extension's. The
/// SIP credentials never appear here (the model does not serialize them).
fn device_info(device: Device, account_id: AccountId, uris: &Uris) -> Value {
    let uri = format!("{}/device/{}", uris.account(account_id), device.id);
    // Model types serialize to JSON objects; nothing here can fail.
    let mut value = serde_json::to_value(device).unwrap_or_default();
    set_in(&mut value, "", "uri", Value::String(uri));
    if let Some(id) = id_at(&value, "/extension") {
        let ext_uri = Value::String(uris.extension(account_id, id));
        set_in(&mut value, "/extension", "uri", ext_uri);
    }
    value
}

async fn list_devices(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    Query(query): Query,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let page = PageRequest::from_query(&query)?;
    let types: Vec<DeviceType> = parse_enums(&query.all("type"), "type")?;

    let mut devices = state.directory.extension_devices(ext.id).await?;
    devices.retain(|d| types.is_empty() || types.contains(&d.device_type));
    let base = format!("{}/device", state.uris.extension(account_id, ext.id));
    let envelope = Envelope::new(page_of(devices, page), page, &ListUri::new(base, &query));
    Ok(Json(
        envelope.map(|d| device_info(d, account_id, &state.uris)),
    ))
}

/// A device is visible to its owner and to administrators.
async fn read_device(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, device_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let device = state.directory.device(account_id, &device_id).await?;
    let device = device.ok_or(ApiError::NotFound("deviceId"))?;
    check_owner(&state, &caller, &device).await?;
    Ok(Json(device_info(device, account_id, &state.uris)))
}

/// The device's user or an administrator; an unassigned device is for
/// administrators only (no extension has id 0).
async fn check_owner(state: &AppState, caller: &Caller, device: &Device) -> Result<(), ApiError> {
    let owner = device.extension.as_ref().map_or(0, |e| e.id);
    check_own_or_admin(state, caller, owner).await
}

/// `SipInfoResource`: what a phone needs to register as this device. The
/// password is shown here only, to the device's user or an administrator.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SipInfo {
    domain: String,
    outbound_proxies: Vec<OutboundProxy>,
    user_name: String,
    password: String,
    authorization_id: String,
}

/// `OutboundProxyInfo`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OutboundProxy {
    region: &'static str,
    proxy: String,
    #[serde(rename = "proxyTLS", skip_serializing_if = "Option::is_none")]
    proxy_tls: Option<String>,
}

async fn read_device_sip_info(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, device_id)): Path<(String, String)>,
) -> Result<Json<SipInfo>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let device = state.directory.device(account_id, &device_id).await?;
    let device = device.ok_or(ApiError::NotFound("deviceId"))?;
    check_owner(&state, &caller, &device).await?;

    let sip = &state.config.sip;
    let proxy = OutboundProxy {
        region: "Local",
        proxy: sip.outbound_proxy.clone(),
        proxy_tls: sip.outbound_proxy_tls.clone(),
    };
    tracing::info!(device_id, "device SIP credentials read");
    let credentials = device.sip_info;
    Ok(Json(SipInfo {
        domain: sip.domain.clone(),
        outbound_proxies: vec![proxy],
        user_name: credentials.username,
        password: credentials.password,
        authorization_id: credentials.authorization_id,
    }))
}

/// The device routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/device";
    let one = "/restapi/v1.0/account/{accountId}/device/{deviceId}";
    let sip_info = "/restapi/v1.0/account/{accountId}/device/{deviceId}/sip-info";
    Router::new()
        .route(list, guarded(get(list_devices), state, LIST_DEVICES))
        .route(one, guarded(get(read_device), state, READ_DEVICE))
        .route(
            sip_info,
            guarded(get(read_device_sip_info), state, READ_DEVICE_SIP_INFO),
        )
}
