//! The configuration file: one TOML document with a section per layer,
//! overridable by `SWITCHBOARD_SECTION__KEY` environment variables.

use std::path::Path;

use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// Everything Switchboard can be told, with a default for every key.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub general: GeneralConfig,
    pub sip: switchboard_sip::SipConfig,
    pub media: switchboard_media::MediaConfig,
    pub api: switchboard_api::ApiConfig,
    pub store: switchboard_store::StoreConfig,
    pub demo: crate::demo::DemoConfig,
}

/// Settings that belong to the process rather than to one layer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GeneralConfig {
    /// Log filter in `tracing` syntax, e.g. `info` or `switchboard_sip=debug,info`.
    /// `RUST_LOG` takes precedence when set.
    pub log_level: String,
    /// `text` for people, `json` for log collectors.
    pub log_format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for GeneralConfig {
    fn default() -> Self {
        Self {
            log_level: "info".to_owned(),
            log_format: LogFormat::Text,
        }
    }
}

impl Config {
    /// Defaults, then the file (when given), then the environment, then the
    /// command line's data directory.
    pub fn load(file: Option<&Path>, data_dir: Option<&Path>) -> Result<Self> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(file) = file {
            anyhow::ensure!(
                file.exists(),
                "configuration file {} not found",
                file.display()
            );
            figment = figment.merge(Toml::file(file));
        }
        // Only SECTION__KEY names are settings; SWITCHBOARD_CONFIG names the file.
        let env = Env::prefixed("SWITCHBOARD_")
            .filter(|key| key.as_str().contains("__"))
            .split("__");
        figment = figment.merge(env);

        let mut config: Config = figment.extract().context("invalid configuration")?;
        if let Some(dir) = data_dir {
            config.store.data_dir = dir.to_path_buf();
        }
        Ok(config)
    }

    pub fn to_toml(&self) -> Result<String> {
        Ok(toml::to_string_pretty(self)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_round_trip_through_toml() {
        let text = Config::default().to_toml().unwrap();
        let parsed: Config = toml::from_str(&text).unwrap();
        assert_eq!(parsed.general.log_level, "info");
    }

    #[test]
    fn an_unknown_key_is_an_error_that_names_it() {
        let err = toml::from_str::<Config>("[general]\nlog_levle = \"debug\"\n").unwrap_err();
        assert!(err.to_string().contains("log_levle"), "{err}");
    }
}
