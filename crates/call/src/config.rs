//! `CallConfig`: the `[call]` section: trunks and every timing and limit
//! of call control, each with a default.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use switchboard_phone::model::Trunk;
use switchboard_phone::rules::call_plan::PlanSettings;
use switchboard_phone::rules::ivr::IvrSettings;

/// Settings of call control. Every field has a default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallConfig {
    /// SIP trunks to the telephone network. Inbound calls are accepted only
    /// from a trunk's address; forwarding numbers are dialled through the
    /// first trunk whose destination policy allows them. Default: none.
    pub trunks: Vec<Trunk>,
    /// Require an inbound INVITE to come from the trunk's port as well as
    /// its IP address. Turn off for carriers that send from several
    /// ports. Default true.
    pub match_trunk_port: bool,
    /// Length of one ring in seconds; ring counts of answering rules are
    /// multiplied by it. Default 5, as on RingCentral.
    pub ring_duration_secs: u64,
    /// Rings on an extension's devices when its rule sets none. Default 4.
    pub default_device_rings: u32,
    /// How long an unconditional forward or an IVR transfer to an outside
    /// number rings before the caller is let go, in seconds. Default 60.
    pub forward_no_answer_secs: u64,
    /// Longest voicemail message in seconds. Default 120.
    pub voicemail_max_secs: u64,
    /// A message ends after this much silence, in milliseconds; 0 never
    /// stops on silence. Default 5000.
    pub voicemail_trailing_silence_ms: u64,
    /// Play a beep before recording. Default true.
    pub voicemail_beep: bool,
    /// Seconds the IVR waits for a key after its prompt. Default 5.
    pub ivr_no_input_timeout_secs: u64,
    /// Seconds the IVR waits for the next digit of an extension number.
    /// Default 3.
    pub ivr_inter_digit_timeout_secs: u64,
    /// Invalid IVR entries before the caller is let go. Default 3.
    pub ivr_max_invalid_entries: u8,
    /// The account's country calling code, to read national numbers.
    /// Default `1` (North America).
    pub home_calling_code: String,
    /// Host written in our Contact headers. Default: the address the
    /// INVITE arrived at (set it when the server binds a wildcard address).
    pub contact_host: Option<String>,
    /// Most calls at once; more INVITEs get 503. Default 200.
    pub max_calls: usize,
    /// Where recordings are written before they go to the blob store, and
    /// where audio prompts from the blob store are cached. Default: a
    /// `switchboard-call` folder in the system's temporary directory.
    pub work_dir: PathBuf,
}

impl Default for CallConfig {
    fn default() -> Self {
        Self {
            trunks: Vec::new(),
            match_trunk_port: true,
            ring_duration_secs: 5,
            default_device_rings: 4,
            forward_no_answer_secs: 60,
            voicemail_max_secs: 120,
            voicemail_trailing_silence_ms: 5000,
            voicemail_beep: true,
            ivr_no_input_timeout_secs: 5,
            ivr_inter_digit_timeout_secs: 3,
            ivr_max_invalid_entries: 3,
            home_calling_code: "1".to_owned(),
            contact_host: None,
            max_calls: 200,
            work_dir: std::env::temp_dir().join("switchboard-call"),
        }
    }
}

impl CallConfig {
    /// The plan settings the phone rules take.
    pub fn plan_settings(&self) -> PlanSettings {
        PlanSettings {
            ring_duration: Duration::from_secs(self.ring_duration_secs),
            default_device_rings: self.default_device_rings,
        }
    }

    /// The IVR settings the phone rules take.
    pub fn ivr_settings(&self) -> IvrSettings {
        IvrSettings {
            inter_digit_timeout: Duration::from_secs(self.ivr_inter_digit_timeout_secs),
            no_input_timeout: Duration::from_secs(self.ivr_no_input_timeout_secs),
            max_invalid_entries: self.ivr_max_invalid_entries,
            ..IvrSettings::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_section_gives_the_defaults() {
        let parsed: CallConfig = serde_json::from_str("{}").expect("defaults");
        assert_eq!(parsed, CallConfig::default());
        assert_eq!(parsed.plan_settings().ring_duration, Duration::from_secs(5));
    }

    #[test]
    fn a_trunk_needs_only_id_name_and_host() {
        let json = r#"{"trunks":[{"id":"t1","name":"Carrier","host":"192.0.2.1"}]}"#;
        let parsed: CallConfig = serde_json::from_str(json).expect("trunk");
        assert_eq!(parsed.trunks[0].port, 5060);
    }
}
