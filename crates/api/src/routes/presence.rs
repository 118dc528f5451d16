//! Presence: `readUserPresenceStatus` and `updateUserPresenceStatus`.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use switchboard_phone::model::{
    AccountId, DndStatus, Extension, Presence, PresenceStatus, TelephonyStatus, UserStatus,
};

use crate::error::ApiError;
use crate::extract::{RcJson, check_one_of, parse_enum};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::extension::{check_own_or_admin, load};
use crate::state::AppState;

const READ_PRESENCE: Operation = Operation::new(
    "readUserPresenceStatus",
    ThrottlingGroup::Light,
    Permission::ReadPresence,
);
const UPDATE_PRESENCE: Operation = Operation::new(
    "updateUserPresenceStatus",
    ThrottlingGroup::Medium,
    Permission::EditPresence,
);

/// `GetPresenceExtensionInfo`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtensionRef {
    id: i64,
    uri: String,
    extension_number: String,
}

/// `PresenceInfoResponse`. The visibility settings are not stored yet and
/// show RingCentral's defaults.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PresenceInfo {
    uri: String,
    extension: ExtensionRef,
    presence_status: PresenceStatus,
    user_status: UserStatus,
    dnd_status: DndStatus,
    telephony_status: TelephonyStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
    allow_see_my_presence: bool,
    ring_on_monitored_call: bool,
    pick_up_calls_on_hold: bool,
}

/// What others see: the registration-driven status, lowered by what the
/// user chose (offline, busy, or refusing every call).
fn presence_status(p: &Presence) -> PresenceStatus {
    let refusing = p.user_status == UserStatus::Busy
        || p.dnd_status == DndStatus::DoNotAcceptAnyCalls
        || p.telephony_status != TelephonyStatus::NoCall;
    match (p.user_status, p.presence_status) {
        (UserStatus::Offline, _) | (_, PresenceStatus::Offline) => PresenceStatus::Offline,
        _ if refusing => PresenceStatus::Busy,
        _ => PresenceStatus::Available,
    }
}

impl PresenceInfo {
    fn new(state: &AppState, account_id: AccountId, ext: &Extension, p: Presence) -> Self {
        let ext_uri = state.uris.extension(account_id, ext.id);
        Self {
            uri: format!("{ext_uri}/presence"),
            extension: ExtensionRef {
                id: ext.id,
                uri: ext_uri,
                extension_number: ext.extension_number.clone(),
            },
            presence_status: presence_status(&p),
            user_status: p.user_status,
            dnd_status: p.dnd_status,
            telephony_status: p.telephony_status,
            message: p.message,
            allow_see_my_presence: true,
            ring_on_monitored_call: false,
            pick_up_calls_on_hold: false,
        }
    }
}

async fn read_presence(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
) -> Result<Json<PresenceInfo>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    let presence = state.directory.presence(ext.id).await?;
    Ok(Json(PresenceInfo::new(&state, account_id, &ext, presence)))
}

/// `dndStatusPersonal` values.
const DND_PERSONAL: [&str; 3] = ["TakeAllCalls", "DoNotAcceptAnyCalls", "Unknown"];
/// `callerIdVisibility` values.
const CALLER_ID_VISIBILITY: [&str; 3] = ["All", "None", "PermittedUsers"];

/// `PresenceInfoRequest`. Fields after `message` are not stored yet (the
/// model has no place for them): they are checked and ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PresenceInfoRequest {
    user_status: Option<String>,
    dnd_status: Option<String>,
    message: Option<String>,
    dnd_status_personal: Option<String>,
    caller_id_visibility: Option<String>,
    #[serde(rename = "allowSeeMyPresence")]
    _allow_see_my_presence: Option<bool>,
    #[serde(rename = "ringOnMonitoredCall")]
    _ring_on_monitored_call: Option<bool>,
    #[serde(rename = "pickUpCallsOnHold")]
    _pick_up_calls_on_hold: Option<bool>,
    #[serde(rename = "acceptCallQueueCalls")]
    _accept_call_queue_calls: Option<bool>,
}

impl PresenceInfoRequest {
    fn apply(self, presence: &mut Presence) -> Result<(), ApiError> {
        check_one_of(
            self.dnd_status_personal.as_deref(),
            &DND_PERSONAL,
            "dndStatusPersonal",
        )?;
        let visibility = self.caller_id_visibility.as_deref();
        check_one_of(visibility, &CALLER_ID_VISIBILITY, "callerIdVisibility")?;
        if let Some(status) = self.user_status {
            presence.user_status = parse_enum(&status, "userStatus")?;
        }
        if let Some(dnd) = self.dnd_status {
            presence.dnd_status = parse_enum(&dnd, "dndStatus")?;
        }
        if self.message.is_some() {
            presence.message = self.message;
        }
        Ok(())
    }
}

async fn update_presence(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    RcJson(body): RcJson<PresenceInfoRequest>,
) -> Result<Json<PresenceInfo>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let mut presence = state.directory.presence(ext.id).await?;
    body.apply(&mut presence)?;

    let presence = state.directory.put_presence(&presence).await?;
    tracing::info!(extension_id = ext.id, dnd_status = ?presence.dnd_status, "presence updated");
    Ok(Json(PresenceInfo::new(&state, account_id, &ext, presence)))
}

/// The presence routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let path = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/presence";
    Router::new()
        .route(path, guarded(get(read_presence), state, READ_PRESENCE))
        .route(path, guarded(put(update_presence), state, UPDATE_PRESENCE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_phone::model::ExtensionRef;

    fn registered(dnd: DndStatus, telephony: TelephonyStatus) -> Presence {
        let mut p = Presence::new(ExtensionRef::new(1));
        p.presence_status = PresenceStatus::Available;
        p.dnd_status = dnd;
        p.telephony_status = telephony;
        p
    }

    #[test]
    fn refusing_all_calls_or_being_on_a_call_shows_busy() {
        let dnd = registered(DndStatus::DoNotAcceptAnyCalls, TelephonyStatus::NoCall);
        assert_eq!(presence_status(&dnd), PresenceStatus::Busy);
        let on_call = registered(DndStatus::TakeAllCalls, TelephonyStatus::CallConnected);
        assert_eq!(presence_status(&on_call), PresenceStatus::Busy);
        let idle = registered(DndStatus::TakeAllCalls, TelephonyStatus::NoCall);
        assert_eq!(presence_status(&idle), PresenceStatus::Available);
    }

    #[test]
    fn unregistered_or_self_declared_offline_shows_offline() {
        let unregistered = Presence::new(ExtensionRef::new(1));
        assert_eq!(presence_status(&unregistered), PresenceStatus::Offline);
        let mut away = registered(DndStatus::TakeAllCalls, TelephonyStatus::NoCall);
        away.user_status = UserStatus::Offline;
        assert_eq!(presence_status(&away), PresenceStatus::Offline);
    }
}
