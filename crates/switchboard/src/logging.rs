//! Structured logging to standard error, as text or JSON.

use anyhow::{Result, anyhow};
use tracing_subscriber::EnvFilter;

use crate::config::{GeneralConfig, LogFormat};

pub fn init(general: &GeneralConfig) -> Result<()> {
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&general.log_level))
        .map_err(|e| anyhow!("invalid general.log_level {:?}: {e}", general.log_level))?;

    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match general.log_format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
    result.map_err(|e| anyhow!("cannot start logging: {e}"))
}
