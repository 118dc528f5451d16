//! Changing call handling (answering rules of users and of the company,
//! forwarding numbers), voicemail downloads and deletes, single call log
//! records and calls in progress.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

const RULES: &str = "/restapi/v1.0/account/~/extension/~/answering-rule";
const NUMBERS: &str = "/restapi/v1.0/account/~/extension/~/forwarding-number";
const COMPANY_RULES: &str = "/restapi/v1.0/account/~/answering-rule";
const VOICEMAIL: &str = "/restapi/v1.0/account/~/extension/~/message-store/7";

async fn user_token(server: &TestServer) -> String {
    access(&server.login(APP, "102").await)
}

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON body")
}

#[tokio::test]
async fn a_custom_rule_is_created_changed_and_deleted() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let rule = json!({"type": "Custom", "name": "Boss", "enabled": true,
        "callers": [{"callerId": "+15550009999"}], "callHandlingAction": "TakeMessagesOnly"});
    let created = server.post_json(RULES, &token, &rule).await;
    assert_eq!(created.status(), StatusCode::OK);
    let created = json_of(created).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert!(
        id.parse::<u64>().is_ok(),
        "custom rules get numeric ids: {id}"
    );
    let uri = format!("/restapi/v1.0/account/1/extension/12/answering-rule/{id}");
    assert_eq!(created["uri"], server.url(&uri));
    assert_eq!(created["callers"][0]["callerId"], "+15550009999");

    let one = format!("{RULES}/{id}");
    let change = json!({"enabled": false, "name": "Boss (away)"});
    let changed = json_of(server.put_json(&one, &token, &change).await).await;
    assert_eq!(changed["enabled"], false);
    assert_eq!(changed["callHandlingAction"], "TakeMessagesOnly", "kept");

    let list = json_of(server.get(&format!("{RULES}?type=Custom"), &token).await).await;
    assert_eq!(list["records"][0]["name"], "Boss (away)");
    let deleted = server.delete(&one, &token).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server.get(&one, &token).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_business_hours_rule_takes_a_new_action_but_keeps_its_kind() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let one = format!("{RULES}/business-hours-rule");
    let change = json!({"callHandlingAction": "UnconditionalForwarding",
        "unconditionalForwarding": {"phoneNumber": "+15551230000"}});
    let changed = json_of(server.put_json(&one, &token, &change).await).await;
    assert_eq!(changed["callHandlingAction"], "UnconditionalForwarding");
    assert_eq!(changed["type"], "BusinessHours");

    let retype = server
        .put_json(&one, &token, &json!({"type": "Custom"}))
        .await;
    assert_eq!(error_code(retype).await, "CMN-101");
    let deleted = server.delete(&one, &token).await;
    assert_eq!(deleted.status(), StatusCode::BAD_REQUEST);
    assert_eq!(error_code(deleted).await, "CMN-101");
}

#[tokio::test]
async fn rule_requests_get_ringcentral_validation_codes() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let cases = [
        (
            json!({"type": "Custom", "schedule": {"ref": "AfterHours"}}),
            "CMN-100",
            "name",
        ),
        (
            json!({"name": "x", "schedule": {"ref": "AfterHours"}}),
            "CMN-100",
            "type",
        ),
        (
            json!({"type": "BusinessHours", "name": "x"}),
            "CMN-101",
            "type",
        ),
        (
            json!({"type": "Custom", "name": "x"}),
            "CMN-100",
            "schedule",
        ),
        (
            json!({"type": "Custom", "name": "x", "calledNumbers": [{"phoneNumber": MAIN_NUMBER}]}),
            "CMN-101",
            "calledNumbers",
        ),
        (
            json!({"type": "Custom", "name": "x", "schedule": {"ref": "AfterHours"},
                "callHandlingAction": "Teleport"}),
            "CMN-101",
            "callHandlingAction",
        ),
        (
            json!({"type": "Custom", "name": "x", "schedule": {"ref": "AfterHours"},
                "callHandlingAction": "UnconditionalForwarding"}),
            "CMN-100",
            "unconditionalForwarding",
        ),
        (
            json!({"type": "Custom", "name": "x", "schedule": {"ref": "AfterHours"},
                "callHandlingAction": "TransferToExtension",
                "transfer": {"extension": {"id": "999"}}}),
            "CMN-101",
            "transfer",
        ),
    ];
    for (body, code, parameter) in cases {
        let response = server.post_json(RULES, &token, &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error = json_of(response).await;
        assert_eq!(error["errorCode"], code, "{body}");
        assert_eq!(error["errors"][0]["parameterName"], parameter, "{body}");
    }
}

#[tokio::test]
async fn forwarding_steps_name_stored_numbers_and_get_their_details() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let one = format!("{RULES}/business-hours-rule");
    let step = |id: &str| {
        json!({"forwarding": {"ringingMode": "Sequentially", "rules": [{"index": 1,
            "ringCount": 3, "enabled": true, "forwardingNumbers": [{"id": id}]}]}})
    };
    let changed = json_of(server.put_json(&one, &token, &step("1")).await).await;
    let number = &changed["forwarding"]["rules"][0]["forwardingNumbers"][0];
    assert_eq!(number["phoneNumber"], "+15551230000");
    assert_eq!(number["type"], "Mobile");

    let unknown = server.put_json(&one, &token, &step("404")).await;
    assert_eq!(error_code(unknown).await, "CMN-101");

    let in_use = server.delete(&format!("{NUMBERS}/1"), &token).await;
    assert_eq!(
        error_code(in_use).await,
        "CMN-101",
        "the rule still rings it"
    );

    let new_mobile = json!({"phoneNumber": "+15551239999"});
    server
        .put_json(&format!("{NUMBERS}/1"), &token, &new_mobile)
        .await;
    let rule = json_of(server.get(&one, &token).await).await;
    let number = &rule["forwarding"]["rules"][0]["forwardingNumbers"][0];
    assert_eq!(
        number["phoneNumber"], "+15551239999",
        "the number as it is now"
    );
}

#[tokio::test]
async fn company_rules_are_read_by_users_and_changed_by_admins() {
    let server = TestServer::start().await;
    let (user, admin) = (user_token(&server).await, server.admin_token().await);
    let list = json_of(server.get(COMPANY_RULES, &user).await).await;
    assert_eq!(list["records"][0]["id"], "business-hours-rule");
    assert_eq!(list["records"][0]["extension"]["id"], "20");

    let rule = json!({"type": "Custom", "name": "Holiday", "callHandlingAction": "Bypass",
        "calledNumbers": [{"phoneNumber": MAIN_NUMBER}], "extension": {"id": "12"}});
    let refused = server.post_json(COMPANY_RULES, &user, &rule).await;
    assert_eq!(error_code(refused).await, "CMN-402");
    let created = json_of(server.post_json(COMPANY_RULES, &admin, &rule).await).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(created["extension"]["id"], "12");

    let one = format!("{COMPANY_RULES}/{id}");
    let no_target = json!({"extension": null});
    let refused = server.put_json(&one, &admin, &no_target).await;
    assert_eq!(error_code(refused).await, "CMN-100");
    let disabled = server
        .put_json(&one, &admin, &json!({"enabled": false}))
        .await;
    assert_eq!(json_of(disabled).await["enabled"], false);
    let read = json_of(server.get(&one, &user).await).await;
    assert_eq!(read["name"], "Holiday");
    assert_eq!(
        server.delete(&one, &admin).await.status(),
        StatusCode::NO_CONTENT
    );
    let built_in = format!("{COMPANY_RULES}/business-hours-rule");
    assert_eq!(
        error_code(server.delete(&built_in, &admin).await).await,
        "CMN-101"
    );
}

#[tokio::test]
async fn forwarding_numbers_are_created_changed_and_deleted() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let body = json!({"phoneNumber": "+15557770000", "label": "Home", "type": "Home"});
    let created = json_of(server.post_json(NUMBERS, &token, &body).await).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["type"], "Home");

    let one = format!("{NUMBERS}/{id}");
    let changed = server
        .put_json(&one, &token, &json!({"label": "Cabin"}))
        .await;
    let changed = json_of(changed).await;
    assert_eq!(changed["label"], "Cabin");
    assert_eq!(changed["phoneNumber"], "+15557770000");
    assert_eq!(
        json_of(server.get(&one, &token).await).await["label"],
        "Cabin"
    );

    let bad = json!({"phoneNumber": "call me"});
    assert_eq!(
        error_code(server.post_json(NUMBERS, &token, &bad).await).await,
        "CMN-101"
    );
    let no_number = server
        .post_json(NUMBERS, &token, &json!({"label": "x"}))
        .await;
    assert_eq!(error_code(no_number).await, "CMN-100");

    assert_eq!(
        server.delete(&one, &token).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        server.get(&one, &token).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn bulk_delete_of_forwarding_numbers_is_all_or_nothing() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let bulk = |ids: &[&str]| {
        let records: Vec<Value> = ids
            .iter()
            .map(|id| json!({"forwardingNumberId": id}))
            .collect();
        server
            .http
            .delete(server.url(NUMBERS))
            .bearer_auth(&token)
            .json(&json!({ "records": records }))
            .send()
    };
    let refused = bulk(&["1", "404"]).await.unwrap();
    assert_eq!(error_code(refused).await, "CMN-101");
    let kept = json_of(server.get(NUMBERS, &token).await).await;
    assert_eq!(kept["records"].as_array().unwrap().len(), 1);

    let done = bulk(&["1"]).await.unwrap();
    assert_eq!(done.status(), StatusCode::NO_CONTENT);
    let left = json_of(server.get(NUMBERS, &token).await).await;
    assert_eq!(left["paging"]["totalElements"], 0);
}

#[tokio::test]
async fn voicemail_audio_downloads_as_stored_with_its_type() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let content = format!("{VOICEMAIL}/content/70");
    let inline = server.get(&content, &token).await;
    assert_eq!(inline.status(), StatusCode::OK);
    assert_eq!(inline.headers()["content-type"], "audio/wav");
    assert_eq!(
        inline.headers()["content-disposition"],
        "inline; filename=\"7-70.wav\""
    );
    assert_eq!(inline.bytes().await.unwrap().as_ref(), VOICEMAIL_WAV);

    let query = "contentDisposition=Attachment&contentDispositionFilename=vm.wav";
    let saved = server.get(&format!("{content}?{query}"), &token).await;
    let disposition = &saved.headers()["content-disposition"];
    assert_eq!(disposition, "attachment; filename=\"vm.wav\"");

    let ranged = |range: &'static str| {
        let url = server.url(&content);
        server
            .http
            .get(url)
            .bearer_auth(&token)
            .header("range", range)
            .send()
    };
    let head = ranged("bytes=0-3").await.unwrap();
    assert_eq!(head.status(), StatusCode::PARTIAL_CONTENT);
    let length = VOICEMAIL_WAV.len();
    assert_eq!(
        head.headers()["content-range"],
        format!("bytes 0-3/{length}").as_str()
    );
    assert_eq!(head.bytes().await.unwrap().as_ref(), b"RIFF");
    let past_the_end = ranged("bytes=4096-").await.unwrap();
    assert_eq!(past_the_end.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(error_code(past_the_end).await, "CMN-107");

    let missing = server.get(&format!("{VOICEMAIL}/content/71"), &token).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    let bad = server
        .get(&format!("{content}?contentDisposition=Save"), &token)
        .await;
    assert_eq!(error_code(bad).await, "CMN-101");
}

#[tokio::test]
async fn a_deleted_voicemail_goes_to_the_trash_then_is_purged_with_its_audio() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    assert_eq!(
        server.delete(VOICEMAIL, &token).await.status(),
        StatusCode::NO_CONTENT
    );
    let trashed = json_of(server.get(VOICEMAIL, &token).await).await;
    assert_eq!(trashed["availability"], "Deleted");

    let purge = server
        .delete(&format!("{VOICEMAIL}?purge=true"), &token)
        .await;
    assert_eq!(purge.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server.get(VOICEMAIL, &token).await.status(),
        StatusCode::NOT_FOUND
    );
    let audio = server.state.blobs.blob("voicemail/12/7.wav").await.unwrap();
    assert!(audio.is_none(), "the recording went with the message");
    let bad = server
        .delete(&format!("{VOICEMAIL}?purge=maybe"), &token)
        .await;
    assert_eq!(error_code(bad).await, "CMN-101");
}

#[tokio::test]
async fn a_call_record_is_read_alone_with_legs_only_in_the_detailed_view() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let path = "/restapi/v1.0/account/~/extension/~/call-log/c3";
    let simple = json_of(server.get(path, &token).await).await;
    assert_eq!(
        simple["id"], "c3",
        "a single record ignores the 24-hour window"
    );
    assert!(simple.get("legs").is_none());
    let detailed = json_of(server.get(&format!("{path}?view=Detailed"), &token).await).await;
    assert_eq!(detailed["legs"][0]["legType"], "PstnToSip");

    let bad = server.get(&format!("{path}?view=Everything"), &token).await;
    assert_eq!(error_code(bad).await, "CMN-101");
    let missing = server.get("/restapi/v1.0/account/~/extension/~/call-log/c9", &token);
    assert_eq!(missing.await.status(), StatusCode::NOT_FOUND);

    let company = "/restapi/v1.0/account/~/call-log/c1";
    assert_eq!(
        server.get(company, &token).await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = server.admin_token().await;
    assert_eq!(json_of(server.get(company, &admin).await).await["id"], "c1");
}

#[tokio::test]
async fn call_log_lists_take_per_page_max_and_filter_by_type() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let path = "/restapi/v1.0/account/~/extension/~/call-log?perPage=max&type=Fax";
    let faxes = json_of(server.get(path, &token).await).await;
    assert_eq!(faxes["paging"]["perPage"], 1000);
    assert_eq!(faxes["paging"]["totalElements"], 0);
}

#[tokio::test]
async fn calls_in_progress_are_listed_for_the_user_and_the_company() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let mine = "/restapi/v1.0/account/~/extension/~/active-calls";
    let calls = json_of(server.get(mine, &token).await).await;
    assert_eq!(calls["records"][0]["result"], "In Progress");
    let outbound = json_of(
        server
            .get(&format!("{mine}?direction=Outbound"), &token)
            .await,
    )
    .await;
    assert_eq!(outbound["paging"]["totalElements"], 0);

    let company = "/restapi/v1.0/account/~/active-calls";
    assert_eq!(
        server.get(company, &token).await.status(),
        StatusCode::FORBIDDEN
    );
    let admin = server.admin_token().await;
    let all = json_of(server.get(company, &admin).await).await;
    assert_eq!(all["records"][0]["id"], "a1");
}

#[tokio::test]
async fn devices_and_their_sip_credentials_are_for_their_user_and_admins() {
    let server = TestServer::start().await;
    let token = user_token(&server).await;
    let list = "/restapi/v1.0/account/~/extension/~/device";
    let devices = json_of(server.get(list, &token).await).await;
    assert_eq!(devices["records"][0]["type"], "HardPhone");
    assert!(devices["records"][0].get("sipInfo").is_none());
    let soft = json_of(server.get(&format!("{list}?type=SoftPhone"), &token).await).await;
    assert_eq!(soft["paging"]["totalElements"], 0);

    let one = "/restapi/v1.0/account/~/device/301";
    let device = json_of(server.get(one, &token).await).await;
    assert_eq!(device["extension"]["id"], USER);
    let sip = json_of(server.get(&format!("{one}/sip-info"), &token).await).await;
    assert_eq!(sip["userName"], "102");
    assert_eq!(sip["authorizationId"], "a102");
    assert_eq!(sip["password"], "Sip-secret1");
    assert_eq!(sip["domain"], "localhost");

    let other = access(&server.login(APP, "101").await);
    assert_eq!(
        server.get(one, &other).await.status(),
        StatusCode::OK,
        "an admin"
    );
    let missing = server
        .get("/restapi/v1.0/account/~/device/999", &token)
        .await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
}
