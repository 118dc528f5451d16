//! RingCentral conventions every endpoint shares: error bodies, scopes,
//! paging, rate limits, CORS.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

const ME: &str = "/restapi/v1.0/account/~/extension/~";

#[tokio::test]
async fn token_without_the_permission_is_403_cmn_401() {
    let server = TestServer::start().await;
    let token = access(&server.login(READONLY_APP, "101").await);
    assert_eq!(server.get(ME, &token).await.status(), StatusCode::OK);

    let presence = server.get(&format!("{ME}/presence"), &token).await;
    assert_eq!(presence.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(presence).await, "CMN-401");
}

#[tokio::test]
async fn requested_scope_narrows_the_token() {
    let server = TestServer::start().await;
    let form = [
        ("grant_type", "password"),
        ("username", "101"),
        ("password", PASSWORD),
        ("scope", "ReadAccounts"),
    ];
    let info: Value = server.token(APP, &form).await.json().await.unwrap();
    assert_eq!(info["scope"], "ReadAccounts");
    let presence = server.get(&format!("{ME}/presence"), &access(&info)).await;
    assert_eq!(presence.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn malformed_json_is_400_cmn_103() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let response = server
        .http
        .put(server.url(&format!("{ME}/presence")))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"dndStatus\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["errorCode"], "CMN-103");
    // The parser's own words stay in the log.
    assert!(!body.to_string().contains("EOF"), "{body}");
}

#[tokio::test]
async fn json_of_the_wrong_type_is_400() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let body = json!({"allowSeeMyPresence": "yes"});
    let response = server
        .put_json(&format!("{ME}/presence"), &token, &body)
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(response).await, "CMN-103");
}

#[tokio::test]
async fn body_in_another_content_type_is_415() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let response = server
        .http
        .put(server.url(&format!("{ME}/presence")))
        .bearer_auth(&token)
        .header("content-type", "text/plain")
        .body("dndStatus=TakeAllCalls")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(response).await, "CMN-104");
}

#[tokio::test]
async fn body_over_the_limit_is_413() {
    let server = TestServer::start_with(|c| c.max_body_bytes = 300).await;
    let token = server.admin_token().await;
    let body = json!({"message": "x".repeat(1000)});
    let response = server
        .put_json(&format!("{ME}/presence"), &token, &body)
        .await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn unknown_extension_is_404_cmn_102() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let response = server
        .get("/restapi/v1.0/account/~/extension/999", &token)
        .await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["errorCode"], "CMN-102");
    assert_eq!(body["errors"][0]["parameterName"], "extensionId");
}

#[tokio::test]
async fn another_account_is_not_found() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let response = server.get("/restapi/v1.0/account/2", &token).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_path_and_wrong_method_get_rc_error_bodies() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let unknown = server.get("/restapi/v1.0/nowhere", &token).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert!(unknown.json::<Value>().await.unwrap()["errors"].is_array());

    let delete = server
        .http
        .delete(server.url("/restapi/v1.0/account/~"))
        .bearer_auth(&token);
    let delete = delete.send().await.unwrap();
    assert_eq!(delete.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert!(delete.json::<Value>().await.unwrap()["errors"].is_array());
}

#[tokio::test]
async fn paging_envelope_splits_nine_extensions_into_pages_of_four() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let path = "/restapi/v1.0/account/~/extension?perPage=4&page=2";
    let body: Value = server.get(path, &token).await.json().await.unwrap();

    assert_eq!(body["records"].as_array().unwrap().len(), 4);
    let paging = &body["paging"];
    assert_eq!(paging["page"], 2);
    assert_eq!(paging["perPage"], 4);
    assert_eq!(paging["pageStart"], 4);
    assert_eq!(paging["pageEnd"], 7);
    assert_eq!(paging["totalPages"], 3);
    assert_eq!(paging["totalElements"], 9);

    let base = format!("{}/restapi/v1.0/account/{ACCOUNT}/extension", server.base);
    assert_eq!(body["uri"], format!("{base}?page=2&perPage=4"));
    let nav = &body["navigation"];
    assert_eq!(nav["firstPage"]["uri"], format!("{base}?page=1&perPage=4"));
    assert_eq!(
        nav["previousPage"]["uri"],
        format!("{base}?page=1&perPage=4")
    );
    assert_eq!(nav["nextPage"]["uri"], format!("{base}?page=3&perPage=4"));
    assert_eq!(nav["lastPage"]["uri"], format!("{base}?page=3&perPage=4"));
}

#[tokio::test]
async fn page_past_the_end_is_empty_without_position_fields() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let path = "/restapi/v1.0/account/~/extension?perPage=4&page=9";
    let body: Value = server.get(path, &token).await.json().await.unwrap();
    assert_eq!(body["records"], json!([]));
    assert!(body["paging"].get("page").is_none());
    assert!(body["paging"].get("pageStart").is_none());
    assert!(body["navigation"].get("nextPage").is_none());
}

#[tokio::test]
async fn per_page_over_1000_is_400_cmn_101() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let response = server
        .get("/restapi/v1.0/account/~/extension?perPage=1001", &token)
        .await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(response).await, "CMN-101");
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after_and_headers() {
    let server = TestServer::start_with(|c| c.rate_limits.light = 2).await;
    let token = server.admin_token().await;

    let first = server.get(ME, &token).await;
    assert_eq!(first.headers()["x-rate-limit-group"], "light");
    assert_eq!(first.headers()["x-rate-limit-limit"], "2");
    assert_eq!(first.headers()["x-rate-limit-remaining"], "1");
    assert_eq!(first.headers()["x-rate-limit-window"], "60");
    assert_eq!(server.get(ME, &token).await.status(), StatusCode::OK);

    let refused = server.get(ME, &token).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry));
    assert_eq!(refused.headers()["x-rate-limit-remaining"], "0");
    assert_eq!(error_code(refused).await, "CMN-301");

    // Other groups keep their own budget.
    let list = server
        .get("/restapi/v1.0/account/~/extension", &token)
        .await;
    assert_eq!(list.status(), StatusCode::OK);
}

#[tokio::test]
async fn cors_preflight_echoes_an_allowed_origin_with_credentials() {
    let origin = "https://app.example.com";
    let server = TestServer::start_with(|c| c.cors_allowed_origins = vec![origin.into()]).await;
    let preflight = server
        .http
        .request(Method::OPTIONS, server.url(ME))
        .header("origin", origin)
        .header("access-control-request-method", "GET")
        .header(
            "access-control-request-headers",
            "authorization,x-user-agent",
        )
        .send()
        .await
        .unwrap();
    assert!(preflight.status().is_success());
    let headers = preflight.headers();
    assert_eq!(headers["access-control-allow-origin"], origin);
    assert_eq!(headers["access-control-allow-credentials"], "true");

    let token = server.admin_token().await;
    let get = server
        .http
        .get(server.url(ME))
        .bearer_auth(&token)
        .header("origin", origin);
    let get = get.send().await.unwrap();
    let exposed = get.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("retry-after") && exposed.contains("x-rate-limit-remaining"));

    let stranger = server
        .http
        .get(server.url(ME))
        .header("origin", "https://evil.example");
    let stranger = stranger.send().await.unwrap();
    assert!(
        stranger
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );
}

#[tokio::test]
async fn serve_stops_when_the_shutdown_future_completes() {
    let config = switchboard_api::ApiConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..Default::default()
    };
    let backend = seed();
    let state = switchboard_api::AppState::new(config.clone(), backend.clone(), backend).unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let shutdown = async {
            let _ = stopped.await;
        };
        switchboard_api::serve(&config, state, shutdown).await
    });
    stop.send(()).unwrap();
    server.await.unwrap().expect("clean shutdown");
}

#[tokio::test]
async fn serve_refuses_a_certificate_without_its_key() {
    let config = switchboard_api::ApiConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        tls_cert: Some("/tmp/cert.pem".into()),
        ..Default::default()
    };
    let backend = seed();
    let state = switchboard_api::AppState::new(config.clone(), backend.clone(), backend).unwrap();
    let result = switchboard_api::serve(&config, state, std::future::pending()).await;
    assert!(matches!(
        result,
        Err(switchboard_api::ServeError::HalfTlsConfig)
    ));
}
