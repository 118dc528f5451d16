//! User passwords: Argon2id hashes as PHC strings (the form the store
//! keeps), and verification that takes as long for an unknown user as
//! for a wrong password.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::RngCore;

/// A password could not be hashed (the hasher refused its parameters).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed")]
pub struct PasswordError;

/// Hashes a password with Argon2id and a random salt; the result is a PHC
/// string such as `$argon2id$v=19$...`.
pub fn hash_password(password: &str) -> Result<String, PasswordError> {
    let mut bytes = [0u8; 16];
    rand::rng().fill_bytes(&mut bytes);
    let salt = SaltString::encode_b64(&bytes).map_err(|_| PasswordError)?;
    let hash = Argon2::default().hash_password(password.as_bytes(), &salt);
    hash.map(|h| h.to_string()).map_err(|_| PasswordError)
}

/// Whether `password` matches the stored PHC string. With no stored hash
/// (unknown user, password login disabled) a dummy hash is checked anyway,
/// so response time does not tell which user names exist.
pub fn verify_password(password: &str, stored: Option<&str>) -> bool {
    let Some(stored) = stored else {
        let _ = check(password, dummy());
        return false;
    };
    check(password, stored)
}

fn check(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => {
            tracing::warn!("stored password hash is not a PHC string");
            false
        }
    }
}

/// A hash of a random password, made once, for [`verify_password`]'s
/// unknown-user path.
fn dummy() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_password(&crate::oauth::secret::random_token()).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_only_their_own_password() {
        let phc = hash_password("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", Some(&phc)));
        assert!(!verify_password("battery staple", Some(&phc)));
        assert!(!verify_password("correct horse", None));
        assert!(!verify_password("x", Some("not a hash")));
    }
}
