//! `scripts/demo-call` against the real server: a carrier call through the
//! auto-attendant to extension 101's voicemail, read back with RingCentral's
//! Python SDK. The script uses the default ports, which are free inside this
//! test's own network namespace.

mod support;

use std::path::Path;
use std::process::Command;

use support::Server;

#[test]
fn the_demo_call_leaves_a_voicemail_that_the_sdk_downloads() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start_on(dir.path(), 5060, 8080);
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/demo-call");

    let output = Command::new(script)
        .arg(dir.path())
        .output()
        .expect("run scripts/demo-call");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);

    assert!(
        output.status.success(),
        "stdout:\n{stdout}\nstderr:\n{stderr}\n{}",
        server.log()
    );
    assert!(stdout.contains("\"result\": \"Voicemail\""), "{stdout}");
    let wav = dir.path().join("demo-voicemail.wav");
    let seconds = Command::new("soxi")
        .arg("-D")
        .arg(&wav)
        .output()
        .expect("soxi (sox)");
    let seconds: f64 = String::from_utf8_lossy(&seconds.stdout)
        .trim()
        .parse()
        .unwrap_or(0.0);
    assert!(seconds > 3.0, "the voicemail lasts {seconds} s");
    assert!(server.terminate().success());
}
