//! `GET/POST /restapi/oauth/authorize`: the authorization code flow's login
//! page, and the form post that checks the password and redirects back to
//! the app with `code` and `state`.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use jiff::Timestamp;

use crate::backend::{AuthCode, ClientApp, Subject};
use crate::error::ApiError;
use crate::extract::{Form, Pairs, Query};
use crate::oauth::error::OAuthError;
use crate::oauth::grant::password::user_login;
use crate::oauth::issue::login_scope;
use crate::oauth::{after, secret};
use crate::state::AppState;

/// Where the login page lives.
pub const LOGIN_PATH: &str = "/restapi/oauth/login";

/// A checked authorize request: the parameters the page carries through.
#[derive(Debug, Clone)]
struct AuthorizeRequest {
    app: ClientApp,
    redirect_uri: String,
    state: Option<String>,
    scope: Option<String>,
    challenge: Option<(String, String)>,
}

/// Checks client, `response_type`, redirect URI and PKCE parameters. Until
/// the redirect URI is known good, errors are shown here, never redirected.
async fn check(state: &AppState, params: &Pairs) -> Result<AuthorizeRequest, ApiError> {
    let client_id = params
        .non_empty("client_id")
        .ok_or(OAuthError::MissingParameter("client_id"))?;
    let app = state
        .auth
        .client_app(client_id)
        .await?
        .ok_or(OAuthError::InvalidClient)?;
    if params.get("response_type") != Some("code") {
        return Err(OAuthError::InvalidParameter("response_type").into());
    }
    if !app.grants.iter().any(|g| g == "authorization_code") {
        return Err(OAuthError::UnauthorizedClient.into());
    }
    let redirect_uri = match params.non_empty("redirect_uri") {
        Some(uri) if app.redirect_uris.iter().any(|r| r == uri) => uri.to_owned(),
        None if app.redirect_uris.len() == 1 => app.redirect_uris[0].clone(),
        _ => return Err(OAuthError::InvalidParameter("redirect_uri").into()),
    };
    let challenge = pkce_challenge(params)?;
    // A public client cannot keep a secret, so PKCE is its only proof.
    if app.secret_hash.is_none() && challenge.is_none() {
        return Err(OAuthError::MissingParameter("code_challenge").into());
    }
    Ok(AuthorizeRequest {
        app,
        redirect_uri,
        state: params.non_empty("state").map(str::to_owned),
        scope: params.non_empty("scope").map(str::to_owned),
        challenge,
    })
}

fn pkce_challenge(params: &Pairs) -> Result<Option<(String, String)>, OAuthError> {
    let Some(challenge) = params.non_empty("code_challenge") else {
        return Ok(None);
    };
    // RFC 7636 section 4.3: the method defaults to `plain`.
    let method = params.non_empty("code_challenge_method").unwrap_or("plain");
    if method != "S256" && method != "plain" {
        return Err(OAuthError::InvalidParameter("code_challenge_method"));
    }
    Ok(Some((challenge.to_owned(), method.to_owned())))
}

/// The parameters that travel from the authorize request through the
/// login page to its form.
fn carried(request: &AuthorizeRequest) -> Vec<(&'static str, &str)> {
    let mut pairs = vec![
        ("client_id", request.app.client_id.as_str()),
        ("response_type", "code"),
        ("redirect_uri", request.redirect_uri.as_str()),
    ];
    let optional = [("state", &request.state), ("scope", &request.scope)];
    pairs.extend(
        optional
            .iter()
            .filter_map(|(k, v)| v.as_deref().map(|v| (*k, v))),
    );
    if let Some((challenge, method)) = &request.challenge {
        pairs.push(("code_challenge", challenge));
        pairs.push(("code_challenge_method", method));
    }
    pairs
}

/// The absolute URI of the login page for `request`, flagged after a
/// failed attempt.
fn login_page_uri(state: &AppState, request: &AuthorizeRequest, failed: bool) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.extend_pairs(carried(request));
    if failed {
        query.append_pair("error", "invalid_credentials");
    }
    state
        .uris
        .absolute(&format!("{LOGIN_PATH}?{}", query.finish()))
}

/// A 302 to `location`, RingCentral's answer on both authorize methods.
fn found(location: &str) -> Result<Response, ApiError> {
    let value = HeaderValue::from_str(location).map_err(|_| {
        tracing::error!("redirect target is not a valid header value");
        ApiError::Internal
    })?;
    Ok((StatusCode::FOUND, [(header::LOCATION, value)]).into_response())
}

/// `GET /restapi/oauth/authorize` (`authorize`): checks the request and
/// redirects to the login page.
pub async fn authorize(
    State(state): State<AppState>,
    Query(params): Query,
) -> Result<Response, ApiError> {
    let request = check(&state, &params).await?;
    found(&login_page_uri(&state, &request, false))
}

/// `GET /restapi/oauth/login`: the login page itself (not a RingCentral
/// operation; RingCentral hosts its own page elsewhere).
pub async fn login_page(
    State(state): State<AppState>,
    Query(params): Query,
) -> Result<Html<String>, ApiError> {
    let request = check(&state, &params).await?;
    let error = params.get("error").map(|_| "Wrong user name or password.");
    Ok(Html(render(&request, error)))
}

/// `POST /restapi/oauth/authorize` (`authorize2`): without credentials it
/// acts as the GET; with them, it issues a code and redirects back to the
/// app, or back to the login page after a wrong password.
pub async fn authorize_post(
    State(state): State<AppState>,
    Form(form): Form,
) -> Result<Response, ApiError> {
    let request = check(&state, &form).await?;
    let Some(username) = form.non_empty("username") else {
        return found(&login_page_uri(&state, &request, false));
    };
    let login = user_login(username, form.non_empty("extension"));
    let password = form.get("password").unwrap_or_default();

    let Some(subject) = state.auth.check_password(&login, password).await? else {
        tracing::warn!(username = %login.username, "authorize login refused");
        return found(&login_page_uri(&state, &request, true));
    };
    let code = store_code(&state, &request, subject).await?;
    found(&redirect_target(&request, &code))
}

async fn store_code(
    state: &AppState,
    request: &AuthorizeRequest,
    subject: Subject,
) -> Result<String, ApiError> {
    let code = secret::random_token();
    let (challenge, method) = request.challenge.clone().unzip();
    let record = AuthCode {
        code_hash: secret::hash(&code),
        client_id: request.app.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        subject,
        scope: login_scope(&request.app, request.scope.as_deref())?,
        code_challenge: challenge,
        code_challenge_method: method,
        expires_at: after(Timestamp::now(), state.config.tokens.auth_code_ttl),
    };
    state.auth.create_authorization_code(&record).await?;
    Ok(code)
}

/// The redirect URI with `code` and `state` appended to its query.
fn redirect_target(request: &AuthorizeRequest, code: &str) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    query.append_pair("code", code);
    if let Some(state) = &request.state {
        query.append_pair("state", state);
    }
    let joiner = if request.redirect_uri.contains('?') {
        '&'
    } else {
        '?'
    };
    format!("{}{joiner}{}", request.redirect_uri, query.finish())
}

/// The login page; every carried parameter travels in a hidden field.
fn render(request: &AuthorizeRequest, error: Option<&str>) -> String {
    let fields: String = carried(request)
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">\n",
                escape(v)
            )
        })
        .collect();
    let error = error
        .map(|e| format!("<p role=\"alert\">{}</p>\n", escape(e)))
        .unwrap_or_default();
    format!(
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Sign in</title></head>\n\
         <body><h1>Sign in to {app}</h1>\n{error}<form method=\"post\" \
         action=\"/restapi/oauth/authorize\">\n{fields}\
         <label>Phone or extension number <input name=\"username\" required></label><br>\n\
         <label>Extension <input name=\"extension\"></label><br>\n\
         <label>Password <input name=\"password\" type=\"password\" required></label><br>\n\
         <button type=\"submit\">Sign in</button>\n</form></body></html>\n",
        app = escape(&request.app.name),
    )
}

/// Escapes text for an HTML attribute or element body.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_neutralises_markup_in_carried_parameters() {
        assert_eq!(escape("\"><script>"), "&quot;&gt;&lt;script&gt;");
    }
}
