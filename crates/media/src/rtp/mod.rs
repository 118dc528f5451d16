//! RTP and RTCP (RFC 3550): packets, reception statistics and the outgoing
//! stream state (SSRC, sequence, timestamp, marker).

pub mod packet;
pub mod reorder;
pub mod rtcp;
pub mod stats;

pub use packet::{RtpError, RtpHeader, RtpPacket};
pub use stats::{ReceiverStats, SessionStats};

use bytes::Bytes;

/// The state of the stream we send: one SSRC, one sequence and one timestamp
/// line, whatever is playing or being relayed (RFC 3550 §5.1).
#[derive(Debug, Clone)]
pub struct OutgoingStream {
    /// Our SSRC, random per session (RFC 3550 §8.1).
    pub ssrc: u32,
    /// The next sequence number.
    pub sequence: u16,
    /// The timestamp of the next packet.
    pub timestamp: u32,
    /// Set when the next audio packet starts a talkspurt.
    pub talkspurt_start: bool,
    /// Packets and payload octets sent, for SR and stats.
    pub packets: u64,
    /// Payload octets sent.
    pub octets: u64,
}

impl OutgoingStream {
    /// A stream with random SSRC, sequence and timestamp (RFC 3550 §5.1).
    pub fn new() -> Self {
        Self {
            ssrc: rand::random(),
            sequence: rand::random(),
            timestamp: rand::random(),
            talkspurt_start: true,
            packets: 0,
            octets: 0,
        }
    }

    /// Builds the next audio packet and advances by `step` timestamp units.
    pub fn next_audio(&mut self, payload_type: u8, payload: Vec<u8>, step: u32) -> RtpPacket {
        let marker = std::mem::take(&mut self.talkspurt_start);
        let packet = self.packet(payload_type, marker, self.timestamp, payload);
        self.timestamp = self.timestamp.wrapping_add(step);
        packet
    }

    /// Builds a packet at an explicit timestamp (telephone-event, relayed audio).
    pub fn packet(
        &mut self,
        payload_type: u8,
        marker: bool,
        timestamp: u32,
        payload: Vec<u8>,
    ) -> RtpPacket {
        let header = RtpHeader {
            marker,
            payload_type,
            sequence: self.sequence,
            timestamp,
            ssrc: self.ssrc,
        };
        self.sequence = self.sequence.wrapping_add(1);
        self.packets += 1;
        self.octets += payload.len() as u64;
        RtpPacket {
            header,
            payload: Bytes::from(payload),
        }
    }

    /// Marks a pause: the next packet starts a new talkspurt `gap` units later.
    pub fn pause(&mut self, gap: u32) {
        self.timestamp = self.timestamp.wrapping_add(gap);
        self.talkspurt_start = true;
    }
}

impl Default for OutgoingStream {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_is_set_on_the_first_packet_of_each_talkspurt_only() {
        let mut s = OutgoingStream::new();
        let markers: Vec<bool> = (0..3)
            .map(|_| s.next_audio(0, vec![0; 160], 160).header.marker)
            .collect();
        s.pause(800);
        let after = s.next_audio(0, vec![0; 160], 160);
        assert_eq!(markers, vec![true, false, false]);
        assert!(after.header.marker);
    }

    #[test]
    fn sequence_and_timestamp_advance_and_wrap() {
        let mut s = OutgoingStream {
            sequence: 65535,
            timestamp: u32::MAX - 100,
            ..OutgoingStream::new()
        };
        let a = s.next_audio(0, vec![0; 160], 160);
        let b = s.next_audio(0, vec![0; 160], 160);
        assert_eq!((a.header.sequence, b.header.sequence), (65535, 0));
        assert_eq!(b.header.timestamp, a.header.timestamp.wrapping_add(160));
        assert_eq!((s.packets, s.octets), (2, 320));
    }
}
