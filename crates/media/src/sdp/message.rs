//! SDP session descriptions (RFC 4566): a strict line parser and a printer.
//!
//! Only the fields the offer/answer policy reads are kept as typed values; the
//! rest (`i=`, `u=`, `e=`, `p=`, `z=`, `k=`, `r=`) are accepted and dropped.

use std::fmt::{self, Write as _};
use std::net::IpAddr;

use super::SdpError;

/// A whole session description, as carried in a SIP body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionDescription {
    /// The `o=` line.
    pub origin: Origin,
    /// The `s=` line; RFC 4566 §5.3 asks for `-` when there is nothing to say.
    pub session_name: String,
    /// The session-level `c=` line, the default for every media description.
    pub connection: Option<Connection>,
    /// Session-level `b=` lines, kept verbatim (`AS:64`).
    pub bandwidths: Vec<String>,
    /// The `t=` lines, kept verbatim; `0 0` for telephony.
    pub times: Vec<String>,
    /// Session-level `a=` lines.
    pub attributes: Vec<Attribute>,
    /// The `m=` sections in order; their index is what RFC 3264 matches on.
    pub media: Vec<MediaDescription>,
}

/// The `o=` line (RFC 4566 §5.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    /// `-` unless a user name matters.
    pub username: String,
    /// Stays the same for the life of the session.
    pub session_id: u64,
    /// Goes up by one with every new offer or answer that changes something.
    pub session_version: u64,
    /// The address of the machine that made the description.
    pub address: IpAddr,
}

/// A `c=` line; only unicast IN IP4/IP6 addresses are accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Connection {
    /// `0.0.0.0` is the RFC 2543 way of putting a stream on hold.
    pub address: IpAddr,
}

/// One `m=` section with the lines that follow it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaDescription {
    /// `audio`, `video`, `application`, ...
    pub media: String,
    /// Port 0 means the stream is rejected or disabled (RFC 3264 §6).
    pub port: u16,
    /// The `/2` in `49170/2`, rarely used.
    pub port_count: Option<u16>,
    /// `RTP/AVP`, `RTP/SAVP`, `UDP/TLS/RTP/SAVPF`, ...
    pub proto: String,
    /// Payload type numbers for RTP; opaque tokens otherwise.
    pub formats: Vec<String>,
    /// A media-level `c=` overrides the session-level one.
    pub connection: Option<Connection>,
    /// Media-level `b=` lines, verbatim.
    pub bandwidths: Vec<String>,
    /// Media-level `a=` lines.
    pub attributes: Vec<Attribute>,
}

/// An `a=name` or `a=name:value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    /// What comes before the first colon.
    pub name: String,
    /// What comes after it, if there is a colon.
    pub value: Option<String>,
}

impl Attribute {
    /// An attribute with a value (`a=rtpmap:0 PCMU/8000`).
    pub fn new(name: &str, value: impl Into<String>) -> Self {
        Self {
            name: name.to_owned(),
            value: Some(value.into()),
        }
    }

    /// A property attribute without a value (`a=sendrecv`).
    pub fn flag(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            value: None,
        }
    }
}

impl MediaDescription {
    /// Values of every attribute called `name`, in order.
    pub fn attribute_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.attributes
            .iter()
            .filter(move |a| a.name == name)
            .filter_map(|a| a.value.as_deref())
    }

    /// Whether a value-less attribute called `name` is present.
    pub fn has_flag(&self, name: &str) -> bool {
        self.attributes.iter().any(|a| a.name == name)
    }

    /// The payload type numbers of an RTP media description; non-numbers are skipped.
    pub fn payload_types(&self) -> impl Iterator<Item = u8> + '_ {
        self.formats
            .iter()
            .filter_map(|f| f.parse::<u8>().ok())
            .filter(|pt| *pt < 128)
    }

    /// Whether the transport is plain or feedback RTP (the only ones this layer speaks).
    pub fn is_plain_rtp(&self) -> bool {
        self.proto == "RTP/AVP" || self.proto == "RTP/AVPF"
    }
}

impl SessionDescription {
    /// Parses a description, accepting CRLF or bare LF line ends.
    pub fn parse(text: &str) -> Result<Self, SdpError> {
        let mut lines = text
            .lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty());
        let (_, first) = lines.next().ok_or(SdpError::Empty)?;
        if first.trim_end() != "v=0" {
            return Err(SdpError::Version);
        }
        let mut builder = Builder::default();
        for (index, line) in lines {
            builder.line(index + 1, line.trim_end_matches('\r'))?;
        }
        builder.finish()
    }
}

#[derive(Default)]
struct Builder {
    origin: Option<Origin>,
    session_name: Option<String>,
    connection: Option<Connection>,
    bandwidths: Vec<String>,
    times: Vec<String>,
    attributes: Vec<Attribute>,
    media: Vec<MediaDescription>,
}

impl Builder {
    fn line(&mut self, number: usize, line: &str) -> Result<(), SdpError> {
        let bad = || SdpError::Line {
            number,
            reason: "expected <type>=<value>",
        };
        let (kind, value) = line.split_once('=').ok_or_else(bad)?;
        let mut chars = kind.chars();
        let kind = match (chars.next(), chars.next()) {
            (Some(c), None) => c,
            _ => return Err(bad()),
        };
        let in_media = !self.media.is_empty();
        match kind {
            'o' | 's' | 'v' if self.seen_once(kind) => {
                return Err(SdpError::Line {
                    number,
                    reason: "line type repeated",
                });
            }
            'o' if !in_media => self.origin = Some(parse_origin(number, value)?),
            's' if !in_media => self.session_name = Some(value.to_owned()),
            't' if !in_media => self.times.push(value.to_owned()),
            'm' => self.media.push(parse_media(number, value)?),
            'c' => self.set_connection(parse_connection(number, value)?),
            'b' => self.current_bandwidths().push(value.to_owned()),
            'a' => self.current_attributes().push(parse_attribute(value)),
            'i' | 'u' | 'e' | 'p' | 'z' | 'k' | 'r' => {}
            _ => {
                return Err(SdpError::Line {
                    number,
                    reason: "unexpected line type",
                });
            }
        }
        Ok(())
    }

    /// `v=`, `o=` and `s=` appear once (RFC 4566 §5); `v=` was the first line.
    fn seen_once(&self, kind: char) -> bool {
        match kind {
            'o' => self.origin.is_some(),
            's' => self.session_name.is_some(),
            _ => true,
        }
    }

    fn set_connection(&mut self, connection: Connection) {
        match self.media.last_mut() {
            Some(media) => media.connection = Some(connection),
            None => self.connection = Some(connection),
        }
    }

    fn current_bandwidths(&mut self) -> &mut Vec<String> {
        match self.media.last_mut() {
            Some(media) => &mut media.bandwidths,
            None => &mut self.bandwidths,
        }
    }

    fn current_attributes(&mut self) -> &mut Vec<Attribute> {
        match self.media.last_mut() {
            Some(media) => &mut media.attributes,
            None => &mut self.attributes,
        }
    }

    fn finish(self) -> Result<SessionDescription, SdpError> {
        Ok(SessionDescription {
            origin: self.origin.ok_or(SdpError::Missing("o="))?,
            session_name: self.session_name.ok_or(SdpError::Missing("s="))?,
            connection: self.connection,
            bandwidths: self.bandwidths,
            times: self.times,
            attributes: self.attributes,
            media: self.media,
        })
    }
}

fn parse_origin(number: usize, value: &str) -> Result<Origin, SdpError> {
    let bad = |reason| SdpError::Line { number, reason };
    let fields: Vec<&str> = value.split_ascii_whitespace().collect();
    let [username, id, version, _, _, _] = fields[..] else {
        return Err(bad("o= needs six fields"));
    };
    let address = parse_address(number, &fields[3..])?;
    Ok(Origin {
        username: username.to_owned(),
        session_id: id
            .parse()
            .map_err(|_| bad("o= session id is not a number"))?,
        session_version: version
            .parse()
            .map_err(|_| bad("o= version is not a number"))?,
        address,
    })
}

fn parse_connection(number: usize, value: &str) -> Result<Connection, SdpError> {
    let fields: Vec<&str> = value.split_ascii_whitespace().collect();
    if fields.len() != 3 {
        return Err(SdpError::Line {
            number,
            reason: "c= needs three fields",
        });
    }
    Ok(Connection {
        address: parse_address(number, &fields)?,
    })
}

/// Reads `IN IP4 <addr>` / `IN IP6 <addr>`, dropping a multicast `/ttl` suffix.
fn parse_address(number: usize, fields: &[&str]) -> Result<IpAddr, SdpError> {
    let bad = |reason| SdpError::Line { number, reason };
    if fields[0] != "IN" {
        return Err(bad("network type is not IN"));
    }
    let text = fields[2].split('/').next().unwrap_or_default();
    let address: IpAddr = text
        .parse()
        .map_err(|_| bad("address is not an IP literal"))?;
    match (fields[1], address) {
        ("IP4", IpAddr::V4(_)) | ("IP6", IpAddr::V6(_)) => Ok(address),
        _ => Err(bad("address type does not match the address")),
    }
}

fn parse_media(number: usize, value: &str) -> Result<MediaDescription, SdpError> {
    let bad = |reason| SdpError::Line { number, reason };
    let mut fields = value.split_ascii_whitespace();
    let media = fields.next().ok_or_else(|| bad("m= needs a media type"))?;
    let port_field = fields.next().ok_or_else(|| bad("m= needs a port"))?;
    let proto = fields.next().ok_or_else(|| bad("m= needs a protocol"))?;
    let (port, port_count) = match port_field.split_once('/') {
        Some((port, count)) => (
            port,
            Some(count.parse().map_err(|_| bad("bad port count"))?),
        ),
        None => (port_field, None),
    };
    let formats: Vec<String> = fields.map(str::to_owned).collect();
    if formats.is_empty() {
        return Err(bad("m= needs at least one format"));
    }
    Ok(MediaDescription {
        media: media.to_owned(),
        port: port.parse().map_err(|_| bad("m= port is not a number"))?,
        port_count,
        proto: proto.to_owned(),
        formats,
        connection: None,
        bandwidths: Vec::new(),
        attributes: Vec::new(),
    })
}

fn parse_attribute(value: &str) -> Attribute {
    match value.split_once(':') {
        Some((name, rest)) => Attribute::new(name, rest),
        None => Attribute::flag(value),
    }
}

fn address_fields(address: IpAddr) -> String {
    match address {
        IpAddr::V4(v4) => format!("IN IP4 {v4}"),
        IpAddr::V6(v6) => format!("IN IP6 {v6}"),
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.value {
            Some(value) => write!(f, "a={}:{}\r\n", self.name, value),
            None => write!(f, "a={}\r\n", self.name),
        }
    }
}

impl fmt::Display for MediaDescription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut port = self.port.to_string();
        if let Some(count) = self.port_count {
            let _ = write!(port, "/{count}");
        }
        let formats = self.formats.join(" ");
        write!(
            f,
            "m={} {} {} {}\r\n",
            self.media, port, self.proto, formats
        )?;
        if let Some(c) = self.connection {
            write!(f, "c={}\r\n", address_fields(c.address))?;
        }
        for b in &self.bandwidths {
            write!(f, "b={b}\r\n")?;
        }
        self.attributes.iter().try_for_each(|a| a.fmt(f))
    }
}

impl fmt::Display for SessionDescription {
    /// Prints in the order RFC 4566 §5 requires, with CRLF line ends.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = &self.origin;
        f.write_str("v=0\r\n")?;
        let address = address_fields(o.address);
        write!(
            f,
            "o={} {} {} {address}\r\n",
            o.username, o.session_id, o.session_version
        )?;
        write!(f, "s={}\r\n", self.session_name)?;
        if let Some(c) = self.connection {
            write!(f, "c={}\r\n", address_fields(c.address))?;
        }
        for b in &self.bandwidths {
            write!(f, "b={b}\r\n")?;
        }
        for t in &self.times {
            write!(f, "t={t}\r\n")?;
        }
        self.attributes.iter().try_for_each(|a| a.fmt(f))?;
        self.media.iter().try_for_each(|m| m.fmt(f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OFFER: &str = "v=0\r\n\
        o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n\
        s=-\r\n\
        c=IN IP4 192.0.2.10\r\n\
        t=0 0\r\n\
        m=audio 49170 RTP/AVP 0 8 101\r\n\
        a=rtpmap:101 telephone-event/8000\r\n\
        a=fmtp:101 0-16\r\n\
        a=ptime:20\r\n\
        a=sendrecv\r\n";

    #[test]
    fn parse_then_print_gives_back_the_same_text() {
        let sdp = SessionDescription::parse(OFFER).unwrap();
        assert_eq!(sdp.to_string(), OFFER);
    }

    #[test]
    fn parse_reads_media_fields_and_attributes() {
        let sdp = SessionDescription::parse(OFFER).unwrap();
        let m = &sdp.media[0];
        assert_eq!((m.port, m.proto.as_str()), (49170, "RTP/AVP"));
        assert_eq!(m.payload_types().collect::<Vec<_>>(), vec![0, 8, 101]);
        assert_eq!(m.attribute_values("ptime").collect::<Vec<_>>(), vec!["20"]);
        assert!(m.has_flag("sendrecv"));
        assert_eq!(sdp.origin.session_version, 2890844526);
    }

    #[test]
    fn parse_accepts_bare_line_feeds_and_ipv6() {
        let text = "v=0\no=- 1 1 IN IP6 ::1\ns=-\nc=IN IP6 ::1\nt=0 0\nm=audio 4000 RTP/AVP 0\n";
        let sdp = SessionDescription::parse(text).unwrap();
        assert_eq!(
            sdp.connection.unwrap().address,
            "::1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn parse_rejects_malformed_descriptions() {
        let head = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\n";
        let tails = [
            ("m=audio x RTP/AVP 0\r\n", "port"),
            ("m=audio 1 RTP/AVP\r\n", "formats"),
            ("c=IN IP4 host.example\r\n", "fqdn"),
            ("no equals\r\n", "syntax"),
            ("x=1\r\n", "unknown type"),
            ("s=again\r\n", "two s="),
            ("v=0\r\n", "two v="),
            (
                "m=audio 1 RTP/AVP 0\r\no=- 2 2 IN IP4 1.2.3.4\r\n",
                "late o=",
            ),
        ];
        let mut cases: Vec<(String, &str)> = vec![
            (String::new(), "empty"),
            ("v=1\r\n".into(), "version"),
            ("v=0\r\ns=-\r\n".into(), "no origin"),
            (
                "v=0\r\no=- 1 1 IN IP6 1.2.3.4\r\ns=-\r\n".into(),
                "address type",
            ),
        ];
        cases.extend(
            tails
                .iter()
                .map(|(tail, case)| (format!("{head}{tail}"), *case)),
        );
        for (text, case) in cases {
            assert!(
                SessionDescription::parse(&text).is_err(),
                "{case} was accepted"
            );
        }
    }
}
