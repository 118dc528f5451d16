//! The load generator: places many calls at the endpoint over loopback,
//! measures the RTP it receives (loss, inter-arrival jitter) and the
//! endpoint process's CPU time and memory from `/proc`, then hangs up and
//! checks the keys each call detected (the `X-Digits` of the BYE's 200).
//!
//! Two modes: `play` calls `prompt-digits` and sends RFC 4733 keys while the
//! prompt plays; `bridge` calls `bridge-<n>` twice per bridged call and
//! sends G.711 audio on both legs, so each leg receives the other's audio.

pub mod channel;
pub mod measure;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use switchboard_sip::{MemoryCredentials, MemoryLocationStore, SipConfig, SipServer};
use tokio::task::JoinSet;
use tracing::warn;

pub use channel::Channel;
pub use measure::{Histogram, ProcSample, Summary};

/// What to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Prompts played to us, keys sent by us.
    Play,
    /// Pairs of legs bridged by the endpoint, audio sent by us on each.
    Bridge,
}

/// One step of the benchmark.
#[derive(Debug, Clone)]
pub struct LoadPlan {
    /// Play or bridge.
    pub mode: Mode,
    /// The endpoint's SIP address.
    pub target: SocketAddr,
    /// Channels (play) or bridged calls (bridge).
    pub calls: usize,
    /// Length of the measured window.
    pub window: Duration,
    /// The endpoint's process id, for `/proc`.
    pub pid: u32,
    /// INVITEs per second while setting up.
    pub setup_rate: u32,
}

/// Runs one step and returns its figures.
pub async fn run(plan: &LoadPlan) -> anyhow::Result<Summary> {
    let sip = Arc::new(start_sip().await?);
    let idle = ProcSample::read(plan.pid)?;
    let users = users(plan);
    let channels = channel::place_all(&sip, plan.target, &users, plan.setup_rate).await;
    let set_up = channels.len();
    let measuring = Arc::new(AtomicBool::new(false));
    let mut tasks = JoinSet::new();
    for ch in &channels {
        tasks.spawn(
            ch.clone()
                .receive(measuring.clone(), plan.mode == Mode::Bridge),
        );
    }
    let senders = start_senders(plan.mode, &channels, measuring.clone());
    // Let every stream settle before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let start = ProcSample::read(plan.pid)?;
    let began = Instant::now();
    measuring.store(true, Ordering::SeqCst);
    tokio::time::sleep(plan.window).await;
    measuring.store(false, Ordering::SeqCst);
    let end = ProcSample::read(plan.pid)?;
    let elapsed = began.elapsed();
    finish_senders(senders).await;
    let digits_ok = channel::hang_up_all(&sip, &channels, plan.mode).await;
    tasks.abort_all();
    let mut summary = Summary::new(plan.calls, users.len(), set_up, elapsed);
    for ch in &channels {
        summary.add(&ch.stats(), ch.sent());
    }
    summary.digits_ok = digits_ok;
    summary.set_process(&idle, &start, &end);
    Ok(summary)
}

/// The Request-URI users to call: one per channel, two per bridged call.
fn users(plan: &LoadPlan) -> Vec<String> {
    match plan.mode {
        Mode::Play => vec!["prompt-digits".to_owned(); plan.calls],
        Mode::Bridge => (0..plan.calls * 2)
            .map(|i| format!("bridge-{}", i / 2))
            .collect(),
    }
}

async fn start_sip() -> anyhow::Result<switchboard_sip::SipServerHandle> {
    let config = SipConfig {
        udp_listen: vec![([127, 0, 0, 1], 0).into()],
        tcp_listen: Vec::new(),
        ..SipConfig::default()
    };
    let creds = Arc::new(MemoryCredentials::new());
    let store = Arc::new(MemoryLocationStore::new());
    Ok(SipServer::start(config, creds, store).await?)
}

/// Lets key senders finish the key in progress (they stop by themselves
/// once measuring ends), stops the audio sender, and gives the endpoint a
/// moment to take the last key before the BYEs.
async fn finish_senders(mut senders: JoinSet<()>) {
    let drained = async { while senders.join_next().await.is_some() {} };
    if tokio::time::timeout(Duration::from_secs(3), drained)
        .await
        .is_err()
    {
        senders.abort_all();
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
}

/// Play: each channel presses a key a second. Bridge: one task sends a
/// G.711 frame on every leg each 20 ms, on an absolute schedule.
fn start_senders(mode: Mode, channels: &[Channel], measuring: Arc<AtomicBool>) -> JoinSet<()> {
    let mut set = JoinSet::new();
    match mode {
        Mode::Play => {
            for ch in channels {
                set.spawn(ch.clone().press_keys(measuring.clone()));
            }
        }
        Mode::Bridge => {
            let all: Vec<Channel> = channels.to_vec();
            set.spawn(async move {
                if let Err(error) = channel::send_audio(&all, &measuring).await {
                    warn!(%error, "audio sender stopped");
                }
            });
        }
    }
    set
}
