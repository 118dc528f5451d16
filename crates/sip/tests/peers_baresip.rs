//! baresip, a real softphone, registers with real credentials and is found
//! in the location service. baresip must be installed; a missing tool
//! fails the test.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{PASSWORD, config};
use tokio::process::Command;

fn free_udp_port() -> u16 {
    let s = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.local_addr().expect("addr").port()
}

/// A config folder of its own, as baresip reads and writes there.
fn baresip_dir(listen_port: u16, server_port: u16) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sb-baresip-{}", rand::random::<u64>()));
    // The test runs in a fresh network namespace; baresip only needs loopback.
    std::fs::create_dir_all(&dir).expect("temp dir");
    let config = format!(
        "poll_method epoll\nsip_listen 127.0.0.1:{listen_port}\nsip_trans_def udp\n\
         module_path /usr/lib/baresip/modules\nmodule g711.so\nmodule_app account.so\n\
         audio_player null\naudio_source null\n"
    );
    std::fs::write(dir.join("config"), config).expect("config");
    let account = format!(
        "<sip:101@example.com>;auth_pass={PASSWORD};\
         outbound=\"sip:127.0.0.1:{server_port};transport=udp\";regint=120\n"
    );
    std::fs::write(dir.join("accounts"), account).expect("accounts");
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_registers_and_is_found_in_the_location_service() {
    let mut cfg = config();
    // baresip 1.0 (libre) gives up when any challenge is not MD5.
    cfg.registrar.digest_algorithms = vec!["MD5".into()];
    let s = common::start(cfg).await;
    let listen = free_udp_port();
    let dir = baresip_dir(listen, s.udp.port());
    let log = std::fs::File::create(dir.join("log")).expect("log file");
    let mut child = Command::new("timeout")
        .args(["-k", "3", "20", "baresip", "-s", "-f"])
        .arg(&dir)
        .args(["-n", "127.0.0.1"])
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log file"))
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("baresip must be installed (apt-get install baresip)");
    let mut found = Vec::new();
    for _ in 0..100 {
        found = s.handle.location().lookup("101@example.com");
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    common::stop(&mut child).await;
    let log = std::fs::read_to_string(dir.join("log")).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        found.len(),
        1,
        "baresip did not register within 10 s:\n{log}"
    );
    let b = &found[0];
    assert!(
        b.contact.contains(&format!("127.0.0.1:{listen}")),
        "contact {}",
        b.contact
    );
    assert_eq!(
        b.source.addr.port(),
        listen,
        "source address kept for NAT routing"
    );
    assert!(
        b.user_agent
            .as_deref()
            .is_some_and(|ua| ua.contains("baresip"))
    );
}
