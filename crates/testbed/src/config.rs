//! `EndpointConfig`: the listen address, the prompt and the recording folder.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use switchboard_media::{MediaConfig, Prompt, Tone};

/// Settings of the test endpoint; every field has a default.
#[derive(Debug, Clone)]
pub struct EndpointConfig {
    /// UDP address for SIP. Default `127.0.0.1:0` (a free port).
    pub sip_listen: SocketAddr,
    /// The media engine's settings (port range, codecs).
    pub media: MediaConfig,
    /// What `prompt-digits` plays, again and again until the caller hangs up.
    /// Default: a 440 Hz tone of 5 seconds.
    pub prompt: Vec<Prompt>,
    /// Where `record` writes `<call-id>.wav`. Default the system temp folder.
    pub record_dir: PathBuf,
    /// How long a `bridge-<key>` leg waits for its partner. Default 10 s.
    pub bridge_wait: Duration,
    /// INVITEs queued between the SIP layer and the endpoint. Default 4096.
    pub queue: usize,
}

impl Default for EndpointConfig {
    fn default() -> Self {
        let tone = Tone {
            frequencies: vec![440.0],
            level_dbm0: -13.0,
            on: Duration::from_secs(5),
            off: Duration::ZERO,
            total: Duration::from_secs(5),
        };
        Self {
            sip_listen: ([127, 0, 0, 1], 0).into(),
            media: MediaConfig {
                bind_address: [127, 0, 0, 1].into(),
                ..MediaConfig::default()
            },
            prompt: vec![Prompt::Tone(tone)],
            record_dir: std::env::temp_dir(),
            bridge_wait: Duration::from_secs(10),
            queue: 4096,
        }
    }
}
