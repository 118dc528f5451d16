//! Absolute `uri` fields and the `~` shorthand in paths.

use serde::Serialize;

use crate::error::ApiError;
use crate::oauth::bearer::Caller;

/// Builds the absolute URIs that responses carry, from the public base URL.
#[derive(Debug, Clone)]
pub struct Uris {
    base: String,
}

impl Uris {
    /// URIs under `base` (a trailing slash is dropped).
    pub fn new(base: &str) -> Self {
        Self {
            base: base.trim_end_matches('/').to_owned(),
        }
    }

    /// `base` + an absolute path such as `/restapi/v1.0`.
    pub fn absolute(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `…/restapi/v1.0/account/{a}`.
    pub fn account(&self, account_id: i64) -> String {
        self.absolute(&format!("/restapi/v1.0/account/{account_id}"))
    }

    /// `…/restapi/v1.0/account/{a}/extension/{e}`.
    pub fn extension(&self, account_id: i64, extension_id: i64) -> String {
        format!("{}/extension/{extension_id}", self.account(account_id))
    }
}

/// Resolves the `{accountId}` path segment: `~` or the caller's own id.
/// Other accounts are invisible, so they are "not found".
pub fn resolve_account(segment: &str, caller: &Caller) -> Result<i64, ApiError> {
    let own = caller.subject.account_id;
    if segment == "~" || segment.parse::<i64>().ok() == Some(own) {
        return Ok(own);
    }
    Err(ApiError::NotFound("accountId"))
}

/// Resolves the `{extensionId}` path segment: `~` is the caller's extension.
pub fn resolve_extension(segment: &str, caller: &Caller) -> Result<i64, ApiError> {
    if segment == "~" {
        return Ok(caller.subject.extension_id);
    }
    segment
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound("extensionId"))
}

/// A record with its absolute `uri` added in front of its own fields.
#[derive(Debug, Clone, Serialize)]
pub struct WithUri<T> {
    /// Absolute URI of the record.
    pub uri: String,
    /// The record's fields.
    #[serde(flatten)]
    pub record: T,
}

/// Turns the number at JSON `pointer` into a string: some schemas type an
/// extension id as a string where the model keeps a number.
pub fn id_as_string(value: &mut serde_json::Value, pointer: &str) {
    if let Some(slot) = value.pointer_mut(pointer)
        && let Some(n) = slot.as_i64()
    {
        *slot = serde_json::Value::String(n.to_string());
    }
}

/// Sets `key` in the object at JSON `pointer`, if there is one.
pub fn set_in(value: &mut serde_json::Value, pointer: &str, key: &str, new: serde_json::Value) {
    if let Some(object) = value.pointer_mut(pointer).and_then(|v| v.as_object_mut()) {
        object.insert(key.to_owned(), new);
    }
}

/// The extension id in the object at JSON `pointer`, number or string.
pub fn id_at(value: &serde_json::Value, pointer: &str) -> Option<i64> {
    let id = value.pointer(pointer)?.get("id")?;
    id.as_i64().or_else(|| id.as_str()?.parse().ok())
}
