//! Sending one packet per packet time on an absolute schedule.
//!
//! A tokio interval with `MissedTickBehavior::Burst` keeps the long-run rate
//! exact: a late tick is followed by quick ones instead of drifting, so the
//! peer's jitter buffer sees 50 packets per second on average.

use std::time::Duration;

use tokio::time::{Instant, Interval, MissedTickBehavior, interval, interval_at};

/// Splits PCM into packet frames, padding the last one with silence.
pub fn frames(pcm: &[i16], samples_per_packet: usize) -> impl Iterator<Item = Vec<i16>> + '_ {
    pcm.chunks(samples_per_packet.max(1)).map(move |chunk| {
        let mut frame = chunk.to_vec();
        frame.resize(samples_per_packet, 0);
        frame
    })
}

/// A ticker that fires every packet time.
pub struct Pacer {
    ticks: Interval,
}

impl Pacer {
    /// A pacer whose first tick is immediate.
    pub fn new(ptime_ms: u32) -> Self {
        let mut ticks = interval(Duration::from_millis(u64::from(ptime_ms.max(1))));
        ticks.set_missed_tick_behavior(MissedTickBehavior::Burst);
        Self { ticks }
    }

    /// A pacer that keeps the packet time after the last packet sent: when
    /// one prompt follows another, the first packet of the second waits its
    /// turn instead of leaving right behind the last packet of the first.
    pub fn following(last_sent: Option<Instant>, ptime_ms: u32) -> Self {
        let period = Duration::from_millis(u64::from(ptime_ms.max(1)));
        let now = Instant::now();
        let start = last_sent.map(|last| last + period).filter(|at| *at > now);
        let mut ticks = interval_at(start.unwrap_or(now), period);
        ticks.set_missed_tick_behavior(MissedTickBehavior::Burst);
        Self { ticks }
    }

    /// Waits for the next send instant; cancel-safe.
    pub async fn tick(&mut self) {
        self.ticks.tick().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::AudioCodec;
    use crate::rtp::OutgoingStream;

    #[test]
    fn the_last_frame_is_padded_with_silence() {
        let all: Vec<Vec<i16>> = frames(&[1; 350], 160).collect();
        assert_eq!(all.len(), 3);
        assert!(all.iter().all(|f| f.len() == 160));
        assert_eq!(all[2][29..31], [1, 0]);
    }

    #[tokio::test(start_paused = true)]
    async fn one_second_of_g722_is_fifty_packets_with_steady_sequence_and_timestamps() {
        let codec = AudioCodec::G722;
        let pcm = vec![0i16; 16000];
        let mut stream = OutgoingStream::new();
        let mut pacer = Pacer::new(20);
        let mut encoder = codec.encoder();
        let start = tokio::time::Instant::now();
        let mut sent = Vec::new();
        for frame in frames(&pcm, codec.samples_per_packet(20)) {
            pacer.tick().await;
            sent.push(stream.next_audio(9, encoder.encode(&frame), codec.timestamp_step(20)));
        }
        assert_eq!(sent.len(), 50);
        for pair in sent.windows(2) {
            assert_eq!(
                pair[1].header.sequence,
                pair[0].header.sequence.wrapping_add(1)
            );
            assert_eq!(
                pair[1].header.timestamp,
                pair[0].header.timestamp.wrapping_add(160)
            );
        }
        assert!(sent[0].header.marker && sent[1..].iter().all(|p| !p.header.marker));
        // Paused clock: the schedule itself, not wall time, is what is checked.
        assert_eq!(start.elapsed(), Duration::from_millis(980));
    }
}
