//! RTCP sender and receiver reports with SDES CNAME (RFC 3550 §6.4, §6.5).
//!
//! Only what quality statistics need; other packet types in a compound
//! packet are skipped.

/// One reception report block (RFC 3550 §6.4.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ReportBlock {
    /// The source this block is about.
    pub ssrc: u32,
    /// Fraction lost since the last report, in 1/256.
    pub fraction_lost: u8,
    /// Cumulative packets lost (24-bit signed).
    pub cumulative_lost: i32,
    /// Extended highest sequence number received.
    pub highest_sequence: u32,
    /// Interarrival jitter in timestamp units.
    pub jitter: u32,
    /// Middle 32 bits of the NTP timestamp of the last SR received.
    pub last_sr: u32,
    /// Delay since that SR, in 1/65536 s.
    pub delay_since_last_sr: u32,
}

/// The sender part of an SR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SenderInfo {
    /// Wall clock as a 64-bit NTP timestamp.
    pub ntp_timestamp: u64,
    /// The same instant in RTP timestamp units.
    pub rtp_timestamp: u32,
    /// Packets sent since the start.
    pub packet_count: u32,
    /// Payload octets sent since the start.
    pub octet_count: u32,
}

/// An SR (with sender info) or RR (without).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The reporter.
    pub ssrc: u32,
    /// Present for an SR.
    pub sender: Option<SenderInfo>,
    /// Up to 31 report blocks.
    pub blocks: Vec<ReportBlock>,
}

const SR: u8 = 200;
const RR: u8 = 201;
const SDES: u8 = 202;
const BYE: u8 = 203;

/// The compound packet that says we are leaving (RFC 3550 §6.6): an empty RR,
/// the CNAME, then BYE.
pub fn goodbye(ssrc: u32, cname: &str) -> Vec<u8> {
    let mut out = Report {
        ssrc,
        sender: None,
        blocks: Vec::new(),
    }
    .to_compound(cname);
    out.extend_from_slice(&[0x81, BYE, 0, 1]);
    out.extend_from_slice(&ssrc.to_be_bytes());
    out
}

impl Report {
    /// Writes a compound packet: this report followed by SDES with `cname` (RFC 3550 §6.1).
    pub fn to_compound(&self, cname: &str) -> Vec<u8> {
        let mut out = Vec::with_capacity(128);
        self.write(&mut out);
        write_sdes(&mut out, self.ssrc, cname);
        out
    }

    fn write(&self, out: &mut Vec<u8>) {
        let blocks = self.blocks.len().min(31);
        let words = 1 + if self.sender.is_some() { 5 } else { 0 } + 6 * blocks;
        let kind = if self.sender.is_some() { SR } else { RR };
        out.push(0x80 | blocks as u8);
        out.push(kind);
        out.extend_from_slice(&(words as u16).to_be_bytes());
        out.extend_from_slice(&self.ssrc.to_be_bytes());
        if let Some(s) = self.sender {
            out.extend_from_slice(&s.ntp_timestamp.to_be_bytes());
            out.extend_from_slice(&s.rtp_timestamp.to_be_bytes());
            out.extend_from_slice(&s.packet_count.to_be_bytes());
            out.extend_from_slice(&s.octet_count.to_be_bytes());
        }
        self.blocks
            .iter()
            .take(31)
            .for_each(|b| write_block(out, b));
    }

    /// Reads the SR and RR packets of a compound packet; `None` if it is malformed.
    pub fn parse_compound(data: &[u8]) -> Option<Vec<Report>> {
        let mut reports = Vec::new();
        let mut rest = data;
        while !rest.is_empty() {
            let header = rest.get(..4)?;
            if header[0] >> 6 != 2 {
                return None;
            }
            let length = 4 * (usize::from(u16::from_be_bytes([header[2], header[3]])) + 1);
            let packet = rest.get(..length)?;
            if matches!(header[1], SR | RR) {
                reports.push(parse_report(packet)?);
            }
            rest = &rest[length..];
        }
        Some(reports)
    }
}

fn parse_report(packet: &[u8]) -> Option<Report> {
    let count = usize::from(packet[0] & 0x1F);
    let ssrc = read_u32(packet, 4)?;
    let (sender, mut offset) = if packet[1] == SR {
        let info = SenderInfo {
            ntp_timestamp: (u64::from(read_u32(packet, 8)?) << 32)
                | u64::from(read_u32(packet, 12)?),
            rtp_timestamp: read_u32(packet, 16)?,
            packet_count: read_u32(packet, 20)?,
            octet_count: read_u32(packet, 24)?,
        };
        (Some(info), 28)
    } else {
        (None, 8)
    };
    let mut blocks = Vec::with_capacity(count);
    for _ in 0..count {
        blocks.push(parse_block(packet, offset)?);
        offset += 24;
    }
    Some(Report {
        ssrc,
        sender,
        blocks,
    })
}

fn parse_block(packet: &[u8], at: usize) -> Option<ReportBlock> {
    let lost = read_u32(packet, at + 4)?;
    // Sign-extend the 24-bit cumulative count.
    let cumulative_lost = ((lost << 8) as i32) >> 8;
    Some(ReportBlock {
        ssrc: read_u32(packet, at)?,
        fraction_lost: (lost >> 24) as u8,
        cumulative_lost,
        highest_sequence: read_u32(packet, at + 8)?,
        jitter: read_u32(packet, at + 12)?,
        last_sr: read_u32(packet, at + 16)?,
        delay_since_last_sr: read_u32(packet, at + 20)?,
    })
}

fn write_block(out: &mut Vec<u8>, b: &ReportBlock) {
    let lost = (u32::from(b.fraction_lost) << 24)
        | (b.cumulative_lost.clamp(-0x80_0000, 0x7F_FFFF) as u32 & 0xFF_FFFF);
    for word in [
        b.ssrc,
        lost,
        b.highest_sequence,
        b.jitter,
        b.last_sr,
        b.delay_since_last_sr,
    ] {
        out.extend_from_slice(&word.to_be_bytes());
    }
}

/// One SDES chunk with a CNAME item, padded to a word with at least one null.
fn write_sdes(out: &mut Vec<u8>, ssrc: u32, cname: &str) {
    let name = &cname.as_bytes()[..cname.len().min(255)];
    let mut chunk = ssrc.to_be_bytes().to_vec();
    chunk.extend_from_slice(&[1, name.len() as u8]);
    chunk.extend_from_slice(name);
    chunk.push(0);
    while !chunk.len().is_multiple_of(4) {
        chunk.push(0);
    }
    out.extend_from_slice(&[0x81, SDES]);
    out.extend_from_slice(&((chunk.len() / 4) as u16).to_be_bytes());
    out.extend_from_slice(&chunk);
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at + 4)?;
    Some(u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block() -> ReportBlock {
        ReportBlock {
            ssrc: 9,
            fraction_lost: 25,
            cumulative_lost: -3,
            highest_sequence: 70000,
            jitter: 12,
            last_sr: 5,
            delay_since_last_sr: 6,
        }
    }

    #[test]
    fn sender_report_round_trips_through_a_compound_packet() {
        let sender = SenderInfo {
            ntp_timestamp: 0x0102_0304_0506_0708,
            rtp_timestamp: 160,
            packet_count: 3,
            octet_count: 480,
        };
        let sr = Report {
            ssrc: 42,
            sender: Some(sender),
            blocks: vec![block()],
        };
        let data = sr.to_compound("switchboard@127.0.0.1");
        assert_eq!(data.len() % 4, 0);
        assert_eq!(Report::parse_compound(&data).unwrap(), vec![sr]);
    }

    #[test]
    fn goodbye_is_a_valid_compound_packet_with_an_empty_report() {
        let data = goodbye(5, "x");
        let reports = Report::parse_compound(&data).unwrap();
        assert_eq!(
            reports,
            vec![Report {
                ssrc: 5,
                sender: None,
                blocks: vec![]
            }]
        );
        assert_eq!(&data[data.len() - 8..], &[0x81, 203, 0, 1, 0, 0, 0, 5]);
    }

    #[test]
    fn receiver_report_round_trips() {
        let rr = Report {
            ssrc: 7,
            sender: None,
            blocks: vec![block(), block()],
        };
        assert_eq!(
            Report::parse_compound(&rr.to_compound("x")).unwrap(),
            vec![rr]
        );
    }

    #[test]
    fn truncated_compound_packets_are_refused() {
        let data = Report {
            ssrc: 7,
            sender: None,
            blocks: vec![block()],
        }
        .to_compound("x");
        for len in 1..data.len() {
            let parsed = Report::parse_compound(&data[..len]);
            assert!(parsed.is_none() || len % 4 == 0, "prefix {len}");
        }
    }
}
