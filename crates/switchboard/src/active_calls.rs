//! The REST API's view of call control's registry: calls in progress,
//! shaped like call-log records with the result "In Progress".

use async_trait::async_trait;
use serde_json::json;
use switchboard_api::backend::{ActiveCallLog, BackendResult};
use switchboard_call::{ActiveCall, ActiveCalls};
use switchboard_phone::model::{AccountId, CallLogRecord, ExtensionId};

/// Adapts [`ActiveCalls`] to the API's [`ActiveCallLog`].
pub struct ActiveCallRecords {
    calls: ActiveCalls,
}

impl ActiveCallRecords {
    pub fn new(calls: ActiveCalls) -> Self {
        Self { calls }
    }
}

#[async_trait]
impl ActiveCallLog for ActiveCallRecords {
    /// One company per process: every active call belongs to the account
    /// asking, so only the extension filter applies.
    async fn active_calls(
        &self,
        _account_id: AccountId,
        extension: Option<ExtensionId>,
    ) -> BackendResult<Vec<CallLogRecord>> {
        let mut calls = self.calls.list();
        calls.retain(|call| extension.is_none() || call.extension_id == extension);
        calls.sort_by_key(|call| std::cmp::Reverse(call.start_time));
        Ok(calls.iter().filter_map(record).collect())
    }
}

fn record(call: &ActiveCall) -> Option<CallLogRecord> {
    let elapsed = jiff::Timestamp::now()
        .duration_since(call.start_time)
        .as_secs();
    let mut value = json!({
        "id": call.call_id,
        "sessionId": call.call_id,
        "startTime": call.start_time,
        "duration": elapsed.max(0),
        "type": "Voice",
        "direction": "Inbound",
        "action": "Phone Call",
        "result": "In Progress",
        "from": { "phoneNumber": call.from },
        "to": { "phoneNumber": call.to },
    });
    if let Some(id) = call.extension_id {
        value["extension"] = json!({ "id": id });
    }
    serde_json::from_value(value)
        .inspect_err(
            |error| tracing::warn!(%error, call_id = %call.call_id, "active call not shown"),
        )
        .ok()
}
