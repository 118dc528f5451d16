//! SIPp against the server in-process on 127.0.0.1: REGISTER with digest
//! and OPTIONS, over UDP and TCP. SIPp must be installed (Debian package
//! `sip-tester`); a missing tool fails the test.

mod common;

use std::net::SocketAddr;
use std::process::Stdio;

use common::{PASSWORD, config};
use tokio::process::Command;

fn scenario(name: &str) -> String {
    format!("{}/tests/sipp/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs SIPp with `calls` calls and returns its exit status and output.
async fn sipp(file: &str, transport: &str, server: SocketAddr, calls: u32) -> (i32, String) {
    let dir = tempdir();
    let out = Command::new("timeout")
        .args(["-k", "3", "30", "sipp"])
        .args([
            "-sf",
            &scenario(file),
            "-t",
            transport,
            "-i",
            "127.0.0.1",
            "-p",
            "0",
        ])
        .args(["-s", "101", "-au", "101", "-ap", PASSWORD])
        .args(["-m", &calls.to_string(), "-r", "20", "-l", "5", "-nostdin"])
        .args(["-timeout", "20s", "-trace_err", "-max_socket", "100"])
        .arg(server.to_string())
        .current_dir(&dir)
        .stdin(Stdio::null())
        .output()
        .await
        .expect("SIPp must be installed (apt-get install sip-tester)");
    let log = std::fs::read_dir(&dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        })
        .map(|logs| logs.collect::<Vec<_>>().join("\n"))
        .unwrap_or_default();
    let text = format!(
        "{}\n{}\n{log}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.code().unwrap_or(-1), text)
}

fn tempdir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sb-sipp-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

async fn run(file: &str, transport: &str) {
    let s = common::start(config()).await;
    let server = if transport == "un" { s.udp } else { s.tcp };
    let (code, output) = sipp(file, transport, server, 10).await;
    let tail: String = output.lines().rev().take(40).collect::<Vec<_>>().join("\n");
    assert_eq!(code, 0, "SIPp {file} over {transport} failed:\n{tail}");
    if file == "register.xml" {
        let bindings = s.handle.location().lookup("101@example.com");
        assert!(
            !bindings.is_empty(),
            "SIPp's contact is in the location service"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sipp_registers_with_digest_over_udp() {
    run("register.xml", "un").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sipp_registers_with_digest_over_tcp() {
    run("register.xml", "t1").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sipp_options_over_udp() {
    run("options.xml", "un").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sipp_options_over_tcp() {
    run("options.xml", "t1").await;
}
