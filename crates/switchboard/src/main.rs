//! The `switchboard` command: parses the command line, loads the
//! configuration, starts logging and hands over to the chosen subcommand.

mod config;
mod demo;
mod logging;
mod shutdown;

use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use switchboard_store::Store;

use crate::config::Config;

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
            runtime()?.block_on(serve(config))
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

async fn init(config: Config, with_demo: bool) -> Result<()> {
    let store = open_store(&config).await?;
    if with_demo {
        anyhow::ensure!(
            store.default_account().await.is_err(),
            "the database in {} already holds a company",
            config.store.data_dir.display()
        );
        let company = demo::create(&store, &config.demo).await?;
        print_demo(&company);
    }
    Ok(())
}

async fn serve(config: Config) -> Result<()> {
    let store = open_store(&config).await?;
    if config.demo.create_on_empty && store.default_account().await.is_err() {
        let company = demo::create(&store, &config.demo).await?;
        print_demo(&company);
    }

    tracing::info!(data_dir = %config.store.data_dir.display(), "switchboard started");
    shutdown::signalled().await;
    tracing::info!("switchboard stopped");
    Ok(())
}

async fn open_store(config: &Config) -> Result<Store> {
    Store::open(&config.store).await.with_context(|| {
        format!(
            "cannot open the store in {}",
            config.store.data_dir.display()
        )
    })
}

/// Printed once: the passwords are not shown again.
fn print_demo(company: &demo::DemoCompany) {
    println!(
        "Created the demo company {:?}.",
        company.account.company_name
    );
    println!(
        "Main number {} reaches the auto-attendant (extension {}).",
        company.account.main_number, company.ivr_extension_number
    );
    println!("SIP accounts (shown only now):");
    for user in &company.users {
        println!(
            "  extension {}  {:<14} username {}  password {}  direct {}",
            user.extension_number,
            user.name,
            user.sip_username,
            user.sip_password,
            user.direct_number
        );
    }
}
