//! The call log: `readUserCallLog`, `readCompanyCallLog` and their single
//! records, `readUserCallRecord` and `readCompanyCallRecord`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use switchboard_phone::model::{AccountId, CallLogRecord};

use crate::backend::CallLogFilter;
use crate::error::ApiError;
use crate::extract::{Pairs, Query, check_one_of, parse_enums, parse_time};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::extension::{check_own_or_admin, load};
use crate::state::AppState;
use crate::uri::{Uris, WithUri, id_at, resolve_account, set_in};

const READ_USER_CALL_LOG: Operation = Operation::new(
    "readUserCallLog",
    ThrottlingGroup::Heavy,
    Permission::ReadCallLog,
);
const READ_COMPANY_CALL_LOG: Operation = Operation::new(
    "readCompanyCallLog",
    ThrottlingGroup::Heavy,
    Permission::ReadCallLog,
);

const READ_USER_CALL_RECORD: Operation = Operation::new(
    "readUserCallRecord",
    ThrottlingGroup::Heavy,
    Permission::ReadCallLog,
);
const READ_COMPANY_CALL_RECORD: Operation = Operation::new(
    "readCompanyCallRecord",
    ThrottlingGroup::Heavy,
    Permission::ReadCallLog,
);

/// `view` values; Simple, the default, leaves out `legs`.
const VIEWS: [&str; 2] = ["Simple", "Detailed"];

/// Without `dateFrom`, RingCentral lists the 24 hours before `dateTo`.
const DEFAULT_SPAN: SignedDuration = SignedDuration::from_hours(24);

type CallLogPage = Json<Envelope<Value>>;

/// `CallLogRecord` on the wire: the model's record with its `uri`, and the
/// `uri` (and voicemail `type`) the spec requires on nested references.
pub fn record_info(record: CallLogRecord, account_id: AccountId, uris: &Uris) -> Value {
    let uri = format!("{}/call-log/{}", uris.account(account_id), record.id);
    let legs = record.legs.len();
    // Model types serialize to JSON objects; nothing here can fail.
    let mut value = serde_json::to_value(WithUri { uri, record }).unwrap_or_default();
    let owner = id_at(&value, "/extension");
    let mut references: Vec<String> = vec!["/extension".into()];
    references.extend((0..legs).map(|i| format!("/legs/{i}/extension")));
    for pointer in references {
        if let Some(id) = id_at(&value, &pointer) {
            set_in(
                &mut value,
                &pointer,
                "uri",
                Value::String(uris.extension(account_id, id)),
            );
        }
    }
    // A call log record links only voicemail (`message{id,type,uri}`).
    let message_id = value.pointer("/message/id").map(|id| match id {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    });
    if let (Some(owner), Some(id)) = (owner, message_id) {
        let uri = format!("{}/message-store/{id}", uris.extension(account_id, owner));
        set_in(&mut value, "/message", "uri", Value::String(uri));
        set_in(
            &mut value,
            "/message",
            "type",
            Value::String("VoiceMail".into()),
        );
    }
    value
}

/// The filters of both lists, from the query.
fn filter(query: &Pairs) -> Result<CallLogFilter, ApiError> {
    let date_to = match query.non_empty("dateTo") {
        Some(text) => parse_time(text, "dateTo")?,
        None => Timestamp::now(),
    };
    let date_from = match query.non_empty("dateFrom") {
        Some(text) => parse_time(text, "dateFrom")?,
        None => date_to.checked_sub(DEFAULT_SPAN).unwrap_or(Timestamp::MIN),
    };
    Ok(CallLogFilter {
        extension: None,
        date_from: Some(date_from),
        date_to: Some(date_to),
        call_types: parse_enums(&query.all("type"), "type")?,
        directions: parse_enums(&query.all("direction"), "direction")?,
    })
}

/// Whether the query asks for the Detailed view; other values than the
/// two views are CMN-101.
pub fn detailed(query: &Pairs) -> Result<bool, ApiError> {
    let view = query.non_empty("view");
    check_one_of(view, &VIEWS, "view")?;
    Ok(view == Some("Detailed"))
}

/// A record in the requested view: the Simple one has no legs.
pub fn in_view(mut record: CallLogRecord, detailed: bool) -> CallLogRecord {
    if !detailed {
        record.legs.clear();
    }
    record
}

/// One page in the envelope.
async fn page(
    state: &AppState,
    account_id: AccountId,
    filter: CallLogFilter,
    query: &Pairs,
    base: String,
) -> Result<CallLogPage, ApiError> {
    let page = PageRequest::from_query(query)?;
    let detailed = detailed(query)?;
    let slice = state.directory.call_log(account_id, &filter, page).await?;
    let envelope = Envelope::new(slice, page, &ListUri::new(base, query));
    Ok(Json(envelope.map(|record| {
        record_info(in_view(record, detailed), account_id, &state.uris)
    })))
}

async fn read_user_call_log(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    Query(query): Query,
) -> Result<CallLogPage, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let filter = CallLogFilter {
        extension: Some(ext.id),
        ..filter(&query)?
    };
    let base = format!("{}/call-log", state.uris.extension(account_id, ext.id));
    page(&state, account_id, filter, &query, base).await
}

async fn read_company_call_log(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    Query(query): Query,
) -> Result<CallLogPage, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    if !state
        .directory
        .is_admin(account_id, caller.subject.extension_id)
        .await?
    {
        return Err(ApiError::AdminRequired);
    }
    let base = format!("{}/call-log", state.uris.account(account_id));
    page(&state, account_id, filter(&query)?, &query, base).await
}

/// One record; a comma list of ids (RingCentral's multipart bulk read) is
/// not supported and finds nothing.
async fn record(
    state: &AppState,
    account_id: AccountId,
    extension: Option<i64>,
    record_id: &str,
    query: &Pairs,
) -> Result<Json<Value>, ApiError> {
    let detailed = detailed(query)?;
    let found = state
        .directory
        .call_log_record(account_id, extension, record_id);
    let found = found.await?.ok_or(ApiError::NotFound("callRecordId"))?;
    Ok(Json(record_info(
        in_view(found, detailed),
        account_id,
        &state.uris,
    )))
}

async fn read_user_call_record(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, extension, record_id)): Path<(String, String, String)>,
    Query(query): Query,
) -> Result<Json<Value>, ApiError> {
    let (account_id, ext) = load(&state, &caller, (account, extension)).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    record(&state, account_id, Some(ext.id), &record_id, &query).await
}

async fn read_company_call_record(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, record_id)): Path<(String, String)>,
    Query(query): Query,
) -> Result<Json<Value>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let me = caller.subject.extension_id;
    if !state.directory.is_admin(account_id, me).await? {
        return Err(ApiError::AdminRequired);
    }
    record(&state, account_id, None, &record_id, &query).await
}

/// The call log routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let user = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/call-log";
    let company = "/restapi/v1.0/account/{accountId}/call-log";
    let user_one = format!("{user}/{{callRecordId}}");
    let company_one = format!("{company}/{{callRecordId}}");
    let (user_op, company_op) = (READ_USER_CALL_RECORD, READ_COMPANY_CALL_RECORD);
    Router::new()
        .route(
            &user_one,
            guarded(get(read_user_call_record), state, user_op),
        )
        .route(
            &company_one,
            guarded(get(read_company_call_record), state, company_op),
        )
        .route(
            user,
            guarded(get(read_user_call_log), state, READ_USER_CALL_LOG),
        )
        .route(
            company,
            guarded(get(read_company_call_log), state, READ_COMPANY_CALL_LOG),
        )
}
