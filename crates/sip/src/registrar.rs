//! The registrar (RFC 3261 §10.3): digest-authenticated REGISTER, bindings
//! kept in the location service and persisted through `LocationStore`.
//!
//! Known and unknown users get the same answers: every REGISTER without
//! valid credentials is challenged, and a wrong password and an unknown
//! user both get the same 403 after the same hashing work.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tracing::{debug, info, warn};

use crate::config::SipConfig;
use crate::digest::{Credentials, DigestServer, Verdict};
use crate::location::{Binding, CredentialSource, Location, LocationStore, UserCredential};
use crate::lockout::Lockout;
use crate::message::{ContactValue, HeaderName, NameAddr, Request, Response};
use crate::transaction::response_for;
use crate::transport::Source;

/// The registrar's collaborators.
pub(crate) struct Registrar {
    pub(crate) cfg: SipConfig,
    pub(crate) digest: DigestServer,
    pub(crate) credentials: Arc<dyn CredentialSource>,
    pub(crate) store: Arc<dyn LocationStore>,
    pub(crate) location: Arc<Location>,
    pub(crate) lockout: Arc<Lockout>,
}

/// The outcome of checking a request's credentials.
pub(crate) enum Auth {
    /// Authenticated as this credential.
    Ok(UserCredential),
    /// Answer with this response (401 or 403).
    Refuse(Response),
}

impl Registrar {
    /// Handles one REGISTER and returns the final response.
    pub(crate) async fn register(&self, req: &Request, src: &Source, tag: &str) -> Response {
        let reply = |status| response_for(&req.headers, status, Some(tag));
        let Some(to) = req.headers.to() else {
            return reply(400);
        };
        let Some(aor_uri) = to.uri.as_sip() else {
            // RFC 4475 §3.3.4: an address of record must be a SIP or SIPS URI.
            let mut r = reply(400);
            r.reason = "Bad Request (address of record must be a SIP URI)".into();
            return r;
        };
        let cred = match self.authenticate(req, src, tag).await {
            Auth::Ok(c) => c,
            Auth::Refuse(r) => return r,
        };
        let aor_user = aor_uri.user_unescaped().unwrap_or_default();
        if aor_user != cred.aor_user || !self.cfg.serves_host(&aor_uri.host) {
            warn!(peer = %src.peer, aor = %aor_uri, "authenticated user may not register this AOR");
            return self.forbidden(req, tag);
        }
        let aor = format!("{}@{}", aor_user, self.cfg.domain).to_ascii_lowercase();
        match self.update_bindings(req, src, &aor, &cred).await {
            Ok(()) => self.ok_with_bindings(req, tag, &aor),
            Err(Refusal::Status(s)) => reply(s),
            Err(Refusal::TooBrief(min)) => {
                let mut r = reply(423);
                r.headers.push(HeaderName::MinExpires, min.to_string());
                r
            }
        }
    }

    /// Checks Digest credentials for our realm; other schemes and realms
    /// are ignored (RFC 4475 §3.3.7), so those requests are challenged.
    pub(crate) async fn authenticate(&self, req: &Request, src: &Source, tag: &str) -> Auth {
        let values = req.headers.auth_values(&HeaderName::Authorization);
        let ours = values.iter().find(|v| {
            DigestServer::username(v).is_some() && v.get("realm") == Some(self.digest.realm())
        });
        let Some(value) = ours else {
            return Auth::Refuse(self.challenge(req, tag, false));
        };
        let username = DigestServer::username(value).unwrap_or_default();
        let cred = match self.credentials.lookup(username).await {
            Ok(c) => c,
            Err(e) => {
                warn!(error = %e, "credential lookup failed");
                return Auth::Refuse(response_for(&req.headers, 500, Some(tag)));
            }
        };
        let creds = Credentials {
            value,
            method: req.method.as_str(),
        };
        match self.digest.verify(&creds, cred.as_ref().map(|c| &c.secret)) {
            Verdict::Valid => cred.map_or_else(|| Auth::Refuse(self.forbidden(req, tag)), Auth::Ok),
            Verdict::Stale => Auth::Refuse(self.challenge(req, tag, true)),
            Verdict::Invalid => {
                self.lockout.record_failure(src.peer.ip());
                warn!(peer = %src.peer, username, "authentication failed");
                Auth::Refuse(self.forbidden(req, tag))
            }
        }
    }

    fn challenge(&self, req: &Request, tag: &str, stale: bool) -> Response {
        let mut r = response_for(&req.headers, 401, Some(tag));
        for v in self.digest.challenge(stale) {
            r.headers.push(HeaderName::WwwAuthenticate, v);
        }
        r
    }

    fn forbidden(&self, req: &Request, tag: &str) -> Response {
        response_for(&req.headers, 403, Some(tag))
    }

    async fn update_bindings(
        &self,
        req: &Request,
        src: &Source,
        aor: &str,
        cred: &UserCredential,
    ) -> Result<(), Refusal> {
        let plan = self.plan(req)?;
        let (Some(call_id), Some(cseq)) = (req.headers.call_id(), req.headers.cseq()) else {
            return Err(Refusal::Status(400));
        };
        let ua = req.headers.get(&HeaderName::UserAgent).map(str::to_owned);
        let changes = self.changes(plan, aor);
        if self.out_of_order(aor, call_id, cseq.seq, &changes) {
            // §10.3 step 7: an older REGISTER of the same client arrived late.
            return Err(Refusal::Status(500));
        }
        if self.location.lookup(aor).len() + changes.adds > self.cfg.registrar.max_contacts_per_aor
        {
            return Err(Refusal::Status(403));
        }
        for (contact, expires) in changes.items {
            let binding = Binding {
                aor: aor.to_owned(),
                extension_id: cred.extension_id.clone(),
                contact,
                expires_at: SystemTime::now() + Duration::from_secs(u64::from(expires)),
                call_id: call_id.to_owned(),
                cseq: cseq.seq,
                source: src.target(),
                user_agent: ua.clone(),
            };
            if let Err(e) = self.apply(binding, expires).await {
                warn!(error = %e, "location store failed");
                return Err(Refusal::Status(500));
            }
        }
        Ok(())
    }

    fn out_of_order(&self, aor: &str, call_id: &str, cseq: u32, changes: &Changes) -> bool {
        let current = self.location.lookup(aor);
        changes.items.iter().any(|(contact, _)| {
            current
                .iter()
                .any(|b| &b.contact == contact && b.call_id == call_id && b.cseq >= cseq)
        })
    }

    async fn apply(&self, b: Binding, expires: u32) -> Result<(), crate::location::StoreError> {
        if expires == 0 {
            info!(aor = %b.aor, contact = %b.contact, "binding removed");
            self.location.delete(&b.aor, &b.contact);
            self.store.remove(&b.aor, &b.contact).await
        } else {
            debug!(aor = %b.aor, contact = %b.contact, expires, peer = %b.source.addr, "binding");
            self.location.put(b.clone());
            self.store.upsert(b).await
        }
    }

    /// Reads Contact and Expires into (contact, granted seconds) pairs.
    fn plan(&self, req: &Request) -> Result<Plan, Refusal> {
        let header_expires = req.headers.expires();
        let r = &self.cfg.registrar;
        match req.headers.contacts() {
            None => Ok(Plan::Query),
            Some(ContactValue::Star) => {
                let single = req.headers.count(&HeaderName::Contact) == 1;
                if header_expires == Some(0) && single {
                    Ok(Plan::RemoveAll)
                } else {
                    Err(Refusal::Status(400))
                }
            }
            Some(ContactValue::List(list)) => {
                let mut out = Vec::new();
                for c in list {
                    let e = contact_expires(&c)
                        .or(header_expires)
                        .unwrap_or(r.default_expires);
                    if e != 0 && e < r.min_expires {
                        return Err(Refusal::TooBrief(r.min_expires));
                    }
                    out.push((c.uri.to_string(), e.min(r.max_expires)));
                }
                Ok(Plan::Set(out))
            }
        }
    }

    fn changes(&self, plan: Plan, aor: &str) -> Changes {
        let current = self.location.lookup(aor);
        let items: Vec<(String, u32)> = match plan {
            Plan::Query => Vec::new(),
            Plan::RemoveAll => current.iter().map(|b| (b.contact.clone(), 0)).collect(),
            Plan::Set(list) => list,
        };
        let adds = items
            .iter()
            .filter(|(c, e)| *e > 0 && !current.iter().any(|b| &b.contact == c))
            .count();
        Changes { items, adds }
    }

    fn ok_with_bindings(&self, req: &Request, tag: &str, aor: &str) -> Response {
        let mut r = response_for(&req.headers, 200, Some(tag));
        let now = SystemTime::now();
        for b in self.location.lookup(aor) {
            // Round up, so a fresh binding shows the full interval granted.
            let left = b
                .expires_at
                .duration_since(now)
                .map_or(0, |d| d.as_millis().div_ceil(1000));
            r.headers.push(
                HeaderName::Contact,
                format!("<{}>;expires={left}", b.contact),
            );
        }
        r
    }
}

fn contact_expires(c: &NameAddr) -> Option<u32> {
    c.params.get_value("expires").and_then(|e| e.parse().ok())
}

enum Plan {
    Query,
    RemoveAll,
    Set(Vec<(String, u32)>),
}

struct Changes {
    items: Vec<(String, u32)>,
    adds: usize,
}

/// Why a REGISTER is refused after authentication.
enum Refusal {
    Status(u16),
    /// 423 with Min-Expires (§10.3 step 7).
    TooBrief(u32),
}
