//! RTP fixed header and payload (RFC 3550 §5.1): parse and write.

use bytes::Bytes;

/// Why a datagram is not a usable RTP packet; the packet is dropped and counted.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum RtpError {
    /// Shorter than the fixed header or the lengths it announces.
    #[error("packet truncated")]
    Truncated,
    /// Version other than 2.
    #[error("RTP version {0} is not 2")]
    Version(u8),
    /// Padding length larger than the payload.
    #[error("bad padding")]
    Padding,
}

/// The fields of the fixed header that this layer uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpHeader {
    /// Marks the first packet of a talkspurt for audio (RFC 3551 §4.1).
    pub marker: bool,
    /// Seven bits: which codec or event the payload carries.
    pub payload_type: u8,
    /// Increments by one per packet, wrapping.
    pub sequence: u16,
    /// Sampling instant of the first octet, in the payload type's clock.
    pub timestamp: u32,
    /// The synchronization source.
    pub ssrc: u32,
}

/// One RTP packet with its payload (CSRCs, extension and padding removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpPacket {
    /// The fixed header.
    pub header: RtpHeader,
    /// What follows the header.
    pub payload: Bytes,
}

const FIXED_HEADER: usize = 12;

impl RtpPacket {
    /// Reads a datagram; never panics on malformed input.
    pub fn parse(data: &[u8]) -> Result<Self, RtpError> {
        if data.len() < FIXED_HEADER {
            return Err(RtpError::Truncated);
        }
        let version = data[0] >> 6;
        if version != 2 {
            return Err(RtpError::Version(version));
        }
        let csrc_count = usize::from(data[0] & 0x0F);
        let mut start = FIXED_HEADER + 4 * csrc_count;
        if data[0] & 0x10 != 0 {
            start = skip_extension(data, start)?;
        }
        let end = payload_end(data, start)?;
        Ok(Self {
            header: read_header(data),
            payload: Bytes::copy_from_slice(&data[start..end]),
        })
    }

    /// Writes the packet without CSRCs, extension or padding.
    pub fn to_bytes(&self) -> Vec<u8> {
        let h = &self.header;
        let mut out = Vec::with_capacity(FIXED_HEADER + self.payload.len());
        out.push(0x80);
        out.push((u8::from(h.marker) << 7) | (h.payload_type & 0x7F));
        out.extend_from_slice(&h.sequence.to_be_bytes());
        out.extend_from_slice(&h.timestamp.to_be_bytes());
        out.extend_from_slice(&h.ssrc.to_be_bytes());
        out.extend_from_slice(&self.payload);
        out
    }
}

fn read_header(data: &[u8]) -> RtpHeader {
    RtpHeader {
        marker: data[1] & 0x80 != 0,
        payload_type: data[1] & 0x7F,
        sequence: u16::from_be_bytes([data[2], data[3]]),
        timestamp: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
        ssrc: u32::from_be_bytes([data[8], data[9], data[10], data[11]]),
    }
}

/// RFC 3550 §5.3.1: a 4-octet extension header whose length counts 32-bit words.
fn skip_extension(data: &[u8], start: usize) -> Result<usize, RtpError> {
    let header = data.get(start..start + 4).ok_or(RtpError::Truncated)?;
    let words = usize::from(u16::from_be_bytes([header[2], header[3]]));
    let end = start + 4 + 4 * words;
    if end > data.len() {
        return Err(RtpError::Truncated);
    }
    Ok(end)
}

/// The last octet of padding says how many octets to drop (RFC 3550 §5.1, P bit).
fn payload_end(data: &[u8], start: usize) -> Result<usize, RtpError> {
    if start > data.len() {
        return Err(RtpError::Truncated);
    }
    if data[0] & 0x20 == 0 {
        return Ok(data.len());
    }
    let padding = usize::from(*data.last().ok_or(RtpError::Truncated)?);
    if padding == 0 || start + padding > data.len() {
        return Err(RtpError::Padding);
    }
    Ok(data.len() - padding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet() -> RtpPacket {
        let header = RtpHeader {
            marker: true,
            payload_type: 8,
            sequence: 65535,
            timestamp: 1 << 31,
            ssrc: 0xdead_beef,
        };
        RtpPacket {
            header,
            payload: Bytes::from_static(&[1, 2, 3]),
        }
    }

    #[test]
    fn write_then_parse_gives_the_same_packet() {
        let p = packet();
        assert_eq!(RtpPacket::parse(&p.to_bytes()).unwrap(), p);
    }

    #[test]
    fn csrcs_extension_and_padding_are_skipped() {
        let mut data = packet().to_bytes();
        data.truncate(12);
        data[0] = 0x80 | 0x20 | 0x10 | 1;
        data.extend_from_slice(&[0, 0, 0, 9]); // one CSRC
        data.extend_from_slice(&[0xBE, 0xDE, 0, 1, 7, 7, 7, 7]); // one-word extension
        data.extend_from_slice(&[1, 2, 3, 0, 2]); // payload then two octets of padding
        assert_eq!(
            RtpPacket::parse(&data).unwrap().payload.as_ref(),
            &[1, 2, 3]
        );
    }

    #[test]
    fn malformed_packets_are_errors_not_panics() {
        let good = packet().to_bytes();
        let mut cases: Vec<Vec<u8>> = vec![vec![], good[..11].to_vec()];
        let mut v1 = good.clone();
        v1[0] = 0x40;
        cases.push(v1);
        let mut csrc = good[..12].to_vec();
        csrc[0] |= 0x0F;
        cases.push(csrc);
        let mut ext = good[..12].to_vec();
        ext[0] |= 0x10;
        ext.extend_from_slice(&[0, 0, 0xFF, 0xFF]);
        cases.push(ext);
        let mut pad = good.clone();
        pad[0] |= 0x20;
        *pad.last_mut().unwrap() = 200;
        cases.push(pad);
        for case in cases {
            assert!(RtpPacket::parse(&case).is_err(), "{case:?}");
        }
    }

    #[test]
    fn every_short_prefix_of_random_bytes_is_handled() {
        for seed in 0u32..2000 {
            let data: Vec<u8> = (0..(seed % 40))
                .map(|i| (seed.wrapping_mul(2654435761) >> (i % 24)) as u8)
                .collect();
            let _ = RtpPacket::parse(&data);
        }
    }
}
