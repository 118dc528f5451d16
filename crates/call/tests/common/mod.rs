//! The test PBX: the real SIP server, media engine, a SQLite store in a
//! temporary directory seeded with a small company, and call control on
//! 127.0.0.1; plus a SIPp runner.

// Each test binary uses only part of the harness.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use switchboard_call::{CallConfig, CallControl, CallControlHandle, FixedClock};
use switchboard_media::{MediaConfig, MediaEngine};
use switchboard_phone::model::{
    Account, AnsweringRule, CallLogRecord, CompanyAnsweringRule, Device, Extension,
    ForwardingNumber, IvrMenu, Message, PhoneNumber, Trunk,
};
use switchboard_sip::{
    Binding, MemoryCredentials, MemoryLocationStore, SipConfig, SipServer, SipServerHandle, Target,
    Transport,
};
use switchboard_store::{CallLogFilter, LocalBlobStore, MessageFilter, Page, Store, StoreConfig};

/// The company's main number, which the IVR answers.
pub const MAIN_NUMBER: &str = "+16505550100";

/// A running PBX and what the tests read back.
pub struct Pbx {
    pub calls: CallControlHandle,
    pub store: Store,
    pub blobs: LocalBlobStore,
    pub account_id: i64,
    /// Extension 101 (Alice), reached through the IVR.
    pub extension_id: i64,
    /// Extension 102 (Bob), whose phone places calls.
    pub caller_extension_id: i64,
    pub sip_port: u16,
    pub dir: tempfile::TempDir,
}

/// Extension 101's direct number: calls to it skip the IVR.
pub const ALICE_DIRECT: &str = "+16505550101";

/// Extension 103's direct number.
pub const CAROL_DIRECT: &str = "+16505550103";

/// Extension 103's mobile, a forwarding number.
pub const CAROL_MOBILE: &str = "+14155550183";

/// Where the SIPp peers listen.
pub struct Ports {
    /// The trunk (the carrier's SIPp UAC).
    pub trunk: u16,
    /// Extension 101's phone (a SIPp UAS), when it is registered.
    pub device: Option<u16>,
    /// Lowest RTP port of the PBX's media engine.
    pub rtp_min: u16,
}

/// Starts a PBX whose trunk is 127.0.0.1:`ports.trunk`.
pub async fn start_pbx(ports: &Ports) -> Pbx {
    start_pbx_with(ports, |_| {}).await
}

/// Starts a PBX whose call configuration `tweak` adjusts.
pub async fn start_pbx_with(ports: &Ports, tweak: impl FnOnce(&mut CallConfig)) -> Pbx {
    let _ = tracing_subscriber::fmt()
        .with_env_filter("switchboard_call=debug,switchboard_media=info,switchboard_sip=info")
        .with_test_writer()
        .try_init();
    let dir = tempfile::tempdir().expect("temporary directory");
    let store_config = StoreConfig {
        data_dir: dir.path().to_path_buf(),
        ..StoreConfig::default()
    };
    let store = Store::open(&store_config).await.expect("store");
    let (account_id, extension_id, caller_extension_id) = seed(&store).await;
    let credentials = Arc::new(MemoryCredentials::new());
    credentials.add_user("102", "secret", &caller_extension_id.to_string());
    let sip = Arc::new(start_sip(ports.device, extension_id, credentials.clone()).await);
    let sip_port = sip.local_addr(Transport::Udp).expect("UDP bound").port();
    let media = MediaEngine::new(MediaConfig {
        bind_address: [127, 0, 0, 1].into(),
        port_min: ports.rtp_min,
        port_max: ports.rtp_min + 100,
        ..MediaConfig::default()
    })
    .expect("media engine");
    let blobs = LocalBlobStore::new(store_config.effective_blob_dir());
    let mut config = call_config(ports.trunk, dir.path());
    tweak(&mut config);
    // A Wednesday at noon in New York: inside business hours.
    let noon: jiff::Timestamp = "2026-12-02T17:00:00Z".parse().expect("instant");
    let calls = CallControl::new(
        config,
        sip.clone(),
        store.clone(),
        Arc::new(blobs.clone()),
        media,
    )
    .with_clock(Arc::new(FixedClock(noon)))
    .with_device_auth(credentials, "localhost")
    .start(sip.take_incoming(64));
    Pbx {
        calls,
        store,
        blobs,
        account_id,
        extension_id,
        caller_extension_id,
        sip_port,
        dir,
    }
}

fn call_config(trunk_port: u16, dir: &Path) -> CallConfig {
    let trunk: Trunk = from_json(json!({
        "id": "carrier", "name": "Test carrier", "host": "127.0.0.1", "port": trunk_port,
    }));
    CallConfig {
        trunks: vec![trunk],
        ring_duration_secs: 1,
        ivr_inter_digit_timeout_secs: 1,
        // Messages end on hang-up in these tests, never on silence.
        voicemail_trailing_silence_ms: 0,
        work_dir: dir.join("work"),
        ..CallConfig::default()
    }
}

/// The SIP server, with extension 101's phone registered at
/// 127.0.0.1:`device` (as the registrar would have stored it).
async fn start_sip(
    device: Option<u16>,
    extension_id: i64,
    credentials: Arc<MemoryCredentials>,
) -> SipServerHandle {
    let locations = MemoryLocationStore::new();
    if let Some(port) = device {
        let binding = Binding {
            aor: "101@localhost".into(),
            extension_id: extension_id.to_string(),
            contact: format!("sip:101@127.0.0.1:{port}"),
            expires_at: SystemTime::now() + Duration::from_secs(3600),
            call_id: "registered-by-test".into(),
            cseq: 1,
            source: Target {
                addr: ([127, 0, 0, 1], port).into(),
                transport: Transport::Udp,
            },
            user_agent: Some("SIPp".into()),
        };
        use switchboard_sip::LocationStore as _;
        locations.upsert(binding).await.expect("binding");
    }
    let config = SipConfig {
        udp_listen: vec![([127, 0, 0, 1], 0).into()],
        tcp_listen: vec![],
        ..SipConfig::default()
    };
    SipServer::start(config, credentials, Arc::new(locations))
        .await
        .expect("SIP server")
}

/// Acme: main number -> IVR menu 800 (key 1 -> extension 101), and 101
/// rings its phone for two one-second rings, then takes a message. Bob
/// (102, direct number +16505550102) places calls from his phone.
async fn seed(store: &Store) -> (i64, i64, i64) {
    let account: Account = from_json(json!({
        "id": 0, "companyName": "Acme", "mainNumber": MAIN_NUMBER,
        "regionalSettings": { "timezone": { "name": "America/New_York" } },
    }));
    let account = store.create_account(&account).await.expect("account");
    let alice: Extension = from_json(json!({
        "id": 0, "extensionNumber": "101", "name": "Alice Anders",
        "contact": { "firstName": "Alice", "lastName": "Anders" },
        "type": "User", "status": "Enabled",
    }));
    let alice = store
        .create_extension(account.id, &alice)
        .await
        .expect("extension");
    let phone: Device = from_json(json!({
        "id": "", "name": "Alice's phone", "type": "SoftPhone",
        "extension": { "id": alice.id }, "status": "Offline",
        "sipInfo": { "username": "101", "password": "secret", "authorizationId": "101" },
    }));
    store
        .create_device(account.id, &phone)
        .await
        .expect("device");
    for kind in ["BusinessHours", "AfterHours"] {
        let rule: AnsweringRule = from_json(json!({
            "id": rule_id(kind), "type": kind, "enabled": true,
            "callHandlingAction": "ForwardCalls",
            "forwarding": { "softPhonesRingCount": 2, "ringingMode": "Sequentially", "rules": [] },
            "voicemail": { "enabled": true },
        }));
        store
            .create_answering_rule(alice.id, &rule)
            .await
            .expect("rule");
    }
    let menu: IvrMenu = from_json(json!({
        "id": "", "name": "Main Menu", "extensionNumber": "800", "promptRepeatCount": 1,
        "prompt": { "mode": "TextToSpeech", "text": "Welcome to Acme. For Alice, press 1." },
        "actions": [
            { "input": "1", "action": "Connect", "extension": { "id": alice.id } },
            { "input": "9", "action": "DialByName" },
        ],
    }));
    let menu = store
        .create_ivr_menu(account.id, &menu)
        .await
        .expect("menu");
    let menu_id: i64 = menu.id.parse().expect("numeric menu id");
    for kind in ["BusinessHours", "AfterHours"] {
        let rule: CompanyAnsweringRule = from_json(json!({
            "id": rule_id(kind), "type": kind, "enabled": true,
            "calledNumbers": [{ "phoneNumber": MAIN_NUMBER }],
            "callHandlingAction": "Bypass", "extension": { "id": menu_id },
        }));
        store
            .create_company_answering_rule(account.id, &rule)
            .await
            .expect("company rule");
    }
    let main: PhoneNumber = from_json(json!({
        "id": 0, "phoneNumber": MAIN_NUMBER, "type": "VoiceOnly",
        "usageType": "MainCompanyNumber", "status": "Normal",
    }));
    store
        .create_phone_number(account.id, &main)
        .await
        .expect("number");
    let direct: PhoneNumber = from_json(json!({
        "id": 0, "phoneNumber": ALICE_DIRECT, "type": "VoiceOnly",
        "usageType": "DirectNumber", "status": "Normal", "extension": { "id": alice.id },
    }));
    store
        .create_phone_number(account.id, &direct)
        .await
        .expect("number");
    seed_forwarding_user(store, account.id).await;
    let bob = seed_caller(store, account.id).await;
    (account.id, alice.id, bob)
}

/// Carol (103, direct number [`CAROL_DIRECT`]) has no phone: her calls
/// ring her mobile [`CAROL_MOBILE`] through the trunk for two rings.
async fn seed_forwarding_user(store: &Store, account: i64) {
    let carol: Extension = from_json(json!({
        "id": 0, "extensionNumber": "103", "name": "Carol Chen",
        "contact": { "firstName": "Carol", "lastName": "Chen" },
        "type": "User", "status": "Enabled",
    }));
    let carol = store
        .create_extension(account, &carol)
        .await
        .expect("extension");
    let mobile: ForwardingNumber = from_json(json!({
        "id": "", "phoneNumber": CAROL_MOBILE, "label": "Mobile", "type": "Mobile",
    }));
    let mobile = store
        .create_forwarding_number(carol.id, &mobile)
        .await
        .expect("forwarding number");
    for kind in ["BusinessHours", "AfterHours"] {
        let rule: AnsweringRule = from_json(json!({
            "id": rule_id(kind), "type": kind, "enabled": true,
            "callHandlingAction": "ForwardCalls",
            "forwarding": {
                "ringingMode": "Sequentially",
                "rules": [{
                    "index": 1, "ringCount": 2, "enabled": true,
                    "forwardingNumbers": [{ "id": mobile.id, "type": "Mobile" }],
                }],
            },
            "voicemail": { "enabled": true },
        }));
        store
            .create_answering_rule(carol.id, &rule)
            .await
            .expect("rule");
    }
    let direct: PhoneNumber = from_json(json!({
        "id": 0, "phoneNumber": CAROL_DIRECT, "type": "VoiceOnly",
        "usageType": "DirectNumber", "status": "Normal", "extension": { "id": carol.id },
    }));
    store
        .create_phone_number(account, &direct)
        .await
        .expect("number");
}

async fn seed_caller(store: &Store, account: i64) -> i64 {
    let bob: Extension = from_json(json!({
        "id": 0, "extensionNumber": "102", "name": "Bob Baker",
        "type": "User", "status": "Enabled",
    }));
    let bob = store
        .create_extension(account, &bob)
        .await
        .expect("extension");
    let phone: Device = from_json(json!({
        "id": "", "name": "Bob's phone", "type": "SoftPhone",
        "extension": { "id": bob.id }, "status": "Offline",
        "sipInfo": { "username": "102", "password": "secret", "authorizationId": "102" },
    }));
    store.create_device(account, &phone).await.expect("device");
    let direct: PhoneNumber = from_json(json!({
        "id": 0, "phoneNumber": "+16505550102", "type": "VoiceOnly",
        "usageType": "DirectNumber", "status": "Normal", "extension": { "id": bob.id },
    }));
    store
        .create_phone_number(account, &direct)
        .await
        .expect("number");
    bob.id
}

fn rule_id(kind: &str) -> &'static str {
    if kind == "BusinessHours" {
        "business-hours-rule"
    } else {
        "after-hours-rule"
    }
}

fn from_json<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("test data fits the model")
}

impl Pbx {
    /// Waits for the call log to hold a record, then returns them all.
    pub async fn call_log(&self) -> Vec<CallLogRecord> {
        for _ in 0..100 {
            let page = self
                .store
                .list_call_log(self.account_id, &CallLogFilter::default(), Page::default())
                .await
                .expect("call log");
            if !page.records.is_empty() {
                return page.records;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Vec::new()
    }

    /// Extension 101's messages.
    pub async fn messages(&self) -> Vec<Message> {
        let page = self
            .store
            .list_messages(
                self.extension_id,
                &MessageFilter::default(),
                Page::default(),
            )
            .await
            .expect("messages");
        page.records
    }

    /// Waits until no call is active.
    pub async fn wait_idle(&self) -> bool {
        for _ in 0..100 {
            if self.calls.active_calls().count() == 0 {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }
}

/// One SIPp run.
pub struct Sipp {
    pub scenario: &'static str,
    /// The number called (`-s`).
    pub service: &'static str,
    /// SIPp's SIP port.
    pub port: u16,
    /// SIPp's RTP port.
    pub media_port: u16,
    /// Where to call (UAC) or `None` for a UAS.
    pub remote: Option<u16>,
    /// The `-d` pause, in milliseconds.
    pub pause_ms: u64,
    /// Kill it after this many seconds.
    pub limit_secs: u64,
}

impl Sipp {
    /// Starts SIPp in a folder where `pcap/` holds the shipped pcaps.
    pub fn spawn(&self, dir: &Path) -> tokio::process::Child {
        let scenario = scenario_path(self.scenario);
        let pcap = dir.join("pcap");
        if !pcap.exists() {
            std::os::unix::fs::symlink("/usr/share/sip-tester", &pcap).expect("pcap link");
        }
        let mut cmd = tokio::process::Command::new("timeout");
        cmd.current_dir(dir)
            .args(["-k", "3", &self.limit_secs.to_string(), "sipp"])
            .args(["-sf", &scenario.to_string_lossy()])
            .args(["-i", "127.0.0.1", "-mi", "127.0.0.1"])
            .args([
                "-p",
                &self.port.to_string(),
                "-mp",
                &self.media_port.to_string(),
            ])
            .args(["-m", "1", "-nostdin", "-d", &self.pause_ms.to_string()])
            .args(["-s", self.service])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true);
        if let Some(remote) = self.remote {
            cmd.arg(format!("127.0.0.1:{remote}"));
        }
        cmd.spawn().expect("sipp runs")
    }
}

/// Waits for SIPp and says whether its call succeeded.
pub async fn succeeded(child: tokio::process::Child) -> bool {
    let out = child.wait_with_output().await.expect("sipp exits");
    if !out.status.success() {
        eprintln!("sipp failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    out.status.success()
}

fn scenario_path(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sipp")
        .join(name)
}
