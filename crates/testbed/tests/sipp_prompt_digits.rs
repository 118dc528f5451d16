//! SIPp calls the endpoint's `prompt-digits` user and sends RFC 4733 keys
//! replayed from its own captures, while dumpcap records the prompt the
//! endpoint sends on `lo`: the keys must arrive exactly, and the prompt must
//! be 50 packets a second with no sequence gap. SIPp, dumpcap and tshark
//! must be installed; a missing tool fails the test.

mod common;

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use switchboard_testbed::Outcome;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

const KEYS_SENT: &str = "159*0#";

/// Starts dumpcap on `lo` for packets the endpoint sends, once it captures.
async fn start_capture(file: &Path) -> Child {
    let filter = format!(
        "udp and src portrange {}-{}",
        common::RTP_PORTS.0,
        common::RTP_PORTS.1
    );
    let mut child = Command::new("dumpcap")
        .args(["-i", "lo", "-f", &filter, "-w"])
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("dumpcap must be installed (apt-get install tshark)");
    let stderr = child.stderr.take().expect("piped stderr");
    let mut lines = BufReader::new(stderr).lines();
    let ready = async {
        while let Ok(Some(line)) = lines.next_line().await {
            if line.contains("Capturing on") {
                return true;
            }
        }
        false
    };
    let ready = tokio::time::timeout(Duration::from_secs(10), ready).await;
    assert_eq!(ready, Ok(true), "dumpcap did not start capturing on lo");
    // Keep draining stderr so dumpcap never blocks on a full pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    child
}

/// Stops dumpcap with SIGINT so it closes the file cleanly.
async fn stop_capture(mut child: Child) {
    let pid = child.id().expect("dumpcap still running").to_string();
    common::run("kill", &["-INT", &pid], Path::new("/")).await;
    let waited = tokio::time::timeout(Duration::from_secs(5), child.wait()).await;
    assert!(waited.is_ok(), "dumpcap did not stop on SIGINT");
}

async fn run_sipp(dir: &Path, server: std::net::SocketAddr) -> String {
    std::os::unix::fs::symlink("/usr/share/sip-tester", dir.join("pcap")).expect("pcap link");
    let scenario = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/sipp/prompt_digits.xml");
    let out = Command::new("timeout")
        .args([
            "-k",
            "3",
            "30",
            "sipp",
            "-sf",
            scenario,
            "-s",
            "prompt-digits",
        ])
        .args(["-i", "127.0.0.1", "-mi", "127.0.0.1", "-p", "0", "-m", "1"])
        .args(["-nostdin", "-timeout", "20s", "-trace_err", "-trace_logs"])
        .arg(server.to_string())
        .current_dir(dir)
        .stdin(Stdio::null())
        .output()
        .await
        .expect("SIPp must be installed (apt-get install sip-tester)");
    let logs = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "log"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        out.status.success(),
        "SIPp failed ({}):\n{}\n{logs}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    logs
}

/// One RTP packet of the prompt as captured.
struct Captured {
    time: f64,
    seq: u16,
    marker: bool,
}

/// Every RTP audio packet in the capture, in capture order.
async fn rtp_packets(file: &Path) -> Vec<Captured> {
    let out = common::run(
        "tshark",
        &[
            "-r",
            &file.to_string_lossy(),
            "-o",
            "rtp.heuristic_rtp:TRUE",
            "-Y",
            "rtp && !rtpevent",
            "-T",
            "fields",
            "-e",
            "frame.time_epoch",
            "-e",
            "rtp.seq",
            "-e",
            "rtp.marker",
        ],
        Path::new("/"),
    )
    .await;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut f = l.split('\t');
            Some(Captured {
                time: f.next()?.parse().ok()?,
                seq: f.next()?.parse().ok()?,
                marker: matches!(f.next()?, "1" | "True"),
            })
        })
        .collect()
}

/// No sequence gap anywhere; 50 packets a second within each talkspurt
/// (each play of the prompt starts one, marked per RFC 3551 §4.1).
fn assert_paced(packets: &[Captured]) {
    assert!(
        packets.len() > 100,
        "too few RTP packets captured: {}",
        packets.len()
    );
    let gaps: Vec<_> = packets
        .windows(2)
        .filter(|w| w[1].seq != w[0].seq.wrapping_add(1))
        .map(|w| (w[0].seq, w[1].seq))
        .collect();
    assert!(gaps.is_empty(), "sequence gaps in the prompt: {gaps:?}");
    let mut starts: Vec<usize> = vec![0];
    starts.extend(
        packets
            .iter()
            .enumerate()
            .filter(|(i, p)| p.marker && *i > 0)
            .map(|(i, _)| i),
    );
    starts.push(packets.len());
    for pair in starts.windows(2) {
        let spurt = &packets[pair[0]..pair[1]];
        if spurt.len() < 50 {
            continue;
        }
        let span = spurt[spurt.len() - 1].time - spurt[0].time;
        let rate = (spurt.len() - 1) as f64 / span;
        let ms: Vec<f64> = spurt
            .windows(2)
            .map(|w| (w[1].time - w[0].time) * 1e3)
            .collect();
        let max = ms.iter().copied().fold(0.0, f64::max);
        let min = ms.iter().copied().fold(f64::MAX, f64::min);
        eprintln!(
            "talkspurt of {} packets over {span:.2} s: {rate:.2}/s, interval {min:.2}..{max:.2} ms",
            spurt.len()
        );
        assert!(
            (rate - 50.0).abs() < 0.5,
            "prompt sent at {rate:.2} packets/s"
        );
    }
    for pair in starts[1..starts.len() - 1].iter() {
        let gap = (packets[*pair].time - packets[pair - 1].time) * 1e3;
        eprintln!("prompt boundary: {gap:.2} ms between the last and the next first packet");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sipp_keys_arrive_exactly_and_the_captured_prompt_is_50_packets_a_second() {
    for (tool, package) in [
        ("sipp", "sip-tester"),
        ("dumpcap", "tshark"),
        ("tshark", "tshark"),
    ] {
        common::require(tool, package);
    }
    let dir = common::scratch("sipp");
    let mut endpoint = common::endpoint(&dir).await;
    let capture = dir.join("prompt.pcapng");
    let dumpcap = start_capture(&capture).await;

    let logs = run_sipp(&dir, endpoint.sip_addr()).await;
    let report = tokio::time::timeout(Duration::from_secs(10), endpoint.next_report())
        .await
        .expect("the call ends")
        .expect("a report");
    stop_capture(dumpcap).await;

    assert_eq!(
        report.outcome,
        Outcome::Digits(KEYS_SENT.into()),
        "stats {:?}",
        report.stats
    );
    assert!(
        logs.contains(&format!("X-Digits {KEYS_SENT}")),
        "SIPp log:\n{logs}"
    );
    assert_paced(&rtp_packets(&capture).await);
    // Six captures of ten packets each; the endpoint's loss counter is not
    // checked here, see media_findings.rs.
    assert_eq!(
        report.stats.packets_received, 60,
        "stats {:?}",
        report.stats
    );
    let _ = std::fs::remove_dir_all(&dir);
    endpoint.shutdown().await;
}
