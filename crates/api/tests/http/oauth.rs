//! Every grant of `/restapi/oauth/token`, refresh rotation, revocation and
//! the bearer check.

use reqwest::StatusCode;
use serde_json::Value;
use switchboard_api::oauth::secret::s256_challenge;

use crate::support::*;

const ME: &str = "/restapi/v1.0/account/~/extension/~";

#[tokio::test]
async fn password_grant_returns_token_info_with_numeric_lifetimes() {
    let server = TestServer::start().await;
    let info = server.login(APP, "102").await;

    assert_eq!(info["token_type"], "bearer");
    assert_eq!(info["expires_in"], 3600);
    assert_eq!(info["refresh_token_expires_in"], 604800);
    assert_eq!(info["owner_id"], USER.to_string());
    for field in [
        "access_token",
        "refresh_token",
        "scope",
        "endpoint_id",
        "session_id",
    ] {
        assert!(
            info[field].as_str().is_some_and(|s| !s.is_empty()),
            "{field}"
        );
    }
}

#[tokio::test]
async fn password_grant_accepts_the_js_sdk_star_syntax() {
    let server = TestServer::start().await;
    let username = format!("{MAIN_NUMBER}*101");
    let form = [
        ("grant_type", "password"),
        ("username", &username),
        ("password", PASSWORD),
    ];
    let response = server.token(APP, &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let info: Value = response.json().await.unwrap();
    assert_eq!(info["owner_id"], ADMIN.to_string());
}

#[tokio::test]
async fn wrong_password_is_invalid_grant_oau_140() {
    let server = TestServer::start().await;
    let form = [
        ("grant_type", "password"),
        ("username", "101"),
        ("password", "nope"),
    ];
    let response = server.token(APP, &form).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
    assert_eq!(body["errors"][0]["errorCode"], "OAU-140");
    assert!(body["error_description"].is_string());
}

#[tokio::test]
async fn wrong_client_secret_is_invalid_client_401() {
    let server = TestServer::start().await;
    let response = server
        .http
        .post(server.url("/restapi/oauth/token"))
        .basic_auth(APP, Some("wrong"))
        .form(&[
            ("grant_type", "password"),
            ("username", "101"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert!(
        response.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .starts_with("Basic")
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "invalid_client");
    assert_eq!(body["errors"][0]["errorCode"], "OAU-146");
}

#[tokio::test]
async fn unknown_grant_type_is_unsupported() {
    let server = TestServer::start().await;
    let response = server
        .token(APP, &[("grant_type", "client_credentials")])
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"], "unsupported_grant_type");
}

#[tokio::test]
async fn jwt_bearer_grant_logs_in_until_the_credential_is_revoked() {
    let server = TestServer::start().await;
    let jwt = server.jwt_for(USER).await;
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", &jwt),
    ];

    let response = server.token(APP, &form).await;
    assert_eq!(response.status(), StatusCode::OK);
    let info: Value = response.json().await.unwrap();
    assert_eq!(info["owner_id"], USER.to_string());

    // The jti is opaque to clients; an admin revokes through the backend.
    let jti = server.state.jwt.verify(&jwt).unwrap().jti;
    server.state.auth.revoke_jwt_credential(&jti).await.unwrap();
    let refused = server.token(APP, &form).await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(refused).await, "OAU-144");
}

#[tokio::test]
async fn jwt_bearer_grant_refuses_a_forged_assertion() {
    let server = TestServer::start().await;
    let jwt = server.jwt_for(USER).await;
    let forged = format!("{}x", jwt);
    let form = [
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", &forged),
    ];
    let response = server.token(APP, &form).await;
    assert_eq!(error_code(response).await, "OAU-144");
}

/// Runs authorize, the login page and its form post; returns the `code`.
async fn authorize(server: &TestServer, client_id: &str, challenge: &str, method: &str) -> String {
    let query = [
        ("client_id", client_id),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("state", "xyz"),
        ("code_challenge", challenge),
        ("code_challenge_method", method),
    ];
    let start = server
        .http
        .get(server.url("/restapi/oauth/authorize"))
        .query(&query)
        .send();
    let start = start.await.unwrap();
    assert_eq!(start.status(), StatusCode::FOUND);
    let login_page = start.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        login_page.starts_with(&server.url("/restapi/oauth/login?")),
        "{login_page}"
    );

    let page = server.http.get(&login_page).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("name=\"password\""));

    let mut form: Vec<(&str, &str)> = query.to_vec();
    form.extend([("username", MAIN_NUMBER), ("extension", "102")]);
    let wrong = [form.clone(), vec![("password", "wrong")]].concat();
    let refused = server
        .http
        .post(server.url("/restapi/oauth/authorize"))
        .form(&wrong)
        .send();
    let refused = refused.await.unwrap();
    assert_eq!(refused.status(), StatusCode::FOUND);
    let back = refused.headers()["location"].to_str().unwrap();
    assert!(back.contains("error=invalid_credentials"), "{back}");

    form.push(("password", PASSWORD));
    let post = server
        .http
        .post(server.url("/restapi/oauth/authorize"))
        .form(&form)
        .send();
    let post = post.await.unwrap();
    assert_eq!(post.status(), StatusCode::FOUND);

    let location = post.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT));
    let url = reqwest::Url::parse(&location).unwrap();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert!(pairs.contains(&("state".into(), "xyz".into())));
    pairs
        .into_iter()
        .find(|(k, _)| k == "code")
        .expect("code")
        .1
}

async fn exchange(server: &TestServer, code: &str, verifier: &str) -> reqwest::Response {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT),
        ("code_verifier", verifier),
        ("client_id", PUBLIC_APP),
    ];
    server
        .http
        .post(server.url("/restapi/oauth/token"))
        .form(&form)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn authorization_code_with_s256_pkce_works_once() {
    let server = TestServer::start().await;
    let verifier = "a-verifier-that-is-long-enough-to-be-realistic-0123456789";
    let code = authorize(&server, PUBLIC_APP, &s256_challenge(verifier), "S256").await;

    let response = exchange(&server, &code, verifier).await;
    assert_eq!(response.status(), StatusCode::OK);
    let info: Value = response.json().await.unwrap();
    assert_eq!(info["owner_id"], USER.to_string());

    let replay = exchange(&server, &code, verifier).await;
    assert_eq!(error_code(replay).await, "OAU-112");
}

#[tokio::test]
async fn authorization_code_with_plain_pkce_refuses_a_wrong_verifier() {
    let server = TestServer::start().await;
    let code = authorize(&server, PUBLIC_APP, "plain-verifier-value", "plain").await;
    let response = exchange(&server, &code, "another-value").await;
    assert_eq!(error_code(response).await, "OAU-113");
}

#[tokio::test]
async fn authorize_refuses_an_unregistered_redirect_uri() {
    let server = TestServer::start().await;
    let query = [
        ("client_id", APP),
        ("response_type", "code"),
        ("redirect_uri", "http://evil.invalid/"),
    ];
    let response = server
        .http
        .get(server.url("/restapi/oauth/authorize"))
        .query(&query)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

async fn refresh(server: &TestServer, refresh_token: &str) -> reqwest::Response {
    let form = [
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
        ("access_token_ttl", "NaN"),
        ("refresh_token_ttl", "NaN"),
    ];
    server.token(APP, &form).await
}

#[tokio::test]
async fn refresh_rotates_and_a_reused_refresh_token_revokes_the_session() {
    let server = TestServer::start().await;
    let first = server.login(APP, "101").await;
    let old_refresh = first["refresh_token"].as_str().unwrap();

    let second = refresh(&server, old_refresh).await;
    assert_eq!(second.status(), StatusCode::OK);
    let second: Value = second.json().await.unwrap();
    assert_ne!(second["refresh_token"], first["refresh_token"]);
    assert_eq!(second["session_id"], first["session_id"]);
    assert_eq!(second["expires_in"], 3600);
    assert_eq!(
        server.get(ME, &access(&second)).await.status(),
        StatusCode::OK
    );

    let reuse = refresh(&server, old_refresh).await;
    assert_eq!(reuse.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(reuse).await, "OAU-211");

    // The whole family is gone, the legitimate holder's new tokens included.
    assert_eq!(
        server.get(ME, &access(&second)).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let next = refresh(&server, second["refresh_token"].as_str().unwrap()).await;
    assert_eq!(next.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn revoke_ends_the_session_and_accepts_empty_or_unknown_tokens() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let revoke = |form: Vec<(&'static str, String)>| {
        let request = server.http.post(server.url("/restapi/oauth/revoke"));
        request.basic_auth(APP, Some(APP_SECRET)).form(&form).send()
    };

    assert_eq!(
        revoke(vec![("token", String::new())])
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(
        revoke(vec![("token", "unknown".into())])
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    assert_eq!(server.get(ME, &token).await.status(), StatusCode::OK);

    assert_eq!(
        revoke(vec![("token", token.clone())])
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    let after = server.get(ME, &token).await;
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(after).await, "OAU-129");
}

#[tokio::test]
async fn expired_access_token_is_401_oau_128() {
    let server = TestServer::start_with(|c| c.tokens.access_ttl_min = 1).await;
    let form = [
        ("grant_type", "password"),
        ("username", "101"),
        ("password", PASSWORD),
        ("access_token_ttl", "1"),
    ];
    let info: Value = server.token(APP, &form).await.json().await.unwrap();
    assert_eq!(info["expires_in"], 1);

    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    let response = server.get(ME, &access(&info)).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(response).await, "OAU-128");
}

#[tokio::test]
async fn missing_authorization_is_401_and_the_bearer_scheme_is_case_insensitive() {
    let server = TestServer::start().await;
    let missing = server.http.get(server.url(ME)).send().await.unwrap();
    assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(missing).await, "CMN-405");

    let token = server.admin_token().await;
    let lower = server
        .http
        .get(server.url(ME))
        .header("authorization", format!("bearer {token}"));
    assert_eq!(lower.send().await.unwrap().status(), StatusCode::OK);

    let garbage = server.get(ME, "not-a-token").await;
    assert_eq!(error_code(garbage).await, "OAU-129");
}

#[tokio::test]
async fn token_endpoint_refuses_json_bodies_with_415() {
    let server = TestServer::start().await;
    let response = server
        .http
        .post(server.url("/restapi/oauth/token"))
        .basic_auth(APP, Some(APP_SECRET))
        .json(&serde_json::json!({"grant_type": "password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn token_endpoint_is_throttled_in_the_auth_group() {
    let server = TestServer::start_with(|c| c.rate_limits.auth = 2).await;
    let form = [
        ("grant_type", "password"),
        ("username", "101"),
        ("password", PASSWORD),
    ];
    for _ in 0..2 {
        let ok = server.token(APP, &form).await;
        assert_eq!(ok.status(), StatusCode::OK);
        assert_eq!(ok.headers()["x-rate-limit-group"], "auth");
    }
    let refused = server.token(APP, &form).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(error_code(refused).await, "CMN-301");
}
