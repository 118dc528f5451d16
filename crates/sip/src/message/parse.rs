//! The strict parser: splits a message into start line, unfolded headers and
//! body, then validates every header it knows. A failure names the reason
//! a `400` (or `505`) answer would give.

use bytes::Bytes;

use super::header::{HeaderName, Headers};
use super::typed::{AuthValue, CSeq, ContactValue, MediaType, NameAddr, Via};
use super::typed::{parse_token_list, parse_u32, split_commas};
use super::uri::Uri;
use super::{Method, Request, Response, SipMessage, scan::is_token};

/// Why a message was refused; for a request, the reason of its 400 or 505.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// No blank line ends the header section.
    #[error("incomplete header section")]
    Incomplete,
    /// The header section is not UTF-8.
    #[error("header section is not UTF-8")]
    Encoding,
    /// The Request-Line or Status-Line is malformed.
    #[error("malformed start line")]
    StartLine,
    /// The Request-URI is malformed or may not be used there.
    #[error("malformed Request-URI")]
    RequestUri,
    /// The SIP-Version is well-formed but not 2.0 (answered with 505).
    #[error("SIP version not supported")]
    Version,
    /// A header line has no colon or its name is not a token.
    #[error("malformed header line")]
    HeaderLine,
    /// A known header's value does not match its grammar.
    #[error("malformed {0} header")]
    Header(&'static str),
    /// A mandatory header is missing.
    #[error("missing {0} header")]
    Missing(&'static str),
    /// A single-valued header appears more than once.
    #[error("more than one {0} header")]
    Duplicate(&'static str),
    /// The CSeq method differs from the Request-Line method (§8.1.1.5).
    #[error("CSeq method does not match the request method")]
    CSeqMismatch,
    /// Content-Length disagrees with the octets received.
    #[error("Content-Length does not match the body")]
    ContentLength,
}

impl ParseError {
    /// The status code a request with this error is answered with.
    pub fn status(&self) -> u16 {
        if *self == ParseError::Version {
            505
        } else {
            400
        }
    }

    /// A reason phrase that tells the peer what was wrong.
    pub fn reason(&self) -> String {
        match self {
            ParseError::Version => "Version Not Supported".to_owned(),
            other => format!("Bad Request ({other})"),
        }
    }
}

/// A refused message, with what is needed to answer it statelessly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// Why it was refused.
    pub error: ParseError,
    /// For a request whose header lines could be split: its headers, so a
    /// 400 can copy Via, From, To, Call-ID and CSeq.
    pub request_headers: Option<Headers>,
}

/// Parses and validates one complete message. Octets past Content-Length
/// are ignored (RFC 3261 §18.3, RFC 4475 §3.1.1.8).
pub fn parse_message(buf: &[u8]) -> Result<SipMessage, Rejection> {
    let reject = |error| Rejection {
        error,
        request_headers: None,
    };
    let (head, body) = split_head(buf)
        // A datagram whose last header line ends without the blank line is
        // still complete: the datagram boundary ends it.
        .or_else(|| buf.ends_with(b"\n").then_some((buf, &[][..])))
        .ok_or(reject(ParseError::Incomplete))?;
    let head = std::str::from_utf8(head).map_err(|_| reject(ParseError::Encoding))?;
    let mut lines = unfold(head);
    let start = lines.next().unwrap_or_default();
    let is_request = !start.starts_with("SIP/");
    let salvage = |error| Rejection {
        error,
        request_headers: is_request.then(|| headers_for_reply(head)),
    };
    let headers = split_headers(lines).map_err(salvage)?;
    let result = if is_request {
        parse_request(&start, headers.clone(), body).map(SipMessage::Request)
    } else {
        parse_response(&start, headers, body).map(SipMessage::Response)
    };
    result.map_err(salvage)
}

fn headers_for_reply(head: &str) -> Headers {
    let mut lines = unfold(head);
    lines.next();
    let mut out = Headers::default();
    for line in lines {
        if let Some((n, v)) = line.split_once(':') {
            out.push(HeaderName::from_wire(n.trim()), v.trim());
        }
    }
    out
}

/// Splits at the first empty line (CRLF CRLF, tolerating bare LF).
fn split_head(buf: &[u8]) -> Option<(&[u8], &[u8])> {
    let mut i = 0;
    while i < buf.len() {
        if buf[i] == b'\n' {
            let next = &buf[i + 1..];
            if next.starts_with(b"\r\n") {
                return Some((&buf[..i + 1], &next[2..]));
            }
            if next.starts_with(b"\n") {
                return Some((&buf[..i + 1], &next[1..]));
            }
        }
        i += 1;
    }
    None
}

/// Yields logical lines: continuation lines (leading SP/HT) are joined with
/// one space (§7.3.1).
fn unfold(head: &str) -> impl Iterator<Item = String> + '_ {
    let mut raw = head
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .peekable();
    std::iter::from_fn(move || {
        let mut line = raw.next()?.to_owned();
        while let Some(next) = raw.peek().filter(|n| n.starts_with([' ', '\t'])) {
            line.truncate(line.trim_end().len());
            line.push(' ');
            line.push_str(next.trim_start());
            raw.next();
        }
        Some(line)
    })
    .filter(|l| !l.is_empty())
}

fn split_headers(lines: impl Iterator<Item = String>) -> Result<Headers, ParseError> {
    let mut headers = Headers::default();
    for line in lines {
        let (name, value) = line.split_once(':').ok_or(ParseError::HeaderLine)?;
        let name = name.trim_end_matches([' ', '\t']);
        if !is_token(name) {
            return Err(ParseError::HeaderLine);
        }
        headers.push(HeaderName::from_wire(name), value.trim_matches([' ', '\t']));
    }
    Ok(headers)
}

/// Reads `SIP/x.y`; `Ok(false)` for a well-formed version other than 2.0.
fn check_version(v: &str) -> Result<bool, ParseError> {
    let (proto, num) = v.split_once('/').ok_or(ParseError::StartLine)?;
    let (major, minor) = num.split_once('.').ok_or(ParseError::StartLine)?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !proto.eq_ignore_ascii_case("SIP") || !digits(major) || !digits(minor) {
        return Err(ParseError::StartLine);
    }
    Ok(major.trim_start_matches('0') == "2" && minor.trim_start_matches('0').is_empty())
}

fn parse_request(start: &str, headers: Headers, body: &[u8]) -> Result<Request, ParseError> {
    // Exactly single spaces between the three elements (§25.1 Request-Line).
    let parts: Vec<&str> = start.split(' ').collect();
    let [method, uri, version] = parts[..] else {
        return Err(ParseError::StartLine);
    };
    if !is_token(method) {
        return Err(ParseError::StartLine);
    }
    let method = Method::from_token(method);
    let uri = Uri::parse(uri).map_err(|_| ParseError::RequestUri)?;
    if !check_version(version)? {
        return Err(ParseError::Version);
    }
    if uri.as_sip().is_some_and(|u| !u.headers.is_empty()) {
        // §19.1.1: the headers component is not allowed in a Request-URI.
        return Err(ParseError::RequestUri);
    }
    validate_headers(&headers)?;
    let cseq = headers.cseq().ok_or(ParseError::Header("CSeq"))?;
    if cseq.method != method {
        return Err(ParseError::CSeqMismatch);
    }
    let body = take_body(&headers, body)?;
    Ok(Request {
        method,
        uri,
        headers,
        body,
    })
}

fn parse_response(start: &str, headers: Headers, body: &[u8]) -> Result<Response, ParseError> {
    let mut parts = start.splitn(3, ' ');
    let version = parts.next().unwrap_or_default();
    let code = parts.next().ok_or(ParseError::StartLine)?;
    let reason = parts.next().ok_or(ParseError::StartLine)?;
    if !check_version(version)? {
        return Err(ParseError::Version);
    }
    let status = match code.parse::<u16>() {
        Ok(c) if code.len() == 3 && (100..700).contains(&c) => c,
        _ => return Err(ParseError::StartLine),
    };
    validate_headers(&headers)?;
    let body = take_body(&headers, body)?;
    Ok(Response {
        status,
        reason: reason.to_owned(),
        headers,
        body,
    })
}

fn take_body(headers: &Headers, body: &[u8]) -> Result<Bytes, ParseError> {
    match headers.get(&HeaderName::ContentLength) {
        None => Ok(Bytes::copy_from_slice(body)),
        Some(v) => {
            let len = parse_u32(v).map_err(|_| ParseError::ContentLength)? as usize;
            let b = body.get(..len).ok_or(ParseError::ContentLength)?;
            Ok(Bytes::copy_from_slice(b))
        }
    }
}

const MANDATORY: [(HeaderName, &str); 5] = [
    (HeaderName::Via, "Via"),
    (HeaderName::From, "From"),
    (HeaderName::To, "To"),
    (HeaderName::CallId, "Call-ID"),
    (HeaderName::CSeq, "CSeq"),
];

const SINGLE: [(HeaderName, &str); 8] = [
    (HeaderName::From, "From"),
    (HeaderName::To, "To"),
    (HeaderName::CallId, "Call-ID"),
    (HeaderName::CSeq, "CSeq"),
    (HeaderName::MaxForwards, "Max-Forwards"),
    (HeaderName::ContentLength, "Content-Length"),
    (HeaderName::ContentType, "Content-Type"),
    (HeaderName::Expires, "Expires"),
];

fn validate_headers(headers: &Headers) -> Result<(), ParseError> {
    for (name, label) in &MANDATORY {
        if headers.get(name).is_none() {
            return Err(ParseError::Missing(label));
        }
    }
    for (name, label) in &SINGLE {
        if headers.count(name) > 1 {
            return Err(ParseError::Duplicate(label));
        }
    }
    for h in headers.iter() {
        validate_value(&h.name, &h.value)?;
    }
    Ok(())
}

/// Checks one value against its grammar; unknown headers pass as they are.
fn validate_value(name: &HeaderName, v: &str) -> Result<(), ParseError> {
    let ok = match name {
        HeaderName::Via => Via::parse_all(v).is_ok(),
        HeaderName::From | HeaderName::To => NameAddr::parse(v).is_ok(),
        HeaderName::Contact => ContactValue::parse(v).is_ok(),
        HeaderName::Route | HeaderName::RecordRoute => route_list(v),
        HeaderName::CallId => !v.is_empty() && !v.contains([' ', '\t']),
        HeaderName::CSeq => CSeq::parse(v).is_ok(),
        HeaderName::MaxForwards => parse_u32(v).is_ok_and(|n| n <= 255),
        HeaderName::Expires | HeaderName::MinExpires | HeaderName::ContentLength => {
            parse_u32(v).is_ok()
        }
        HeaderName::ContentType => MediaType::parse(v).is_ok(),
        HeaderName::Accept => split_commas(v).iter().all(|s| s.is_empty() || media(s)),
        HeaderName::Require
        | HeaderName::ProxyRequire
        | HeaderName::Supported
        | HeaderName::Unsupported
        | HeaderName::Allow => parse_token_list(v).is_ok(),
        HeaderName::Authorization | HeaderName::ProxyAuthorization => AuthValue::parse(v).is_ok(),
        _ => true,
    };
    if ok {
        Ok(())
    } else {
        Err(ParseError::Header(label_of(name)))
    }
}

fn media(s: &str) -> bool {
    MediaType::parse(s).is_ok()
}

fn route_list(v: &str) -> bool {
    // Route values are always name-addr, never a bare addr-spec (§20.34).
    split_commas(v)
        .iter()
        .all(|r| r.starts_with('<') && NameAddr::parse(r).is_ok())
}

fn label_of(name: &HeaderName) -> &'static str {
    match name {
        HeaderName::Via => "Via",
        HeaderName::From => "From",
        HeaderName::To => "To",
        HeaderName::Contact => "Contact",
        HeaderName::Route => "Route",
        HeaderName::RecordRoute => "Record-Route",
        HeaderName::CallId => "Call-ID",
        HeaderName::CSeq => "CSeq",
        HeaderName::MaxForwards => "Max-Forwards",
        HeaderName::Expires => "Expires",
        HeaderName::MinExpires => "Min-Expires",
        HeaderName::ContentLength => "Content-Length",
        HeaderName::ContentType => "Content-Type",
        HeaderName::Accept => "Accept",
        HeaderName::Authorization => "Authorization",
        HeaderName::ProxyAuthorization => "Proxy-Authorization",
        _ => "option-tag list",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPTIONS: &str = "OPTIONS sip:user@example.com SIP/2.0\r\n\
        Via: SIP/2.0/UDP h;branch=z9hG4bK1\r\nTo: <sip:user@example.com>\r\n\
        From: <sip:c@example.com>;tag=1\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\n\
        Content-Length: 0\r\n\r\n";

    fn error_of(msg: &str) -> ParseError {
        parse_message(msg.as_bytes())
            .err()
            .map(|r| r.error)
            .unwrap_or(ParseError::Incomplete)
    }

    #[test]
    fn a_plain_request_parses() {
        assert!(parse_message(OPTIONS.as_bytes()).is_ok());
    }

    #[test]
    fn extra_spaces_in_request_line_are_refused() {
        let m = OPTIONS.replacen("OPTIONS ", "OPTIONS  ", 1);
        assert_eq!(error_of(&m), ParseError::StartLine);
        let m = OPTIONS.replacen("SIP/2.0\r\n", "SIP/2.0 \r\n", 1);
        assert_eq!(error_of(&m), ParseError::StartLine);
    }

    #[test]
    fn other_versions_get_505() {
        let m = OPTIONS.replacen("SIP/2.0\r\n", "SIP/7.0\r\n", 1);
        assert_eq!(error_of(&m).status(), 505);
    }

    #[test]
    fn content_length_past_body_is_refused_and_extra_octets_ignored() {
        let m = OPTIONS.replace("Content-Length: 0", "Content-Length: 5");
        assert_eq!(error_of(&m), ParseError::ContentLength);
        let extra = format!("{OPTIONS}garbage");
        assert!(parse_message(extra.as_bytes()).is_ok_and(|m| match m {
            SipMessage::Request(r) => r.body.is_empty(),
            SipMessage::Response(_) => false,
        }));
    }

    #[test]
    fn rejection_keeps_headers_for_the_400() {
        let m = OPTIONS.replace("CSeq: 1 OPTIONS", "CSeq: 1 INVITE");
        let r = parse_message(m.as_bytes()).expect_err("mismatch");
        assert_eq!(r.error, ParseError::CSeqMismatch);
        assert!(r.request_headers.is_some_and(|h| h.call_id() == Some("x")));
    }

    #[test]
    fn line_without_colon_still_allows_a_400() {
        let m = OPTIONS.replace("Content-Length: 0", "garbage line\r\nContent-Length: 0");
        let r = parse_message(m.as_bytes()).expect_err("no colon");
        assert_eq!(r.error, ParseError::HeaderLine);
        assert!(
            r.request_headers
                .is_some_and(|h| h.get(&HeaderName::Via).is_some())
        );
    }

    #[test]
    fn folded_header_is_joined() {
        let m = OPTIONS.replace("CSeq: 1 OPTIONS", "CSeq: 1\r\n   OPTIONS");
        assert!(parse_message(m.as_bytes()).is_ok());
    }

    #[test]
    fn status_codes_outside_range_are_refused() {
        let r = "SIP/2.0 4294967301 x\r\nVia: SIP/2.0/UDP h\r\n\r\n";
        assert_eq!(error_of(r), ParseError::StartLine);
    }
}
