//! HTTP Digest authentication for SIP (RFC 3261 §22, RFC 7616, RFC 8760):
//! the server side issues stateless nonces and checks credentials; the
//! client side answers a challenge.
//!
//! A nonce is `hex(timestamp) . hex(random) . hex(HMAC-SHA-256(key, both))`
//! with a per-process random key, so any process start invalidates old
//! nonces and no per-nonce state is needed except a small replay window.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use hmac::{Hmac, Mac};
use md5::Md5;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::message::AuthValue;

/// A digest algorithm (RFC 8760 adds SHA-256 to SIP).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// `MD5`, the RFC 2617 default.
    Md5,
    /// `SHA-256`.
    Sha256,
}

impl Algorithm {
    /// Reads a configured name (`MD5`, `SHA-256`, any case).
    pub fn from_name(s: &str) -> Option<Algorithm> {
        Algorithm::from_param(Some(s))
    }

    /// Reads the `algorithm` parameter; absent means MD5.
    pub fn from_param(p: Option<&str>) -> Option<Algorithm> {
        match p {
            None => Some(Algorithm::Md5),
            Some(a) if a.eq_ignore_ascii_case("MD5") => Some(Algorithm::Md5),
            Some(a) if a.eq_ignore_ascii_case("SHA-256") => Some(Algorithm::Sha256),
            Some(_) => None,
        }
    }

    /// The name used in the `algorithm` parameter.
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Md5 => "MD5",
            Algorithm::Sha256 => "SHA-256",
        }
    }

    /// Lower-case hex digest of `data`.
    pub fn hash(self, data: &str) -> String {
        match self {
            Algorithm::Md5 => hex(&Md5::digest(data.as_bytes())),
            Algorithm::Sha256 => hex(&Sha256::digest(data.as_bytes())),
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// What the server knows to check a user's response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Secret {
    /// The clear password.
    Password(String),
    /// Precomputed HA1 values (`H(user:realm:password)`); an algorithm
    /// without its HA1 cannot be checked.
    Ha1 {
        /// HA1 with MD5.
        md5: Option<String>,
        /// HA1 with SHA-256.
        sha256: Option<String>,
    },
}

impl Secret {
    fn ha1(&self, alg: Algorithm, user: &str, realm: &str) -> Option<String> {
        match (self, alg) {
            (Secret::Password(p), _) => Some(alg.hash(&format!("{user}:{realm}:{p}"))),
            (Secret::Ha1 { md5, .. }, Algorithm::Md5) => md5.clone(),
            (Secret::Ha1 { sha256, .. }, Algorithm::Sha256) => sha256.clone(),
        }
    }
}

/// The outcome of checking an Authorization header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The response is correct and the nonce fresh.
    Valid,
    /// The response is correct but the nonce expired: challenge again with
    /// `stale=true` (RFC 7616 §3.3).
    Stale,
    /// Wrong password, forged or replayed nonce, or malformed credentials.
    Invalid,
}

/// Server-side digest state: the realm, the nonce key and a replay window.
#[derive(Debug)]
pub struct DigestServer {
    realm: String,
    key: [u8; 32],
    lifetime: Duration,
    algorithms: Vec<Algorithm>,
    seen: Mutex<NonceBook>,
}

/// Nonce uses in two generations: the book turns over every nonce lifetime
/// (older nonces are stale before their nc matters) or when the current
/// generation reaches `NONCE_BOOK_LIMIT`, which bounds memory under floods.
#[derive(Debug, Default)]
struct NonceBook {
    current: HashMap<String, NonceUse>,
    previous: HashMap<String, NonceUse>,
    turned: u64,
}

const NONCE_BOOK_LIMIT: usize = 200_000;

/// The highest nc seen for a nonce and a bitmap of the 64 below it.
#[derive(Debug, Clone, Copy)]
struct NonceUse {
    max_nc: u32,
    window: u64,
}

/// The parts of an Authorization header that a check needs.
#[derive(Debug, Clone)]
pub struct Credentials<'a> {
    /// The parsed header value.
    pub value: &'a AuthValue,
    /// The request method.
    pub method: &'a str,
}

impl DigestServer {
    /// A server for `realm` whose nonces stay fresh for `lifetime`, offering
    /// `algorithms` in that order (MD5 and SHA-256 when empty).
    pub fn new(realm: &str, lifetime: Duration, algorithms: &[Algorithm]) -> DigestServer {
        let algorithms = if algorithms.is_empty() {
            vec![Algorithm::Md5, Algorithm::Sha256]
        } else {
            algorithms.to_vec()
        };
        DigestServer {
            realm: realm.to_owned(),
            key: rand::random(),
            lifetime,
            algorithms,
            seen: Mutex::new(NonceBook::default()),
        }
    }

    /// The realm.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// WWW-Authenticate values, one per algorithm in the configured order;
    /// a client uses the first it supports (RFC 8760 §2.4).
    pub fn challenge(&self, stale: bool) -> Vec<String> {
        let nonce = self.new_nonce(now_secs());
        let stale = if stale { ", stale=true" } else { "" };
        self.algorithms
            .iter()
            .map(|a| {
                format!(
                    "Digest realm=\"{}\", nonce=\"{nonce}\", algorithm={}, qop=\"auth\"{stale}",
                    self.realm,
                    a.name()
                )
            })
            .collect()
    }

    fn mac(&self, text: &str) -> String {
        // HMAC accepts keys of any length, so this cannot fail.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("any key length");
        mac.update(text.as_bytes());
        hex(&mac.finalize().into_bytes()[..16])
    }

    fn new_nonce(&self, now: u64) -> String {
        let head = format!("{now:x}.{:016x}", rand::random::<u64>());
        let mac = self.mac(&head);
        format!("{head}.{mac}")
    }

    /// The issue time of a nonce we made, or `None` for a forged one.
    fn nonce_time(&self, nonce: &str) -> Option<u64> {
        let (head, mac) = nonce.rsplit_once('.')?;
        if !bool::from(self.mac(head).as_bytes().ct_eq(mac.as_bytes())) {
            return None;
        }
        u64::from_str_radix(head.split('.').next()?, 16).ok()
    }

    /// The username of a Digest Authorization value.
    pub fn username(value: &AuthValue) -> Option<&str> {
        value
            .scheme
            .eq_ignore_ascii_case("Digest")
            .then(|| value.get("username"))
            .flatten()
    }

    /// Checks credentials against the user's secret. Always does the same
    /// hashing work whether or not `secret` is known, so timing does not
    /// reveal which users exist.
    pub fn verify(&self, creds: &Credentials<'_>, secret: Option<&Secret>) -> Verdict {
        let v = creds.value;
        let (Some(user), Some(nonce), Some(uri), Some(response)) = (
            v.get("username"),
            v.get("nonce"),
            v.get("uri"),
            v.get("response"),
        ) else {
            return Verdict::Invalid;
        };
        let Some(alg) = Algorithm::from_param(v.get("algorithm")) else {
            return Verdict::Invalid;
        };
        let decoy = Secret::Password(String::new());
        let ha1 = secret
            .unwrap_or(&decoy)
            .ha1(alg, user, &self.realm)
            .unwrap_or_default();
        let expected = response_digest(alg, &ha1, nonce, uri, creds.method, v);
        let matches = bool::from(expected.as_bytes().ct_eq(response.as_bytes()));
        let realm_ok = v.get("realm") == Some(self.realm.as_str());
        match self.nonce_time(nonce) {
            Some(_) if !(matches && realm_ok && secret.is_some()) => Verdict::Invalid,
            Some(t) if now_secs().saturating_sub(t) > self.lifetime.as_secs() => Verdict::Stale,
            Some(_) if self.fresh_nc(nonce, v.get("nc")) => Verdict::Valid,
            _ => Verdict::Invalid,
        }
    }

    /// Records the nonce count; refuses a repeat (RFC 7616 §3.4.5). Without
    /// qop there is no nc, and the nonce is accepted while fresh.
    fn fresh_nc(&self, nonce: &str, nc: Option<&str>) -> bool {
        let Some(nc) = nc else { return true };
        let Ok(nc) = u32::from_str_radix(nc, 16) else {
            return false;
        };
        let mut book = self.seen.lock().unwrap_or_else(|e| e.into_inner());
        let now = now_secs();
        if now.saturating_sub(book.turned) >= self.lifetime.as_secs()
            || book.current.len() >= NONCE_BOOK_LIMIT
        {
            book.previous = std::mem::take(&mut book.current);
            book.turned = now;
        }
        let earlier = book.previous.remove(nonce).unwrap_or(NonceUse {
            max_nc: 0,
            window: 0,
        });
        let entry = book.current.entry(nonce.to_owned()).or_insert(earlier);
        record_nc(entry, nc)
    }
}

/// Sliding-window replay check: newer counts move the window; older ones
/// within 64 are accepted once.
fn record_nc(u: &mut NonceUse, nc: u32) -> bool {
    if nc > u.max_nc {
        let shift = nc - u.max_nc;
        u.window = if shift >= 64 { 0 } else { u.window << shift };
        u.window |= 1;
        u.max_nc = nc;
        return true;
    }
    let back = u.max_nc - nc;
    if back >= 64 || u.window & (1 << back) != 0 {
        return false;
    }
    u.window |= 1 << back;
    true
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn response_digest(
    alg: Algorithm,
    ha1: &str,
    nonce: &str,
    uri: &str,
    method: &str,
    v: &AuthValue,
) -> String {
    let ha2 = alg.hash(&format!("{method}:{uri}"));
    match (v.get("qop"), v.get("nc"), v.get("cnonce")) {
        (Some(qop), Some(nc), Some(cnonce)) if qop.eq_ignore_ascii_case("auth") => {
            alg.hash(&format!("{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}"))
        }
        (None, _, _) => alg.hash(&format!("{ha1}:{nonce}:{ha2}")),
        _ => String::new(),
    }
}

/// Builds the Authorization (or Proxy-Authorization) value answering
/// `challenge` for a request; `nc` counts uses of this nonce from 1.
pub fn authorize(
    challenge: &AuthValue,
    method: &str,
    uri: &str,
    username: &str,
    password: &str,
    nc: u32,
) -> Option<String> {
    let alg = Algorithm::from_param(challenge.get("algorithm"))?;
    let realm = challenge.get("realm")?;
    let nonce = challenge.get("nonce")?;
    let ha1 = alg.hash(&format!("{username}:{realm}:{password}"));
    let ha2 = alg.hash(&format!("{method}:{uri}"));
    let qop_auth = challenge
        .get("qop")
        .is_some_and(|q| q.split(',').any(|t| t.trim().eq_ignore_ascii_case("auth")));
    let mut out = format!(
        "Digest username=\"{username}\", realm=\"{realm}\", nonce=\"{nonce}\", uri=\"{uri}\", \
         algorithm={}",
        alg.name()
    );
    let response = if qop_auth {
        let cnonce = format!("{:016x}", rand::random::<u64>());
        out.push_str(&format!(", qop=auth, nc={nc:08x}, cnonce=\"{cnonce}\""));
        alg.hash(&format!("{ha1}:{nonce}:{nc:08x}:{cnonce}:auth:{ha2}"))
    } else {
        alg.hash(&format!("{ha1}:{nonce}:{ha2}"))
    };
    out.push_str(&format!(", response=\"{response}\""));
    if let Some(opaque) = challenge.get("opaque") {
        out.push_str(&format!(", opaque=\"{opaque}\""));
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server() -> DigestServer {
        DigestServer::new("example.com", Duration::from_secs(300), &[])
    }

    fn answer(s: &DigestServer, idx: usize, password: &str) -> AuthValue {
        let ch = AuthValue::parse(&s.challenge(false)[idx]).expect("our challenge parses");
        let a = authorize(&ch, "REGISTER", "sip:example.com", "101", password, 1).expect("ok");
        AuthValue::parse(&a).expect("our answer parses")
    }

    fn check(s: &DigestServer, v: &AuthValue, secret: Option<&Secret>) -> Verdict {
        s.verify(
            &Credentials {
                value: v,
                method: "REGISTER",
            },
            secret,
        )
    }

    #[test]
    fn both_algorithms_verify() {
        let s = server();
        let secret = Secret::Password("pw".into());
        for idx in 0..2 {
            assert_eq!(
                check(&s, &answer(&s, idx, "pw"), Some(&secret)),
                Verdict::Valid
            );
        }
    }

    #[test]
    fn wrong_password_unknown_user_and_replay_are_invalid() {
        let s = server();
        let secret = Secret::Password("pw".into());
        assert_eq!(
            check(&s, &answer(&s, 0, "nope"), Some(&secret)),
            Verdict::Invalid
        );
        assert_eq!(check(&s, &answer(&s, 0, "pw"), None), Verdict::Invalid);
        let v = answer(&s, 1, "pw");
        assert_eq!(check(&s, &v, Some(&secret)), Verdict::Valid);
        assert_eq!(check(&s, &v, Some(&secret)), Verdict::Invalid);
    }

    #[test]
    fn expired_nonce_is_stale_and_forged_nonce_invalid() {
        let s = server();
        let old = s.new_nonce(now_secs() - 1000);
        let ch = AuthValue::parse(&format!(
            "Digest realm=\"example.com\", nonce=\"{old}\", qop=\"auth\""
        ))
        .expect("parses");
        let a = authorize(&ch, "REGISTER", "sip:example.com", "101", "pw", 1).expect("ok");
        let v = AuthValue::parse(&a).expect("parses");
        let secret = Secret::Password("pw".into());
        assert_eq!(check(&s, &v, Some(&secret)), Verdict::Stale);
        // Change the MAC's last digit (to one it is not).
        let last = if old.ends_with('0') { '1' } else { '0' };
        let forged = a.replace(&old, &format!("{}{last}", &old[..old.len() - 1]));
        let v = AuthValue::parse(&forged).expect("parses");
        assert_eq!(check(&s, &v, Some(&secret)), Verdict::Invalid);
    }

    #[test]
    fn ha1_secret_matches_password_secret() {
        let s = server();
        let ha1 = Algorithm::Md5.hash("101:example.com:pw");
        let secret = Secret::Ha1 {
            md5: Some(ha1),
            sha256: None,
        };
        assert_eq!(
            check(&s, &answer(&s, 0, "pw"), Some(&secret)),
            Verdict::Valid
        );
        assert_eq!(
            check(&s, &answer(&s, 1, "pw"), Some(&secret)),
            Verdict::Invalid
        );
    }

    #[test]
    fn nc_window_accepts_out_of_order_once() {
        let mut u = NonceUse {
            max_nc: 0,
            window: 0,
        };
        assert!(record_nc(&mut u, 3));
        assert!(record_nc(&mut u, 1));
        assert!(!record_nc(&mut u, 1));
        assert!(!record_nc(&mut u, 3));
        assert!(record_nc(&mut u, 100));
        assert!(!record_nc(&mut u, 3));
    }
}
