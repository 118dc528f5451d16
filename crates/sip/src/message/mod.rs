//! SIP messages (RFC 3261 §7): requests and responses with their ordered
//! headers, typed accessors, a strict parser and a printer. Sans-IO.

mod framing;
mod header;
mod params;
mod parse;
pub(crate) mod scan;
mod typed;
mod uri;

use std::fmt;

use bytes::Bytes;

pub use framing::{FrameError, StreamFramer};
pub use header::{Header, HeaderName, Headers};
pub use params::Params;
pub use parse::{ParseError, Rejection, parse_message};
pub use typed::{
    AuthValue, CSeq, ContactValue, HeaderError, MediaType, NameAddr, Via, parse_token_list,
    parse_u32,
};
pub use uri::{SipUri, Uri, UriError, unescape};

macro_rules! methods {
    ($( $variant:ident => $name:literal, )*) => {
        /// A request method; names are case-sensitive (§7.1).
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub enum Method {
            $( #[doc = $name] $variant, )*
            /// An extension method token, kept as written.
            Extension(String),
        }

        impl Method {
            /// Maps a method token to a known method or an extension.
            pub fn from_token(s: &str) -> Method {
                match s {
                    $( $name => Method::$variant, )*
                    other => Method::Extension(other.to_owned()),
                }
            }

            /// The method as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Method::$variant => $name, )*
                    Method::Extension(s) => s,
                }
            }
        }
    };
}

methods! {
    Invite => "INVITE",
    Ack => "ACK",
    Bye => "BYE",
    Cancel => "CANCEL",
    Register => "REGISTER",
    Options => "OPTIONS",
    Info => "INFO",
    Update => "UPDATE",
    Prack => "PRACK",
    Subscribe => "SUBSCRIBE",
    Notify => "NOTIFY",
    Refer => "REFER",
    Message => "MESSAGE",
    Publish => "PUBLISH",
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The usual reason phrase of a status code.
pub fn reason_phrase(code: u16) -> &'static str {
    match code {
        100 => "Trying",
        180 => "Ringing",
        183 => "Session Progress",
        200 => "OK",
        202 => "Accepted",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        415 => "Unsupported Media Type",
        416 => "Unsupported URI Scheme",
        420 => "Bad Extension",
        423 => "Interval Too Brief",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        483 => "Too Many Hops",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        500 => "Server Internal Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "Version Not Supported",
        603 => "Decline",
        _ => "Unknown",
    }
}

/// A SIP request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// The method of the Request-Line.
    pub method: Method,
    /// The Request-URI.
    pub uri: Uri,
    /// Headers in order.
    pub headers: Headers,
    /// The body, exactly Content-Length octets.
    pub body: Bytes,
}

/// A SIP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code, 100 to 699.
    pub status: u16,
    /// The reason phrase as written.
    pub reason: String,
    /// Headers in order.
    pub headers: Headers,
    /// The body.
    pub body: Bytes,
}

/// Either kind of message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SipMessage {
    /// A request.
    Request(Request),
    /// A response.
    Response(Response),
}

impl SipMessage {
    /// Parses one complete message (a datagram or a framed stream message).
    pub fn parse(buf: &[u8]) -> Result<SipMessage, ParseError> {
        parse_message(buf).map_err(|r| r.error)
    }

    /// The headers of either kind.
    pub fn headers(&self) -> &Headers {
        match self {
            SipMessage::Request(r) => &r.headers,
            SipMessage::Response(r) => &r.headers,
        }
    }

    /// Serialises the message.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            SipMessage::Request(r) => r.to_bytes(),
            SipMessage::Response(r) => r.to_bytes(),
        }
    }
}

fn write_headers_and_body(out: &mut Vec<u8>, headers: &Headers, body: &[u8]) {
    for h in headers.iter() {
        out.extend_from_slice(h.name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(h.value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    if headers.get(&HeaderName::ContentLength).is_none() {
        out.extend_from_slice(format!("Content-Length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
}

impl Request {
    /// A request with no headers yet.
    pub fn new(method: Method, uri: Uri) -> Request {
        Request {
            method,
            uri,
            headers: Headers::default(),
            body: Bytes::new(),
        }
    }

    /// Serialises the request; adds Content-Length when missing.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512 + self.body.len());
        out.extend_from_slice(format!("{} {} SIP/2.0\r\n", self.method, self.uri).as_bytes());
        write_headers_and_body(&mut out, &self.headers, &self.body);
        out
    }

    /// Sets the body with its Content-Type and Content-Length.
    pub fn set_body(&mut self, content_type: &str, body: Bytes) {
        self.headers.set(HeaderName::ContentType, content_type);
        self.headers
            .set(HeaderName::ContentLength, body.len().to_string());
        self.body = body;
    }
}

impl Response {
    /// A response with the usual reason phrase and no headers.
    pub fn new(status: u16) -> Response {
        let reason = reason_phrase(status).to_owned();
        Response {
            status,
            reason,
            headers: Headers::default(),
            body: Bytes::new(),
        }
    }

    /// Serialises the response; adds Content-Length when missing.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(512 + self.body.len());
        out.extend_from_slice(format!("SIP/2.0 {} {}\r\n", self.status, self.reason).as_bytes());
        write_headers_and_body(&mut out, &self.headers, &self.body);
        out
    }

    /// Sets the body with its Content-Type and Content-Length.
    pub fn set_body(&mut self, content_type: &str, body: Bytes) {
        self.headers.set(HeaderName::ContentType, content_type);
        self.headers
            .set(HeaderName::ContentLength, body.len().to_string());
        self.body = body;
    }
}

/// Typed accessors. They return `None` (or empty) for a missing header or
/// one that does not parse; messages from [`parse_message`] are validated.
impl Headers {
    /// All Via values, top first.
    pub fn vias(&self) -> Vec<Via> {
        self.get_all(&HeaderName::Via)
            .filter_map(|v| Via::parse_all(v).ok())
            .flatten()
            .collect()
    }

    /// The topmost Via.
    pub fn top_via(&self) -> Option<Via> {
        let first = self.get(&HeaderName::Via)?;
        typed::split_commas(first)
            .first()
            .and_then(|v| Via::parse(v).ok())
    }

    /// The From header.
    pub fn from(&self) -> Option<NameAddr> {
        NameAddr::parse(self.get(&HeaderName::From)?).ok()
    }

    /// The To header.
    pub fn to(&self) -> Option<NameAddr> {
        NameAddr::parse(self.get(&HeaderName::To)?).ok()
    }

    /// The Call-ID.
    pub fn call_id(&self) -> Option<&str> {
        self.get(&HeaderName::CallId)
    }

    /// The CSeq.
    pub fn cseq(&self) -> Option<CSeq> {
        CSeq::parse(self.get(&HeaderName::CSeq)?).ok()
    }

    /// All Contact values merged; `Star` when any line is `*`.
    pub fn contacts(&self) -> Option<ContactValue> {
        let mut all = Vec::new();
        for line in self.get_all(&HeaderName::Contact) {
            match ContactValue::parse(line).ok()? {
                ContactValue::Star => return Some(ContactValue::Star),
                ContactValue::List(l) => all.extend(l),
            }
        }
        (!all.is_empty()).then_some(ContactValue::List(all))
    }

    /// Max-Forwards.
    pub fn max_forwards(&self) -> Option<u32> {
        parse_u32(self.get(&HeaderName::MaxForwards)?).ok()
    }

    /// Expires (delta-seconds).
    pub fn expires(&self) -> Option<u32> {
        parse_u32(self.get(&HeaderName::Expires)?).ok()
    }

    /// Content-Length.
    pub fn content_length(&self) -> Option<u32> {
        parse_u32(self.get(&HeaderName::ContentLength)?).ok()
    }

    /// Content-Type.
    pub fn content_type(&self) -> Option<MediaType> {
        MediaType::parse(self.get(&HeaderName::ContentType)?).ok()
    }

    /// Accept ranges, all lines merged; `None` when there is no Accept header.
    pub fn accept(&self) -> Option<Vec<MediaType>> {
        self.get(&HeaderName::Accept)?;
        let lines = self.get_all(&HeaderName::Accept);
        let items = lines
            .flat_map(typed::split_commas)
            .filter(|s| !s.is_empty());
        Some(items.filter_map(|s| MediaType::parse(s).ok()).collect())
    }

    /// Option tags or methods of a token-list header, all lines merged.
    pub fn tokens(&self, name: &HeaderName) -> Vec<String> {
        let lists = self.get_all(name).filter_map(|v| parse_token_list(v).ok());
        lists.flatten().collect()
    }

    /// Every value of an auth header (Authorization, WWW-Authenticate, ...).
    pub fn auth_values(&self, name: &HeaderName) -> Vec<AuthValue> {
        self.get_all(name)
            .filter_map(|v| AuthValue::parse(v).ok())
            .collect()
    }

    /// Route or Record-Route values, all lines merged, in order.
    pub fn routes(&self, name: &HeaderName) -> Vec<NameAddr> {
        let lists = self
            .get_all(name)
            .filter_map(|v| NameAddr::parse_list(v).ok());
        lists.flatten().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_round_trips_through_the_parser() {
        let mut req = Request::new(
            Method::Options,
            Uri::parse("sip:a@example.com").expect("ok"),
        );
        req.headers
            .push(HeaderName::Via, "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKx");
        req.headers
            .push(HeaderName::From, "<sip:b@example.com>;tag=1");
        req.headers.push(HeaderName::To, "<sip:a@example.com>");
        req.headers.push(HeaderName::CallId, "c1");
        req.headers.push(HeaderName::CSeq, "1 OPTIONS");
        req.set_body("text/plain", Bytes::from_static(b"hi"));
        let bytes = req.to_bytes();
        assert_eq!(SipMessage::parse(&bytes), Ok(SipMessage::Request(req)));
    }

    #[test]
    fn response_round_trips_through_the_parser() {
        let mut resp = Response::new(486);
        resp.headers
            .push(HeaderName::Via, "SIP/2.0/TCP h;branch=z9hG4bKy");
        resp.headers
            .push(HeaderName::From, "<sip:b@example.com>;tag=1");
        resp.headers
            .push(HeaderName::To, "<sip:a@example.com>;tag=2");
        resp.headers.push(HeaderName::CallId, "c1");
        resp.headers.push(HeaderName::CSeq, "1 INVITE");
        resp.headers.push(HeaderName::ContentLength, "0");
        assert_eq!(
            SipMessage::parse(&resp.to_bytes()),
            Ok(SipMessage::Response(resp))
        );
    }

    #[test]
    fn methods_are_case_sensitive() {
        assert_eq!(Method::from_token("INVITE"), Method::Invite);
        assert_eq!(
            Method::from_token("invite"),
            Method::Extension("invite".into())
        );
        assert_eq!(Method::from_token("RE%47IST%45R").as_str(), "RE%47IST%45R");
    }
}
