//! Framing of messages on a byte stream (TCP, RFC 3261 §18.3): the header
//! section ends at a blank line and Content-Length, mandatory here, gives
//! the body size. Keep-alive CRLFs between messages (RFC 5626 §3.5.1) are
//! skipped.

use bytes::{Buf, Bytes, BytesMut};

/// Why a stream can no longer be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// The message (headers plus body) would exceed the configured limit.
    #[error("message larger than {0} bytes")]
    TooLarge(usize),
    /// Content-Length is missing, repeated or not a number.
    #[error("missing or malformed Content-Length")]
    ContentLength,
}

/// Accumulates stream bytes and yields complete messages.
#[derive(Debug)]
pub struct StreamFramer {
    buf: BytesMut,
    max: usize,
}

impl StreamFramer {
    /// A framer refusing messages over `max` bytes.
    pub fn new(max: usize) -> StreamFramer {
        StreamFramer {
            buf: BytesMut::new(),
            max,
        }
    }

    /// Appends received bytes.
    pub fn extend(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// The bytes buffered but not yet framed (used to answer a frame error).
    pub fn pending(&self) -> &[u8] {
        &self.buf
    }

    /// Returns the next complete message, `Ok(None)` when more bytes are needed.
    pub fn next_message(&mut self) -> Result<Option<Bytes>, FrameError> {
        while self.buf.starts_with(b"\r\n") || self.buf.starts_with(b"\n") {
            let n = if self.buf[0] == b'\r' { 2 } else { 1 };
            self.buf.advance(n);
        }
        let Some(head_len) = find_blank_line(&self.buf) else {
            return if self.buf.len() > self.max {
                Err(FrameError::TooLarge(self.max))
            } else {
                Ok(None)
            };
        };
        let body_len = content_length(&self.buf[..head_len])?;
        let total = head_len
            .checked_add(body_len)
            .ok_or(FrameError::TooLarge(self.max))?;
        if total > self.max {
            return Err(FrameError::TooLarge(self.max));
        }
        if self.buf.len() < total {
            return Ok(None);
        }
        Ok(Some(self.buf.split_to(total).freeze()))
    }
}

/// Length of the header section including the blank line.
fn find_blank_line(buf: &[u8]) -> Option<usize> {
    let crlf = buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4);
    let lf = buf.windows(2).position(|w| w == b"\n\n").map(|p| p + 2);
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn content_length(head: &[u8]) -> Result<usize, FrameError> {
    let text = std::str::from_utf8(head).map_err(|_| FrameError::ContentLength)?;
    let mut found = None;
    for line in text.split('\n') {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let name = name.trim();
        if name.eq_ignore_ascii_case("content-length") || name.eq_ignore_ascii_case("l") {
            if found.is_some() || line.starts_with([' ', '\t']) {
                return Err(FrameError::ContentLength);
            }
            let v = value.trim();
            let ok = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
            found = Some(if ok {
                v.parse().map_err(|_| FrameError::ContentLength)?
            } else {
                return Err(FrameError::ContentLength);
            });
        }
    }
    found.ok_or(FrameError::ContentLength)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MSG: &[u8] = b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nhi";

    #[test]
    fn frames_split_messages_and_skips_keepalives() {
        let mut f = StreamFramer::new(1000);
        f.extend(b"\r\n\r\n");
        f.extend(&MSG[..10]);
        assert_eq!(f.next_message(), Ok(None));
        f.extend(&MSG[10..]);
        f.extend(MSG);
        assert_eq!(f.next_message(), Ok(Some(Bytes::from_static(MSG))));
        assert_eq!(f.next_message(), Ok(Some(Bytes::from_static(MSG))));
        assert_eq!(f.next_message(), Ok(None));
    }

    #[test]
    fn missing_or_negative_content_length_is_an_error() {
        let mut f = StreamFramer::new(1000);
        f.extend(b"OPTIONS sip:a@b SIP/2.0\r\nl: -999\r\n\r\n");
        assert_eq!(f.next_message(), Err(FrameError::ContentLength));
        let mut f = StreamFramer::new(1000);
        f.extend(b"OPTIONS sip:a@b SIP/2.0\r\nVia: x\r\n\r\n");
        assert_eq!(f.next_message(), Err(FrameError::ContentLength));
    }

    #[test]
    fn oversized_messages_are_refused() {
        let mut f = StreamFramer::new(10);
        f.extend(MSG);
        assert_eq!(f.next_message(), Err(FrameError::TooLarge(10)));
    }
}
