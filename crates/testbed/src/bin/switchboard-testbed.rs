//! Runs the test endpoint stand-alone for benchmarks and manual calls:
//!
//!     switchboard-testbed [SIP-ADDR] [PROMPT.wav]
//!
//! listens on SIP-ADDR (default 127.0.0.1:5080) until Ctrl-C or SIGTERM, and
//! logs one line per finished call at debug level.

use anyhow::Context as _;
use switchboard_media::Prompt;
use switchboard_testbed::{Endpoint, EndpointConfig, Event};
use tokio::signal::unix::{SignalKind, signal};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let mut args = std::env::args().skip(1);
    let mut config = EndpointConfig::default();
    if let Some(addr) = args.next() {
        config.sip_listen = addr.parse().context("SIP address")?;
    } else {
        config.sip_listen = ([127, 0, 0, 1], 5080).into();
    }
    if let Some(prompt) = args.next() {
        config.prompt = vec![Prompt::File(prompt.into())];
    }
    let mut endpoint = Endpoint::start(config)
        .await
        .context("starting the endpoint")?;
    println!("listening on {}", endpoint.sip_addr());
    let mut term = signal(SignalKind::terminate()).context("SIGTERM handler")?;
    loop {
        tokio::select! {
            _ = tokio::signal::ctrl_c() => break,
            _ = term.recv() => break,
            event = endpoint.next_event() => match event {
                Some(Event::Ended(report)) => tracing::debug!(?report, "call ended"),
                Some(Event::Answered { .. }) => {}
                None => break,
            },
        }
    }
    endpoint.shutdown().await;
    Ok(())
}
