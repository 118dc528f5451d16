//! The `switchboard` command: parses the command line, loads the
//! configuration, starts logging and hands over to the chosen subcommand.

mod config;
mod logging;
mod shutdown;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// A self-hosted business phone system with a RingCentral-compatible API.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file (TOML). Missing keys take their defaults.
    #[arg(long, short, env = "SWITCHBOARD_CONFIG", global = true)]
    config: Option<PathBuf>,

    /// Data directory (database, recordings, prompts). Overrides `general.data_dir`.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the phone system until SIGTERM or SIGINT.
    Serve,
    /// Print the effective configuration, defaults included, as TOML.
    Config,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let config = config::Config::load(cli.config.as_deref(), cli.data_dir.as_deref())?;

    match cli.command {
        Command::Config => {
            print!("{}", config.to_toml()?);
            Ok(())
        }
        Command::Serve => {
            logging::init(&config.general)?;
            run_serve(config)
        }
    }
}

fn run_serve(config: config::Config) -> Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        tracing::info!(data_dir = %config.general.data_dir.display(), "switchboard starting");
        shutdown::signalled().await;
        tracing::info!("switchboard stopped");
        Ok(())
    })
}
