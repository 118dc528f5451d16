//! The `switchboard` command: parses the command line, loads the
//! configuration, starts logging and hands over to the chosen subcommand.

mod active_calls;
mod api_backend;
mod config;
mod demo;
mod logging;
mod serve;
mod shutdown;
mod sip_backend;

use std::path::PathBuf;

use anyhow::Result;
use clap::{Parser, Subcommand};
use std::sync::Arc;

use switchboard_store::LocalBlobStore;

use crate::config::Config;

// Each SIP transaction and call is its own task; under registration load the
// system allocator showed up as a third of the profile.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A self-hosted business phone system with a RingCentral-compatible API.
#[derive(Debug, Parser)]
#[command(version, about)]
struct Cli {
    /// Configuration file (TOML). Missing keys take their defaults.
    #[arg(long, short, env = "SWITCHBOARD_CONFIG", global = true)]
    config: Option<PathBuf>,

    /// Data directory (database, recordings, prompts). Overrides `store.data_dir`.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the phone system until SIGTERM or SIGINT. On an empty database it
    /// first creates the demo company (unless `demo.create_on_empty = false`).
    Serve,
    /// Create the database; with `--demo`, also the demo company.
    Init {
        /// Create the demo company and print its credentials.
        #[arg(long)]
        demo: bool,
    },
    /// Print the effective configuration, defaults included, as TOML.
    Config,
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    let config = Config::load(cli.config.as_deref(), cli.data_dir.as_deref())?;

    match cli.command {
        Command::Config => {
            print!("{}", config.to_toml()?);
            Ok(())
        }
        Command::Init { demo } => {
            logging::init(&config.general)?;
            runtime()?.block_on(init(config, demo))
        }
        Command::Serve => {
            logging::init(&config.general)?;
            runtime()?.block_on(serve::serve(config))
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn init(mut config: Config, with_demo: bool) -> Result<()> {
    config.settle()?;
    let store = serve::open_store(&config).await?;
    if with_demo {
        anyhow::ensure!(
            store.default_account().await.is_err(),
            "the database in {} already holds a company",
            config.store.data_dir.display()
        );
        let blobs = Arc::new(LocalBlobStore::new(config.store.effective_blob_dir()));
        let api_state = api_backend::api_state(config.api.clone(), store.clone(), blobs)?;
        let company = demo::create(&store, &config.demo).await?;
        let access = demo::grant_api_access(&store, &api_state, &company).await?;
        demo::announce(&config.store.data_dir, &company, &access)?;
    }
    Ok(())
}
