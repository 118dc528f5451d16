//! The resource endpoints, field by field against the spec's names.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn api_versions_are_open_and_carry_absolute_uris() {
    let server = TestServer::start().await;
    let list: Value = server
        .http
        .get(server.url("/restapi"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["uri"], server.url("/restapi"));
    assert_eq!(list["apiVersions"][0]["uriString"], "v1.0");

    let v1: Value = server
        .http
        .get(server.url("/restapi/v1.0"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v1["uri"], server.url("/restapi/v1.0"));
    assert!(v1["versionString"].as_str().unwrap().starts_with("1.0"));
}

#[tokio::test]
async fn account_info_resolves_tilde() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let body: Value = server
        .get("/restapi/v1.0/account/~", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(body["id"], ACCOUNT);
    assert_eq!(body["uri"], server.url("/restapi/v1.0/account/1"));
    assert_eq!(body["mainNumber"], MAIN_NUMBER);
    assert_eq!(body["operator"]["id"], ADMIN);
    assert_eq!(body["status"], "Confirmed");
    assert_eq!(body["regionalSettings"]["timezone"]["name"], "Europe/Paris");
}

#[tokio::test]
async fn extension_list_filters_by_number_status_and_type() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let list = |query: &'static str| {
        let path = format!("/restapi/v1.0/account/~/extension?{query}");
        let token = token.clone();
        let server = &server;
        async move {
            server
                .get(&path, &token)
                .await
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let numbers = |body: &Value| -> Vec<String> {
        let records = body["records"].as_array().unwrap();
        records
            .iter()
            .map(|r| r["extensionNumber"].as_str().unwrap().to_owned())
            .collect()
    };

    assert_eq!(numbers(&list("extensionNumber=102").await), ["102"]);
    assert_eq!(numbers(&list("status=Disabled").await), ["103"]);
    assert_eq!(
        numbers(&list("type=User&type=IvrMenu&status=Enabled").await),
        ["101", "102", "200"]
    );

    let record = &list("extensionNumber=200").await["records"][0];
    assert_eq!(record["type"], "IvrMenu");
    assert_eq!(
        record["uri"],
        server.url("/restapi/v1.0/account/1/extension/20")
    );
}

#[tokio::test]
async fn extension_list_refuses_an_unknown_status() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let response = server
        .get("/restapi/v1.0/account/~/extension?status=Sleeping", &token)
        .await;
    assert_eq!(error_code(response).await, "CMN-101");
}

#[tokio::test]
async fn read_extension_by_tilde_and_by_id() {
    let server = TestServer::start().await;
    let token = access(&server.login(APP, "102").await);
    let me: Value = server
        .get("/restapi/v1.0/account/~/extension/~", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], USER);
    assert_eq!(me["extensionNumber"], "102");
    assert_eq!(me["account"]["id"], "1");
    assert_eq!(me["contact"]["email"], "x102@example.com");
    assert_eq!(me["permissions"]["admin"]["enabled"], false);
    assert_eq!(me["type"], "User");
    assert_eq!(me["status"], "Enabled");

    let other = server
        .get("/restapi/v1.0/account/1/extension/11", &token)
        .await;
    assert_eq!(other.status(), StatusCode::OK);
}

#[tokio::test]
async fn update_extension_changes_own_contact_but_not_anothers() {
    let server = TestServer::start().await;
    let token = access(&server.login(APP, "102").await);
    let body = json!({"contact": {"firstName": "Grace", "company": "Acme"}});
    let response = server
        .put_json("/restapi/v1.0/account/~/extension/~", &token, &body)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let updated: Value = response.json().await.unwrap();
    assert_eq!(updated["contact"]["firstName"], "Grace");
    assert_eq!(updated["contact"]["lastName"], "102");
    assert_eq!(updated["name"], "Grace 102");

    let foreign = server
        .put_json("/restapi/v1.0/account/~/extension/11", &token, &body)
        .await;
    assert_eq!(foreign.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(foreign).await, "CMN-404");
}

#[tokio::test]
async fn disabling_an_extension_ends_its_sessions_and_bad_numbers_are_refused() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let user_token = access(&server.login(APP, "102").await);
    let path = "/restapi/v1.0/account/~/extension/12";
    let response = server
        .put_json(path, &token, &json!({"status": "Disabled"}))
        .await;
    assert_eq!(
        response.json::<Value>().await.unwrap()["status"],
        "Disabled"
    );
    // The disabled user's sessions end with it.
    let me = server
        .get("/restapi/v1.0/account/~/extension/~", &user_token)
        .await;
    assert_eq!(me.status(), StatusCode::UNAUTHORIZED);

    let bad = server
        .put_json(path, &token, &json!({"extensionNumber": "12a"}))
        .await;
    assert_eq!(error_code(bad).await, "CMN-101");
}

#[tokio::test]
async fn a_user_cannot_disable_their_own_extension() {
    let server = TestServer::start().await;
    let user_token = access(&server.login(APP, "102").await);
    let path = "/restapi/v1.0/account/~/extension/~";

    let refused = server
        .put_json(path, &user_token, &json!({"status": "Disabled"}))
        .await;

    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(refused).await, "CMN-402");
    let me = server.get(path, &user_token).await;
    assert_eq!(me.json::<Value>().await.unwrap()["status"], "Enabled");
}

#[tokio::test]
async fn presence_reads_and_sets_do_not_disturb() {
    let server = TestServer::start().await;
    let token = access(&server.login(APP, "102").await);
    let path = "/restapi/v1.0/account/~/extension/~/presence";
    let before: Value = server.get(path, &token).await.json().await.unwrap();
    assert_eq!(before["dndStatus"], "TakeAllCalls");
    assert_eq!(before["userStatus"], "Available");
    // No phone is registered, so others see the user offline.
    assert_eq!(before["presenceStatus"], "Offline");
    assert_eq!(before["extension"]["extensionNumber"], "102");
    assert_eq!(
        before["uri"],
        server.url("/restapi/v1.0/account/1/extension/12/presence")
    );

    let body = json!({"dndStatus": "DoNotAcceptAnyCalls", "message": "Focus"});
    let after: Value = server
        .put_json(path, &token, &body)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(after["dndStatus"], "DoNotAcceptAnyCalls");
    assert_eq!(
        server
            .get(path, &token)
            .await
            .json::<Value>()
            .await
            .unwrap()["message"],
        "Focus"
    );

    let bad = server
        .put_json(path, &token, &json!({"dndStatus": "Maybe"}))
        .await;
    assert_eq!(error_code(bad).await, "CMN-101");
}

#[tokio::test]
async fn phone_numbers_list_filters_by_usage_type() {
    let server = TestServer::start().await;
    let token = server.admin_token().await;
    let all: Value = server
        .get("/restapi/v1.0/account/~/phone-number", &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(all["paging"]["totalElements"], 2);

    let path = "/restapi/v1.0/account/~/phone-number?usageType=DirectNumber";
    let direct: Value = server.get(path, &token).await.json().await.unwrap();
    let record = &direct["records"][0];
    assert_eq!(record["phoneNumber"], "+16505550102");
    assert_eq!(record["extension"]["id"], USER);
    assert_eq!(direct["paging"]["totalElements"], 1);
}

#[tokio::test]
async fn an_extension_lists_its_own_numbers() {
    let server = TestServer::start().await;
    let token = access(&server.login(APP, "102").await);
    let path = "/restapi/v1.0/account/~/extension/~/phone-number";
    let body: Value = server.get(path, &token).await.json().await.unwrap();
    assert_eq!(body["paging"]["totalElements"], 1);
    assert_eq!(body["records"][0]["usageType"], "DirectNumber");
    assert_eq!(body["records"][0]["features"][0], "CallerId");
}
