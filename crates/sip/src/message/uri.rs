//! URIs (RFC 3261 §19.1 and §25.1): SIP and SIPS URIs parsed in full, `tel`
//! and every other scheme kept opaque so they can be answered with 416.

use std::fmt;

use super::params::Params;

/// Why a URI was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("malformed URI")]
pub struct UriError;

/// A URI as found in a Request-URI or a name-addr.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uri {
    /// `sip:` or `sips:`.
    Sip(SipUri),
    /// `tel:` (RFC 3966), kept as the text after the colon.
    Tel(String),
    /// Any other scheme, kept as written (scheme lower-cased).
    Other {
        /// The scheme, lower case.
        scheme: String,
        /// Everything after the colon.
        rest: String,
    },
}

/// A SIP or SIPS URI. User, password and parameters are kept as written
/// (with their %-escapes); comparisons unescape them (RFC 3261 §19.1.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SipUri {
    /// `sips:` rather than `sip:`.
    pub secure: bool,
    /// The user part, escaped as written.
    pub user: Option<String>,
    /// The password part, escaped as written.
    pub password: Option<String>,
    /// Host name, IPv4 address or bracketed IPv6 reference.
    pub host: String,
    /// Port, when given.
    pub port: Option<u16>,
    /// URI parameters (`;lr`, `;transport=tcp`).
    pub params: Params,
    /// URI headers (`?Route=...`), escaped as written.
    pub headers: Vec<(String, String)>,
}

impl Uri {
    /// Parses a URI; SIP and SIPS URIs are checked character by character.
    pub fn parse(s: &str) -> Result<Uri, UriError> {
        let (scheme, rest) = s.split_once(':').ok_or(UriError)?;
        if !valid_scheme(scheme) || rest.is_empty() {
            return Err(UriError);
        }
        if rest
            .bytes()
            .any(|b| b <= b' ' || b == 0x7f || b == b'<' || b == b'>')
        {
            return Err(UriError);
        }
        let scheme = scheme.to_ascii_lowercase();
        match scheme.as_str() {
            "sip" => SipUri::parse_rest(false, rest).map(Uri::Sip),
            "sips" => SipUri::parse_rest(true, rest).map(Uri::Sip),
            "tel" => Ok(Uri::Tel(rest.to_owned())),
            _ => Ok(Uri::Other {
                scheme,
                rest: rest.to_owned(),
            }),
        }
    }

    /// The SIP URI inside, when the scheme is sip or sips.
    pub fn as_sip(&self) -> Option<&SipUri> {
        match self {
            Uri::Sip(u) => Some(u),
            _ => None,
        }
    }

    /// The scheme, lower case.
    pub fn scheme(&self) -> &str {
        match self {
            Uri::Sip(u) if u.secure => "sips",
            Uri::Sip(_) => "sip",
            Uri::Tel(_) => "tel",
            Uri::Other { scheme, .. } => scheme,
        }
    }
}

fn valid_scheme(s: &str) -> bool {
    let mut bytes = s.bytes();
    bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
}

fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-_.!~*'()".contains(&b)
}

/// Checks that `s` holds only `allowed` bytes or well-formed %-escapes.
fn valid_escaped(s: &str, allowed: impl Fn(u8) -> bool) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b
                .get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit));
            if !hex {
                return false;
            }
            i += 3;
        } else if allowed(b[i]) {
            i += 1;
        } else {
            return false;
        }
    }
    true
}

/// Decodes %-escapes; malformed escapes are kept as they are.
pub fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = b
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (b[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

fn valid_user(s: &str) -> bool {
    !s.is_empty() && valid_escaped(s, |b| is_unreserved(b) || b"&=+$,;?/".contains(&b))
}

fn valid_password(s: &str) -> bool {
    valid_escaped(s, |b| is_unreserved(b) || b"&=+$,".contains(&b))
}

fn valid_param_text(s: &str) -> bool {
    !s.is_empty() && valid_escaped(s, |b| is_unreserved(b) || b"[]/:&+$".contains(&b))
}

fn valid_header_text(s: &str) -> bool {
    valid_escaped(s, |b| is_unreserved(b) || b"[]/?:+$".contains(&b))
}

/// Checks a hostname, IPv4 address or IPv6 reference (§25.1 `host`).
pub(crate) fn valid_host(s: &str) -> bool {
    if let Some(inner) = s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        return inner.parse::<std::net::Ipv6Addr>().is_ok();
    }
    let labels_ok = s.split('.').enumerate().all(|(i, label)| {
        let last = i == s.split('.').count() - 1;
        (label.is_empty() && last && i > 0)
            || (!label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-'))
    });
    !s.is_empty() && labels_ok
}

impl SipUri {
    /// A plain `sip:user@host` URI.
    pub fn new(user: Option<&str>, host: &str, port: Option<u16>) -> SipUri {
        SipUri {
            secure: false,
            user: user.map(str::to_owned),
            password: None,
            host: host.to_owned(),
            port,
            params: Params::default(),
            headers: Vec::new(),
        }
    }

    fn parse_rest(secure: bool, rest: &str) -> Result<SipUri, UriError> {
        let (rest, headers) = match rest.split_once('?') {
            // A `?` inside the user part is legal; headers only follow the host.
            Some((before, after)) if !after.contains('@') => (before, Some(after)),
            _ => (rest, None),
        };
        let (userinfo, hostpart) = match rest.split_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let (user, password) = split_userinfo(userinfo)?;
        let (hostport, params) = match hostpart.split_once(';') {
            Some((hp, p)) => (hp, Some(p)),
            None => (hostpart, None),
        };
        let (host, port) = split_hostport(hostport)?;
        Ok(SipUri {
            secure,
            user,
            password,
            host,
            port,
            params: parse_uri_params(params)?,
            headers: parse_uri_headers(headers)?,
        })
    }

    /// The user part with %-escapes decoded.
    pub fn user_unescaped(&self) -> Option<String> {
        self.user
            .as_deref()
            .map(|u| String::from_utf8_lossy(&unescape(u)).into_owned())
    }

    /// RFC 3261 §19.1.4 equivalence: unescaped user, case-insensitive host,
    /// the same port, and the significant parameters equal.
    pub fn equivalent(&self, other: &SipUri) -> bool {
        let users = self.user.as_deref().map(unescape) == other.user.as_deref().map(unescape);
        let pass =
            self.password.as_deref().map(unescape) == other.password.as_deref().map(unescape);
        users
            && pass
            && self.secure == other.secure
            && self.host.eq_ignore_ascii_case(&other.host)
            && self.port == other.port
            && self.params_equivalent(other)
    }

    fn params_equivalent(&self, other: &SipUri) -> bool {
        let must = ["user", "ttl", "method", "maddr", "transport"];
        let values = |u: &SipUri, name: &str| {
            u.params
                .get_value(name)
                .map(|v| unescape(v).to_ascii_lowercase())
        };
        let significant = must.iter().all(|n| {
            self.params.contains(n) == other.params.contains(n)
                && values(self, n) == values(other, n)
        });
        let common = self.params.iter().all(|(name, _)| {
            !other.params.contains(name) || values(self, name) == values(other, name)
        });
        significant && common
    }
}

fn split_userinfo(userinfo: Option<&str>) -> Result<(Option<String>, Option<String>), UriError> {
    let Some(info) = userinfo else {
        return Ok((None, None));
    };
    let (user, password) = match info.split_once(':') {
        Some((u, p)) => (u, Some(p)),
        None => (info, None),
    };
    if !valid_user(user) || password.is_some_and(|p| !valid_password(p)) {
        return Err(UriError);
    }
    Ok((Some(user.to_owned()), password.map(str::to_owned)))
}

fn split_hostport(hostport: &str) -> Result<(String, Option<u16>), UriError> {
    let (host, port) = if hostport.starts_with('[') {
        match hostport.split_once(']') {
            Some((h, rest)) => (&hostport[..h.len() + 1], rest.strip_prefix(':')),
            None => return Err(UriError),
        }
    } else {
        match hostport.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (hostport, None),
        }
    };
    if !valid_host(host) {
        return Err(UriError);
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
            Some(p.parse::<u16>().map_err(|_| UriError)?)
        }
        Some(_) => return Err(UriError),
        None => None,
    };
    Ok((host.to_owned(), port))
}

fn parse_uri_params(params: Option<&str>) -> Result<Params, UriError> {
    let mut out = Params::default();
    for p in params.into_iter().flat_map(|p| p.split(';')) {
        let (name, value) = match p.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (p, None),
        };
        if !valid_param_text(name) || value.is_some_and(|v| !valid_param_text(v)) {
            return Err(UriError);
        }
        out.push(name, value);
    }
    Ok(out)
}

fn parse_uri_headers(headers: Option<&str>) -> Result<Vec<(String, String)>, UriError> {
    let Some(h) = headers else {
        return Ok(Vec::new());
    };
    h.split('&')
        .map(|pair| {
            let (n, v) = pair.split_once('=').ok_or(UriError)?;
            let ok = !n.is_empty() && valid_header_text(n) && valid_header_text(v);
            ok.then(|| (n.to_owned(), v.to_owned())).ok_or(UriError)
        })
        .collect()
}

impl fmt::Display for SipUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.secure { "sips:" } else { "sip:" })?;
        if let Some(user) = &self.user {
            f.write_str(user)?;
            if let Some(p) = &self.password {
                write!(f, ":{p}")?;
            }
            f.write_str("@")?;
        }
        f.write_str(&self.host)?;
        if let Some(port) = self.port {
            write!(f, ":{port}")?;
        }
        write!(f, "{}", self.params)?;
        for (i, (n, v)) in self.headers.iter().enumerate() {
            write!(f, "{}{n}={v}", if i == 0 { '?' } else { '&' })?;
        }
        Ok(())
    }
}

impl fmt::Display for Uri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Uri::Sip(u) => u.fmt(f),
            Uri::Tel(t) => write!(f, "tel:{t}"),
            Uri::Other { scheme, rest } => write!(f, "{scheme}:{rest}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sip(s: &str) -> SipUri {
        match Uri::parse(s) {
            Ok(Uri::Sip(u)) => u,
            other => panic!("{s}: {other:?}"),
        }
    }

    #[test]
    fn sip_uri_round_trips() {
        for s in [
            "sip:user@example.com",
            "sips:alice:secret@[2001:db8::1]:5061;transport=tcp;lr",
            "sip:example.com;maddr=1.2.3.4?Route=%3Csip:x%3E&X=y",
            "sip:user;par=u%40example.net@example.com",
        ] {
            assert_eq!(sip(s).to_string(), s);
        }
    }

    #[test]
    fn escaped_user_compares_equal_to_plain() {
        assert!(sip("sip:%75se%72@example.com").equivalent(&sip("sip:user@EXAMPLE.com")));
        assert!(!sip("sip:user@example.com").equivalent(&sip("sip:User@example.com")));
    }

    #[test]
    fn escaped_nul_is_kept() {
        let u = sip("sip:null-%00-null@example.com");
        assert_eq!(u.user_unescaped().as_deref(), Some("null-\0-null"));
    }

    #[test]
    fn unusual_user_and_password_parse() {
        let u = sip(
            "sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.\
             (doesn't-it)@example.com",
        );
        assert_eq!(u.host, "example.com");
        assert_eq!(
            u.user.as_deref(),
            Some("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*")
        );
    }

    #[test]
    fn malformed_uris_are_refused() {
        for s in [
            "<sip:a@b>",
            "sip:a@b c",
            "sip:",
            "sip:a@",
            "sip:a@b:99999",
            "sip:a%zz@b",
        ] {
            assert_eq!(Uri::parse(s), Err(UriError), "{s}");
        }
    }

    #[test]
    fn other_schemes_stay_opaque() {
        let u = Uri::parse("soap.beep://192.0.2.103:3002").expect("legal syntax");
        assert_eq!(u.scheme(), "soap.beep");
        assert_eq!(u.to_string(), "soap.beep://192.0.2.103:3002");
        assert_eq!(
            Uri::parse("tel:+1-201-555-0123")
                .map(|u| u.to_string())
                .ok()
                .as_deref(),
            Some("tel:+1-201-555-0123")
        );
    }
}
