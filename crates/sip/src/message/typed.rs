//! Typed views of header values: Via, name-addr (From, To, Contact, Route),
//! CSeq, media types, option-tag lists and auth parameter lists.

use std::fmt;

use super::Method;
use super::params::Params;
use super::scan::{Cursor, is_token, quote};
use super::uri::{Uri, valid_host};

/// A header value that does not match its grammar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed header value")]
pub struct HeaderError;

type Result<T> = std::result::Result<T, HeaderError>;

/// Splits a header value at top-level commas (outside quotes and `<>`).
pub(crate) fn split_commas(s: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut start, mut quoted, mut angle, mut escaped) = (0, false, false, false);
    for (i, b) in s.bytes().enumerate() {
        match b {
            _ if escaped => escaped = false,
            b'\\' if quoted => escaped = true,
            b'"' if !angle => quoted = !quoted,
            b'<' if !quoted => angle = true,
            b'>' if !quoted => angle = false,
            b',' if !quoted && !angle => {
                parts.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(s[start..].trim());
    parts
}

/// One Via value (RFC 3261 §20.42).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via {
    /// Protocol version, normally `2.0`.
    pub version: String,
    /// Transport token as written (UDP, TCP, TLS, SCTP, WS, ...).
    pub transport: String,
    /// Host of sent-by.
    pub host: String,
    /// Port of sent-by.
    pub port: Option<u16>,
    /// Via parameters (branch, received, rport, ...).
    pub params: Params,
}

impl Via {
    /// Parses every Via value of one header line.
    pub fn parse_all(s: &str) -> Result<Vec<Via>> {
        split_commas(s).into_iter().map(Via::parse).collect()
    }

    /// Parses one Via value.
    pub fn parse(s: &str) -> Result<Via> {
        let mut c = Cursor::new(s);
        let name = c.token().ok_or(HeaderError)?;
        let version = (c.eat_sep(b'/'))
            .then(|| c.token())
            .flatten()
            .ok_or(HeaderError)?;
        let transport = (c.eat_sep(b'/'))
            .then(|| c.token())
            .flatten()
            .ok_or(HeaderError)?;
        if !name.eq_ignore_ascii_case("SIP") {
            return Err(HeaderError);
        }
        c.skip_ws();
        let (host, port) = sent_by(&mut c)?;
        let params = Params::parse_header(&mut c).ok_or(HeaderError)?;
        c.skip_ws();
        if !c.at_end() || !valid_via_params(&params) {
            return Err(HeaderError);
        }
        let transport = transport.to_ascii_uppercase();
        Ok(Via {
            version: version.to_owned(),
            transport,
            host,
            port,
            params,
        })
    }

    /// The branch parameter.
    pub fn branch(&self) -> Option<&str> {
        self.params.get_value("branch")
    }

    /// The received parameter.
    pub fn received(&self) -> Option<&str> {
        self.params.get_value("received")
    }

    /// The rport parameter: `Some(None)` when present without a value.
    pub fn rport(&self) -> Option<Option<u16>> {
        if !self.params.contains("rport") {
            return None;
        }
        Some(self.params.get_value("rport").and_then(|p| p.parse().ok()))
    }

    /// True when the branch carries the RFC 3261 magic cookie and more.
    pub fn has_rfc3261_branch(&self) -> bool {
        self.branch()
            .is_some_and(|b| b.len() > 7 && b.starts_with("z9hG4bK"))
    }
}

fn sent_by(c: &mut Cursor<'_>) -> Result<(String, Option<u16>)> {
    let host = match c.ipv6_ref() {
        Some(h) => h,
        None => c.take_while(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'),
    };
    if !valid_host(host) {
        return Err(HeaderError);
    }
    let port = if c.eat_sep(b':') {
        let digits = c.take_while(|b| b.is_ascii_digit());
        Some(digits.parse::<u16>().map_err(|_| HeaderError)?)
    } else {
        None
    };
    Ok((host.to_owned(), port))
}

fn valid_via_params(p: &Params) -> bool {
    let ttl = p.get_value("ttl").is_none_or(|t| t.parse::<u8>().is_ok());
    let rport = p
        .get_value("rport")
        .is_none_or(|r| r.parse::<u16>().is_ok());
    let branch = !p.contains("branch") || p.get_value("branch").is_some();
    ttl && rport && branch
}

impl fmt::Display for Via {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SIP/{}/{} {}", self.version, self.transport, self.host)?;
        if let Some(p) = self.port {
            write!(f, ":{p}")?;
        }
        write!(f, "{}", self.params)
    }
}

/// A name-addr or addr-spec with header parameters: the value of From, To,
/// Contact, Route and Record-Route.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameAddr {
    /// The display name, unquoted.
    pub display: Option<String>,
    /// The URI.
    pub uri: Uri,
    /// Header parameters (`tag`, `expires`, `q`, ...), not URI parameters.
    pub params: Params,
}

impl NameAddr {
    /// A bare `<uri>` without display name or parameters.
    pub fn new(uri: Uri) -> NameAddr {
        NameAddr {
            display: None,
            uri,
            params: Params::default(),
        }
    }

    /// Parses one value; the whole input must be consumed.
    pub fn parse(s: &str) -> Result<NameAddr> {
        let mut c = Cursor::new(s.trim());
        let na = NameAddr::read(&mut c)?;
        c.skip_ws();
        if c.at_end() { Ok(na) } else { Err(HeaderError) }
    }

    /// Parses a comma-separated list of values.
    pub fn parse_list(s: &str) -> Result<Vec<NameAddr>> {
        split_commas(s).into_iter().map(NameAddr::parse).collect()
    }

    fn read(c: &mut Cursor<'_>) -> Result<NameAddr> {
        let display = display_name(c)?;
        let uri = if display.is_some() || c.peek() == Some(b'<') {
            bracketed_uri(c)?
        } else {
            addr_spec(c)?
        };
        let params = Params::parse_header(c).ok_or(HeaderError)?;
        Ok(NameAddr {
            display,
            uri,
            params,
        })
    }

    /// The `tag` parameter.
    pub fn tag(&self) -> Option<&str> {
        self.params.get_value("tag")
    }
}

/// Reads a display name when one precedes `<`; otherwise consumes nothing.
fn display_name(c: &mut Cursor<'_>) -> Result<Option<String>> {
    if let Some(q) = c.quoted() {
        c.skip_ws();
        return if c.peek() == Some(b'<') {
            Ok(Some(super::scan::unquote(q)))
        } else {
            Err(HeaderError)
        };
    }
    if c.peek() == Some(b'"') {
        return Err(HeaderError);
    }
    let start = c.pos();
    let mut words = Vec::new();
    while let Some(t) = c.token() {
        words.push(t);
        c.skip_ws();
    }
    if !words.is_empty() && c.peek() == Some(b'<') {
        return Ok(Some(words.join(" ")));
    }
    c.set_pos(start);
    Ok(None)
}

fn bracketed_uri(c: &mut Cursor<'_>) -> Result<Uri> {
    if !c.eat(b'<') {
        return Err(HeaderError);
    }
    let inner = c.take_while(|b| b != b'>');
    if !c.eat(b'>') {
        return Err(HeaderError);
    }
    Uri::parse(inner).map_err(|_| HeaderError)
}

/// An addr-spec without brackets may not hold `;`, `?` or `,` (§20): its
/// parameters are header parameters.
fn addr_spec(c: &mut Cursor<'_>) -> Result<Uri> {
    let text = c.take_while(|b| !matches!(b, b';' | b',' | b' ' | b'\t'));
    if text.contains('?') {
        return Err(HeaderError);
    }
    Uri::parse(text).map_err(|_| HeaderError)
}

impl fmt::Display for NameAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(d) = &self.display {
            write!(f, "{} ", quote(d))?;
        }
        write!(f, "<{}>{}", self.uri, self.params)
    }
}

/// The value of a Contact header: `*` or a list of addresses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactValue {
    /// `Contact: *`, only valid in REGISTER with `Expires: 0`.
    Star,
    /// One or more addresses.
    List(Vec<NameAddr>),
}

impl ContactValue {
    /// Parses one Contact header line.
    pub fn parse(s: &str) -> Result<ContactValue> {
        if s.trim() == "*" {
            return Ok(ContactValue::Star);
        }
        let list = NameAddr::parse_list(s)?;
        for c in &list {
            validate_contact_params(&c.params)?;
        }
        Ok(ContactValue::List(list))
    }
}

fn validate_contact_params(p: &Params) -> Result<()> {
    if let Some(e) = p.get_value("expires") {
        parse_u32(e)?;
    }
    if p.contains("expires") && p.get_value("expires").is_none() {
        return Err(HeaderError);
    }
    if let Some(q) = p.get_value("q") {
        let v: f32 = q.parse().map_err(|_| HeaderError)?;
        if !(0.0..=1.0).contains(&v) {
            return Err(HeaderError);
        }
    }
    Ok(())
}

/// Parses a decimal `1*DIGIT` that must fit in 32 bits (delta-seconds and
/// friends; RFC 3261 §20 and RFC 4475 §3.1.2.4).
pub fn parse_u32(s: &str) -> Result<u32> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(HeaderError);
    }
    s.parse().map_err(|_| HeaderError)
}

/// The CSeq header (§20.16).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CSeq {
    /// The sequence number, below 2^31 (§8.1.1.5).
    pub seq: u32,
    /// The method.
    pub method: Method,
}

impl CSeq {
    /// Parses `number LWS method`.
    pub fn parse(s: &str) -> Result<CSeq> {
        let mut c = Cursor::new(s.trim());
        let num = c.take_while(|b| b.is_ascii_digit());
        let seq = parse_u32(num)?;
        let before = c.pos();
        c.skip_ws();
        let method = c.token().ok_or(HeaderError)?;
        if seq >= 1 << 31 || c.pos() == before || !c.at_end() {
            return Err(HeaderError);
        }
        Ok(CSeq {
            seq,
            method: Method::from_token(method),
        })
    }
}

impl fmt::Display for CSeq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.seq, self.method)
    }
}

/// A media type such as `application/sdp`, parameters dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaType {
    /// Type, lower case (`*` allowed in Accept).
    pub kind: String,
    /// Subtype, lower case.
    pub subtype: String,
}

impl MediaType {
    /// Parses `type/subtype *(;param)`.
    pub fn parse(s: &str) -> Result<MediaType> {
        let mut c = Cursor::new(s.trim());
        let kind = c.token().ok_or(HeaderError)?;
        let sub = c
            .eat_sep(b'/')
            .then(|| c.token())
            .flatten()
            .ok_or(HeaderError)?;
        Params::parse_header(&mut c).ok_or(HeaderError)?;
        c.skip_ws();
        if !c.at_end() {
            return Err(HeaderError);
        }
        Ok(MediaType {
            kind: kind.to_ascii_lowercase(),
            subtype: sub.to_ascii_lowercase(),
        })
    }

    /// True when this (possibly wildcard) range accepts `kind/subtype`.
    pub fn accepts(&self, kind: &str, subtype: &str) -> bool {
        (self.kind == "*" || self.kind.eq_ignore_ascii_case(kind))
            && (self.subtype == "*" || self.subtype.eq_ignore_ascii_case(subtype))
    }
}

/// Parses a comma-separated list of tokens (Require, Supported, Allow).
pub fn parse_token_list(s: &str) -> Result<Vec<String>> {
    if s.trim().is_empty() {
        return Ok(Vec::new());
    }
    split_commas(s)
        .into_iter()
        .map(|t| {
            if is_token(t) {
                Ok(t.to_owned())
            } else {
                Err(HeaderError)
            }
        })
        .collect()
}

/// The value of Authorization or WWW-Authenticate: a scheme and its
/// `name=value` parameters (RFC 3261 §25.1, RFC 7616 §3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthValue {
    /// The scheme, such as `Digest`.
    pub scheme: String,
    /// Parameters; quoted values are stored unquoted.
    pub params: Vec<(String, String)>,
}

impl AuthValue {
    /// Parses `scheme LWS param *(COMMA param)`.
    pub fn parse(s: &str) -> Result<AuthValue> {
        let mut c = Cursor::new(s.trim());
        let scheme = c.token().ok_or(HeaderError)?.to_owned();
        c.skip_ws();
        let mut params = Vec::new();
        loop {
            let name = c.token().ok_or(HeaderError)?;
            if !c.eat_sep(b'=') {
                return Err(HeaderError);
            }
            let value = match c.quoted() {
                Some(q) => super::scan::unquote(q),
                None => c.token().ok_or(HeaderError)?.to_owned(),
            };
            params.push((name.to_ascii_lowercase(), value));
            if !c.eat_sep(b',') {
                break;
            }
        }
        c.skip_ws();
        if !c.at_end() {
            return Err(HeaderError);
        }
        Ok(AuthValue { scheme, params })
    }

    /// The value of a parameter (names are lower-cased on parse).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folded_via_with_spaces_parses() {
        let vias = Via::parse_all(
            "SIP  / 2.0  / TCP     spindle.example.com   ; branch  =   z9hG4bK9ikj8  , \
             SIP  /    2.0   / UDP  192.168.255.111   ; branch= z9hG4bK30239",
        )
        .expect("valid");
        assert_eq!(vias.len(), 2);
        assert_eq!(vias[0].transport, "TCP");
        assert_eq!(vias[1].branch(), Some("z9hG4bK30239"));
    }

    #[test]
    fn via_round_trips() {
        let v = "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKabc;rport;received=10.0.0.2";
        let via = Via::parse(v).expect("valid");
        assert_eq!(via.to_string(), v);
        assert_eq!(via.rport(), Some(None));
        assert!(Via::parse("SIP/2.0/UDP 192.0.2.15;;,;,,").is_err());
    }

    #[test]
    fn contact_without_brackets_takes_header_params() {
        let ContactValue::List(l) =
            ContactValue::parse("sip:+19725552222@gw1.example.net;unknownparam").expect("ok")
        else {
            panic!("not a list")
        };
        assert!(l[0].params.contains("unknownparam"));
        assert!(l[0].uri.as_sip().is_some_and(|u| u.params.is_empty()));
    }

    #[test]
    fn contact_in_brackets_keeps_uri_params() {
        let ContactValue::List(l) =
            ContactValue::parse("<sip:+19725552222@gw1.example.net;unknownparam>").expect("ok")
        else {
            panic!("not a list")
        };
        assert!(l[0].params.is_empty());
        assert!(
            l[0].uri
                .as_sip()
                .is_some_and(|u| u.params.contains("unknownparam"))
        );
    }

    #[test]
    fn bad_name_addrs_are_refused() {
        for s in [
            "\"Mr. J. User <sip:j.user@example.com>",
            "\"Watson, Thomas\" < sip:t.watson@example.org >",
            "Watson, Thomas <sip:t.watson@example.org>",
            "sip:user@example.com?Route=%3Csip:sip.example.com%3E",
            "\"Joe\" <sip:joe@example.org>;;;;",
        ] {
            assert!(ContactValue::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn name_addr_round_trips() {
        let na = NameAddr::parse("caller<sip:caller@example.com>;tag=323").expect("valid");
        assert_eq!(na.display.as_deref(), Some("caller"));
        assert_eq!(na.tag(), Some("323"));
        assert_eq!(NameAddr::parse(&na.to_string()), Ok(na));
    }

    #[test]
    fn cseq_and_media_type_round_trip() {
        let c = CSeq::parse("4711 INVITE").expect("valid");
        assert_eq!(CSeq::parse(&c.to_string()), Ok(c));
        let m = MediaType::parse("Application/SDP ; charset=utf-8").expect("valid");
        assert!(m.accepts("application", "sdp"));
        assert!(MediaType::parse("*/*").is_ok_and(|m| m.accepts("text", "plain")));
        assert!(MediaType::parse("application").is_err());
    }

    #[test]
    fn overlarge_scalars_are_refused() {
        assert!(CSeq::parse("36893488147419103232 REGISTER").is_err());
        assert!(ContactValue::parse("<sip:u@h>;expires=280297596632815").is_err());
        assert_eq!(CSeq::parse("0009 INVITE").map(|c| c.seq), Ok(9));
    }

    #[test]
    fn auth_value_parses_quoted_and_token_params() {
        let a = AuthValue::parse(r#"Digest realm="x", nonce="n,1", qop=auth, nc=00000001"#)
            .expect("valid");
        assert_eq!(a.get("nonce"), Some("n,1"));
        assert_eq!(a.get("qop"), Some("auth"));
    }
}
