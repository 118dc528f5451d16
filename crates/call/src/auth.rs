//! Digest authentication of INVITEs from registered devices (RFC 3261
//! §22.3): a 407 challenge first, then the credentials checked against the
//! same credential source the registrar uses.

use std::sync::Arc;
use std::time::Duration;

use switchboard_sip::digest::{Algorithm, Credentials, DigestServer, Verdict};
use switchboard_sip::message::{HeaderName, Response};
use switchboard_sip::{CredentialSource, InviteServerTransaction, UserCredential};
use tracing::warn;

/// How long a nonce of ours stays fresh.
const NONCE_LIFETIME: Duration = Duration::from_secs(300);

/// The verdict on one INVITE.
pub(crate) enum Auth {
    /// The device's credential.
    Device(UserCredential),
    /// Answer with this (407 challenge or 403).
    Refuse(Response),
}

/// Checks device INVITEs.
pub(crate) struct DeviceAuth {
    digest: DigestServer,
    credentials: Arc<dyn CredentialSource>,
}

impl DeviceAuth {
    /// Challenges in `realm` (MD5 first: SIPp and many phones read only
    /// the first challenge).
    pub fn new(credentials: Arc<dyn CredentialSource>, realm: &str) -> Self {
        let algorithms = [Algorithm::Md5, Algorithm::Sha256];
        Self {
            digest: DigestServer::new(realm, NONCE_LIFETIME, &algorithms),
            credentials,
        }
    }

    /// Checks the INVITE's Proxy-Authorization for our realm.
    pub async fn check(&self, invite: &InviteServerTransaction) -> Auth {
        let request = invite.request();
        let values = request.headers.auth_values(&HeaderName::ProxyAuthorization);
        let ours = values.iter().find(|v| {
            DigestServer::username(v).is_some() && v.get("realm") == Some(self.digest.realm())
        });
        let Some(value) = ours else {
            return Auth::Refuse(self.challenge(invite, false));
        };
        let username = DigestServer::username(value).unwrap_or_default();
        let credential = match self.credentials.lookup(username).await {
            Ok(found) => found,
            Err(error) => {
                warn!(%error, "credential lookup failed");
                return Auth::Refuse(invite.response(500));
            }
        };
        let creds = Credentials {
            value,
            method: request.method.as_str(),
        };
        match self
            .digest
            .verify(&creds, credential.as_ref().map(|c| &c.secret))
        {
            Verdict::Valid => match credential {
                Some(c) => Auth::Device(c),
                None => Auth::Refuse(invite.response(403)),
            },
            Verdict::Stale => Auth::Refuse(self.challenge(invite, true)),
            Verdict::Invalid => {
                warn!(peer = %invite.source().peer, username, "INVITE authentication failed");
                Auth::Refuse(invite.response(403))
            }
        }
    }

    fn challenge(&self, invite: &InviteServerTransaction, stale: bool) -> Response {
        let mut resp = invite.response(407);
        for value in self.digest.challenge(stale) {
            resp.headers.push(HeaderName::ProxyAuthenticate, value);
        }
        resp
    }
}
