//! SIP trunks: recognising an inbound INVITE's trunk by its source
//! address, and dialling out through one, answering the carrier's digest
//! challenge (RFC 3261 §22.2, RFC 8760).

use std::net::SocketAddr;

use switchboard_phone::model::{SipTransport, Trunk};
use switchboard_sip::message::{HeaderName, Request, Response};
use switchboard_sip::{Source, Target, Transport};

/// The trunk's addresses: the host resolved (an IP literal resolves to
/// itself) with the trunk's port.
pub(crate) async fn addresses(trunk: &Trunk) -> Vec<SocketAddr> {
    match tokio::net::lookup_host((trunk.host.as_str(), trunk.port)).await {
        Ok(addrs) => addrs.collect(),
        Err(error) => {
            tracing::warn!(trunk = %trunk.id, host = %trunk.host, %error, "trunk host unresolved");
            Vec::new()
        }
    }
}

/// The configured trunk an INVITE came from, if any.
pub(crate) async fn inbound_trunk<'a>(
    trunks: &'a [Trunk],
    source: &Source,
    match_port: bool,
) -> Option<&'a Trunk> {
    for trunk in trunks {
        let found = addresses(trunk)
            .await
            .into_iter()
            .any(|a| a.ip() == source.peer.ip() && (!match_port || a.port() == source.peer.port()));
        if found {
            return Some(trunk);
        }
    }
    None
}

/// Where to send requests for the trunk. TLS is not offered by the SIP
/// layer yet, so a TLS trunk cannot be dialled.
pub(crate) async fn target(trunk: &Trunk) -> Option<Target> {
    let transport = match trunk.transport {
        SipTransport::UDP => Transport::Udp,
        SipTransport::TCP => Transport::Tcp,
        SipTransport::TLS => return None,
    };
    let addr = addresses(trunk).await.into_iter().next()?;
    Some(Target { addr, transport })
}

/// The INVITE again with credentials for the challenge in `resp` (401 or
/// 407) and the next CSeq; `None` without credentials or a usable
/// challenge, or when the challenge came after we already answered one.
pub(crate) fn authorized(invite: &Request, resp: &Response, trunk: &Trunk) -> Option<Request> {
    let creds = trunk.credentials.as_ref()?;
    let (challenge_header, answer_header) = match resp.status {
        401 => (HeaderName::WwwAuthenticate, HeaderName::Authorization),
        407 => (
            HeaderName::ProxyAuthenticate,
            HeaderName::ProxyAuthorization,
        ),
        _ => return None,
    };
    if invite.headers.get(&answer_header).is_some() {
        return None;
    }
    let challenges = resp.headers.auth_values(&challenge_header);
    let challenge = challenges.iter().find(|c| {
        creds
            .realm
            .as_deref()
            .is_none_or(|realm| c.get("realm") == Some(realm))
    })?;
    let uri = invite.uri.to_string();
    let value = switchboard_sip::digest::authorize(
        challenge,
        "INVITE",
        &uri,
        &creds.username,
        &creds.password,
        1,
    )?;
    let mut retry = invite.clone();
    let seq = invite.headers.cseq().map_or(1, |c| c.seq) + 1;
    retry.headers.set(HeaderName::CSeq, format!("{seq} INVITE"));
    retry.headers.push(answer_header, value);
    Some(retry)
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchboard_phone::model::TrunkCredentials;
    use switchboard_sip::message::{SipMessage, parse_message};

    fn trunk(port: u16, credentials: Option<TrunkCredentials>) -> Trunk {
        Trunk {
            id: "carrier".into(),
            name: "Carrier".into(),
            host: "127.0.0.1".into(),
            port,
            transport: SipTransport::UDP,
            credentials,
            register: false,
            allowed_destinations: Default::default(),
        }
    }

    fn source(port: u16) -> Source {
        Source {
            transport: Transport::Udp,
            peer: ([127, 0, 0, 1], port).into(),
            local: ([127, 0, 0, 1], 5060).into(),
            conn: None,
        }
    }

    fn message(text: &str) -> SipMessage {
        parse_message(text.replace('\n', "\r\n").as_bytes()).expect("valid test message")
    }

    #[tokio::test]
    async fn an_invite_is_from_a_trunk_only_from_its_address() {
        let trunks = [trunk(5080, None)];
        assert!(inbound_trunk(&trunks, &source(5080), true).await.is_some());
        assert!(inbound_trunk(&trunks, &source(5081), true).await.is_none());
        assert!(inbound_trunk(&trunks, &source(5081), false).await.is_some());
    }

    #[test]
    fn a_carrier_challenge_is_answered_once_with_the_next_cseq() {
        let SipMessage::Request(invite) = message(
            "INVITE sip:+14155550199@127.0.0.1:5080 SIP/2.0\n\
             Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\n\
             From: <sip:+16505550102@pbx>;tag=a\nTo: <sip:+14155550199@127.0.0.1>\n\
             Call-ID: c1\nCSeq: 1 INVITE\nContent-Length: 0\n\n",
        ) else {
            panic!("request")
        };
        let SipMessage::Response(challenge) = message(
            "SIP/2.0 407 Proxy Authentication Required\n\
             Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bK1\n\
             From: <sip:+16505550102@pbx>;tag=a\nTo: <sip:+14155550199@127.0.0.1>;tag=b\n\
             Call-ID: c1\nCSeq: 1 INVITE\n\
             Proxy-Authenticate: Digest realm=\"carrier\", nonce=\"n1\", qop=\"auth\"\n\
             Content-Length: 0\n\n",
        ) else {
            panic!("response")
        };
        let creds = TrunkCredentials {
            username: "acme".into(),
            password: "pw".into(),
            realm: None,
        };
        assert!(authorized(&invite, &challenge, &trunk(5080, None)).is_none());
        let retry = authorized(&invite, &challenge, &trunk(5080, Some(creds.clone())))
            .expect("credentials answer the challenge");
        assert_eq!(retry.headers.cseq().map(|c| c.seq), Some(2));
        let answer = retry
            .headers
            .get(&HeaderName::ProxyAuthorization)
            .expect("answer");
        assert!(answer.contains("username=\"acme\"") && answer.contains("realm=\"carrier\""));
        assert!(
            authorized(&retry, &challenge, &trunk(5080, Some(creds))).is_none(),
            "a second challenge means the credentials are wrong"
        );
    }
}
