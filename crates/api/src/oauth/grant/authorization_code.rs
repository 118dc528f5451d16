//! The authorization code grant with PKCE (RFC 7636): exchanges a code from
//! `/restapi/oauth/authorize` once, for the same client and redirect URI.

use jiff::Timestamp;

use crate::backend::ClientApp;
use crate::error::ApiError;
use crate::extract::Pairs;
use crate::oauth::error::OAuthError;
use crate::oauth::issue::Granted;
use crate::oauth::secret;
use crate::state::AppState;

/// The login the code stands for.
pub async fn grant(state: &AppState, app: &ClientApp, form: &Pairs) -> Result<Granted, ApiError> {
    let code = form
        .non_empty("code")
        .ok_or(OAuthError::MissingParameter("code"))?;
    let redirect_uri = form
        .non_empty("redirect_uri")
        .ok_or(OAuthError::MissingParameter("redirect_uri"))?;

    // Consuming the code makes it single use, whatever happens next.
    let code_hash = secret::hash(code);
    let stored = state
        .auth
        .consume_authorization_code(&code_hash, Timestamp::now());
    let stored = stored.await?.ok_or(OAuthError::InvalidCode)?;
    if stored.client_id != app.client_id || stored.redirect_uri != redirect_uri {
        return Err(OAuthError::InvalidCode.into());
    }
    let challenge = stored.code_challenge.as_deref();
    let method = stored.code_challenge_method.as_deref().unwrap_or("plain");
    check_verifier(challenge, method, form.non_empty("code_verifier"))?;

    Ok(Granted {
        subject: stored.subject,
        scope: stored.scope,
    })
}

/// RFC 7636 section 4.6: the verifier must match the challenge by its method.
pub fn check_verifier(
    challenge: Option<&str>,
    method: &str,
    verifier: Option<&str>,
) -> Result<(), OAuthError> {
    let Some(challenge) = challenge else {
        return Ok(());
    };
    let verifier = verifier.ok_or(OAuthError::MissingParameter("code_verifier"))?;
    let derived = match method {
        "S256" => secret::s256_challenge(verifier),
        _ => verifier.to_owned(),
    };
    if secret::same(&derived, challenge) {
        Ok(())
    } else {
        Err(OAuthError::InvalidCodeVerifier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn s256_and_plain_verifiers_match_their_challenges() {
        let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        let s256 = secret::s256_challenge(verifier);
        assert!(check_verifier(Some(&s256), "S256", Some(verifier)).is_ok());
        assert!(check_verifier(Some(&s256), "S256", Some("wrong")).is_err());

        assert!(check_verifier(Some(verifier), "plain", Some(verifier)).is_ok());
        assert!(check_verifier(Some(verifier), "plain", None).is_err());
        assert!(check_verifier(None, "plain", None).is_ok());
    }
}
