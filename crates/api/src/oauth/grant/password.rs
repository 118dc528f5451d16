//! The resource owner password grant. Not in RingCentral's spec, but both
//! SDKs send it: Python with a separate `extension` field, JS as
//! `username=<number>*<extension>`.

use crate::backend::{Subject, UserLogin};
use crate::error::ApiError;
use crate::extract::Pairs;
use crate::oauth::error::OAuthError;
use crate::state::AppState;

/// The user named by `username` (+ `extension`) if `password` is right.
pub async fn grant(state: &AppState, form: &Pairs) -> Result<Subject, ApiError> {
    let username = form
        .non_empty("username")
        .ok_or(OAuthError::MissingParameter("username"))?;
    let password = form
        .get("password")
        .ok_or(OAuthError::MissingParameter("password"))?;
    let login = user_login(username, form.non_empty("extension"));

    let subject = state.auth.check_password(&login, password).await?;
    subject.ok_or_else(|| {
        tracing::warn!(username = %login.username, "password grant refused");
        OAuthError::InvalidUserCredentials.into()
    })
}

/// Splits the JS SDK's `number*extension`; a separate `extension` wins.
pub fn user_login(username: &str, extension: Option<&str>) -> UserLogin {
    match (username.split_once('*'), extension) {
        (Some((number, ext)), None) if !ext.is_empty() => UserLogin {
            username: number.to_owned(),
            extension: Some(ext.to_owned()),
        },
        (Some((number, _)), Some(ext)) => UserLogin {
            username: number.to_owned(),
            extension: Some(ext.to_owned()),
        },
        _ => UserLogin {
            username: username.to_owned(),
            extension: extension.map(str::to_owned),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn js_star_syntax_and_python_extension_field_give_the_same_login() {
        let js = user_login("+16505550100*101", None);
        let py = user_login("+16505550100", Some("101"));
        assert_eq!(js, py);
        assert_eq!(js.extension.as_deref(), Some("101"));
    }
}
