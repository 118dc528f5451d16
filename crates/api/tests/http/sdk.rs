//! RingCentral's own SDKs against the real server: the Python SDK
//! (`pip install ringcentral`) and the JavaScript ones (`@ringcentral/sdk`,
//! `@rc-ex/core`, installed in the workspace's `tests/sdk`): JWT and password
//! logins, refresh, list, read, presence, answering rules, the call log,
//! errors, logout.

use std::process::Command;

use switchboard_api::backend::Subject;
use switchboard_api::oauth::issue_jwt_credential;

use crate::support::*;

/// Whether the SDK is importable; `scripts/install-test-tools` installs it.
fn python_sdk_available() -> bool {
    let probe = Command::new("python3")
        .args(["-c", "import ringcentral"])
        .output();
    probe.is_ok_and(|o| o.status.success())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_sdk_logs_in_refreshes_lists_reads_and_logs_out() {
    assert!(
        python_sdk_available(),
        "RingCentral's Python SDK is missing: run scripts/install-test-tools"
    );
    let server = TestServer::start().await;
    let subject = Subject {
        account_id: ACCOUNT,
        extension_id: ADMIN,
    };
    let jwt = issue_jwt_credential(&server.state, subject, None)
        .await
        .unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/python_sdk.py");

    let output = tokio::process::Command::new("python3")
        .arg(script)
        .env("SB_SERVER", &server.base)
        .env("SB_CLIENT_ID", APP)
        .env("SB_CLIENT_SECRET", APP_SECRET)
        .env("SB_JWT", jwt)
        .env("SB_USERNAME", MAIN_NUMBER)
        .env("SB_EXTENSION", "102")
        .env("SB_PASSWORD", PASSWORD)
        .env("NO_PROXY", "*")
        .output()
        .await
        .expect("run python3");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("ALL OK"), "{stdout}");
    eprintln!("{stdout}");
}

/// Where `scripts/install-test-tools` puts the JavaScript SDKs.
fn js_modules() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/sdk/node_modules")
}

fn js_sdks_available() -> bool {
    let node = Command::new("node").arg("--version").output();
    node.is_ok_and(|o| o.status.success()) && js_modules().join("@ringcentral/sdk").is_dir()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn javascript_sdks_log_in_refresh_list_set_presence_and_revoke() {
    assert!(
        js_sdks_available(),
        "node or RingCentral's JavaScript SDKs are missing: run scripts/install-test-tools"
    );
    let server = TestServer::start().await;
    let subject = Subject {
        account_id: ACCOUNT,
        extension_id: ADMIN,
    };
    let jwt = issue_jwt_credential(&server.state, subject, None)
        .await
        .unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sdk/js_sdks.cjs");

    let output = tokio::process::Command::new("node")
        .arg(script)
        .env("NODE_PATH", js_modules())
        .env("SB_SERVER", &server.base)
        .env("SB_CLIENT_ID", APP)
        .env("SB_CLIENT_SECRET", APP_SECRET)
        .env("SB_JWT", jwt)
        .env("SB_USERNAME", MAIN_NUMBER)
        .env("SB_EXTENSION", "102")
        .env("SB_PASSWORD", PASSWORD)
        .env("NO_PROXY", "*")
        .output()
        .await
        .expect("run node");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("ALL OK"), "{stdout}");
    eprintln!("{stdout}");
}
