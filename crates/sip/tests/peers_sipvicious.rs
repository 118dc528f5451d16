//! What internet scanners run: svwar must not tell extensions apart, and
//! svcrack must be locked out before it finds a password. sipvicious must
//! be installed; a missing tool fails the test.

mod common;

use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use switchboard_sip::{MemoryLocationStore, SipServer, Transport};
use tokio::process::Command;

async fn run(tool: &str, args: &[String], secs: u32) -> String {
    let out = Command::new("timeout")
        .args(["-k", "3", &secs.to_string(), tool])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap_or_else(|e| panic!("{tool} must be installed (apt-get install sipvicious): {e}"));
    assert_ne!(out.status.code(), Some(127), "{tool} is not installed");
    let text = format!(
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    eprintln!("{tool} output:\n{text}");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn svwar_learns_no_extension() {
    let s = common::start(common::config()).await;
    let target = format!("udp://127.0.0.1:{}", s.udp.port());
    let args = ["-m", "REGISTER", "-e", "100-199", &target].map(String::from);
    let out = run("svwar", &args, 60).await;
    for ext in ["101", "102"] {
        let reported = out.lines().any(|l| l.contains('|') && l.contains(ext));
        assert!(!reported, "svwar told extension {ext} apart:\n{out}");
    }
    assert!(!out.contains("Traceback"), "svwar crashed:\n{out}");
    assert!(out.contains("found nothing"), "{out}");
    let forced = ["--force", "-m", "REGISTER", "-e", "100-199", &target].map(String::from);
    let out = run("svwar", &forced, 60).await;
    assert!(!out.contains("Traceback"), "svwar crashed:\n{out}");
    assert!(
        out.contains("found nothing"),
        "forced svwar learned something:\n{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn svcrack_is_locked_out_before_finding_the_password() {
    let creds = common::credentials();
    creds.add_user("103", "0500", "103");
    let mut cfg = common::config();
    cfg.lockout = switchboard_sip::config::LockoutConfig::default();
    let store = Arc::new(MemoryLocationStore::new());
    let handle = SipServer::start(cfg, creds, store)
        .await
        .expect("server starts");
    let port = handle.local_addr(Transport::Udp).expect("udp").port();
    let log = std::env::temp_dir().join(format!("sb-svcrack-{}", rand::random::<u64>()));
    let file = std::fs::File::create(&log).expect("log file");
    let mut child = Command::new("timeout")
        .args([
            "-k", "3", "40", "svcrack", "-u", "103", "-r", "0-999", "-z", "4",
        ])
        .arg(format!("udp://127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .stdout(file.try_clone().expect("log file"))
        .stderr(file)
        .kill_on_drop(true)
        .spawn()
        .expect("svcrack must be installed (apt-get install sipvicious)");
    // Once locked out the scanner hears nothing more; give it two seconds
    // to prove it, rather than the ten it waits before giving up.
    for _ in 0..200 {
        if handle.stats().lockouts > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    common::stop(&mut child).await;
    let out = std::fs::read_to_string(&log).unwrap_or_default();
    let _ = std::fs::remove_file(&log);
    eprintln!("svcrack output:\n{out}");
    assert!(!out.contains("0500"), "svcrack found the password:\n{out}");
    let cracked = handle.location().lookup("103@example.com");
    assert!(cracked.is_empty(), "svcrack registered: {cracked:?}");
    let stats = handle.stats();
    assert!(
        stats.lockouts >= 1,
        "no lockout recorded ({stats:?}):\n{out}"
    );
    assert!(
        stats.auth_failures >= 10 && stats.auth_failures < 50,
        "{stats:?}"
    );
    handle.shutdown().await;
}
