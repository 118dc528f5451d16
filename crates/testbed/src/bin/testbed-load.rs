//! The load generator for `bench/media/run.sh`:
//!
//!     testbed-load play|bridge SIP-ADDR CALLS SECONDS ENDPOINT-PID [SETUP-RATE]
//!
//! places CALLS channels (or bridged calls) at the endpoint, measures for
//! SECONDS, hangs up, and prints one `RESULT key=value ...` line.

use std::time::Duration;

use anyhow::{Context as _, bail};
use switchboard_testbed::load::{LoadPlan, Mode, run};

fn plan() -> anyhow::Result<LoadPlan> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 5 {
        bail!("usage: testbed-load play|bridge SIP-ADDR CALLS SECONDS ENDPOINT-PID [SETUP-RATE]");
    }
    let mode = match args[0].as_str() {
        "play" => Mode::Play,
        "bridge" => Mode::Bridge,
        other => bail!("unknown mode {other}"),
    };
    Ok(LoadPlan {
        mode,
        target: args[1].parse().context("SIP-ADDR")?,
        calls: args[2].parse().context("CALLS")?,
        window: Duration::from_secs(args[3].parse().context("SECONDS")?),
        pid: args[4].parse().context("ENDPOINT-PID")?,
        setup_rate: args
            .get(5)
            .map_or(Ok(400), |r| r.parse())
            .context("SETUP-RATE")?,
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let plan = plan()?;
    let summary = run(&plan).await?;
    let mode = if plan.mode == Mode::Play {
        "play"
    } else {
        "bridge"
    };
    println!("{}", summary.line(mode));
    Ok(())
}
