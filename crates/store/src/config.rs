//! `StoreConfig`: the `[store]` section of the configuration file.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Where and how Switchboard keeps its state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// The directory for the SQLite file and the audio blobs.
    /// Default: `./data`.
    pub data_dir: PathBuf,
    /// A database URL (`postgres://...` or `sqlite://...`). Default: none,
    /// which means the SQLite file `switchboard.db` in `data_dir`.
    pub database_url: Option<String>,
    /// Most connections the pool opens. Default: 8. SQLite serializes
    /// writes anyway; PostgreSQL deployments may want more.
    pub max_connections: u32,
    /// Seconds to wait for a free connection before failing a request.
    /// Default: 10.
    pub acquire_timeout_secs: u64,
    /// Where audio blobs go. Default: `blobs` under `data_dir`.
    pub blob_dir: Option<PathBuf>,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database_url: None,
            max_connections: 8,
            acquire_timeout_secs: 10,
            blob_dir: None,
        }
    }
}

impl StoreConfig {
    /// The database URL to connect to, defaulting to the SQLite file.
    /// `mode=rwc` lets SQLite create the file on first start.
    pub fn effective_database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", url_path(&self.sqlite_path())),
        }
    }

    /// The SQLite file used when no `database_url` is set.
    pub fn sqlite_path(&self) -> PathBuf {
        self.data_dir.join("switchboard.db")
    }

    /// The directory of the local blob store.
    pub fn effective_blob_dir(&self) -> PathBuf {
        self.blob_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("blobs"))
    }
}

/// Percent-encodes a file path for a `sqlite://` URL, so a data directory
/// with a space, `?` or `#` in its name still names the right file.
fn url_path(path: &std::path::Path) -> String {
    let text = path.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"/-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_a_sqlite_file_in_the_data_dir() {
        let config: StoreConfig = serde_json::from_str(r#"{"data_dir":"/var/lib/sb"}"#).unwrap();
        assert_eq!(
            config.effective_database_url(),
            "sqlite:///var/lib/sb/switchboard.db?mode=rwc"
        );
        assert_eq!(
            config.effective_blob_dir(),
            PathBuf::from("/var/lib/sb/blobs")
        );
        assert_eq!(config.max_connections, 8);
        assert!(serde_json::from_str::<StoreConfig>(r#"{"data_dri":"x"}"#).is_err());
    }

    #[test]
    fn odd_data_dir_names_are_percent_encoded() {
        let config = StoreConfig {
            data_dir: "/tmp/a b?#".into(),
            ..StoreConfig::default()
        };
        let url = config.effective_database_url();
        assert_eq!(url, "sqlite:///tmp/a%20b%3F%23/switchboard.db?mode=rwc");
    }
}
