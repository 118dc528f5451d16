//! Reception statistics for one source (RFC 3550 appendix A.1, A.3, A.8) and
//! the counters a session reports.

use serde::Serialize;

use super::rtcp::ReportBlock;

/// Sequence jumps larger than this restart the count (RFC 3550 A.1 `MAX_DROPOUT`).
const MAX_DROPOUT: u16 = 3000;
/// Late packets within this many are accepted (RFC 3550 A.1 `MAX_MISORDER`).
const MAX_MISORDER: u16 = 100;

/// What we learn about the stream the peer sends us.
#[derive(Debug, Clone, Default)]
pub struct ReceiverStats {
    ssrc: Option<u32>,
    max_seq: u16,
    cycles: u32,
    base_seq: u32,
    received: u64,
    expected_prior: u64,
    received_prior: u64,
    /// Jitter scaled by 16 as in RFC 3550 A.8, in timestamp units.
    jitter_q4: u32,
    last_transit: Option<i64>,
}

impl ReceiverStats {
    /// Counts one packet; `arrival` is the arrival time in timestamp units.
    pub fn on_packet(&mut self, ssrc: u32, sequence: u16, timestamp: u32, arrival: u32) {
        if self.ssrc != Some(ssrc) {
            self.restart(ssrc, sequence);
        } else if !self.update_sequence(sequence) {
            return;
        }
        self.received += 1;
        self.update_jitter(timestamp, arrival);
    }

    fn restart(&mut self, ssrc: u32, sequence: u16) {
        *self = Self {
            ssrc: Some(ssrc),
            max_seq: sequence,
            base_seq: u32::from(sequence),
            ..Self::default()
        };
    }

    /// RFC 3550 A.1 without the probation stage; false for a packet to ignore.
    fn update_sequence(&mut self, sequence: u16) -> bool {
        let delta = sequence.wrapping_sub(self.max_seq);
        if delta < MAX_DROPOUT {
            if sequence < self.max_seq {
                self.cycles += 1 << 16;
            }
            self.max_seq = sequence;
        } else if delta <= u16::MAX - MAX_MISORDER {
            // A large jump: the sender restarted; count from here, received
            // included, or the expected count falls below it and loss goes
            // negative (RFC 3550 A.1 re-initialises both).
            let ssrc = self.ssrc.unwrap_or_default();
            self.restart(ssrc, sequence);
        }
        // Otherwise a duplicate or late packet: counted, the maximum stays.
        true
    }

    /// RFC 3550 A.8: J += (|D| - J) / 16, kept scaled by 16 to stay in integers.
    fn update_jitter(&mut self, timestamp: u32, arrival: u32) {
        let transit = i64::from(arrival.wrapping_sub(timestamp) as i32);
        if let Some(last) = self.last_transit {
            let d = (transit - last)
                .unsigned_abs()
                .min(u64::from(u32::MAX >> 4)) as u32;
            let j = self.jitter_q4;
            self.jitter_q4 = j + d - ((j + 8) >> 4);
        }
        self.last_transit = Some(transit);
    }

    /// Interarrival jitter in timestamp units.
    pub fn jitter(&self) -> u32 {
        self.jitter_q4 >> 4
    }

    /// The extended highest sequence number.
    pub fn extended_max(&self) -> u32 {
        self.cycles + u32::from(self.max_seq)
    }

    /// Packets expected from the sequence numbers seen.
    pub fn expected(&self) -> u64 {
        if self.ssrc.is_none() {
            return 0;
        }
        u64::from(self.extended_max()) + 1 - u64::from(self.base_seq)
    }

    /// Cumulative packets lost; negative with duplicates (RFC 3550 A.3).
    pub fn lost(&self) -> i64 {
        self.expected() as i64 - self.received as i64
    }

    /// A report block for an RR or SR, updating the interval counters (RFC 3550 A.3).
    pub fn report_block(&mut self) -> Option<ReportBlock> {
        let ssrc = self.ssrc?;
        let expected_interval = self.expected().saturating_sub(self.expected_prior);
        let received_interval = self.received.saturating_sub(self.received_prior);
        self.expected_prior = self.expected();
        self.received_prior = self.received;
        let lost_interval = expected_interval.saturating_sub(received_interval);
        let fraction_lost =
            ((lost_interval << 8).checked_div(expected_interval)).unwrap_or(0) as u8;
        Some(ReportBlock {
            ssrc,
            fraction_lost,
            cumulative_lost: self.lost().clamp(-0x80_0000, 0x7F_FFFF) as i32,
            highest_sequence: self.extended_max(),
            jitter: self.jitter(),
            ..ReportBlock::default()
        })
    }
}

/// A snapshot of one session's counters, as call control and metrics read them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct SessionStats {
    /// RTP packets we sent.
    pub packets_sent: u64,
    /// Payload octets we sent.
    pub octets_sent: u64,
    /// RTP packets received and accepted.
    pub packets_received: u64,
    /// Payload octets received.
    pub octets_received: u64,
    /// Packets lost from the peer's stream (RFC 3550 A.3), negative with duplicates.
    pub packets_lost: i64,
    /// Interarrival jitter of the peer's stream in milliseconds (RFC 3550 A.8).
    pub jitter_ms: f64,
    /// Datagrams dropped as malformed, from an unexpected source or of an unknown type.
    pub packets_dropped: u64,
    /// Loss the peer reported for our stream in its last RTCP report, in 1/256.
    pub remote_fraction_lost: Option<u8>,
    /// Jitter the peer reported for our stream, in milliseconds.
    pub remote_jitter_ms: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(stats: &mut ReceiverStats, sequences: &[u16]) {
        for &s in sequences {
            let ts = u32::from(s).wrapping_mul(160);
            stats.on_packet(1, s, ts, ts.wrapping_add(1000));
        }
    }

    #[test]
    fn gaps_count_as_loss() {
        let mut s = ReceiverStats::default();
        feed(&mut s, &[10, 11, 13, 14, 17]);
        assert_eq!((s.expected(), s.lost()), (8, 3));
        let block = s.report_block().unwrap();
        assert_eq!(block.fraction_lost, (3 * 256 / 8) as u8);
        assert_eq!(s.report_block().unwrap().fraction_lost, 0);
    }

    #[test]
    fn sequence_wrap_extends_the_highest_number() {
        let mut s = ReceiverStats::default();
        feed(&mut s, &[65534, 65535, 0, 1]);
        assert_eq!((s.extended_max(), s.lost()), (65537, 0));
    }

    #[test]
    fn late_and_duplicate_packets_do_not_move_the_maximum() {
        let mut s = ReceiverStats::default();
        feed(&mut s, &[100, 102, 101, 102]);
        assert_eq!((s.extended_max(), s.lost()), (102, -1));
    }

    #[test]
    fn a_new_ssrc_restarts_the_counts() {
        let mut s = ReceiverStats::default();
        feed(&mut s, &[1, 5]);
        s.on_packet(2, 900, 0, 0);
        assert_eq!((s.expected(), s.lost()), (1, 0));
    }

    #[test]
    fn steady_arrivals_have_no_jitter_and_uneven_ones_do() {
        let mut s = ReceiverStats::default();
        feed(&mut s, &(0..50).collect::<Vec<_>>());
        assert_eq!(s.jitter(), 0);
        for i in 50u16..250 {
            let ts = u32::from(i) * 160;
            let wobble = if i % 2 == 0 { 80 } else { 0 };
            s.on_packet(1, i, ts, ts + wobble);
        }
        assert!((60..=90).contains(&s.jitter()), "jitter {}", s.jitter());
    }
}
