//! Small SIP helpers for call control: Contact values, SDP bodies, the
//! number in a URI, and answers to stray in-dialog requests.

use bytes::Bytes;
use switchboard_sip::message::{HeaderName, Method, NameAddr, Request, Response, SipUri, Uri};
use switchboard_sip::{ServerTransaction, Source};

/// The SDP content type (RFC 4566).
pub(crate) const SDP: &str = "application/sdp";

/// Our Contact: where peers send in-dialog requests.
pub(crate) fn contact(host: &str, port: u16) -> String {
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    };
    format!("<sip:switchboard@{host}:{port}>")
}

/// The host for our Contact: configured, else the address the request
/// arrived at, else loopback.
pub(crate) fn contact_host(configured: Option<&str>, source: &Source) -> String {
    match configured {
        Some(host) => host.to_owned(),
        None if !source.local.ip().is_unspecified() => source.local.ip().to_string(),
        None => "127.0.0.1".to_owned(),
    }
}

/// The SDP of a message body, if it is one.
pub(crate) fn sdp_of(body: &Bytes) -> Option<&str> {
    std::str::from_utf8(body)
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// The user part of a SIP URI, or the number of a `tel:` URI.
pub(crate) fn user_of(uri: &Uri) -> Option<String> {
    match uri {
        Uri::Sip(sip) => sip.user_unescaped(),
        Uri::Tel(number) => Some(number.split(';').next().unwrap_or_default().to_owned()),
        Uri::Other { .. } => None,
    }
}

/// A plain `sip:user@host` URI.
pub(crate) fn sip_uri(user: &str, host: &str, port: Option<u16>) -> Uri {
    Uri::Sip(SipUri::new(Some(user), host, port))
}

/// A name-addr with an optional display name.
pub(crate) fn name_addr(display: Option<&str>, uri: Uri) -> NameAddr {
    let mut na = NameAddr::new(uri);
    na.display = display.map(str::to_owned);
    na
}

/// A 200 OK (or other answer) carrying our SDP and Contact.
pub(crate) fn with_sdp(mut resp: Response, contact: &str, sdp: &str) -> Response {
    resp.headers.push(HeaderName::Contact, contact);
    resp.set_body(SDP, Bytes::from(sdp.to_owned()));
    resp
}

/// An INVITE carrying our SDP offer.
pub(crate) fn with_offer(mut req: Request, contact: &str, sdp: &str) -> Request {
    req.headers.push(HeaderName::Contact, contact);
    req.headers.push(
        HeaderName::Allow,
        "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY",
    );
    req.set_body(SDP, Bytes::from(sdp.to_owned()));
    req
}

/// Answers an in-dialog request that does not end the call: INFO,
/// NOTIFY, UPDATE and OPTIONS get 200, anything else 501.
pub(crate) async fn answer_other(request: ServerTransaction) {
    let status = match request.request().method {
        Method::Info | Method::Notify | Method::Update | Method::Options => 200,
        _ => 501,
    };
    let resp = request.response(status);
    request.respond(resp).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn contacts_bracket_ipv6_hosts() {
        assert_eq!(
            contact("127.0.0.1", 5060),
            "<sip:switchboard@127.0.0.1:5060>"
        );
        assert_eq!(contact("::1", 5060), "<sip:switchboard@[::1]:5060>");
    }

    #[test]
    fn the_number_comes_from_sip_and_tel_uris() {
        let sip = Uri::parse("sip:+16505550100@pbx.example;user=phone").expect("uri");
        assert_eq!(user_of(&sip).as_deref(), Some("+16505550100"));
        let tel = Uri::parse("tel:+16505550100;phone-context=x").expect("uri");
        assert_eq!(user_of(&tel).as_deref(), Some("+16505550100"));
    }
}
