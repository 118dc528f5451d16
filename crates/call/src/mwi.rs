//! Message-waiting indication: an unsolicited NOTIFY with an RFC 3842
//! `message-summary` body to each registered contact of a mailbox owner's
//! devices, so their lamps show new voicemail.

use std::sync::Arc;

use bytes::Bytes;
use switchboard_phone::model::ExtensionId;
use switchboard_sip::Binding;
use switchboard_sip::message::{HeaderName, Method, NameAddr, Uri};
use tracing::{debug, warn};

use crate::control::Shared;

/// RFC 3842 §5: the body's media type.
const MESSAGE_SUMMARY: &str = "application/simple-message-summary";

/// Tells the owner's phones how many voicemails are unread. Best effort:
/// failures are logged, never fail the call.
pub(crate) async fn notify(shared: &Arc<Shared>, owner: ExtensionId) {
    let store = &shared.store;
    let (devices, unread) = match (
        store.list_extension_devices(owner).await,
        store.count_unread_voicemail(owner).await,
    ) {
        (Ok(d), Ok(n)) => (d, n),
        (Err(error), _) | (_, Err(error)) => {
            warn!(%error, "message-waiting state unknown; no NOTIFY");
            return;
        }
    };
    for device in devices {
        for binding in shared.bindings_of(&device.sip_info.username) {
            send(shared, &binding, unread).await;
        }
    }
}

/// The RFC 3842 body for `unread` new voice messages.
pub(crate) fn summary(account: &str, unread: u64) -> String {
    let waiting = if unread > 0 { "yes" } else { "no" };
    format!(
        "Messages-Waiting: {waiting}\r\nMessage-Account: sip:{account}\r\n\
         Voice-Message: {unread}/0\r\n"
    )
}

async fn send(shared: &Arc<Shared>, binding: &Binding, unread: u64) {
    let (Ok(contact), Ok(aor)) = (
        Uri::parse(&binding.contact),
        Uri::parse(&format!("sip:{}", binding.aor)),
    ) else {
        return;
    };
    let mut notify = shared.sip.build_request(
        Method::Notify,
        contact,
        NameAddr::new(aor.clone()),
        NameAddr::new(aor),
    );
    notify.headers.push(HeaderName::Event, "message-summary");
    notify
        .headers
        .push(HeaderName::Other("Subscription-State".to_owned()), "active");
    let body = summary(&binding.aor, unread);
    notify.set_body(MESSAGE_SUMMARY, Bytes::from(body));
    match shared.sip.send_request(notify, binding.source).await {
        Ok(tx) => {
            tokio::spawn(async move {
                let status = tx.final_response().await.map(|r| r.status);
                debug!(?status, "message-waiting NOTIFY answered");
            });
        }
        Err(error) => warn!(%error, "message-waiting NOTIFY not sent"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_says_how_many_messages_wait() {
        let body = summary("101@pbx.example", 2);
        assert!(body.starts_with("Messages-Waiting: yes\r\n"));
        assert!(body.contains("Voice-Message: 2/0\r\n"));
        assert!(summary("101@pbx.example", 0).starts_with("Messages-Waiting: no"));
    }
}
