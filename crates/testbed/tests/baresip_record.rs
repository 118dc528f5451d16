//! baresip, a real softphone, calls the endpoint's `record` user, plays a
//! spoken WAV as its microphone and ends the message with `#` (RFC 4733):
//! the recording must match the WAV in length and level. baresip, sox and
//! espeak-ng must be installed; a missing tool fails the test.

mod common;

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use switchboard_media::RecordEnd;
use switchboard_testbed::{Event, Outcome};
use tokio::process::{Child, Command};

/// Silence before the speech: covers the endpoint's 0.5 s beep.
const LEAD_SECS: f64 = 1.0;
/// Silence after it, so baresip's file source lasts until `#` is sent.
const TAIL_SECS: f64 = 4.0;
/// The beep the `record` behaviour plays before recording.
const BEEP_SECS: f64 = 0.5;

fn free_udp_port() -> u16 {
    let s = UdpSocket::bind("127.0.0.1:0").expect("bind");
    s.local_addr().expect("addr").port()
}

/// A config folder of baresip's own: SIP, its key console and the WAV source.
fn baresip_dir(dir: &Path, wav: &Path, sip: u16, cons: u16) -> PathBuf {
    let home = dir.join("baresip");
    std::fs::create_dir_all(&home).expect("baresip folder");
    let config = format!(
        "poll_method epoll\nsip_listen 127.0.0.1:{sip}\nsip_trans_def udp\n\
         module_path /usr/lib/baresip/modules\nmodule g711.so\nmodule aufile.so\n\
         module alsa.so\nmodule cons.so\nmodule_app account.so\nmodule_app menu.so\n\
         cons_listen 127.0.0.1:{cons}\naudio_source aufile,{}\naudio_player alsa,null\n\
         rtp_ports 31000-31999\n",
        wav.display()
    );
    std::fs::write(home.join("config"), config).expect("config");
    std::fs::write(home.join("accounts"), "<sip:tester@127.0.0.1>;regint=0\n").expect("accounts");
    home
}

fn start_baresip(home: &Path, target: SocketAddr) -> Child {
    let log = std::fs::File::create(home.join("log")).expect("log file");
    // baresip is our direct child, bounded by its own `-t`, so that killing
    // it (or dropping the handle when an assertion fails) really ends it; a
    // `timeout` wrapper would die alone and leave baresip running.
    Command::new("baresip")
        .args(["-t", "40", "-f"])
        .arg(home)
        .args(["-n", "127.0.0.1", "-e"])
        .arg(format!("/dial sip:record@{target}"))
        .stdin(Stdio::null())
        .stdout(log.try_clone().expect("log file"))
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("baresip must be installed (apt-get install baresip)")
}

/// Presses keys on baresip's console: each key, then 0x04 to release it.
async fn press(cons: u16, keys: &str) {
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    for key in keys.bytes() {
        sock.send_to(&[key], ("127.0.0.1", cons))
            .await
            .expect("send key");
        tokio::time::sleep(Duration::from_millis(150)).await;
        sock.send_to(&[4], ("127.0.0.1", cons))
            .await
            .expect("release key");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

/// The WAV from the beep's end to the end of the speech, trailing silence
/// cut as the recorder cuts it (20 ms frames under -45 dBFS): what the
/// recording should hold.
async fn expected_part(dir: &Path, wav: &Path, speech: f64) -> PathBuf {
    let out = dir.join("expected.wav");
    let length = (LEAD_SECS - BEEP_SECS + speech).to_string();
    let (wav, out_name) = (wav.to_string_lossy(), out.to_string_lossy());
    let args = [
        &*wav, &*out_name, "trim", "0.5", &length, "reverse", "silence", "1", "0.02",
    ];
    let args: Vec<&str> = args.into_iter().chain(["-45d", "reverse"]).collect();
    common::run("sox", &args, dir).await;
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn baresip_message_is_recorded_at_its_length_and_level_and_ends_on_pound() {
    common::require("baresip", "baresip");
    let dir = common::scratch("baresip");
    let text = "This is a test message for the recording endpoint. Goodbye.";
    let speech = common::spoken_wav(&dir, "speech", text).await;
    let (speech_secs, _) = common::sox_stat(&speech).await;
    let wav = common::spoken_wav_padded(&dir, "message", text, (LEAD_SECS, TAIL_SECS)).await;
    let mut endpoint = common::endpoint(&dir).await;
    let (sip, cons) = (free_udp_port(), free_udp_port());
    let home = baresip_dir(&dir, &wav, sip, cons);
    let mut baresip = start_baresip(&home, endpoint.sip_addr());

    let answered = tokio::time::timeout(Duration::from_secs(10), endpoint.next_event()).await;
    let log = || std::fs::read_to_string(home.join("log")).unwrap_or_default();
    assert!(
        matches!(answered, Ok(Some(Event::Answered { .. }))),
        "baresip's call was not answered: {answered:?}\n{}",
        log()
    );
    // Keys after the speech: `1` and `2` must not end the message, `#` must.
    tokio::time::sleep(Duration::from_secs_f64(LEAD_SECS + speech_secs + 0.8)).await;
    press(cons, "12#").await;
    let report = tokio::time::timeout(Duration::from_secs(10), endpoint.next_report()).await;
    let _ = baresip.kill().await;
    let report = report.expect("the recording ends").expect("a report");
    let Outcome::Recorded(recording) = &report.outcome else {
        panic!("not recorded: {:?}\n{}", report.outcome, log());
    };
    assert_eq!(recording.end, RecordEnd::Key('#'), "{}", log());

    let (got_secs, got_rms) = common::sox_stat(&recording.path).await;
    let want = expected_part(&dir, &wav, speech_secs).await;
    let (want_secs, want_rms) = common::sox_stat(&want).await;
    eprintln!(
        "recorded {got_secs:.3} s at RMS {got_rms:.4}; WAV {want_secs:.3} s at {want_rms:.4}"
    );
    assert!(
        (got_secs - want_secs).abs() <= 0.2,
        "length {got_secs} s, want {want_secs} s"
    );
    let ratio = got_rms / want_rms;
    assert!(
        (0.85..=1.15).contains(&ratio),
        "RMS {got_rms} against {want_rms}"
    );
    let _ = std::fs::remove_dir_all(&dir);
    endpoint.shutdown().await;
}
