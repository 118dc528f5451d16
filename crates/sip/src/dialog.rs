//! Dialog state (RFC 3261 §12): the identifiers, sequence numbers, route
//! set and remote target needed to send requests inside a call.

use crate::message::{HeaderName, Method, NameAddr, Request, Response, Uri};
use crate::transaction::random_token;
use crate::transport::{Source, Target};

/// One dialog, from our side.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    /// Call-ID.
    pub call_id: String,
    /// Our tag.
    pub local_tag: String,
    /// The peer's tag.
    pub remote_tag: String,
    /// Our URI (From of our requests).
    pub local_uri: Uri,
    /// The peer's URI (To of our requests).
    pub remote_uri: Uri,
    /// CSeq of our last request.
    pub local_seq: u32,
    /// CSeq of the peer's last request, when known.
    pub remote_seq: Option<u32>,
    /// The peer's Contact: the Request-URI of our requests.
    pub remote_target: Uri,
    /// Route headers to put on our requests, in order (values with `<>`).
    pub route_set: Vec<String>,
    /// Where to send our requests. For a UAS dialog this is the address the
    /// INVITE came from, which reaches phones behind NAT.
    pub target: Target,
}

fn contact_uri(h: &crate::message::Headers) -> Option<Uri> {
    match h.contacts()? {
        crate::message::ContactValue::List(l) => l.into_iter().next().map(|c| c.uri),
        crate::message::ContactValue::Star => None,
    }
}

fn route_strings(h: &crate::message::Headers) -> Vec<String> {
    h.routes(&HeaderName::RecordRoute)
        .iter()
        .map(ToString::to_string)
        .collect()
}

impl Dialog {
    /// The dialog an INVITE we sent creates with a 1xx/2xx carrying a To
    /// tag (§12.1.2). `None` when the response cannot create one.
    pub fn from_uac(invite: &Request, resp: &Response, target: Target) -> Option<Dialog> {
        let from = invite.headers.from()?;
        let to = resp.headers.to()?;
        let mut route_set = route_strings(&resp.headers);
        route_set.reverse();
        Some(Dialog {
            call_id: invite.headers.call_id()?.to_owned(),
            local_tag: from.tag()?.to_owned(),
            remote_tag: to.tag()?.to_owned(),
            local_uri: from.uri,
            remote_uri: to.uri,
            local_seq: invite.headers.cseq()?.seq,
            remote_seq: None,
            remote_target: contact_uri(&resp.headers)?,
            route_set,
            target,
        })
    }

    /// The dialog a received INVITE creates when we answer with `to_tag`
    /// (§12.1.1).
    pub fn from_uas(invite: &Request, to_tag: &str, source: Source) -> Option<Dialog> {
        let from = invite.headers.from()?;
        let to = invite.headers.to()?;
        Some(Dialog {
            call_id: invite.headers.call_id()?.to_owned(),
            local_tag: to_tag.to_owned(),
            remote_tag: from.tag()?.to_owned(),
            local_uri: to.uri,
            remote_uri: from.uri,
            local_seq: rand::random::<u32>() & 0xffff,
            remote_seq: Some(invite.headers.cseq()?.seq),
            remote_target: contact_uri(&invite.headers)?,
            route_set: route_strings(&invite.headers),
            target: source.target(),
        })
    }

    /// A new in-dialog request with the next CSeq (§12.2.1.1). Send it with
    /// `SipServerHandle::send_request` to `self.target`.
    pub fn request(&mut self, method: Method) -> Request {
        self.local_seq = self.local_seq.wrapping_add(1) & 0x7fff_ffff;
        self.build(method, self.local_seq)
    }

    /// The ACK for a 2xx to the INVITE with CSeq `invite_seq` (§13.2.2.4).
    pub fn ack(&self, invite_seq: u32) -> Request {
        self.build(Method::Ack, invite_seq)
    }

    /// True when an in-dialog request from the peer belongs here and is in
    /// order; records its CSeq (§12.2.2: out-of-order gets 500).
    pub fn accept_remote(&mut self, req: &Request) -> bool {
        let Some(seq) = req.headers.cseq().map(|c| c.seq) else {
            return false;
        };
        let ours = req.headers.call_id() == Some(self.call_id.as_str())
            && req
                .headers
                .to()
                .is_some_and(|t| t.tag() == Some(self.local_tag.as_str()))
            && req
                .headers
                .from()
                .is_some_and(|f| f.tag() == Some(self.remote_tag.as_str()));
        let in_order = self
            .remote_seq
            .is_none_or(|r| seq > r || req.method == Method::Ack);
        if ours && in_order && req.method != Method::Ack {
            self.remote_seq = Some(seq);
        }
        ours && in_order
    }

    fn build(&self, method: Method, seq: u32) -> Request {
        let mut req = Request::new(method.clone(), self.remote_target.clone());
        let mut from = NameAddr::new(self.local_uri.clone());
        from.params.set("tag", Some(&self.local_tag));
        let mut to = NameAddr::new(self.remote_uri.clone());
        to.params.set("tag", Some(&self.remote_tag));
        req.headers.push(HeaderName::From, from.to_string());
        req.headers.push(HeaderName::To, to.to_string());
        req.headers.push(HeaderName::CallId, self.call_id.as_str());
        req.headers
            .push(HeaderName::CSeq, format!("{seq} {method}"));
        req.headers.push(HeaderName::MaxForwards, "70");
        for r in &self.route_set {
            req.headers.push(HeaderName::Route, r.as_str());
        }
        req
    }
}

/// A fresh Call-ID.
pub fn new_call_id() -> String {
    format!("{}{}", random_token(), random_token())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::{SipMessage, parse_message};
    use crate::transport::Transport;

    fn msg(s: &str) -> SipMessage {
        parse_message(s.replace('\n', "\r\n").as_bytes()).expect("valid test message")
    }

    #[test]
    fn uac_dialog_builds_in_dialog_requests() {
        let SipMessage::Request(invite) = msg("INVITE sip:b@example.com SIP/2.0\n\
            Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\nFrom: <sip:a@example.com>;tag=aa\n\
            To: <sip:b@example.com>\nCall-ID: c1\nCSeq: 5 INVITE\nContent-Length: 0\n\n")
        else {
            panic!("request")
        };
        let SipMessage::Response(ok) = msg("SIP/2.0 200 OK\n\
            Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\nFrom: <sip:a@example.com>;tag=aa\n\
            To: <sip:b@example.com>;tag=bb\nCall-ID: c1\nCSeq: 5 INVITE\n\
            Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\n\
            Contact: <sip:b@10.0.0.2:5062>\nContent-Length: 0\n\n")
        else {
            panic!("response")
        };
        let target = Target {
            addr: ([127, 0, 0, 1], 5062).into(),
            transport: Transport::Udp,
        };
        let mut d = Dialog::from_uac(&invite, &ok, target).expect("dialog");
        let ack = d.ack(5);
        assert_eq!(ack.headers.cseq().map(|c| c.seq), Some(5));
        let bye = d.request(Method::Bye);
        assert_eq!(bye.uri.to_string(), "sip:b@10.0.0.2:5062");
        assert_eq!(bye.headers.cseq().map(|c| c.seq), Some(6));
        let routes = bye.headers.routes(&HeaderName::Route);
        assert_eq!(routes[0].uri.to_string(), "sip:p2.example.com;lr");
        assert_eq!(
            bye.headers
                .to()
                .and_then(|t| t.tag().map(str::to_owned))
                .as_deref(),
            Some("bb")
        );
    }
}
