//! JWT credentials: the long-lived assertions users present to the JWT
//! bearer grant. Switchboard signs them itself (HS256 by default, RS256 when
//! key files are configured); each names a stored [`JwtCredential`] by its
//! `jti`, so revoking the row revokes the JWT.

use std::path::{Path, PathBuf};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use jiff::Timestamp;

use crate::backend::{JwtCredential, Subject};
use crate::config::TokenConfig;
use crate::oauth::secret;

/// A JWT key file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum JwtKeyError {
    /// The file could not be read.
    #[error("cannot read JWT key {path}")]
    Read {
        /// The configured path.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not a usable PEM key.
    #[error("invalid JWT key")]
    Key(#[from] jsonwebtoken::errors::Error),
    /// Only one of the two RS256 key paths is set.
    #[error("jwt_rs256_private_key and jwt_rs256_public_key must be set together")]
    HalfKeyPair,
}

/// The claims of a Switchboard JWT credential.
#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    jti: String,
    /// Account id (RingCentral's JWTs carry the account too).
    acc: i64,
    iat: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    exp: Option<i64>,
}

/// What a valid assertion names; the caller still checks the stored
/// credential (revocation) before trusting it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assertion {
    /// The credential id.
    pub jti: String,
    /// Whom it logs in as.
    pub subject: Subject,
}

/// Signs and verifies JWT credentials with the server's key.
pub struct JwtSigner {
    algorithm: Algorithm,
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
}

impl std::fmt::Debug for JwtSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtSigner")
            .field("algorithm", &self.algorithm)
            .finish_non_exhaustive()
    }
}

fn read(path: &Path) -> Result<Vec<u8>, JwtKeyError> {
    std::fs::read(path).map_err(|source| JwtKeyError::Read {
        path: path.to_owned(),
        source,
    })
}

impl JwtSigner {
    /// The signer `config` asks for; `issuer` goes into `iss`.
    pub fn from_config(config: &TokenConfig, issuer: &str) -> Result<Self, JwtKeyError> {
        let issuer = issuer.to_owned();
        match (&config.jwt_rs256_private_key, &config.jwt_rs256_public_key) {
            (Some(private), Some(public)) => Ok(Self {
                algorithm: Algorithm::RS256,
                encoding: EncodingKey::from_rsa_pem(&read(private)?)?,
                decoding: DecodingKey::from_rsa_pem(&read(public)?)?,
                issuer,
            }),
            (None, None) => Ok(Self::hs256(&config.jwt_hs256_secret, issuer)),
            _ => Err(JwtKeyError::HalfKeyPair),
        }
    }

    fn hs256(secret: &str, issuer: String) -> Self {
        // An unset secret gets a random one: credentials then last only as
        // long as the process, which is safe, if inconvenient.
        let secret = if secret.is_empty() {
            secret::random_token()
        } else {
            secret.to_owned()
        };
        Self {
            algorithm: Algorithm::HS256,
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            issuer,
        }
    }

    /// Signs a JWT naming credential `jti` of `subject`.
    pub fn sign(
        &self,
        jti: &str,
        subject: Subject,
        now: Timestamp,
        expires_at: Option<Timestamp>,
    ) -> Result<String, JwtKeyError> {
        let claims = Claims {
            iss: self.issuer.clone(),
            sub: subject.extension_id.to_string(),
            jti: jti.to_owned(),
            acc: subject.account_id,
            iat: now.as_second(),
            exp: expires_at.map(|t| t.as_second()),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(self.algorithm),
            &claims,
            &self.encoding,
        )?)
    }

    /// Checks signature, algorithm, issuer and expiry; `None` if any fails.
    pub fn verify(&self, assertion: &str) -> Option<Assertion> {
        let mut validation = Validation::new(self.algorithm);
        validation.set_issuer(&[&self.issuer]);
        validation.set_required_spec_claims(&["iss", "sub"]);
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<Claims>(assertion, &self.decoding, &validation);
        let claims = match data {
            Ok(data) => data.claims,
            Err(e) => {
                tracing::debug!(error = %e, "JWT assertion rejected");
                return None;
            }
        };
        let extension_id = claims.sub.parse().ok()?;
        let subject = Subject {
            account_id: claims.acc,
            extension_id,
        };
        Some(Assertion {
            jti: claims.jti,
            subject,
        })
    }
}

/// Creates a JWT credential for `subject`, stores it, and returns the
/// signed JWT the user will present as `assertion`. `lifetime` in seconds;
/// `None` means it lasts until revoked.
pub async fn issue_jwt_credential(
    state: &crate::state::AppState,
    subject: Subject,
    lifetime: Option<u64>,
) -> Result<String, crate::error::ApiError> {
    let now = Timestamp::now();
    let id = secret::random_token();
    let expires_at = lifetime.map(|l| crate::oauth::after(now, l));
    let jwt = state.jwt.sign(&id, subject, now, expires_at).map_err(|e| {
        // Signing with a key that loaded fine cannot fail in practice; if it
        // does, the cause belongs in the log.
        tracing::error!(error = %e, "JWT signing failed");
        crate::error::ApiError::Internal
    })?;
    let credential = JwtCredential {
        id,
        subject,
        jwt_hash: secret::hash(&jwt),
        client_ids: Vec::new(),
        expires_at,
        revoked: false,
    };
    state.auth.create_jwt_credential(&credential).await?;
    tracing::info!(owner_id = subject.extension_id, "JWT credential issued");
    Ok(jwt)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SUBJECT: Subject = Subject {
        account_id: 1,
        extension_id: 2,
    };

    fn sign(signer: &JwtSigner, expires_at: Option<Timestamp>) -> String {
        signer
            .sign("c1", SUBJECT, Timestamp::UNIX_EPOCH, expires_at)
            .unwrap()
    }

    #[test]
    fn signed_credential_verifies_and_names_its_subject() {
        let signer = JwtSigner::hs256("s3cret", "http://sb".into());
        let assertion = signer.verify(&sign(&signer, None)).unwrap();
        assert_eq!(assertion.jti, "c1");
        assert_eq!(assertion.subject, SUBJECT);
    }

    #[test]
    fn credential_signed_by_another_key_or_expired_is_refused() {
        let ours = JwtSigner::hs256("s3cret", "http://sb".into());
        let theirs = JwtSigner::hs256("other", "http://sb".into());
        assert!(ours.verify(&sign(&theirs, None)).is_none());
        assert!(
            ours.verify(&sign(&ours, Some(Timestamp::UNIX_EPOCH)))
                .is_none()
        );
    }
}
