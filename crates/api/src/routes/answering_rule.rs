//! An extension's call handling rules: `listAnsweringRules`,
//! `createAnsweringRule`, `readAnsweringRule`, `updateAnsweringRule`,
//! `deleteAnsweringRule`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde_json::Value;
use switchboard_phone::model::{
    AccountId, AnsweringRule, CallHandlingAction, Extension, ExtensionId, ForwardingNumber,
    ForwardingRuleNumber, RuleType,
};

use crate::error::ApiError;
use crate::extract::{
    JsonKind, Object, Query, RcJson, check_kinds, check_one_of, overlay, parse_enum, parse_enums,
};
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
const CREATE_RULE: Operation = Operation::new(
    "createAnsweringRule",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);
const UPDATE_RULE: Operation = Operation::new(
    "updateAnsweringRule",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);
const DELETE_RULE: Operation = Operation::new(
    "deleteAnsweringRule",
    ThrottlingGroup::Medium,
    Permission::EditExtensions,
);

/// The request members the model keeps. `type` and `id` are handled on
/// their own; `queue`, `sharedLines`, `missedCall` and `screening` are not
/// kept yet and are ignored once checked.
const KEPT_FIELDS: [&str; 11] = [
    "name",
    "enabled",
    "schedule",
    "calledNumbers",
    "callers",
    "callHandlingAction",
    "forwarding",
    "unconditionalForwarding",
    "transfer",
    "voicemail",
    "greetings",
];

/// `screening` values.
const SCREENING: [&str; 4] = ["Off", "NoCallerId", "UnknownCallerId", "Always"];

/// The members not kept, with the JSON type the spec gives them.
const UNKEPT_KINDS: [(&str, JsonKind); 6] = [
    ("id", Value::is_string),
    ("queue", Value::is_object),
    ("sharedLines", Value::is_object),
    ("missedCall", Value::is_object),
    ("screening", Value::is_string),
    ("showInactiveNumbers", Value::is_boolean),
];

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
    let numbers = state.directory.forwarding_numbers(ext.id).await?;
    Ok(Json(envelope.map(|rule| {
        rule_info(with_numbers(rule, &numbers), &base, account_id, uris)
    })))
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
    let numbers = state.directory.forwarding_numbers(ext.id).await?;
    let rule = with_numbers(rule, &numbers);
    Ok(Json(rule_info(rule, &base, account_id, &state.uris)))
}

/// A new custom rule before the request's fields apply: enabled, ringing
/// the extension as RingCentral's default action does.
fn new_custom_rule() -> AnsweringRule {
    AnsweringRule {
        id: String::new(),
        rule_type: RuleType::Custom,
        name: None,
        enabled: true,
        schedule: None,
        called_numbers: Vec::new(),
        callers: Vec::new(),
        call_handling_action: CallHandlingAction::ForwardCalls,
        forwarding: None,
        unconditional_forwarding: None,
        transfer: None,
        voicemail: None,
        greetings: Vec::new(),
    }
}

/// Checks the members the model does not keep, then applies the rest.
fn apply(rule: &AnsweringRule, body: &Object) -> Result<AnsweringRule, ApiError> {
    check_kinds(body, &UNKEPT_KINDS)?;
    let screening = body.get("screening").and_then(Value::as_str);
    check_one_of(screening, &SCREENING, "screening")?;
    overlay(rule, body, &KEPT_FIELDS)
}

/// The checks a whole rule must pass, with the stored forwarding numbers
/// filled in where the request named them by id only.
async fn validate(
    state: &AppState,
    account_id: AccountId,
    owner: &Extension,
    rule: &mut AnsweringRule,
) -> Result<(), ApiError> {
    if rule.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::InvalidParameter("name"));
    }
    // A custom rule with no condition would take every call.
    let conditional = rule.schedule.is_some() || !rule.callers.is_empty();
    if rule.rule_type == RuleType::Custom && !conditional && rule.called_numbers.is_empty() {
        return Err(ApiError::MissingParameter("schedule"));
    }
    match rule.call_handling_action {
        CallHandlingAction::UnconditionalForwarding => {
            let number = rule.unconditional_forwarding.as_ref();
            if number.is_none_or(|u| u.phone_number.trim().is_empty()) {
                return Err(ApiError::MissingParameter("unconditionalForwarding"));
            }
        }
        CallHandlingAction::TransferToExtension if rule.transfer.is_none() => {
            return Err(ApiError::MissingParameter("transfer"));
        }
        _ => {}
    }
    let targets = [
        rule.transfer.as_ref().map(|t| (t.extension.id, "transfer")),
        rule.voicemail
            .as_ref()
            .and_then(|v| v.recipient.as_ref())
            .map(|r| (r.id, "voicemail")),
    ];
    for (id, parameter) in targets.into_iter().flatten() {
        exists(state, account_id, id, parameter).await?;
    }
    // A rule can only match calls to the extension's own numbers.
    let own = state.directory.extension_phone_numbers(owner.id).await?;
    let own: Vec<String> = own.iter().map(|n| digits(&n.phone_number)).collect();
    if rule
        .called_numbers
        .iter()
        .any(|c| !own.contains(&digits(&c.phone_number)))
    {
        return Err(ApiError::InvalidParameter("calledNumbers"));
    }
    let numbers = state.directory.forwarding_numbers(owner.id).await?;
    resolve_forwarding(rule, &numbers)
}

/// The digits of a phone number, so `+1 (650) 555-0102` is `16505550102`.
pub fn digits(number: &str) -> String {
    number.chars().filter(char::is_ascii_digit).collect()
}

/// A referenced extension must be one of the account's.
async fn exists(
    state: &AppState,
    account_id: AccountId,
    id: ExtensionId,
    parameter: &'static str,
) -> Result<(), ApiError> {
    match state.directory.extension(account_id, id).await? {
        Some(_) => Ok(()),
        None => Err(ApiError::InvalidParameter(parameter)),
    }
}

/// Each `forwardingNumbers[]` entry names one of the extension's forwarding
/// numbers by id, and only the id is kept: the router then dials the
/// number as it is when the call comes, not as it was when the rule was
/// saved.
fn resolve_forwarding(
    rule: &mut AnsweringRule,
    numbers: &[ForwardingNumber],
) -> Result<(), ApiError> {
    for entry in forwarding_entries(rule) {
        let known = entry
            .id
            .as_ref()
            .is_some_and(|id| numbers.iter().any(|n| n.id == *id));
        if !known {
            return Err(ApiError::InvalidParameter("forwardingNumbers"));
        }
        *entry = ForwardingRuleNumber {
            id: entry.id.take(),
            ..ForwardingRuleNumber::default()
        };
    }
    Ok(())
}

/// The rule as shown: forwarding entries with their number, label and type.
fn with_numbers(mut rule: AnsweringRule, numbers: &[ForwardingNumber]) -> AnsweringRule {
    for entry in forwarding_entries(&mut rule) {
        let id = entry.id.as_ref();
        let Some(stored) = id.and_then(|id| numbers.iter().find(|n| n.id == *id)) else {
            continue;
        };
        entry.phone_number = Some(stored.phone_number.clone());
        entry.label.clone_from(&stored.label);
        entry.number_type = Some(stored.number_type);
    }
    rule
}

fn forwarding_entries(rule: &mut AnsweringRule) -> impl Iterator<Item = &mut ForwardingRuleNumber> {
    let steps = rule.forwarding.iter_mut().flat_map(|f| &mut f.rules);
    steps.flat_map(|step| &mut step.forwarding_numbers)
}

/// The answer to a create or update: the stored rule as a read shows it.
async fn shown(
    state: &AppState,
    account_id: AccountId,
    owner: &Extension,
    rule: AnsweringRule,
) -> Result<Json<Value>, ApiError> {
    let numbers = state.directory.forwarding_numbers(owner.id).await?;
    let base = rules_base(state, account_id, owner.id);
    let rule = with_numbers(rule, &numbers);
    Ok(Json(rule_info(rule, &base, account_id, &state.uris)))
}

/// Where an extension's rules live.
fn rules_base(state: &AppState, account_id: AccountId, extension_id: ExtensionId) -> String {
    let extension = state.uris.extension(account_id, extension_id);
    format!("{extension}/answering-rule")
}

/// Only custom rules are created: every extension already has the two
/// built-in ones.
async fn create_answering_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path(path): Path<(String, String)>,
    RcJson(body): RcJson<Object>,
) -> Result<Json<Value>, ApiError> {
    let (account_id, ext) = load(&state, &caller, path).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let kind = body.get("type").ok_or(ApiError::MissingParameter("type"))?;
    let kind: RuleType = parse_enum(kind.as_str().unwrap_or_default(), "type")?;
    if kind != RuleType::Custom {
        return Err(ApiError::InvalidParameter("type"));
    }
    if !body.contains_key("name") {
        return Err(ApiError::MissingParameter("name"));
    }
    let mut rule = apply(&new_custom_rule(), &body)?;
    validate(&state, account_id, &ext, &mut rule).await?;

    let created = state.directory.create_answering_rule(ext.id, &rule).await?;
    tracing::info!(extension_id = ext.id, rule_id = %created.id, "answering rule created");
    shown(&state, account_id, &ext, created).await
}

async fn update_answering_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, extension, rule_id)): Path<(String, String, String)>,
    RcJson(body): RcJson<Object>,
) -> Result<Json<Value>, ApiError> {
    let (account_id, ext) = load(&state, &caller, (account, extension)).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let rules = state.directory.answering_rules(ext.id).await?;
    let current = rules.into_iter().find(|r| r.id == rule_id);
    let current = current.ok_or(ApiError::NotFound("ruleId"))?;
    // A rule keeps its kind: the built-in ones cannot become custom.
    if let Some(kind) = body.get("type") {
        let kind: RuleType = parse_enum(kind.as_str().unwrap_or_default(), "type")?;
        if kind != current.rule_type {
            return Err(ApiError::InvalidParameter("type"));
        }
    }
    let mut rule = apply(&current, &body)?;
    validate(&state, account_id, &ext, &mut rule).await?;

    let updated = state.directory.update_answering_rule(ext.id, &rule).await?;
    let updated = updated.ok_or(ApiError::NotFound("ruleId"))?;
    tracing::info!(extension_id = ext.id, rule_id = %updated.id, "answering rule updated");
    shown(&state, account_id, &ext, updated).await
}

/// The built-in rules cannot be deleted, only changed or disabled.
async fn delete_answering_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, extension, rule_id)): Path<(String, String, String)>,
) -> Result<StatusCode, ApiError> {
    let (_, ext) = load(&state, &caller, (account, extension)).await?;
    check_own_or_admin(&state, &caller, ext.id).await?;
    let rules = state.directory.answering_rules(ext.id).await?;
    let rule = rules.iter().find(|r| r.id == rule_id);
    let rule = rule.ok_or(ApiError::NotFound("ruleId"))?;
    if rule.rule_type != RuleType::Custom {
        return Err(ApiError::InvalidParameter("ruleId"));
    }
    if !state
        .directory
        .delete_answering_rule(ext.id, &rule_id)
        .await?
    {
        return Err(ApiError::NotFound("ruleId"));
    }
    tracing::info!(extension_id = ext.id, rule_id, "answering rule deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The answering rule routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/answering-rule";
    let one = "/restapi/v1.0/account/{accountId}/extension/{extensionId}/answering-rule/{ruleId}";
    Router::new()
        .route(list, guarded(get(list_answering_rules), state, LIST_RULES))
        .route(
            list,
            guarded(post(create_answering_rule), state, CREATE_RULE),
        )
        .route(one, guarded(get(read_answering_rule), state, READ_RULE))
        .route(one, guarded(put(update_answering_rule), state, UPDATE_RULE))
        .route(
            one,
            guarded(delete(delete_answering_rule), state, DELETE_RULE),
        )
}
