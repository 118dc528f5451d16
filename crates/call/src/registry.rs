//! The registry of active calls: what an "active calls" API endpoint and
//! the metrics read (count of calls, RTP ports in use).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use jiff::Timestamp;
use serde::Serialize;

/// Where a call is in its flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CallState {
    /// Looking up the number and the answering rule.
    Routing,
    /// In the auto-attendant.
    Ivr,
    /// Ringing devices or forwarding numbers.
    Ringing,
    /// Two parties talk.
    Connected,
    /// Greeting or recording a message.
    Voicemail,
}

/// One call in progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActiveCall {
    /// The caller leg's SIP Call-ID.
    pub call_id: String,
    /// The caller's number as received.
    pub from: String,
    /// The number dialled.
    pub to: String,
    /// When the INVITE arrived.
    pub start_time: Timestamp,
    /// The current step.
    pub state: CallState,
    /// The extension the call reached, once known.
    pub extension_id: Option<i64>,
    /// Local RTP ports held by the call's media sessions.
    pub rtp_ports: Vec<u16>,
}

/// The active calls of this process; clones share one table.
#[derive(Debug, Clone, Default)]
pub struct ActiveCalls {
    calls: Arc<Mutex<HashMap<String, ActiveCall>>>,
}

impl ActiveCalls {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, ActiveCall>> {
        // The table holds plain values; a panicking holder cannot break it.
        self.calls.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A snapshot of every active call, oldest first.
    pub fn list(&self) -> Vec<ActiveCall> {
        let mut all: Vec<ActiveCall> = self.lock().values().cloned().collect();
        all.sort_by_key(|c| c.start_time);
        all
    }

    /// How many calls are active.
    pub fn count(&self) -> usize {
        self.lock().len()
    }

    /// RTP ports held by active calls.
    pub fn rtp_ports_in_use(&self) -> usize {
        self.lock().values().map(|c| c.rtp_ports.len()).sum()
    }

    pub(crate) fn insert(&self, call: ActiveCall) {
        self.lock().insert(call.call_id.clone(), call);
    }

    pub(crate) fn update(&self, call_id: &str, f: impl FnOnce(&mut ActiveCall)) {
        if let Some(call) = self.lock().get_mut(call_id) {
            f(call);
        }
    }

    pub(crate) fn remove(&self, call_id: &str) {
        self.lock().remove(call_id);
    }
}
