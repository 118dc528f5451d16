//! The registrar over real UDP sockets: challenges, digest with MD5 and
//! SHA-256, stale nonces, identical failures, interval rules, unregister,
//! expiry, persistence and the brute-force lockout.

mod common;

use std::time::Duration;

use common::{PASSWORD, challenge, config, register, register_with_auth, response, udp_first};
use switchboard_sip::digest::authorize;
use switchboard_sip::message::{ContactValue, HeaderName};

const WAIT: Duration = Duration::from_secs(2);
const CONTACT: &str = "<sip:101@127.0.0.1:5999>";

#[tokio::test]
async fn register_without_credentials_is_challenged_with_md5_and_sha256() {
    let s = common::start(config()).await;
    let msg = register("101", "c1", 1, CONTACT, "");
    let r = response(&udp_first(s.udp, msg.as_bytes(), WAIT).await.expect("reply"));
    assert_eq!(r.status, 401);
    let challenges = r.headers.auth_values(&HeaderName::WwwAuthenticate);
    let algs: Vec<_> = challenges
        .iter()
        .map(|c| c.get("algorithm").unwrap_or(""))
        .collect();
    assert_eq!(algs, ["MD5", "SHA-256"]);
    assert!(challenges.iter().all(|c| c.get("qop") == Some("auth")));
    assert!(
        challenges
            .iter()
            .all(|c| c.get("realm") == Some("example.com"))
    );
}

#[tokio::test]
async fn challenge_order_follows_the_configuration() {
    let mut cfg = config();
    cfg.registrar.digest_algorithms = vec!["SHA-256".into(), "MD5".into()];
    let s = common::start(cfg).await;
    let msg = register("101", "order", 1, CONTACT, "");
    let r = response(&udp_first(s.udp, msg.as_bytes(), WAIT).await.expect("reply"));
    let challenges = r.headers.auth_values(&HeaderName::WwwAuthenticate);
    assert_eq!(challenges[0].get("algorithm"), Some("SHA-256"));
}

#[tokio::test]
async fn md5_and_sha256_registrations_succeed_and_record_the_source() {
    let s = common::start(config()).await;
    for alg in ["MD5", "SHA-256"] {
        let r = register_with_auth(s.udp, "101", PASSWORD, CONTACT, "", alg).await;
        assert_eq!(r.status, 200, "{alg}");
        let Some(ContactValue::List(c)) = r.headers.contacts() else {
            panic!("contacts")
        };
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].params.get_value("expires"), Some("3600"));
    }
    let bindings = s.handle.location().lookup("101@example.com");
    assert_eq!(bindings.len(), 1);
    assert_eq!(bindings[0].source.addr.ip().to_string(), "127.0.0.1");
    assert_eq!(bindings[0].extension_id, "101");
    assert_eq!(s.store.snapshot().len(), 1);
}

#[tokio::test]
async fn expired_nonce_gets_401_with_stale_true() {
    let mut cfg = config();
    cfg.registrar.nonce_lifetime_secs = 1;
    let s = common::start(cfg).await;
    let first = register("101", "st", 1, CONTACT, "");
    let r401 = response(&udp_first(s.udp, first.as_bytes(), WAIT).await.expect("401"));
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let ch = challenge(&r401, "MD5");
    let auth = authorize(&ch, "REGISTER", "sip:example.com", "101", PASSWORD, 1).expect("auth");
    let second = register(
        "101",
        "st",
        2,
        CONTACT,
        &format!("Authorization: {auth}\r\n"),
    );
    let r = response(
        &udp_first(s.udp, second.as_bytes(), WAIT)
            .await
            .expect("reply"),
    );
    assert_eq!(r.status, 401);
    let values = r.headers.auth_values(&HeaderName::WwwAuthenticate);
    assert!(values.iter().all(|v| v.get("stale") == Some("true")));
}

/// Replaces what legitimately differs between two answers: tags, branches,
/// the client's port, and the user name and Call-ID copied from the request.
fn normalise(bytes: &[u8], user: &str) -> String {
    let text = String::from_utf8_lossy(bytes).replace(user, "USER");
    text.split("\r\n")
        .map(|line| {
            let mut out = line.to_owned();
            if line.starts_with("Call-ID:") {
                return "Call-ID: X".to_owned();
            }
            for key in ["tag=", "branch=z9hG4bK", "rport="] {
                if let Some(i) = out.find(key) {
                    let end = out[i..].find([';', '>', ',']).map_or(out.len(), |e| i + e);
                    out.replace_range(i + key.len()..end, "X");
                }
            }
            out
        })
        .collect::<Vec<_>>()
        .join("\r\n")
}

async fn failed_attempt(s: &common::TestServer, user: &str, password: &str) -> Vec<u8> {
    let call = format!("fail{}", rand::random::<u32>());
    let first = register(user, &call, 1, CONTACT, "");
    let r401 = response(&udp_first(s.udp, first.as_bytes(), WAIT).await.expect("401"));
    let ch = challenge(&r401, "SHA-256");
    let auth = authorize(&ch, "REGISTER", "sip:example.com", user, password, 1).expect("auth");
    let second = register(
        user,
        &call,
        2,
        CONTACT,
        &format!("Authorization: {auth}\r\n"),
    );
    udp_first(s.udp, second.as_bytes(), WAIT)
        .await
        .expect("final reply")
}

#[tokio::test]
async fn wrong_password_and_unknown_user_get_identical_403s() {
    let s = common::start(config()).await;
    let known = failed_attempt(&s, "101", "wrong").await;
    let unknown = failed_attempt(&s, "777", "wrong").await;
    assert_eq!(common::status_of(&known), 403);
    assert_eq!(normalise(&known, "101"), normalise(&unknown, "777"));
    let c1 = udp_first(
        s.udp,
        register("101", "x1", 1, CONTACT, "").as_bytes(),
        WAIT,
    )
    .await;
    let c2 = udp_first(
        s.udp,
        register("777", "x2", 1, CONTACT, "").as_bytes(),
        WAIT,
    )
    .await;
    let strip_nonce = |b: Vec<u8>, user: &str| {
        let t = normalise(&b, user);
        t.split("nonce=\"")
            .map(|p| p.split_once('"').map_or(p, |x| x.1))
            .collect::<String>()
    };
    assert_eq!(
        strip_nonce(c1.expect("401"), "101"),
        strip_nonce(c2.expect("401"), "777")
    );
}

#[tokio::test]
async fn too_brief_interval_gets_423_with_min_expires() {
    let s = common::start(config()).await;
    let contact = format!("{CONTACT};expires=10");
    let r = register_with_auth(s.udp, "101", PASSWORD, &contact, "", "MD5").await;
    assert_eq!(r.status, 423);
    assert_eq!(r.headers.get(&HeaderName::MinExpires), Some("60"));
}

#[tokio::test]
async fn long_interval_is_clamped_to_max_expires() {
    let s = common::start(config()).await;
    let r = register_with_auth(
        s.udp,
        "101",
        PASSWORD,
        CONTACT,
        "Expires: 999999\r\n",
        "MD5",
    )
    .await;
    assert_eq!(r.status, 200);
    let Some(ContactValue::List(c)) = r.headers.contacts() else {
        panic!("contacts")
    };
    assert_eq!(c[0].params.get_value("expires"), Some("7200"));
}

#[tokio::test]
async fn several_contacts_are_bound_and_star_removes_them_all() {
    let s = common::start(config()).await;
    let two = "<sip:101@127.0.0.1:5999>, <sip:101@127.0.0.1:6001>;expires=120";
    let r = register_with_auth(s.udp, "101", PASSWORD, two, "", "SHA-256").await;
    assert_eq!(r.status, 200);
    let Some(ContactValue::List(c)) = r.headers.contacts() else {
        panic!("contacts")
    };
    assert_eq!(c.len(), 2);
    assert_eq!(s.handle.location().lookup("101@example.com").len(), 2);
    let r = register_with_auth(s.udp, "101", PASSWORD, "*", "Expires: 0\r\n", "MD5").await;
    assert_eq!(r.status, 200);
    assert!(r.headers.contacts().is_none());
    assert!(s.handle.location().lookup("101@example.com").is_empty());
    assert!(s.store.snapshot().is_empty());
}

#[tokio::test]
async fn star_without_expires_zero_is_refused() {
    let s = common::start(config()).await;
    let r = register_with_auth(s.udp, "101", PASSWORD, "*", "", "MD5").await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn bindings_expire_on_time() {
    let mut cfg = config();
    cfg.registrar.min_expires = 1;
    let s = common::start(cfg).await;
    let contact = format!("{CONTACT};expires=1");
    let r = register_with_auth(s.udp, "101", PASSWORD, &contact, "", "MD5").await;
    assert_eq!(r.status, 200);
    assert_eq!(s.handle.location().lookup("101@example.com").len(), 1);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(s.handle.location().lookup("101@example.com").is_empty());
    assert!(
        s.store.snapshot().is_empty(),
        "sweeper removed it from the store too"
    );
}

#[tokio::test]
async fn bindings_survive_a_restart_through_the_location_store() {
    let s = common::start(config()).await;
    let r = register_with_auth(s.udp, "102", PASSWORD, CONTACT, "", "MD5").await;
    assert_eq!(r.status, 200);
    let store = s.store.clone();
    s.handle.shutdown().await;
    let again = common::start_with_store(config(), store).await;
    let b = again.handle.location().lookup("102@example.com");
    assert_eq!(b.len(), 1);
    assert_eq!(b[0].contact, "sip:101@127.0.0.1:5999");
}

#[tokio::test]
async fn another_users_aor_cannot_be_registered() {
    let s = common::start(config()).await;
    let first = register("102", "steal", 1, CONTACT, "");
    let r401 = response(&udp_first(s.udp, first.as_bytes(), WAIT).await.expect("401"));
    let ch = challenge(&r401, "MD5");
    let auth = authorize(&ch, "REGISTER", "sip:example.com", "101", PASSWORD, 1).expect("auth");
    let second = register(
        "102",
        "steal",
        2,
        CONTACT,
        &format!("Authorization: {auth}\r\n"),
    );
    let r = response(
        &udp_first(s.udp, second.as_bytes(), WAIT)
            .await
            .expect("reply"),
    );
    assert_eq!(r.status, 403);
}

#[tokio::test]
async fn repeated_failures_lock_the_source_out() {
    let mut cfg = config();
    cfg.lockout.max_failures = 3;
    let s = common::start(cfg).await;
    for _ in 0..3 {
        assert_eq!(
            common::status_of(&failed_attempt(&s, "101", "bad").await),
            403
        );
    }
    let msg = register("101", "after", 1, CONTACT, "");
    let silent = udp_first(s.udp, msg.as_bytes(), Duration::from_millis(400)).await;
    assert!(silent.is_none(), "a locked-out source gets no answer");
    let stats = s.handle.stats();
    assert_eq!((stats.lockouts, stats.locked_now), (1, 1));
    let mut tcp = tokio::net::TcpStream::connect(s.tcp)
        .await
        .expect("connect");
    let mut buf = [0u8; 16];
    let read = tokio::io::AsyncReadExt::read(&mut tcp, &mut buf);
    let closed = tokio::time::timeout(WAIT, read).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "TCP from a locked source is refused"
    );
}

#[tokio::test]
async fn allow_listed_sources_are_never_locked_out() {
    let mut cfg = config();
    cfg.lockout.max_failures = 3;
    cfg.lockout.allow = vec!["127.0.0.0/8".into()];
    let s = common::start(cfg).await;
    for _ in 0..5 {
        assert_eq!(
            common::status_of(&failed_attempt(&s, "101", "bad").await),
            403
        );
    }
    assert_eq!(s.handle.stats().lockouts, 0);
}

#[tokio::test]
async fn options_is_answered_with_allow_accept_and_supported() {
    let s = common::start(config()).await;
    let msg = "OPTIONS sip:example.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKo\r\n\
        Max-Forwards: 70\r\nFrom: <sip:a@example.com>;tag=1\r\nTo: <sip:example.com>\r\n\
        Call-ID: o1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
    let r = response(&udp_first(s.udp, msg.as_bytes(), WAIT).await.expect("reply"));
    assert_eq!(r.status, 200);
    assert!(
        r.headers
            .get(&HeaderName::Allow)
            .is_some_and(|a| a.contains("REGISTER"))
    );
    assert_eq!(r.headers.get(&HeaderName::Accept), Some("application/sdp"));
    assert!(r.headers.get(&HeaderName::Supported).is_some());
}

/// Sends REGISTER with `cseq` in call `call`, first fetching a nonce with
/// `cseq + 1000` so every request has its own branch.
async fn register_in_call(s: &common::TestServer, call: &str, cseq: u32, extra: &str) -> u16 {
    let first = register("101", call, cseq + 1000, CONTACT, extra);
    let r401 = response(&udp_first(s.udp, first.as_bytes(), WAIT).await.expect("401"));
    let ch = challenge(&r401, "MD5");
    let auth = authorize(&ch, "REGISTER", "sip:example.com", "101", PASSWORD, 1).expect("auth");
    let msg = register(
        "101",
        call,
        cseq,
        CONTACT,
        &format!("{extra}Authorization: {auth}\r\n"),
    );
    common::status_of(&udp_first(s.udp, msg.as_bytes(), WAIT).await.expect("reply"))
}

#[tokio::test]
async fn a_late_register_of_the_same_call_gets_500() {
    let s = common::start(config()).await;
    assert_eq!(register_in_call(&s, "order", 10, "").await, 200);
    assert_eq!(
        register_in_call(&s, "order", 5, "Expires: 0\r\n").await,
        500
    );
    assert_eq!(
        s.handle.location().lookup("101@example.com").len(),
        1,
        "binding kept"
    );
    assert_eq!(register_in_call(&s, "order", 11, "").await, 200);
}

#[tokio::test]
async fn registration_over_tcp_keeps_the_connection_as_route() {
    let s = common::start(config()).await;
    let mut c = tokio::net::TcpStream::connect(s.tcp)
        .await
        .expect("connect");
    let msg = register("101", "tcp1", 1, CONTACT, "").replace("SIP/2.0/UDP", "SIP/2.0/TCP");
    tokio::io::AsyncWriteExt::write_all(&mut c, msg.as_bytes())
        .await
        .expect("write");
    let r401 = response(&common::read_response(&mut c, WAIT).await.expect("401"));
    let ch = challenge(&r401, "MD5");
    let auth = authorize(&ch, "REGISTER", "sip:example.com", "101", PASSWORD, 1).expect("auth");
    let msg = register(
        "101",
        "tcp1",
        2,
        CONTACT,
        &format!("Authorization: {auth}\r\n"),
    )
    .replace("SIP/2.0/UDP", "SIP/2.0/TCP");
    tokio::io::AsyncWriteExt::write_all(&mut c, msg.as_bytes())
        .await
        .expect("write");
    let r = response(&common::read_response(&mut c, WAIT).await.expect("200"));
    assert_eq!(r.status, 200);
    let b = s.handle.location().lookup("101@example.com");
    assert_eq!(b[0].source.transport, switchboard_sip::Transport::Tcp);
    assert_eq!(b[0].source.addr, c.local_addr().expect("addr"));
}
