//! Directory, business hours, answering rules, forwarding numbers, call log
//! and message store.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

async fn user_token(server: &TestServer) -> String {
    access(&server.login(APP, "102").await)
}

#[tokio::test]
async fn directory_lists_enabled_extensions_as_contacts() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let body: Value = server
        .get(
            "/restapi/v1.0/account/~/directory/entries?perPage=100",
            &token,
        )
        .await
        .json()
        .await
        .unwrap();
    let records = body["records"].as_array().unwrap();
    assert_eq!(records.len(), 8, "the disabled 103 is left out");
    assert_eq!(records[0]["id"], "11");
    assert_eq!(records[0]["firstName"], "Ext");
    assert_eq!(records[0]["account"]["id"], "1");
}

#[tokio::test]
async fn user_business_hours_fall_back_to_the_company_and_can_be_set() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let path = "/restapi/v1.0/account/~/extension/~/business-hours";
    let before: Value = server.get(path, &token).await.json().await.unwrap();
    assert_eq!(
        before["schedule"]["weeklyRanges"]["monday"][0]["from"],
        "09:00"
    );
    assert_eq!(
        before["uri"],
        server.url("/restapi/v1.0/account/1/extension/12/business-hours")
    );

    let hours =
        json!({"schedule": {"weeklyRanges": {"friday": [{"from": "10:00", "to": "12:00"}]}}});
    let response = server.put_json(path, &token, &hours).await;
    assert_eq!(response.status(), StatusCode::OK);
    let after: Value = server.get(path, &token).await.json().await.unwrap();
    assert_eq!(
        after["schedule"]["weeklyRanges"]["friday"][0]["to"],
        "12:00"
    );
    assert!(after["schedule"]["weeklyRanges"].get("monday").is_none());
}

#[tokio::test]
async fn company_business_hours_are_changed_by_admins_only() {
    let server = TestServer::start().await;
    let path = "/restapi/v1.0/account/~/business-hours";
    let hours =
        json!({"schedule": {"weeklyRanges": {"sunday": [{"from": "08:00", "to": "09:00"}]}}});
    let user = server
        .put_json(path, &user_token(&server).await, &hours)
        .await;
    assert_eq!(user.status(), StatusCode::FORBIDDEN);
    assert_eq!(error_code(user).await, "CMN-402");

    let admin = server
        .put_json(path, &server.admin_token().await, &hours)
        .await;
    assert_eq!(admin.status(), StatusCode::OK);
}

#[tokio::test]
async fn answering_rules_list_and_read_with_uris() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let base = "/restapi/v1.0/account/~/extension/~/answering-rule";
    let list: Value = server.get(base, &token).await.json().await.unwrap();
    assert_eq!(list["records"][0]["id"], "business-hours-rule");
    let uri = server.url("/restapi/v1.0/account/1/extension/12/answering-rule/business-hours-rule");
    assert_eq!(list["records"][0]["uri"], uri);

    let one: Value = server
        .get(&format!("{base}/business-hours-rule"), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(one["callHandlingAction"], "ForwardCalls");
    let missing = server
        .get(&format!("{base}/after-hours-rule"), &token)
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn forwarding_numbers_are_private_to_their_owner_and_admins() {
    let server = TestServer::start().await;
    let path = "/restapi/v1.0/account/~/extension/12/forwarding-number";
    let own: Value = server
        .get(path, &user_token(&server).await)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(own["records"][0]["type"], "Mobile");

    let other = access(&server.login(APP, "101").await);
    assert_eq!(server.get(path, &other).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn call_log_defaults_to_the_last_day_and_filters_by_direction() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let path = "/restapi/v1.0/account/~/extension/~/call-log";
    let recent: Value = server.get(path, &token).await.json().await.unwrap();
    assert_eq!(recent["paging"]["totalElements"], 2);
    assert_eq!(recent["records"][0]["id"], "c1", "newest first");
    assert_eq!(recent["records"][0]["action"], "Phone Call");

    let from = hours_ago(100);
    let query = [("dateFrom", from.as_str()), ("direction", "Inbound")];
    let url = server.url(path);
    let inbound = server
        .http
        .get(url)
        .query(&query)
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    let inbound: Value = inbound.json().await.unwrap();
    let ids: Vec<&str> = inbound["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["c1", "c3"]);
}

#[tokio::test]
async fn company_call_log_needs_an_admin() {
    let server = TestServer::start().await;
    let path = "/restapi/v1.0/account/~/call-log";
    let refused = server.get(path, &user_token(&server).await).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let admin: Value = server
        .get(path, &server.admin_token().await)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(admin["paging"]["totalElements"], 2);
}

#[tokio::test]
async fn message_store_lists_voicemail_and_refuses_bad_filters() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let path = "/restapi/v1.0/account/~/extension/~/message-store?messageType=VoiceMail";
    let body: Value = server.get(path, &token).await.json().await.unwrap();
    assert_eq!(body["records"][0]["id"], 7);
    assert_eq!(body["records"][0]["readStatus"], "Unread");
    let uri = server.url("/restapi/v1.0/account/1/extension/12/message-store/7");
    assert_eq!(body["records"][0]["uri"], uri);

    let bad = server.get(
        "/restapi/v1.0/account/~/extension/~/message-store?dateFrom=soon",
        &token,
    );
    assert_eq!(error_code(bad.await).await, "CMN-101");

    let admin_reads_other: StatusCode = server
        .get(
            "/restapi/v1.0/account/~/extension/12/message-store",
            &server.admin_token().await,
        )
        .await
        .status();
    assert_eq!(admin_reads_other, StatusCode::OK);
    let other = server
        .get("/restapi/v1.0/account/~/extension/11/message-store", &token)
        .await;
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_voicemail_is_read_and_marked_read() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let path = "/restapi/v1.0/account/~/extension/~/message-store/7";
    let message: Value = server.get(path, &token).await.json().await.unwrap();
    assert_eq!(message["type"], "VoiceMail");
    assert_eq!(
        message["uri"],
        server.url("/restapi/v1.0/account/1/extension/12/message-store/7")
    );

    let read = server
        .put_json(path, &token, &json!({"readStatus": "Read"}))
        .await;
    assert_eq!(read.json::<Value>().await.unwrap()["readStatus"], "Read");
    let again: Value = server.get(path, &token).await.json().await.unwrap();
    assert_eq!(again["readStatus"], "Read");

    let bad = server
        .put_json(path, &token, &json!({"readStatus": "Skimmed"}))
        .await;
    assert_eq!(error_code(bad).await, "CMN-101");
    let missing = server
        .get(
            "/restapi/v1.0/account/~/extension/~/message-store/8",
            &token,
        )
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
