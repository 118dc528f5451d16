//! An extension's call handling rules: `listAnsweringRules` and
//! `readAnsweringRule`.

use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::Value;
use switchboard_phone::model::{AccountId, AnsweringRule, RuleType};

use crate::error::ApiError;
use crate::extract::{Query, parse_enums};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, PageRequest, page_of};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::extension::{check_own_or_admin, load};
use crate::state::AppState;
use crate::uri::{Uris, WithUri, id_as_string, id_at, set_in};

const LIST_RULES: Operation = Operation::new(
    "listAnsweringRules",
    ThrottlingGroup::Medium,
    Permission::ReadAccounts,
);
const READ_RULE: Operation = Operation::new(
    "readAnsweringRule",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);

/// `CallHandlingRuleInfo`: the model's rule with its `uri`, and the nested
/// extension references as the spec types them (string ids, with `uri`).
fn rule_info(rule: AnsweringRule, base: &str, account_id: AccountId, uris: &Uris) -> Value {
    let uri = format!("{base}/{}", rule.id);
    // Model types serialize to JSON objects; nothing here can fail.
    let mut value = serde_json::to_value(WithUri { uri, record: rule }).unwrap_or_default();
    for pointer in ["/voicemail/recipient", "/transfer/extension"] {
        if let Some(id) = id_at(&value, pointer) {
            set_in(
                &mut value,
                pointer,
                "uri",
                Value::String(uris.extension(account_id, id)),
            );
            id_as_string(&mut value, &format!("{pointer}/id"));
        }
    }
    value
}

async fn list_answering_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    Query(query): Query,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let page = PageRequest::from_query(&query)?;
    let types: Vec<RuleType> = parse_enums(&query.all("type"), "type")?;
    let enabled_only = query.get("enabledOnly") == Some("true");

    let mut rules = state.directory.answering_rules(ext.id).await?;
    rules.retain(|r| {
        (types.is_empty() || types.contains(&r.rule_type)) && (r.enabled || !enabled_only)
    });
    let base = format!(
        "{}/answering-rule",
        state.uris.extension(account_id, ext.id)
    );
    let envelope = Envelope::new(
        page_of(rules, page),
        page,
        &ListUri::new(base.clone(), &query),
    );
    let uris = &state.uris;
    Ok(Json(
        envelope.map(|rule| rule_info(rule, &base, account_id, uris)),
    ))
}

async fn read_answering_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, extension, rule_id)): Path<(String, String, String)>,
) -> Result<Json<Value>, ApiError> {
    let (account_id, ext) = load(&state, &caller, (account, extension)).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let rules = state.directory.answering_rules(ext.id).await?;
    let rule = rules
        .into_iter()
        .find(|r| r.id == rule_id)
        .ok_or(ApiError::NotFound("ruleId"))?;
    let base = format!(
        "{}/answering-rule",
        state.uris.extension(account_id, ext.id)
    );
    Ok(Json(rule_info(rule, &base, account_id, &state.uris)))
}

/// The answering rule routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/answering-rule";
    let one = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/answering-rule/{ruleId}";
    Router::new()
        .route(list, guarded(get(list_answering_rules), state, LIST_RULES))
        .route(one, guarded(get(read_answering_rule), state, READ_RULE))
}
