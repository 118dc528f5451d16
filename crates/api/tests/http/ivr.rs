//! IVR menus and the prompts they play: uploads, downloads, menu changes.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

const MENUS: &str = "/restapi/v1.0/account/~/ivr-menus";
const PROMPTS: &str = "/restapi/v1.0/account/~/ivr-prompts";
const GREETING: &[u8] = b"RIFF\x24\x00\x00\x00WAVEfmt greeting";

async fn json_of(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON body")
}

/// Uploads `bytes` as a prompt named `name` from `file` of `content_type`.
async fn upload(
    server: &TestServer,
    token: &str,
    file: &str,
    content_type: &str,
) -> reqwest::Response {
    let (multipart, body) = prompt_upload("Welcome", file, content_type, GREETING);
    server
        .http
        .post(server.url(PROMPTS))
        .bearer_auth(token)
        .header("content-type", multipart)
        .body(body)
        .send()
        .await
        .expect("upload")
}

#[tokio::test]
async fn a_prompt_is_uploaded_downloaded_renamed_and_deleted() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let created = upload(&server, &admin, "welcome.wav", "audio/wav").await;
    assert_eq!(created.status(), StatusCode::OK);
    let created = json_of(created).await;
    assert_eq!(created["contentType"], "audio/wav");
    assert_eq!(created["filename"], "welcome.wav");
    let id = created["id"].as_str().unwrap().to_owned();
    let uri = server.url(&format!("/restapi/v1.0/account/1/ivr-prompts/{id}"));
    assert_eq!(created["contentUri"], format!("{uri}/content"));

    let one = format!("{PROMPTS}/{id}");
    let audio = server.get(&format!("{one}/content"), &admin).await;
    assert_eq!(audio.headers()["content-type"], "audio/wav");
    assert_eq!(audio.bytes().await.unwrap().as_ref(), GREETING);

    let renamed = server
        .put_json(&one, &admin, &json!({"filename": "hello.wav"}))
        .await;
    assert_eq!(json_of(renamed).await["filename"], "hello.wav");
    let list = json_of(server.get(PROMPTS, &admin).await).await;
    assert_eq!(list["records"][0]["filename"], "hello.wav");

    assert_eq!(
        server.delete(&one, &admin).await.status(),
        StatusCode::NO_CONTENT
    );
    let gone = server.get(&format!("{one}/content"), &admin).await;
    assert_eq!(gone.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn prompt_uploads_take_wav_and_mp3_only_from_admins() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let guessed = upload(&server, &admin, "song.mp3", "application/octet-stream").await;
    assert_eq!(json_of(guessed).await["contentType"], "audio/mpeg");
    let text = upload(&server, &admin, "notes.txt", "text/plain").await;
    assert_eq!(error_code(text).await, "CMN-101");

    let user = access(&server.login(APP, "102").await);
    let refused = upload(&server, &user, "welcome.wav", "audio/wav").await;
    assert_eq!(error_code(refused).await, "CMN-402");
    let json_body = server
        .post_json(PROMPTS, &admin, &json!({"name": "x"}))
        .await;
    assert_eq!(json_body.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn a_menu_is_created_with_its_extension_and_changed() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let prompt = json_of(upload(&server, &admin, "main.wav", "audio/wav").await).await;
    let menu = json!({"name": "Sales", "extensionNumber": "210", "promptRepeatCount": 1,
        "prompt": {"mode": "Audio", "audio": {"id": prompt["id"]}},
        "actions": [{"input": "1", "action": "Connect", "extension": {"id": "12"}},
            {"input": "Star", "action": "DialByName"}]});
    let created = json_of(server.post_json(MENUS, &admin, &menu).await).await;
    let id = created["id"].as_str().unwrap().to_owned();
    assert_eq!(created["actions"][0]["extension"]["id"], "12");
    let prompt_uri = server.url(&format!(
        "/restapi/v1.0/account/1/ivr-prompts/{}",
        prompt["id"].as_str().unwrap()
    ));
    assert_eq!(created["prompt"]["audio"]["uri"], prompt_uri);

    let ext = json_of(
        server
            .get(&format!("/restapi/v1.0/account/~/extension/{id}"), &admin)
            .await,
    )
    .await;
    assert_eq!(ext["type"], "IvrMenu");
    assert_eq!(ext["extensionNumber"], "210");

    let one = format!("{MENUS}/{id}");
    let renamed = server
        .put_json(&one, &admin, &json!({"name": "Sales desk"}))
        .await;
    assert_eq!(json_of(renamed).await["name"], "Sales desk");
    let list = json_of(server.get(MENUS, &admin).await).await;
    assert_eq!(list["paging"]["totalElements"], 2);
    let prompt_path = format!("{PROMPTS}/{}", prompt["id"].as_str().unwrap());
    let in_use = server.delete(&prompt_path, &admin).await;
    assert_eq!(
        error_code(in_use).await,
        "CMN-101",
        "the menu still plays it"
    );
}

#[tokio::test]
async fn menu_requests_get_ringcentral_validation_codes() {
    let server = TestServer::start().await;
    let admin = server.admin_token().await;
    let cases = [
        (json!({"name": "x"}), "CMN-100", "extensionNumber"),
        (
            json!({"extensionNumber": "102"}),
            "CMN-101",
            "extensionNumber",
        ),
        (
            json!({"extensionNumber": "2a"}),
            "CMN-101",
            "extensionNumber",
        ),
        (
            json!({"extensionNumber": "211", "promptRepeatCount": 4}),
            "CMN-101",
            "promptRepeatCount",
        ),
        (
            json!({"extensionNumber": "211", "prompt": {"mode": "Audio", "audio": {"id": "9"}}}),
            "CMN-101",
            "prompt",
        ),
        (
            json!({"extensionNumber": "211", "actions": [
                {"input": "1", "action": "Connect", "extension": {"id": "999"}}]}),
            "CMN-101",
            "actions",
        ),
        (
            json!({"extensionNumber": "211", "actions": [{"input": "1", "action": "Repeat"},
                {"input": "1", "action": "Disconnect"}]}),
            "CMN-101",
            "actions",
        ),
        (
            json!({"extensionNumber": "211", "actions": [{"input": "#", "action": "Repeat"}]}),
            "CMN-101",
            "actions",
        ),
    ];
    for (body, code, parameter) in cases {
        let response = server.post_json(MENUS, &admin, &body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body}");
        let error = json_of(response).await;
        assert_eq!(error["errorCode"], code, "{body}");
        assert_eq!(error["errors"][0]["parameterName"], parameter, "{body}");
    }
    let user = access(&server.login(APP, "102").await);
    let seeded = json_of(server.get(&format!("{MENUS}/20"), &user).await).await;
    assert_eq!(seeded["prompt"]["text"], "Welcome");
    let refused = server
        .put_json(&format!("{MENUS}/20"), &user, &json!({"name": "x"}))
        .await;
    assert_eq!(error_code(refused).await, "CMN-402");
}
