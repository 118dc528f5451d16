//! Shared helpers: the endpoint on 127.0.0.1, scratch folders, and running
//! external tools so that a missing one fails with a clear message.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

use switchboard_media::{MediaConfig, Prompt};
use switchboard_testbed::{Endpoint, EndpointConfig};
use tokio::process::Command;

/// The endpoint's RTP ports in tests, so captures can filter on them.
pub const RTP_PORTS: (u16, u16) = (20000, 20999);

/// An endpoint on 127.0.0.1 playing a spoken G.711 prompt (made once with
/// espeak-ng and sox), recording into `dir`.
pub async fn endpoint(dir: &Path) -> Endpoint {
    let prompt = spoken_wav(
        dir,
        "prompt",
        "Please enter your account number, then press pound.",
    )
    .await;
    let config = EndpointConfig {
        media: MediaConfig {
            bind_address: [127, 0, 0, 1].into(),
            port_min: RTP_PORTS.0,
            port_max: RTP_PORTS.1,
            ..MediaConfig::default()
        },
        prompt: vec![Prompt::File(prompt)],
        record_dir: dir.to_owned(),
        ..EndpointConfig::default()
    };
    Endpoint::start(config).await.expect("endpoint starts")
}

/// A fresh scratch folder under the temp dir.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sb-testbed-{name}-{}", rand::random::<u32>()));
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Panics with an install hint when a tool is not on PATH.
pub fn require(tool: &str, package: &str) {
    let found = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).any(|d| d.join(tool).is_file()))
        .unwrap_or(false);
    assert!(found, "{tool} is required: apt-get install {package}");
}

/// Runs a tool to completion and returns its output; panics if it fails.
pub async fn run(program: &str, args: &[&str], cwd: &Path) -> Output {
    let out = Command::new(program)
        .args(args)
        .current_dir(cwd)
        .output()
        .await
        .unwrap_or_else(|e| panic!("cannot run {program}: {e}"));
    assert!(
        out.status.success(),
        "{program} {args:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// `sox FILE -n stat` as (length in seconds, RMS amplitude).
pub async fn sox_stat(file: &Path) -> (f64, f64) {
    let out = run(
        "sox",
        &[&file.to_string_lossy(), "-n", "stat"],
        Path::new("/"),
    )
    .await;
    let text = String::from_utf8_lossy(&out.stderr);
    let field = |name: &str| {
        text.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split(':').nth(1))
            .and_then(|v| v.trim().parse::<f64>().ok())
            .unwrap_or_else(|| panic!("no {name} in sox stat output:\n{text}"))
    };
    (field("Length (seconds)"), field("RMS     amplitude"))
}

/// Speech from espeak-ng as an 8 kHz 16-bit WAV (what baresip's file source
/// reads), `pad` seconds of silence before and after.
pub async fn spoken_wav_padded(dir: &Path, name: &str, text: &str, pad: (f64, f64)) -> PathBuf {
    spoken(dir, name, text, pad, ["signed-integer", "16"]).await
}

async fn spoken(dir: &Path, name: &str, text: &str, pad: (f64, f64), enc: [&str; 2]) -> PathBuf {
    require("espeak-ng", "espeak-ng");
    require("sox", "sox");
    let raw = dir.join(format!("{name}-raw.wav"));
    let out = dir.join(format!("{name}.wav"));
    run("espeak-ng", &["-w", &raw.to_string_lossy(), text], dir).await;
    let (before, after) = (pad.0.to_string(), pad.1.to_string());
    let args = [
        &*raw.to_string_lossy(),
        "-r",
        "8000",
        "-c",
        "1",
        "-e",
        enc[0],
        "-b",
        enc[1],
    ];
    let out_name = out.to_string_lossy().into_owned();
    let mut all: Vec<&str> = args.to_vec();
    all.extend([out_name.as_str(), "pad", &before, &after]);
    run("sox", &all, dir).await;
    out
}

/// Speech from espeak-ng as an 8 kHz mu-law WAV (a G.711 prompt).
pub async fn spoken_wav(dir: &Path, name: &str, text: &str) -> PathBuf {
    spoken(dir, name, text, (0.0, 0.0), ["mu-law", "8"]).await
}
