//! The company's call handling rules, which route calls to the company's
//! numbers (to an IVR menu, the operator, or nowhere):
//! `listCompanyAnsweringRules`, `createCompanyAnsweringRule`,
//! `readCompanyAnsweringRule`, `updateCompanyAnsweringRule`,
//! `deleteCompanyAnsweringRule`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::{Json, Router};
use serde_json::Value;
use switchboard_phone::model::{
    AccountId, CompanyAnsweringRule, CompanyCallHandlingAction, RuleType,
};

use crate::error::ApiError;
use crate::extract::{Object, Query, RcJson, check_kinds, overlay, parse_enum, parse_enums};
use crate::guard::guarded;
use crate::oauth::bearer::Caller;
use crate::paging::{Envelope, ListUri, MAX_PER_PAGE, PageRequest, page_of};
use crate::permission::{Operation, Permission, ThrottlingGroup};
use crate::routes::answering_rule::digits;
use crate::state::AppState;
use crate::uri::{id_as_string, resolve_account};

const LIST_RULES: Operation = Operation::new(
    "listCompanyAnsweringRules",
    ThrottlingGroup::Medium,
    Permission::ReadAccounts,
);
const CREATE_RULE: Operation = Operation::new(
    "createCompanyAnsweringRule",
    ThrottlingGroup::Medium,
    Permission::EditAccounts,
);
const READ_RULE: Operation = Operation::new(
    "readCompanyAnsweringRule",
    ThrottlingGroup::Light,
    Permission::ReadAccounts,
);
const UPDATE_RULE: Operation = Operation::new(
    "updateCompanyAnsweringRule",
    ThrottlingGroup::Medium,
    Permission::EditAccounts,
);
const DELETE_RULE: Operation = Operation::new(
    "deleteCompanyAnsweringRule",
    ThrottlingGroup::Medium,
    Permission::EditAccounts,
);

/// The request members the model keeps; `type` and `id` are handled on
/// their own.
const KEPT_FIELDS: [&str; 8] = [
    "name",
    "enabled",
    "schedule",
    "calledNumbers",
    "callers",
    "callHandlingAction",
    "extension",
    "greetings",
];

/// `CompanyAnsweringRuleInfo`: the rule with its `uri`; the spec types the
/// target extension's id as a string.
fn rule_info(rule: CompanyAnsweringRule, base: &str) -> Value {
    let uri = format!("{base}/{}", rule.id);
    // Model types serialize to JSON objects; nothing here can fail.
    let mut value = serde_json::to_value(rule).unwrap_or_default();
    if let Some(object) = value.as_object_mut() {
        object.insert("uri".into(), Value::String(uri));
    }
    id_as_string(&mut value, "/extension/id");
    value
}

/// `ListCompanyAnsweringRuleInfo`: the summary a list shows.
fn list_info(rule: CompanyAnsweringRule, base: &str) -> Value {
    let mut value = rule_info(rule, base);
    if let Some(object) = value.as_object_mut() {
        let shown = [
            "id",
            "uri",
            "enabled",
            "type",
            "name",
            "calledNumbers",
            "extension",
        ];
        object.retain(|key, _| shown.contains(&key.as_str()));
    }
    value
}

/// Every number of an account fits on one page of the largest size.
// TODO: page through when an account can hold more than 1000 numbers.
const ALL: PageRequest = PageRequest {
    page: 1,
    per_page: MAX_PER_PAGE,
};

fn rules_base(state: &AppState, account_id: AccountId) -> String {
    format!("{}/answering-rule", state.uris.account(account_id))
}

/// The account a path names, for an administrator only (company settings).
pub async fn admin_account(
    state: &AppState,
    caller: &Caller,
    account: &str,
) -> Result<AccountId, ApiError> {
    let account_id = resolve_account(account, caller)?;
    let me = caller.subject.extension_id;
    if !state.directory.is_admin(account_id, me).await? {
        return Err(ApiError::AdminRequired);
    }
    Ok(account_id)
}

async fn find(
    state: &AppState,
    account_id: AccountId,
    rule_id: &str,
) -> Result<CompanyAnsweringRule, ApiError> {
    let rules = state.directory.company_answering_rules(account_id).await?;
    let rule = rules.into_iter().find(|r| r.id == rule_id);
    rule.ok_or(ApiError::NotFound("ruleId"))
}

/// The checks a whole rule must pass.
async fn validate(
    state: &AppState,
    account_id: AccountId,
    rule: &CompanyAnsweringRule,
) -> Result<(), ApiError> {
    if rule.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
        return Err(ApiError::InvalidParameter("name"));
    }
    // A custom rule with no condition would take every call.
    let conditional = rule.schedule.is_some() || !rule.callers.is_empty();
    if rule.rule_type == RuleType::Custom && !conditional && rule.called_numbers.is_empty() {
        return Err(ApiError::MissingParameter("schedule"));
    }
    // A company rule can only match calls to the company's numbers.
    let numbers = state.directory.list_phone_numbers(account_id, &[], ALL);
    let numbers = numbers.await?.records;
    let company: Vec<String> = numbers.iter().map(|n| digits(&n.phone_number)).collect();
    if rule
        .called_numbers
        .iter()
        .any(|c| !company.contains(&digits(&c.phone_number)))
    {
        return Err(ApiError::InvalidParameter("calledNumbers"));
    }
    match &rule.extension {
        Some(target) => {
            let found = state.directory.extension(account_id, target.id).await?;
            found
                .map(|_| ())
                .ok_or(ApiError::InvalidParameter("extension"))
        }
        // Bypass names whom to ring; Operator falls back to the operator.
        None if rule.call_handling_action == CompanyCallHandlingAction::Bypass => {
            Err(ApiError::MissingParameter("extension"))
        }
        None => Ok(()),
    }
}

async fn list_rules(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    Query(query): Query,
) -> Result<Json<Envelope<Value>>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let page = PageRequest::from_query(&query)?;
    let types: Vec<RuleType> = parse_enums(&query.all("type"), "type")?;

    let mut rules = state.directory.company_answering_rules(account_id).await?;
    rules.retain(|r| types.is_empty() || types.contains(&r.rule_type));
    let base = rules_base(&state, account_id);
    let list = ListUri::new(base.clone(), &query);
    let envelope = Envelope::new(page_of(rules, page), page, &list);
    Ok(Json(envelope.map(|rule| list_info(rule, &base))))
}

async fn read_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, rule_id)): Path<(String, String)>,
) -> Result<Json<Value>, ApiError> {
    let account_id = resolve_account(&account, &caller)?;
    let rule = find(&state, account_id, &rule_id).await?;
    Ok(Json(rule_info(rule, &rules_base(&state, account_id))))
}

/// Only custom rules are created: the company already has the built-in
/// ones.
async fn create_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path(account): Path<String>,
    RcJson(body): RcJson<Object>,
) -> Result<Json<Value>, ApiError> {
    let account_id = admin_account(&state, &caller, &account).await?;
    if let Some(kind) = body.get("type") {
        let kind: RuleType = parse_enum(kind.as_str().unwrap_or_default(), "type")?;
        if kind != RuleType::Custom {
            return Err(ApiError::InvalidParameter("type"));
        }
    }
    let template = CompanyAnsweringRule {
        id: String::new(),
        rule_type: RuleType::Custom,
        name: None,
        enabled: true,
        schedule: None,
        called_numbers: Vec::new(),
        callers: Vec::new(),
        call_handling_action: CompanyCallHandlingAction::Operator,
        extension: None,
        greetings: Vec::new(),
    };
    let rule = overlay(&template, &body, &KEPT_FIELDS)?;
    validate(&state, account_id, &rule).await?;

    let created = state
        .directory
        .create_company_answering_rule(account_id, &rule);
    let created = created.await?;
    tracing::info!(account_id, rule_id = %created.id, "company answering rule created");
    Ok(Json(rule_info(created, &rules_base(&state, account_id))))
}

async fn update_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, rule_id)): Path<(String, String)>,
    RcJson(body): RcJson<Object>,
) -> Result<Json<Value>, ApiError> {
    let account_id = admin_account(&state, &caller, &account).await?;
    let current = find(&state, account_id, &rule_id).await?;
    if let Some(kind) = body.get("type") {
        let kind: RuleType = parse_enum(kind.as_str().unwrap_or_default(), "type")?;
        if kind != current.rule_type {
            return Err(ApiError::InvalidParameter("type"));
        }
    }
    // The path names the rule; a body `id` is only checked.
    check_kinds(&body, &[("id", Value::is_string)])?;
    let rule = overlay(&current, &body, &KEPT_FIELDS)?;
    validate(&state, account_id, &rule).await?;

    let updated = state
        .directory
        .update_company_answering_rule(account_id, &rule);
    let updated = updated.await?.ok_or(ApiError::NotFound("ruleId"))?;
    tracing::info!(account_id, rule_id = %updated.id, "company answering rule updated");
    Ok(Json(rule_info(updated, &rules_base(&state, account_id))))
}

/// The built-in rules cannot be deleted, only changed or disabled.
async fn delete_rule(
    State(state): State<AppState>,
    caller: Caller,
    Path((account, rule_id)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let account_id = admin_account(&state, &caller, &account).await?;
    let rule = find(&state, account_id, &rule_id).await?;
    if rule.rule_type != RuleType::Custom {
        return Err(ApiError::InvalidParameter("ruleId"));
    }
    let deleted = state
        .directory
        .delete_company_answering_rule(account_id, &rule_id);
    if !deleted.await? {
        return Err(ApiError::NotFound("ruleId"));
    }
    tracing::info!(account_id, rule_id, "company answering rule deleted");
    Ok(StatusCode::NO_CONTENT)
}

/// The company answering rule routes.
pub fn routes(state: &AppState) -> Router<AppState> {
    let list = "/restapi/v1.0/account/{accountId}/answering-rule";
    let one = "/restapi/v1.0/account/{accountId}/answering-rule/{ruleId}";
    Router::new()
        .route(list, guarded(get(list_rules), state, LIST_RULES))
        .route(list, guarded(post(create_rule), state, CREATE_RULE))
        .route(one, guarded(get(read_rule), state, READ_RULE))
        .route(one, guarded(put(update_rule), state, UPDATE_RULE))
        .route(one, guarded(delete(delete_rule), state, DELETE_RULE))
}
