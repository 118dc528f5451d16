//! The configuration file: one TOML document with a section per layer,
//! overridable by `SWITCHBOARD_SECTION__KEY` environment variables.

use std::path::Path;

use anyhow::{Context, Result};
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use switchboard_phone::model::{SipTransport, Trunk};

/// Everything Switchboard can be told, with a default for every key.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub general: GeneralConfig,
    pub sip: switchboard_sip::SipConfig,
    pub media: switchboard_media::MediaConfig,
    pub call: switchboard_call::config::CallConfig,
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

impl Default for Config {
    /// The embedded defaults, with one trunk: a test carrier on
    /// 127.0.0.1:5080 that `scripts/demo-call` (or SIPp) plays.
    fn default() -> Self {
        let mut call = switchboard_call::CallConfig::default();
        call.trunks.push(demo_trunk());
        Self {
            general: GeneralConfig::default(),
            sip: Default::default(),
            media: Default::default(),
            call,
            api: Default::default(),
            store: Default::default(),
            demo: Default::default(),
        }
    }
}

fn demo_trunk() -> Trunk {
    Trunk {
        id: "demo".to_owned(),
        name: "Demo carrier on loopback".to_owned(),
        host: "127.0.0.1".to_owned(),
        port: 5080,
        transport: SipTransport::UDP,
        credentials: None,
        register: false,
        allowed_destinations: Default::default(),
    }
}

impl Config {
    /// Fills in what follows from other settings: the call-control work
    /// directory and a JWT signing secret that survives restarts (so JWT
    /// credentials printed at the first start keep working) in the data
    /// directory, trunk addresses on the lockout allow-list, and the SIP
    /// domain that `sip-info` reports.
    pub fn settle(&mut self) -> Result<()> {
        let data_dir = self.store.data_dir.clone();
        std::fs::create_dir_all(&data_dir)
            .with_context(|| format!("cannot create {}", data_dir.display()))?;
        if self.call.work_dir == switchboard_call::CallConfig::default().work_dir {
            self.call.work_dir = data_dir.join("work");
        }
        // A carrier never registers, and UDP source addresses are easy to
        // forge: failed logins "from" a trunk must not lock its calls out.
        for trunk in &self.call.trunks {
            if !self.sip.lockout.allow.contains(&trunk.host) {
                self.sip.lockout.allow.push(trunk.host.clone());
            }
        }
        if self.api.sip.domain == switchboard_api::ApiConfig::default().sip.domain {
            self.api.sip.domain = self.sip.domain.clone();
        }
        if self.api.tokens.jwt_hs256_secret.is_empty() {
            self.api.tokens.jwt_hs256_secret = stored_secret(&data_dir.join("jwt-hs256.secret"))?;
        }
        Ok(())
    }

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

    /// The digest realm phones authenticate against.
    pub fn sip_realm(&self) -> &str {
        if self.sip.realm.is_empty() {
            &self.sip.domain
        } else {
            &self.sip.realm
        }
    }

    pub fn to_toml(&self) -> Result<String> {
        Ok(toml::to_string_pretty(self)?)
    }
}

/// Reads the secret kept in `path`, creating it (owner-only) on first use.
fn stored_secret(path: &Path) -> Result<String> {
    if let Ok(secret) = std::fs::read_to_string(path) {
        return Ok(secret.trim().to_owned());
    }
    let secret: String = {
        use rand::Rng;
        let bytes: [u8; 32] = rand::rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    };
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut file, secret.as_bytes())?;
    Ok(secret)
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
    fn the_documented_defaults_are_the_real_ones() {
        let doc = include_str!("../../../docs/configuration.md");
        let block = doc
            .split("```toml\n")
            .nth(1)
            .and_then(|rest| rest.split("```").next());
        let documented = block.expect("a toml block in docs/configuration.md");
        let mut config = Config::default();
        config.call.work_dir = "/tmp/switchboard-call".into();

        assert_eq!(documented, config.to_toml().unwrap());
    }

    #[test]
    fn an_unknown_key_is_an_error_that_names_it() {
        let err = toml::from_str::<Config>("[general]\nlog_levle = \"debug\"\n").unwrap_err();
        assert!(err.to_string().contains("log_levle"), "{err}");
    }
}
