//! `CallControl`: takes the SIP server's incoming requests, starts one
//! task per new call, and routes in-dialog requests (BYE, INFO, ...) to the
//! call whose Call-ID they carry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use switchboard_media::MediaEngine;
use switchboard_sip::{
    Binding, CredentialSource, IncomingRequest, InviteServerTransaction, Location,
    ServerTransaction, SipServerHandle,
};
use switchboard_store::{BlobStore, Store};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{info, warn};

use crate::auth::DeviceAuth;
use crate::clock::{Clock, SystemClock};
use crate::config::CallConfig;
use crate::registry::ActiveCalls;

/// Everything a call task needs, shared by all of them.
pub(crate) struct Shared {
    pub config: CallConfig,
    pub sip: Arc<SipServerHandle>,
    pub location: Arc<Location>,
    pub store: Store,
    pub blobs: Arc<dyn BlobStore>,
    pub media: MediaEngine,
    pub clock: Arc<dyn Clock>,
    pub calls: ActiveCalls,
    /// Call-ID of every leg of every call -> that call's request queue.
    routes: Mutex<HashMap<String, mpsc::UnboundedSender<ServerTransaction>>>,
    /// Cancelled at shutdown: every call hangs up.
    pub shutdown: CancellationToken,
    /// Checks INVITEs from devices; `None` refuses them all.
    pub device_auth: Option<DeviceAuth>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("active_calls", &self.calls.count())
            .finish_non_exhaustive()
    }
}

impl Shared {
    fn routes(&self) -> std::sync::MutexGuard<'_, HashMap<String, RouteTx>> {
        // A map of senders; a panicking holder cannot leave it half-written.
        self.routes.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends in-dialog requests with this Call-ID to `queue`.
    pub fn add_route(&self, call_id: &str, queue: &RouteTx) {
        self.routes().insert(call_id.to_owned(), queue.clone());
    }

    /// Stops routing a Call-ID (the leg is over).
    pub fn remove_route(&self, call_id: &str) {
        self.routes().remove(call_id);
    }

    fn route(&self, call_id: &str) -> Option<RouteTx> {
        self.routes().get(call_id).cloned()
    }

    /// Current bindings of a device's SIP username, in any of our domains.
    pub fn bindings_of(&self, username: &str) -> Vec<Binding> {
        let prefix = format!("{}@", username.to_ascii_lowercase());
        let all = self.location.all();
        all.into_iter()
            .filter(|b| b.aor.starts_with(&prefix))
            .collect()
    }
}

/// The queue of in-dialog requests of one call.
pub(crate) type RouteTx = mpsc::UnboundedSender<ServerTransaction>;

/// Call control, before it is started.
#[must_use = "call control takes no calls until `start` is called"]
#[derive(Debug)]
pub struct CallControl {
    shared: Shared,
}

impl CallControl {
    /// Call control over a running SIP server (its location service is
    /// read for every call), the store, the blob store holding prompts,
    /// greetings and voicemail, and the media engine.
    ///
    /// The SIP handle is shared: the binary keeps a clone of the `Arc` to
    /// read its addresses, and shuts the SIP server down after
    /// [`CallControlHandle::shutdown`] returned.
    pub fn new(
        config: CallConfig,
        sip: Arc<SipServerHandle>,
        store: Store,
        blobs: Arc<dyn BlobStore>,
        media: MediaEngine,
    ) -> Self {
        let location = sip.location();
        let shared = Shared {
            config,
            sip,
            location,
            store,
            blobs,
            media,
            clock: Arc::new(SystemClock),
            calls: ActiveCalls::default(),
            routes: Mutex::new(HashMap::new()),
            shutdown: CancellationToken::new(),
            device_auth: None,
        };
        Self { shared }
    }

    /// Replaces the wall clock (tests fix the instant rules see).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.shared.clock = clock;
        self
    }

    /// Accepts calls from registered devices (extension to extension, and
    /// out through a trunk), digest-challenged with 407 in `realm` against
    /// `credentials` (the registrar's source). Without it, INVITEs from
    /// anywhere but a trunk get 403.
    pub fn with_device_auth(mut self, credentials: Arc<dyn CredentialSource>, realm: &str) -> Self {
        self.shared.device_auth = Some(DeviceAuth::new(credentials, realm));
        self
    }

    /// Starts serving the requests of `incoming`, which is what
    /// `SipServerHandle::take_incoming` returned.
    pub fn start(self, incoming: mpsc::Receiver<IncomingRequest>) -> CallControlHandle {
        let shared = Arc::new(self.shared);
        let calls = shared.calls.clone();
        let task = tokio::spawn(accept_loop(shared.clone(), incoming));
        info!("call control started");
        CallControlHandle {
            shared,
            calls,
            task,
        }
    }
}

/// Running call control.
#[must_use = "dropping the handle leaves call control running with no way to stop it"]
#[derive(Debug)]
pub struct CallControlHandle {
    shared: Arc<Shared>,
    calls: ActiveCalls,
    task: JoinHandle<()>,
}

impl CallControlHandle {
    /// The active calls (for the API and metrics).
    pub fn active_calls(&self) -> &ActiveCalls {
        &self.calls
    }

    /// Stops taking calls, hangs up every active call and waits up to
    /// `grace` for their tasks to end (each writes its call log record).
    pub async fn shutdown(self, grace: Duration) {
        self.task.abort();
        self.shared.shutdown.cancel();
        let deadline = tokio::time::Instant::now() + grace;
        while self.calls.count() > 0 && tokio::time::Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        info!(left = self.calls.count(), "call control stopped");
    }
}

async fn accept_loop(shared: Arc<Shared>, mut incoming: mpsc::Receiver<IncomingRequest>) {
    while let Some(request) = incoming.recv().await {
        match request {
            IncomingRequest::Invite(invite) => on_invite(&shared, invite).await,
            IncomingRequest::Request(request) => on_request(&shared, request).await,
        }
    }
}

async fn on_invite(shared: &Arc<Shared>, invite: InviteServerTransaction) {
    let in_dialog = invite
        .request()
        .headers
        .to()
        .is_some_and(|t| t.tag().is_some());
    if in_dialog {
        // TODO: re-INVITEs (hold, codec change) need the call task to
        // renegotiate its media session; until then they are refused and
        // the call goes on with the media it has (RFC 3261 §14.2).
        let known = invite
            .request()
            .headers
            .call_id()
            .is_some_and(|id| shared.route(id).is_some());
        let status = if known { 488 } else { 481 };
        invite.respond(invite.response(status)).await;
        return;
    }
    if shared.calls.count() >= shared.config.max_calls {
        warn!(
            max_calls = shared.config.max_calls,
            "call limit reached; INVITE refused"
        );
        invite.respond(invite.response(503)).await;
        return;
    }
    let (queue, requests) = mpsc::unbounded_channel();
    tokio::spawn(crate::call::serve(shared.clone(), invite, queue, requests));
}

/// An in-dialog request goes to its call; others get 481 (§12.2.2).
async fn on_request(shared: &Arc<Shared>, request: ServerTransaction) {
    let route = request
        .request()
        .headers
        .call_id()
        .and_then(|id| shared.route(id));
    let Some(route) = route else {
        let resp = request.response(481);
        request.respond(resp).await;
        return;
    };
    if let Err(returned) = route.send(request) {
        // The call ended between lookup and send.
        let request = returned.0;
        let resp = request.response(481);
        request.respond(resp).await;
    }
}
