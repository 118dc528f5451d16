//! Shared test helpers: a server on 127.0.0.1 serving example.com, and tiny
//! UDP/TCP clients that read raw replies.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use switchboard_sip::message::{AuthValue, HeaderName, Response, SipMessage, parse_message};
use switchboard_sip::{
    MemoryCredentials, MemoryLocationStore, SipConfig, SipServer, SipServerHandle, Transport,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};

pub const PASSWORD: &str = "s3cret-pw";

pub struct TestServer {
    pub handle: SipServerHandle,
    pub store: MemoryLocationStore,
    pub udp: SocketAddr,
    pub tcp: SocketAddr,
}

/// A config for tests: example.com on 127.0.0.1 port 0, lockout disabled
/// unless a test turns it on.
pub fn config() -> SipConfig {
    let any: SocketAddr = "127.0.0.1:0".parse().expect("literal");
    let mut cfg = SipConfig {
        domain: "example.com".into(),
        ..SipConfig::default()
    };
    cfg.udp_listen = vec![any];
    cfg.tcp_listen = vec![any];
    cfg.serve_ip_literals = true;
    cfg.lockout.max_failures = 0;
    cfg
}

pub fn credentials() -> Arc<MemoryCredentials> {
    let creds = MemoryCredentials::new();
    for (user, ext) in [
        ("user", "1"),
        ("j.user", "2"),
        ("101", "101"),
        ("102", "102"),
    ] {
        creds.add_user(user, PASSWORD, ext);
    }
    Arc::new(creds)
}

pub async fn start(cfg: SipConfig) -> TestServer {
    start_with_store(cfg, MemoryLocationStore::new()).await
}

pub async fn start_with_store(cfg: SipConfig, store: MemoryLocationStore) -> TestServer {
    let handle = SipServer::start(cfg, credentials(), Arc::new(store.clone()))
        .await
        .expect("server starts");
    let udp = handle.local_addr(Transport::Udp).expect("udp bound");
    let tcp = handle.local_addr(Transport::Tcp).expect("tcp bound");
    TestServer {
        handle,
        store,
        udp,
        tcp,
    }
}

/// Sends a datagram and collects every reply that arrives within `wait`.
pub async fn udp_exchange(to: SocketAddr, data: &[u8], wait: Duration) -> Vec<Vec<u8>> {
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    sock.send_to(data, to).await.expect("send");
    collect_udp(&sock, wait).await
}

/// Sends a datagram and returns the first reply within `wait`.
pub async fn udp_first(to: SocketAddr, data: &[u8], wait: Duration) -> Option<Vec<u8>> {
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("bind");
    sock.send_to(data, to).await.expect("send");
    let mut buf = vec![0u8; 65_536];
    match tokio::time::timeout(wait, sock.recv_from(&mut buf)).await {
        Ok(Ok((n, _))) => Some(buf[..n].to_vec()),
        _ => None,
    }
}

pub async fn collect_udp(sock: &UdpSocket, wait: Duration) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = vec![0u8; 65_536];
    let deadline = tokio::time::Instant::now() + wait;
    while let Ok(Ok((n, _))) = tokio::time::timeout_at(deadline, sock.recv_from(&mut buf)).await {
        out.push(buf[..n].to_vec());
    }
    out
}

/// Sends bytes on a new TCP connection and returns everything read until
/// the first complete response or `wait`.
pub async fn tcp_exchange(to: SocketAddr, data: &[u8], wait: Duration) -> Option<Vec<u8>> {
    let mut s = TcpStream::connect(to).await.expect("connect");
    s.write_all(data).await.expect("write");
    read_response(&mut s, wait).await
}

pub async fn read_response(s: &mut TcpStream, wait: Duration) -> Option<Vec<u8>> {
    let mut got = Vec::new();
    let mut buf = vec![0u8; 65_536];
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Ok(SipMessage::Response(r)) = parse_message(&got) {
            let len = r.headers.content_length().unwrap_or(0) as usize;
            if r.body.len() >= len {
                return Some(got);
            }
        }
        match tokio::time::timeout_at(deadline, s.read(&mut buf)).await {
            Ok(Ok(n)) if n > 0 => got.extend_from_slice(&buf[..n]),
            _ => return (!got.is_empty()).then_some(got),
        }
    }
}

pub fn response(bytes: &[u8]) -> Response {
    match parse_message(bytes) {
        Ok(SipMessage::Response(r)) => r,
        other => panic!(
            "not a response: {other:?}\n{}",
            String::from_utf8_lossy(bytes)
        ),
    }
}

/// The status code from the Status-Line alone: our 400s copy the peer's
/// malformed headers, so they need not parse strictly.
pub fn status_of(bytes: &[u8]) -> u16 {
    let line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let text = String::from_utf8_lossy(line);
    let code = text.split(' ').nth(1).unwrap_or_default();
    code.parse()
        .unwrap_or_else(|_| panic!("no status line: {text}"))
}

/// The value of a header in raw reply bytes (first match, name as written).
pub fn raw_header(bytes: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(bytes);
    text.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}

/// A REGISTER for `user` with the given Contact and optional extra headers.
pub fn register(user: &str, call_id: &str, cseq: u32, contact: &str, extra: &str) -> String {
    format!(
        "REGISTER sip:example.com SIP/2.0\r\n\
         Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bK{call_id}{cseq};rport\r\n\
         Max-Forwards: 70\r\n\
         From: <sip:{user}@example.com>;tag=ft{cseq}\r\n\
         To: <sip:{user}@example.com>\r\n\
         Call-ID: {call_id}\r\n\
         CSeq: {cseq} REGISTER\r\n\
         Contact: {contact}\r\n\
         {extra}Content-Length: 0\r\n\r\n"
    )
}

/// The WWW-Authenticate value for an algorithm in a 401.
pub fn challenge(resp: &Response, algorithm: &str) -> AuthValue {
    resp.headers
        .auth_values(&HeaderName::WwwAuthenticate)
        .into_iter()
        .find(|a| a.get("algorithm") == Some(algorithm))
        .expect("challenge for algorithm")
}

/// Runs REGISTER, answers the 401 with `password`, returns the final reply.
pub async fn register_with_auth(
    server: SocketAddr,
    user: &str,
    password: &str,
    contact: &str,
    extra: &str,
    algorithm: &str,
) -> Response {
    let call_id = format!("reg{}", rand::random::<u32>());
    let first = register(user, &call_id, 1, contact, extra);
    let reply = udp_first(server, first.as_bytes(), Duration::from_secs(2)).await;
    let r401 = response(&reply.expect("a 401"));
    assert_eq!(r401.status, 401);
    let ch = challenge(&r401, algorithm);
    let auth =
        switchboard_sip::digest::authorize(&ch, "REGISTER", "sip:example.com", user, password, 1)
            .expect("authorize");
    let second = register(
        user,
        &call_id,
        2,
        contact,
        &format!("{extra}Authorization: {auth}\r\n"),
    );
    let reply = udp_first(server, second.as_bytes(), Duration::from_secs(2)).await;
    response(&reply.expect("a final answer"))
}

pub fn torture(name: &str) -> Vec<u8> {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/sip-torture/rfc4475/"
    );
    std::fs::read(format!("{dir}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Stops a tool started under `timeout -k 3 N`: SIGTERM to `timeout`, which
/// passes it on and follows with SIGKILL after 3 s. Killing `timeout`
/// itself with SIGKILL would orphan the tool.
pub async fn stop(child: &mut tokio::process::Child) {
    if let Some(pid) = child.id() {
        let _ = tokio::process::Command::new("kill")
            .arg(pid.to_string())
            .status()
            .await;
    }
    if tokio::time::timeout(Duration::from_secs(6), child.wait())
        .await
        .is_err()
    {
        let _ = child.kill().await;
    }
}
