//! Transaction behaviour over real sockets: retransmission absorption,
//! Timer G and Timer E retransmission, 2xx retransmission until ACK,
//! CANCEL, 481, and client INVITE handling. Timers run fast (T1 = 50 ms).

mod common;

use std::time::Duration;

use common::{collect_udp, config, register, status_of, udp_first};
use switchboard_sip::message::{HeaderName, Method, NameAddr, Uri};
use switchboard_sip::{IncomingRequest, InviteEvent, SipConfig, Target, Transport};
use tokio::net::UdpSocket;

const WAIT: Duration = Duration::from_secs(2);

fn fast() -> SipConfig {
    let mut cfg = config();
    cfg.timers.t1_ms = 50;
    cfg.timers.t2_ms = 400;
    cfg.timers.t4_ms = 500;
    cfg
}

fn invite(branch: &str, call_id: &str, to_tag: &str) -> String {
    format!(
        "INVITE sip:101@example.com SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK{branch};rport\r\n\
         Max-Forwards: 70\r\nFrom: <sip:caller@example.com>;tag=from1\r\n\
         To: <sip:101@example.com>{to_tag}\r\nCall-ID: {call_id}\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:caller@127.0.0.1:5999>\r\nContent-Length: 0\r\n\r\n"
    )
}

fn ack(branch: &str, call_id: &str, to_tag: &str) -> String {
    format!(
        "ACK sip:101@example.com SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK{branch}\r\n\
         Max-Forwards: 70\r\nFrom: <sip:caller@example.com>;tag=from1\r\n\
         To: <sip:101@example.com>;tag={to_tag}\r\nCall-ID: {call_id}\r\nCSeq: 1 ACK\r\n\
         Content-Length: 0\r\n\r\n"
    )
}

fn to_tag(bytes: &[u8]) -> String {
    let r = common::response(bytes);
    r.headers
        .to()
        .and_then(|t| t.tag().map(str::to_owned))
        .expect("To tag")
}

#[tokio::test]
async fn retransmitted_request_gets_the_same_response() {
    let s = common::start(fast()).await;
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    let msg = register("101", "abs1", 1, "<sip:101@127.0.0.1:5999>", "");
    sock.send_to(msg.as_bytes(), s.udp).await.expect("send");
    sock.send_to(msg.as_bytes(), s.udp).await.expect("send");
    let replies = collect_udp(&sock, Duration::from_millis(300)).await;
    assert_eq!(replies.len(), 2);
    assert_eq!(
        replies[0], replies[1],
        "the same transaction answered twice, same To tag"
    );
}

#[tokio::test]
async fn final_invite_response_is_retransmitted_until_ack() {
    let s = common::start(fast()).await;
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    sock.send_to(invite("g1", "g1", "").as_bytes(), s.udp)
        .await
        .expect("send");
    let replies = collect_udp(&sock, Duration::from_millis(400)).await;
    assert!(
        replies.len() >= 3,
        "Timer G retransmits (got {})",
        replies.len()
    );
    assert!(replies.iter().all(|r| status_of(r) == 480));
    let tag = to_tag(&replies[0]);
    sock.send_to(ack("g1", "g1", &tag).as_bytes(), s.udp)
        .await
        .expect("send");
    tokio::time::sleep(Duration::from_millis(100)).await;
    let _ = collect_udp(&sock, Duration::from_millis(50)).await;
    let after = collect_udp(&sock, Duration::from_millis(600)).await;
    assert!(after.is_empty(), "ACK stops retransmission");
}

#[tokio::test]
async fn accepted_invite_retransmits_2xx_until_ack_and_reports_it() {
    let s = common::start(fast()).await;
    let mut incoming = s.handle.take_incoming(8);
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    sock.send_to(invite("ok1", "ok1", "").as_bytes(), s.udp)
        .await
        .expect("send");
    let Some(IncomingRequest::Invite(mut tx)) = incoming.recv().await else {
        panic!("INVITE")
    };
    assert!(tx.respond(tx.response(200)).await);
    let replies = collect_udp(&sock, Duration::from_millis(400)).await;
    let oks: Vec<_> = replies.iter().filter(|r| status_of(r) == 200).collect();
    assert!(oks.len() >= 3, "2xx retransmitted (got {})", oks.len());
    assert_eq!(status_of(&replies[0]), 100);
    sock.send_to(ack("ack2", "ok1", tx.to_tag()).as_bytes(), s.udp)
        .await
        .expect("send");
    let event = tokio::time::timeout(WAIT, tx.next_event())
        .await
        .expect("in time");
    assert!(matches!(event, Some(InviteEvent::Ack(_))));
    let _ = collect_udp(&sock, Duration::from_millis(60)).await;
    assert!(
        collect_udp(&sock, Duration::from_millis(500))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn cancel_gets_200_and_the_invite_487() {
    let s = common::start(fast()).await;
    let mut incoming = s.handle.take_incoming(8);
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    sock.send_to(invite("c1", "c1", "").as_bytes(), s.udp)
        .await
        .expect("send");
    let Some(IncomingRequest::Invite(mut tx)) = incoming.recv().await else {
        panic!("INVITE")
    };
    let cancel = invite("c1", "c1", "").replace("INVITE", "CANCEL");
    sock.send_to(cancel.as_bytes(), s.udp).await.expect("send");
    let replies = collect_udp(&sock, Duration::from_millis(200)).await;
    let codes: Vec<(u16, String)> = replies
        .iter()
        .map(|r| {
            (
                status_of(r),
                common::raw_header(r, "CSeq").unwrap_or_default(),
            )
        })
        .collect();
    assert!(codes.contains(&(200, "1 CANCEL".into())), "{codes:?}");
    assert!(codes.contains(&(487, "1 INVITE".into())), "{codes:?}");
    let event = tokio::time::timeout(WAIT, tx.next_event())
        .await
        .expect("in time");
    assert_eq!(event, Some(InviteEvent::Cancelled));
    assert!(!tx.respond(tx.response(200)).await, "no 200 after 487");
}

#[tokio::test]
async fn cancel_matching_nothing_gets_481() {
    let s = common::start(fast()).await;
    let cancel = invite("none", "none", "").replace("INVITE", "CANCEL");
    let r = udp_first(s.udp, cancel.as_bytes(), WAIT)
        .await
        .expect("reply");
    assert_eq!(status_of(&r), 481);
}

#[tokio::test]
async fn in_dialog_request_without_dialog_gets_481() {
    let s = common::start(fast()).await;
    let bye = invite("bye", "bye", ";tag=abc").replace("INVITE", "BYE");
    let r = udp_first(s.udp, bye.as_bytes(), WAIT).await.expect("reply");
    assert_eq!(status_of(&r), 481);
}

#[tokio::test]
async fn invite_without_handler_gets_480_for_known_and_unknown_users() {
    let s = common::start(fast()).await;
    let msg = invite("u1", "u1", "").replace("sip:101@example.com SIP", "sip:999@example.com SIP");
    let r = udp_first(s.udp, msg.as_bytes(), WAIT).await.expect("reply");
    assert_eq!(status_of(&r), 480);
    let r = udp_first(s.udp, invite("u2", "u2", "").as_bytes(), WAIT)
        .await
        .expect("reply");
    assert_eq!(status_of(&r), 480);
}

#[tokio::test]
async fn client_request_is_retransmitted_then_times_out_with_408() {
    let s = common::start(fast()).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    let target = Target {
        addr: peer.local_addr().expect("addr"),
        transport: Transport::Udp,
    };
    let uri = Uri::parse(&format!("sip:{}", target.addr)).expect("uri");
    let from = NameAddr::new(Uri::parse("sip:pbx@example.com").expect("uri"));
    let req = s
        .handle
        .build_request(Method::Options, uri.clone(), from, NameAddr::new(uri));
    let mut tx = s.handle.send_request(req, target).await.expect("sent");
    let seen = collect_udp(&peer, Duration::from_millis(500)).await;
    assert!(seen.len() >= 3, "Timer E retransmits (got {})", seen.len());
    let last = tokio::time::timeout(Duration::from_secs(5), tx.next_response()).await;
    assert_eq!(last.expect("in time").map(|r| r.status), Some(408));
}

#[tokio::test]
async fn client_invite_acks_a_failure_and_passes_responses_on() {
    let s = common::start(fast()).await;
    let peer = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    let target = Target {
        addr: peer.local_addr().expect("addr"),
        transport: Transport::Udp,
    };
    let uri = Uri::parse(&format!("sip:bob@{}", target.addr)).expect("uri");
    let from = NameAddr::new(Uri::parse("sip:pbx@example.com").expect("uri"));
    let req = s
        .handle
        .build_request(Method::Invite, uri.clone(), from, NameAddr::new(uri));
    let mut tx = s.handle.send_invite(req, target).await.expect("sent");
    let mut buf = vec![0u8; 65_536];
    let (n, from_addr) = peer.recv_from(&mut buf).await.expect("INVITE arrives");
    let invite = match switchboard_sip::message::parse_message(&buf[..n]) {
        Ok(switchboard_sip::message::SipMessage::Request(r)) => r,
        other => panic!("{other:?}"),
    };
    let mut busy = switchboard_sip::transaction::response_for(&invite.headers, 486, Some("uas"));
    busy.headers.set(HeaderName::ContentLength, "0");
    peer.send_to(&busy.to_bytes(), from_addr)
        .await
        .expect("send 486");
    let r = tokio::time::timeout(WAIT, tx.next_response())
        .await
        .expect("in time");
    assert_eq!(r.map(|r| r.status), Some(486));
    let acked = collect_udp(&peer, Duration::from_millis(300)).await;
    assert!(
        acked.iter().any(|m| m.starts_with(b"ACK ")),
        "ACK sent for the 486"
    );
}

#[tokio::test]
async fn application_answers_an_in_dialog_bye() {
    let s = common::start(fast()).await;
    let mut incoming = s.handle.take_incoming(8);
    let bye = invite("bye2", "bye2", ";tag=abc").replace("INVITE", "BYE");
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    sock.send_to(bye.as_bytes(), s.udp).await.expect("send");
    let Some(IncomingRequest::Request(tx)) = incoming.recv().await else {
        panic!("BYE")
    };
    assert_eq!(tx.request().method, Method::Bye);
    let ok = tx.response(200);
    tx.respond(ok).await;
    let replies = collect_udp(&sock, Duration::from_millis(200)).await;
    assert_eq!(
        replies.iter().map(|r| status_of(r)).collect::<Vec<_>>(),
        [200]
    );
}

#[tokio::test]
async fn uas_dialog_sends_bye_back_to_the_caller() {
    let s = common::start(fast()).await;
    let mut incoming = s.handle.take_incoming(8);
    let caller = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    caller
        .send_to(invite("d1", "d1", "").as_bytes(), s.udp)
        .await
        .expect("send");
    let Some(IncomingRequest::Invite(tx)) = incoming.recv().await else {
        panic!("INVITE")
    };
    let mut dialog =
        switchboard_sip::Dialog::from_uas(tx.request(), tx.to_tag(), tx.source()).expect("dialog");
    assert!(tx.respond(tx.response(200)).await);
    caller
        .send_to(ack("d1ack", "d1", tx.to_tag()).as_bytes(), s.udp)
        .await
        .expect("ack");
    let bye = dialog.request(Method::Bye);
    let client = s
        .handle
        .send_request(bye, dialog.target)
        .await
        .expect("sent");
    let mut buf = vec![0u8; 65_536];
    let received = loop {
        let (n, from) = caller.recv_from(&mut buf).await.expect("recv");
        if buf.starts_with(b"BYE ") {
            break (buf[..n].to_vec(), from);
        }
    };
    let req = match switchboard_sip::message::parse_message(&received.0) {
        Ok(switchboard_sip::message::SipMessage::Request(r)) => r,
        other => panic!("{other:?}"),
    };
    assert_eq!(req.headers.call_id(), Some("d1"));
    assert_eq!(
        req.headers
            .from()
            .and_then(|f| f.tag().map(str::to_owned))
            .as_deref(),
        Some(tx.to_tag())
    );
    assert_eq!(
        req.headers
            .to()
            .and_then(|t| t.tag().map(str::to_owned))
            .as_deref(),
        Some("from1")
    );
    let ok = switchboard_sip::transaction::response_for(&req.headers, 200, None);
    caller
        .send_to(&ok.to_bytes(), received.1)
        .await
        .expect("200");
    let r = tokio::time::timeout(WAIT, client.final_response())
        .await
        .expect("in time");
    assert_eq!(r.map(|r| r.status), Some(200));
}
