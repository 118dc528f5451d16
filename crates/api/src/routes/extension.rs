//! Extensions: `listExtensions`, `readExtension`, `updateExtension`.

use axum::extract::{Path, State};
use axum::routing::{get, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use switchboard_phone::model::{
    AccountId, Contact, Extension, ExtensionStatus, ExtensionType, RegionalSettings,
};

use crate::backend::ExtensionFilter;
use crate::error::ApiError;
use crate::extract::{Query, RcJson, check_one_of, parse_enum, parse_enums};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::state::AppState;
use crate::uri::{Uris, resolve_account, resolve_extension};

const LIST_EXTENSIONS: Operation = Operation::new(
    "listExtensions",
    ThrottlingGroup::Medium,
    Permission::ReadAccounts,
);
const READ_EXTENSION: Operation = Operation::new(
    "readExtension",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);
const UPDATE_EXTENSION: Operation = Operation::new(
    "updateExtension",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);

#[derive(Debug, Serialize)]
struct Enabled {
    enabled: bool,
}

/// `ExtensionPermissions`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ExtensionPermissions {
    admin: Enabled,
    international_calling: Enabled,
}

/// `GetExtensionAccountInfo`; RingCentral sends this `id` as a string.
#[derive(Debug, Serialize)]
struct AccountRef {
    id: String,
    uri: String,
}

/// `GetExtensionListInfoResponse`, and with the optional parts filled in,
/// `GetExtensionInfoResponse`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExtensionInfo {
    id: i64,
    uri: String,
    extension_number: String,
    name: String,
    #[serde(rename = "type")]
    extension_type: ExtensionType,
    status: ExtensionStatus,
    contact: Contact,
    hidden: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    account: Option<AccountRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<ExtensionPermissions>,
    #[serde(skip_serializing_if = "Option::is_none")]
    regional_settings: Option<RegionalSettings>,
    #[serde(skip_serializing_if = "Option::is_none")]
    setup_wizard_state: Option<&'static str>,
}

impl ExtensionInfo {
    /// A list record.
    fn record(account_id: AccountId, ext: Extension, uris: &Uris) -> Self {
        Self {
            id: ext.id,
            uri: uris.extension(account_id, ext.id),
            extension_number: ext.extension_number,
            name: ext.name,
            extension_type: ext.extension_type,
            status: ext.status,
            contact: ext.contact,
            hidden: ext.hidden,
            account: None,
            permissions: None,
            regional_settings: ext.regional_settings,
            setup_wizard_state: None,
        }
    }

    /// The full single-extension view.
    fn full(account_id: AccountId, ext: Extension, admin: bool, uris: &Uris) -> Self {
        let account = AccountRef {
            id: account_id.to_string(),
            uri: uris.account(account_id),
        };
        let permissions = ExtensionPermissions {
            admin: Enabled { enabled: admin },
            international_calling: Enabled { enabled: false },
        };
        Self {
            account: Some(account),
            permissions: Some(permissions),
            setup_wizard_state: Some("Completed"),
            ..Self::record(account_id, ext, uris)
        }
    }
}

async fn list_extensions(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    Query(query): Query,
) -> Result<Json<Envelope<ExtensionInfo>>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let page = PageRequest::from_query(&query)?;
    let filter = ExtensionFilter {
        extension_types: parse_enums(&query.all("type"), "type")?,
        statuses: parse_enums(&query.all("status"), "status")?,
        extension_number: query.non_empty("extensionNumber").map(str::to_owned),
    };

    let slice = state
        .directory
        .list_extensions(account_id, &filter, page)
        .await?;
    let list = ListUri::new(
        format!("{}/extension", state.uris.account(account_id)),
        &query,
    );
    let envelope = Envelope::new(slice, page, &list);
    Ok(Json(envelope.map(|ext| {
        ExtensionInfo::record(account_id, ext, &state.uris)
    })))
}

/// Resolves both path segments and loads the extension, or 404.
pub async fn load(
    state: &AppState,
    caller: &Caller,
    (account, extension): (String, String),
) -> Result<(AccountId, Extension), ApiError> {
    let account_id = resolve_account(&account, caller)?;
    let extension_id = resolve_extension(&extension, caller)?;
    let ext = state.directory.extension(account_id, extension_id).await?;
    Ok((account_id, ext.ok_or(ApiError::NotFound("extensionId"))?))
}

async fn read_extension(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
) -> Result<Json<ExtensionInfo>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    let admin = state.directory.is_admin(account_id, ext.id).await?;
    Ok(Json(ExtensionInfo::full(
        account_id,
        ext,
        admin,
        &state.uris,
    )))
}

/// Refuses access to another extension's private data or settings unless
/// the caller is an admin.
pub async fn check_own_or_admin(
    state: &AppState,
    caller: &Caller,
    target: i64,
) -> Result<(), ApiError> {
    let me = caller.subject;
    if me.extension_id == target
        || state
            .directory
            .is_admin(me.account_id, me.extension_id)
            .await?
    {
        return Ok(());
    }
    Err(ApiError::ForeignExtension)
}

/// JSON objects the request may carry but Switchboard does not keep; typed
/// so that a body the spec refuses is refused here too.
type Object = serde_json::Map<String, serde_json::Value>;

/// `ContactInfoUpdateRequest`.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContactUpdate {
    first_name: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    business_phone: Option<String>,
    company: Option<String>,
    // Not kept by the model yet; accepted when well-typed.
    #[serde(flatten)]
    _other: ContactExtras,
}

/// `ContactInfoUpdateRequest` fields the model has no place for.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ContactExtras {
    #[serde(rename = "jobTitle")]
    _job_title: Option<String>,
    #[serde(rename = "mobilePhone")]
    _mobile_phone: Option<String>,
    #[serde(rename = "businessAddress")]
    _business_address: Option<Object>,
    #[serde(rename = "emailAsLoginName")]
    _email_as_login_name: Option<bool>,
    #[serde(rename = "pronouncedName")]
    _pronounced_name: Option<Object>,
    #[serde(rename = "department")]
    _department: Option<String>,
}

/// `ExtensionUpdateRequest`'s fields that the model has no place for yet,
/// checked for type and enum values and otherwise ignored.
#[derive(Debug, Default, Deserialize)]
struct UpdateExtras {
    #[serde(rename = "statusInfo")]
    _status_info: Option<Object>,
    #[serde(rename = "regionalSettings")]
    _regional_settings: Option<Object>,
    #[serde(rename = "setupWizardState")]
    setup_wizard_state: Option<String>,
    #[serde(rename = "partnerId")]
    _partner_id: Option<String>,
    #[serde(rename = "callQueueInfo")]
    _call_queue_info: Option<Object>,
    #[serde(rename = "transition")]
    _transition: Option<Object>,
    #[serde(rename = "customFields")]
    _custom_fields: Option<Vec<serde_json::Value>>,
    #[serde(rename = "site")]
    _site: Option<Object>,
    #[serde(rename = "subType")]
    sub_type: Option<String>,
    #[serde(rename = "references")]
    _references: Option<Vec<serde_json::Value>>,
}

/// `setupWizardState` values.
const WIZARD_STATES: [&str; 3] = ["NotStarted", "Incomplete", "Completed"];
/// `subType` values (`AllExtensionSubtypesEnum`).
const SUB_TYPES: [&str; 5] = [
    "VideoPro",
    "VideoProPlus",
    "DigitalSignageOnlyRooms",
    "Unknown",
    "Emergency",
];
/// `type` values `updateExtension` accepts.
const UPDATE_TYPES: [&str; 15] = [
    "User",
    "FaxUser",
    "FlexibleUser",
    "VirtualUser",
    "DigitalUser",
    "Department",
    "Announcement",
    "Voicemail",
    "SharedLinesGroup",
    "PagingOnly",
    "IvrMenu",
    "ApplicationExtension",
    "ParkLocation",
    "DelegatedLinesGroup",
    "GroupCallPickup",
];

/// `ExtensionUpdateRequest`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExtensionUpdateRequest {
    status: Option<String>,
    extension_number: Option<String>,
    contact: Option<ContactUpdate>,
    ivr_pin: Option<String>,
    password: Option<String>,
    #[serde(rename = "type")]
    extension_type: Option<String>,
    #[serde(flatten)]
    extras: UpdateExtras,
}

impl ExtensionUpdateRequest {
    /// Applies the request to `ext`, checking each value.
    fn apply(self, ext: &mut Extension) -> Result<(), ApiError> {
        check_one_of(
            self.extras.setup_wizard_state.as_deref(),
            &WIZARD_STATES,
            "setupWizardState",
        )?;
        check_one_of(self.extras.sub_type.as_deref(), &SUB_TYPES, "subType")?;
        check_one_of(self.extension_type.as_deref(), &UPDATE_TYPES, "type")?;
        // TODO: password changes belong with the credential store; until the
        // backend can take one, refusing beats pretending it was changed.
        if self.password.is_some() {
            return Err(ApiError::InvalidParameter("password"));
        }
        if let Some(status) = self.status {
            let status: ExtensionStatus = parse_enum(&status, "status")?;
            // `Unassigned` is a state the system reaches, not one to set.
            if status == ExtensionStatus::Unassigned {
                return Err(ApiError::InvalidParameter("status"));
            }
            ext.status = status;
        }
        if let Some(number) = self.extension_number {
            if !is_short_number(&number) {
                return Err(ApiError::InvalidParameter("extensionNumber"));
            }
            ext.extension_number = number;
        }
        if let Some(pin) = self.ivr_pin {
            if !is_short_number(&pin) {
                return Err(ApiError::InvalidParameter("ivrPin"));
            }
            ext.ivr_pin = Some(pin);
        }
        // Types the model does not route are accepted and left unchanged.
        let known = self
            .extension_type
            .as_deref()
            .map(|k| parse_enum(k, "type"));
        if let Some(Ok(kind)) = known {
            ext.extension_type = kind;
        }
        if let Some(contact) = self.contact {
            apply_contact(ext, contact);
        }
        Ok(())
    }
}

/// Extension numbers and PINs: 1 to 8 digits.
fn is_short_number(text: &str) -> bool {
    (1..=8).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

fn apply_contact(ext: &mut Extension, update: ContactUpdate) {
    let c = &mut ext.contact;
    let renamed = update.first_name.is_some() || update.last_name.is_some();
    let fields = [
        (&mut c.first_name, update.first_name),
        (&mut c.last_name, update.last_name),
        (&mut c.email, update.email),
        (&mut c.business_phone, update.business_phone),
        (&mut c.company, update.company),
    ];
    for (stored, new) in fields {
        if new.is_some() {
            *stored = new;
        }
    }
    // A user's display name follows their contact name, as in RingCentral.
    if renamed && ext.extension_type == ExtensionType::User {
        let parts = [c.first_name.as_deref(), c.last_name.as_deref()];
        ext.name = parts.into_iter().flatten().collect::<Vec<_>>().join(" ");
    }
}

async fn update_extension(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    RcJson(body): RcJson<ExtensionUpdateRequest>,
) -> Result<Json<ExtensionInfo>, ApiError> {
    let (account_id, mut ext) = load(&state, &caller, path).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let was_enabled = ext.status == ExtensionStatus::Enabled;
    let old_status = ext.status;
    body.apply(&mut ext)?;

    // Enabling and disabling users is the administrator's job: a user who
    // disabled themselves could not log in again to undo it.
    let me = caller.subject.extension_id;
    if ext.status != old_status && !state.directory.is_admin(account_id, me).await? {
        return Err(ApiError::AdminRequired);
    }

    let updated = state.directory.update_extension(account_id, &ext).await?;
    let updated = updated.ok_or(ApiError::NotFound("extensionId"))?;
    // A user who may no longer work keeps no session either.
    if was_enabled && updated.status != ExtensionStatus::Enabled {
        let revoked = state.auth.revoke_extension_tokens(updated.id).await?;
        tracing::info!(
            extension_id = updated.id,
            revoked,
            "sessions of disabled user revoked"
        );
    }
    let admin = state.directory.is_admin(account_id, updated.id).await?;
    tracing::info!(extension_id = updated.id, "extension updated");
    Ok(Json(ExtensionInfo::full(
        account_id,
        updated,
        admin,
        &state.uris,
    )))
}

/// The extension routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let one = "/restapi/v1.0/account/{accountId}/extension/{extensionId}";
    Router::new()
        .route(
            "/restapi/v1.0/account/{accountId}/extension",
            guarded(get(list_extensions), state, LIST_EXTENSIONS),
        )
        .route(one, guarded(get(read_extension), state, READ_EXTENSION))
        .route(one, guarded(put(update_extension), state, UPDATE_EXTENSION))
}
