//! The handles the application (call control) holds: server transactions
//! for requests it received, client transactions for requests it sent.

use std::sync::Arc;

use tokio::sync::mpsc;

use crate::core::Core;
use crate::message::{Request, Response};
use crate::transaction::{InviteEvent, TxLayer, cancel_for, response_for};
use crate::transport::{Source, Target};

/// A request the server passes to the application.
#[derive(Debug)]
pub enum IncomingRequest {
    /// An INVITE (initial or re-INVITE); 100 Trying was already sent.
    Invite(InviteServerTransaction),
    /// Any other request the SIP layer does not answer itself (BYE, INFO,
    /// NOTIFY, UPDATE, in or out of a dialog).
    Request(ServerTransaction),
}

/// A received non-INVITE request waiting for its final response.
#[must_use = "dropping a ServerTransaction without responding answers 500"]
pub struct ServerTransaction {
    core: Arc<Core>,
    key: String,
    request: Arc<Request>,
    source: Source,
    to_tag: String,
    answered: bool,
}

impl std::fmt::Debug for ServerTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerTransaction")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl ServerTransaction {
    pub(crate) fn new(core: Arc<Core>, key: &str, request: Arc<Request>, source: Source) -> Self {
        let to_tag = core.tx.to_tag(key);
        ServerTransaction {
            core,
            key: key.to_owned(),
            request,
            source,
            to_tag,
            answered: false,
        }
    }

    /// The request.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// Where it came from.
    pub fn source(&self) -> Source {
        self.source
    }

    /// A response skeleton carrying this transaction's To tag.
    pub fn response(&self, status: u16) -> Response {
        response_for(&self.request.headers, status, Some(&self.to_tag))
    }

    /// Sends the final response (status 200 to 699). A provisional status
    /// here is sent, but the handle is consumed, so a 500 follows.
    pub async fn respond(mut self, resp: Response) {
        self.answered = resp.status >= 200;
        self.core.send_final(&self.key, resp).await;
    }
}

impl Drop for ServerTransaction {
    fn drop(&mut self) {
        if !self.answered {
            answer_500(&self.core, &self.key, &self.request, &self.to_tag);
        }
    }
}

fn answer_500(core: &Arc<Core>, key: &str, req: &Request, tag: &str) {
    let resp = response_for(&req.headers, 500, Some(tag));
    let (core, key) = (core.clone(), key.to_owned());
    if let Ok(rt) = tokio::runtime::Handle::try_current() {
        rt.spawn(async move { core.send_final(&key, resp).await });
    }
}

/// A received INVITE. Send provisional responses, then one final response;
/// follow CANCEL and ACK through [`next_event`](Self::next_event).
#[must_use = "dropping an InviteServerTransaction without a final response answers 500"]
pub struct InviteServerTransaction {
    core: Arc<Core>,
    key: String,
    request: Arc<Request>,
    source: Source,
    to_tag: String,
    events: mpsc::UnboundedReceiver<InviteEvent>,
}

impl std::fmt::Debug for InviteServerTransaction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("InviteServerTransaction")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

impl InviteServerTransaction {
    pub(crate) fn new(
        core: Arc<Core>,
        key: &str,
        request: Arc<Request>,
        source: Source,
        events: mpsc::UnboundedReceiver<InviteEvent>,
    ) -> Self {
        let to_tag = core.tx.to_tag(key);
        InviteServerTransaction {
            core,
            key: key.to_owned(),
            request,
            source,
            to_tag,
            events,
        }
    }

    /// The INVITE.
    pub fn request(&self) -> &Request {
        &self.request
    }

    /// Where it came from (route the dialog's requests there).
    pub fn source(&self) -> Source {
        self.source
    }

    /// Our To tag, the local tag of the dialog this INVITE creates.
    pub fn to_tag(&self) -> &str {
        &self.to_tag
    }

    /// A response skeleton carrying our To tag.
    pub fn response(&self, status: u16) -> Response {
        response_for(&self.request.headers, status, Some(&self.to_tag))
    }

    /// Sends a provisional or final response. A 2xx is retransmitted until
    /// its ACK arrives (RFC 6026); other finals until ACK or Timer H.
    /// Returns false when the transaction already has a final response
    /// (for instance the 487 sent after a CANCEL).
    pub async fn respond(&self, mut resp: Response) -> bool {
        self.core.decorate(&mut resp);
        self.core.tx.respond(&self.key, &resp).await
    }

    /// The next CANCEL or ACK; `None` once the transaction is gone.
    pub async fn next_event(&mut self) -> Option<InviteEvent> {
        self.events.recv().await
    }
}

impl Drop for InviteServerTransaction {
    fn drop(&mut self) {
        // Ignored by the transaction when a final response was already sent.
        answer_500(&self.core, &self.key, &self.request, &self.to_tag);
    }
}

/// A request we sent; its responses arrive in order, retransmissions
/// absorbed. Timer B/F expiry yields a local 408, a send failure a 503.
#[must_use = "dropping a ClientTransaction stops its retransmissions and ignores responses"]
#[derive(Debug)]
pub struct ClientTransaction {
    pub(crate) tx: Arc<TxLayer>,
    pub(crate) key: String,
    pub(crate) rx: mpsc::UnboundedReceiver<Response>,
}

impl ClientTransaction {
    /// The next response; `None` once the transaction has ended.
    pub async fn next_response(&mut self) -> Option<Response> {
        self.rx.recv().await
    }

    /// Waits for the first final response, skipping provisionals.
    pub async fn final_response(mut self) -> Option<Response> {
        while let Some(r) = self.rx.recv().await {
            if r.status >= 200 {
                return Some(r);
            }
        }
        None
    }
}

impl Drop for ClientTransaction {
    fn drop(&mut self) {
        self.tx.forget_client(&self.key);
    }
}

/// An INVITE we sent. Provisional and final responses (every 2xx
/// retransmission too) come through `next_response`; ACK for non-2xx is
/// sent automatically, the ACK for a 2xx is the dialog's job.
#[must_use = "dropping an InviteClientTransaction stops following the call attempt"]
#[derive(Debug)]
pub struct InviteClientTransaction {
    pub(crate) inner: ClientTransaction,
    pub(crate) core: Arc<Core>,
}

impl InviteClientTransaction {
    /// The next response; `None` once the transaction has ended.
    pub async fn next_response(&mut self) -> Option<Response> {
        self.inner.next_response().await
    }

    /// Sends a CANCEL for this INVITE (§9.1) and returns its transaction.
    pub async fn cancel(&self) -> Option<ClientTransaction> {
        let (invite, target): (Arc<Request>, Target) =
            self.core.tx.client_request(&self.inner.key)?;
        let cancel = cancel_for(&invite);
        let (key, rx) = self.core.tx.send_request(cancel, target).await?;
        Some(ClientTransaction {
            tx: self.core.tx.clone(),
            key,
            rx,
        })
    }
}
