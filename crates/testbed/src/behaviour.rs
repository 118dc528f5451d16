//! What a call does, chosen by the Request-URI user: `prompt-digits` plays
//! the prompt in a loop and collects keys, `record` records the caller after
//! a beep, `bridge-<key>` relays media between the two calls sharing a key.

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use switchboard_media::{
    BridgeEnd, CollectEnd, CollectOptions, MediaSession, PlayEnd, PlayOptions, Prompt,
    RecordOptions, Recording, bridge,
};
use switchboard_sip::ServerTransaction;
use tokio::sync::mpsc;
use tracing::{debug, warn};

use crate::endpoint::Leg;

/// One behaviour of the test endpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Behaviour {
    /// Play the prompt until hang-up while collecting every key.
    PromptDigits,
    /// Beep, then record the caller until BYE or `#`.
    Record,
    /// Relay media to the other call with the same key.
    Bridge(String),
}

/// How a call went, from the endpoint's side.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// The keys that arrived, in order (RFC 4733 or in-band).
    Digits(String),
    /// The recording, already saved.
    Recorded(Recording),
    /// The bridge ended; `None` when the partner never came.
    Bridged(Option<BridgeEnd>),
    /// The behaviour could not run.
    Failed(String),
}

impl Behaviour {
    /// The behaviour a Request-URI user names, if any.
    pub fn from_user(user: &str) -> Option<Self> {
        match user {
            "prompt-digits" => Some(Self::PromptDigits),
            "record" => Some(Self::Record),
            _ => user
                .strip_prefix("bridge-")
                .filter(|key| !key.is_empty())
                .map(|key| Self::Bridge(key.to_owned())),
        }
    }
}

/// Keys are taken one at a time, so none is lost when the caller hangs up
/// (`collect_digits` reports no keys on hang-up).
fn one_key() -> CollectOptions {
    CollectOptions {
        max_digits: 1,
        terminator: None,
        first_digit_timeout: Duration::from_secs(3600),
        inter_digit_timeout: Duration::from_secs(3600),
    }
}

/// Runs `work` until it ends or the caller hangs up (BYE or RTP timeout);
/// returns its output and the BYE to answer, if one came.
pub(crate) async fn until_hangup<T>(
    session: &MediaSession,
    byes: &mut mpsc::Receiver<ServerTransaction>,
    work: impl Future<Output = T>,
) -> (T, Option<ServerTransaction>) {
    tokio::pin!(work);
    tokio::select! {
        out = &mut work => (out, None),
        bye = byes.recv() => {
            session.hang_up();
            (work.await, bye)
        }
        () = session.media_timeout() => {
            warn!("no RTP from the caller; hanging up");
            session.hang_up();
            (work.await, None)
        }
    }
}

/// `prompt-digits`: the prompt again and again, every key collected.
pub(crate) async fn prompt_digits(leg: &mut Leg, prompt: &[Prompt]) -> Outcome {
    let session = &leg.session;
    let play = async {
        // Ends on hang-up; an error (a TTS failure) would repeat, so stop.
        while let Ok(PlayEnd::Finished) = session.play(prompt, PlayOptions::default()).await {}
    };
    let collect = async {
        let mut keys = String::new();
        loop {
            let got = session.collect_digits(&one_key()).await;
            if got.end == CollectEnd::HungUp {
                return keys;
            }
            keys.push_str(&got.digits);
        }
    };
    let work = async { tokio::join!(play, collect).1 };
    let (keys, bye) = until_hangup(session, &mut leg.byes, work).await;
    leg.bye = bye;
    debug!(keys = %keys, "keys collected");
    Outcome::Digits(keys)
}

/// `record`: a beep, then the caller until BYE or `#`, trailing silence cut.
pub(crate) async fn record(leg: &mut Leg, dir: &Path) -> Outcome {
    let name: String = leg
        .dialog
        .call_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    let options = RecordOptions {
        // Only BYE or `#` end the message, as the test peers expect.
        trailing_silence: Some(Duration::ZERO),
        ..RecordOptions::voicemail(dir.join(format!("{name}.wav")))
    };
    let (saved, bye) =
        until_hangup(&leg.session, &mut leg.byes, leg.session.record(&options)).await;
    leg.bye = bye;
    match saved {
        Ok(recording) => Outcome::Recorded(recording),
        Err(error) => Outcome::Failed(error.to_string()),
    }
}

/// Relays between two legs until one hangs up; the other is then given a
/// moment to hang up too before the endpoint sends its own BYE.
pub(crate) async fn bridge_pair(a: &mut Leg, b: &mut Leg) -> Outcome {
    let end = tokio::select! {
        end = bridge(&a.session, &b.session) => end,
        bye = a.byes.recv() => { a.session.hang_up(); a.bye = bye; Ok(BridgeEnd::FirstHungUp) }
        bye = b.byes.recv() => { b.session.hang_up(); b.bye = bye; Ok(BridgeEnd::SecondHungUp) }
    };
    for leg in [a, b] {
        if leg.bye.is_none() {
            let wait = tokio::time::timeout(Duration::from_secs(5), leg.byes.recv());
            leg.bye = wait.await.ok().flatten();
        }
    }
    match end {
        Ok(end) => Outcome::Bridged(Some(end)),
        Err(error) => Outcome::Failed(error.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_uri_users_name_behaviours() {
        assert_eq!(
            Behaviour::from_user("prompt-digits"),
            Some(Behaviour::PromptDigits)
        );
        assert_eq!(Behaviour::from_user("record"), Some(Behaviour::Record));
        assert_eq!(
            Behaviour::from_user("bridge-7"),
            Some(Behaviour::Bridge("7".into()))
        );
        assert_eq!(Behaviour::from_user("bridge-"), None);
        assert_eq!(Behaviour::from_user("alice"), None);
    }
}
