//! A real server on 127.0.0.1 port 0 over the in-memory backend, seeded
//! with one company, and small HTTP helpers around reqwest.

use std::sync::Arc;

use reqwest::{Client, Response, StatusCode};
use serde_json::{Value, json};
use switchboard_api::backend::{ClientApp, Subject};
use switchboard_api::memory::MemoryBackend;
use switchboard_api::oauth::{issue_jwt_credential, secret};
use switchboard_api::permission::{Permission, Scope};
use switchboard_api::{ApiConfig, AppState, serve_on};
use switchboard_phone::model::{
    Account, Contact, Extension, ExtensionRef, ExtensionStatus, ExtensionType, PhoneNumber,
    PhoneNumberStatus, PhoneNumberType, RegionalSettings, TimezoneInfo, UsageType,
};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

pub const ACCOUNT: i64 = 1;
pub const MAIN_NUMBER: &str = "+16505550100";
/// Extension 101: an administrator.
pub const ADMIN: i64 = 11;
/// Extension 102: a plain user.
pub const USER: i64 = 12;
pub const APP: &str = "app";
pub const APP_SECRET: &str = "app-secret";
pub const PUBLIC_APP: &str = "public-app";
pub const READONLY_APP: &str = "readonly-app";
pub const REDIRECT: &str = "http://127.0.0.1:1/callback";
pub const PASSWORD: &str = "Secret-pass1";

const ALL_GRANTS: [&str; 4] = [
    "password",
    "urn:ietf:params:oauth:grant-type:jwt-bearer",
    "authorization_code",
    "refresh_token",
];

/// A running server; dropping it shuts the server down.
pub struct TestServer {
    pub base: String,
    pub http: Client,
    pub state: AppState,
    _shutdown: oneshot::Sender<()>,
}

fn app(client_id: &str, secret: Option<&str>, scope: Scope) -> ClientApp {
    ClientApp {
        client_id: client_id.into(),
        name: format!("Test <{client_id}>"),
        secret_hash: secret.map(secret::hash),
        redirect_uris: vec![REDIRECT.into()],
        grants: ALL_GRANTS.iter().map(|g| g.to_string()).collect(),
        scope,
    }
}

fn extension(id: i64, number: &str, kind: ExtensionType, status: ExtensionStatus) -> Extension {
    Extension {
        id,
        extension_number: number.into(),
        name: format!("Ext {number}"),
        contact: Contact {
            first_name: Some("Ext".into()),
            last_name: Some(number.into()),
            email: Some(format!("x{number}@example.com")),
            ..Contact::default()
        },
        extension_type: kind,
        status,
        regional_settings: None,
        ivr_pin: None,
        hidden: false,
    }
}

fn number(id: i64, e164: &str, usage: UsageType, owner: Option<i64>) -> PhoneNumber {
    PhoneNumber {
        id,
        phone_number: e164.into(),
        number_type: PhoneNumberType::VoiceOnly,
        usage_type: usage,
        status: PhoneNumberStatus::Normal,
        label: None,
        extension: owner.map(ExtensionRef::new),
    }
}

/// One company: account 1, main number, extensions 101 (admin), 102, 103
/// (disabled), 200 (IVR menu) and 300..=304 (departments), three apps.
pub fn seed() -> Arc<MemoryBackend> {
    use ExtensionStatus::{Disabled, Enabled};
    use ExtensionType::{Department, IvrMenu, User};

    let backend = Arc::new(MemoryBackend::new());
    let operator = ExtensionRef {
        extension_number: Some("101".into()),
        ..ExtensionRef::new(ADMIN)
    };
    backend.add_account(Account {
        id: ACCOUNT,
        company_name: "Acme".into(),
        main_number: MAIN_NUMBER.into(),
        operator: Some(operator),
        regional_settings: RegionalSettings {
            timezone: TimezoneInfo::named("Europe/Paris"),
        },
        status: "Confirmed".into(),
    });
    let add = |ext, password| backend.add_extension(ACCOUNT, ext, password);
    add(extension(ADMIN, "101", User, Enabled), Some(PASSWORD));
    add(extension(USER, "102", User, Enabled), Some(PASSWORD));
    add(extension(13, "103", User, Disabled), None);
    add(extension(20, "200", IvrMenu, Enabled), None);
    for i in 0..5 {
        add(
            extension(30 + i, &format!("30{i}"), Department, Enabled),
            None,
        );
    }
    backend.make_admin(ADMIN);
    backend.add_phone_number(
        ACCOUNT,
        number(1, MAIN_NUMBER, UsageType::MainCompanyNumber, None),
    );
    let direct = number(2, "+16505550102", UsageType::DirectNumber, Some(USER));
    backend.add_phone_number(ACCOUNT, direct);

    seed_settings(&backend);

    backend.add_app(app(APP, Some(APP_SECRET), Scope::all()));
    backend.add_app(app(PUBLIC_APP, None, Scope::all()));
    backend.add_app(app(
        READONLY_APP,
        Some(APP_SECRET),
        Scope::new([Permission::ReadAccounts]),
    ));
    backend
}

/// A model value from RingCentral-shaped JSON.
fn model<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("model JSON")
}

/// An instant `hours` before now, in RFC 3339.
pub fn hours_ago(hours: i64) -> String {
    let span = jiff::SignedDuration::from_hours(hours);
    jiff::Timestamp::now()
        .checked_sub(span)
        .unwrap()
        .to_string()
}

/// Business hours, one rule, one forwarding number, call log records and
/// voicemail for extension 102.
fn seed_settings(backend: &MemoryBackend) {
    let hours =
        json!({"schedule": {"weeklyRanges": {"monday": [{"from": "09:00", "to": "17:00"}]}}});
    backend.put_account_hours(ACCOUNT, model(hours));
    let rule = json!({"id": "business-hours-rule", "type": "BusinessHours",
        "enabled": true, "callHandlingAction": "ForwardCalls"});
    backend.add_answering_rule(USER, model(rule));
    let mobile = json!({"id": "1", "phoneNumber": "+15551230000", "label": "Mobile",
        "type": "Mobile"});
    backend.add_forwarding_number(USER, model(mobile));

    for (id, hours, direction) in [
        ("c1", 1, "Inbound"),
        ("c2", 2, "Outbound"),
        ("c3", 72, "Inbound"),
    ] {
        let record = json!({"id": id, "sessionId": format!("s-{id}"), "startTime": hours_ago(hours),
            "duration": 30, "type": "Voice", "direction": direction, "action": "Phone Call",
            "result": "Accepted", "from": {"phoneNumber": "+15550001111"},
            "to": {"extensionNumber": "102"}, "extension": {"id": USER},
            "legs": [{"startTime": hours_ago(hours), "duration": 30, "type": "Voice",
                "direction": direction, "action": "Phone Call", "result": "Accepted",
                "legType": "PstnToSip", "master": true}]});
        backend.add_call_log(ACCOUNT, model(record));
    }
    let voicemail = json!({"id": 7, "extensionId": "12", "type": "VoiceMail",
        "direction": "Inbound", "from": {"phoneNumber": "+15550001111"}, "to": [],
        "creationTime": hours_ago(1), "lastModifiedTime": hours_ago(1),
        "readStatus": "Unread", "availability": "Alive", "messageStatus": "Received",
        "attachments": [{"id": 70, "type": "AudioRecording", "contentType": "audio/wav",
            "vmDuration": 2, "blobKey": "voicemail/12/7.wav"}]});
    backend.add_message(model(voicemail));
    backend.add_blob("voicemail/12/7.wav", VOICEMAIL_WAV.to_vec());

    let company_rule = json!({"id": "business-hours-rule", "type": "BusinessHours",
        "enabled": true, "callHandlingAction": "Operator", "extension": {"id": "20"}});
    backend.add_company_answering_rule(ACCOUNT, model(company_rule));
    let call = json!({"id": "a1", "sessionId": "s-a1", "startTime": hours_ago(0),
        "type": "Voice", "direction": "Inbound", "action": "Phone Call",
        "result": "In Progress", "from": {"phoneNumber": "+15550001111"},
        "to": {"extensionNumber": "102"}, "extension": {"id": USER}});
    backend.add_active_call(ACCOUNT, model(call));

    let menu = json!({"id": "20", "name": "Ext 200", "extensionNumber": "200",
        "promptRepeatCount": 2, "prompt": {"mode": "TextToSpeech", "text": "Welcome"},
        "actions": [{"input": "1", "action": "Connect", "extension": {"id": USER}}]});
    backend.add_ivr_menu(ACCOUNT, model(menu));
    let desk = json!({"id": "301", "name": "Desk phone", "type": "HardPhone",
        "extension": {"id": USER}, "status": "Online",
        "sipInfo": {"username": "102", "password": "Sip-secret1", "authorizationId": "a102"}});
    backend.add_device(ACCOUNT, model(desk));
}

/// A `multipart/form-data` body with a `name` field and an `attachment`
/// file, as an SDK uploads an IVR prompt; returns the content type too.
pub fn prompt_upload(
    name: &str,
    file: &str,
    content_type: &str,
    bytes: &[u8],
) -> (String, Vec<u8>) {
    let boundary = "sb-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n{name}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"attachment\"; \
         filename=\"{file}\"\r\nContent-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// The stored audio of voicemail 7: a RIFF header is enough to tell it
/// came back byte for byte.
pub const VOICEMAIL_WAV: &[u8] = b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00";

impl TestServer {
    /// A server with the default configuration.
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// A server whose configuration `tweak` adjusts.
    pub async fn start_with(tweak: impl FnOnce(&mut ApiConfig)) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("bound address");
        let mut config = ApiConfig {
            public_base_url: format!("http://{addr}"),
            ..ApiConfig::default()
        };
        config.rate_limits.auth = 1000;
        tweak(&mut config);

        let backend = seed();
        let state = AppState::new(config, backend.clone(), backend.clone()).expect("state");
        let state = state.with_blobs(backend.clone()).with_active_calls(backend);
        let (tx, rx) = oneshot::channel();
        let shutdown = async move {
            let _ = rx.await;
        };
        tokio::spawn(serve_on(listener, state.clone(), shutdown));
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        Self {
            base: format!("http://{addr}"),
            http,
            state,
            _shutdown: tx,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A JWT credential for `extension_id`, as an admin page would issue it.
    pub async fn jwt_for(&self, extension_id: i64) -> String {
        let subject = Subject {
            account_id: ACCOUNT,
            extension_id,
        };
        issue_jwt_credential(&self.state, subject, None)
            .await
            .expect("credential")
    }

    /// POSTs a form to the token endpoint with Basic client auth.
    pub async fn token(&self, client_id: &str, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url("/restapi/oauth/token"))
            .basic_auth(client_id, Some(APP_SECRET))
            .form(form)
            .send()
            .await
            .expect("token request")
    }

    /// Logs in with the password grant and returns the TokenInfo.
    pub async fn login(&self, client_id: &str, extension: &str) -> Value {
        let form = [
            ("grant_type", "password"),
            ("username", MAIN_NUMBER),
            ("extension", extension),
            ("password", PASSWORD),
        ];
        let response = self.token(client_id, &form).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// An access token of the admin (101) through the full-permission app.
    pub async fn admin_token(&self) -> String {
        access(&self.login(APP, "101").await)
    }

    pub async fn get(&self, path: &str, token: &str) -> Response {
        self.http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET")
    }

    pub async fn post_json(&self, path: &str, token: &str, body: &Value) -> Response {
        self.http
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("POST")
    }

    pub async fn delete(&self, path: &str, token: &str) -> Response {
        self.http
            .delete(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("DELETE")
    }

    pub async fn put_json(&self, path: &str, token: &str, body: &Value) -> Response {
        self.http
            .put(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("PUT")
    }
}

pub fn access(token_info: &Value) -> String {
    token_info["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

/// The first `errors[]` code of an error body.
pub async fn error_code(response: Response) -> String {
    let body: Value = response.json().await.expect("JSON error body");
    assert_eq!(body["errorCode"], body["errors"][0]["errorCode"]);
    body["errors"][0]["errorCode"]
        .as_str()
        .expect("errorCode")
        .to_owned()
}
