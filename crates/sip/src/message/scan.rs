//! A byte cursor over one unfolded header value, with the RFC 3261 §25.1
//! lexical pieces (token, quoted-string, separators with optional LWS).

/// True for the `token` characters of RFC 3261 §25.1.
pub(crate) fn is_token_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

/// True when every byte is a token character and there is at least one.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_char)
}

/// A forward-only reader over a header value.
pub(crate) struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    pub(crate) fn new(s: &'a str) -> Self {
        Cursor { s, pos: 0 }
    }

    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    pub(crate) fn set_pos(&mut self, pos: usize) {
        self.pos = pos;
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.s.len()
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    pub(crate) fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Consumes `b` if it is the next byte (no whitespace skipping).
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// Consumes optional whitespace, `b`, optional whitespace (SEMI, COMMA,
    /// EQUAL, SLASH of §25.1); leaves the cursor unchanged when `b` is absent.
    pub(crate) fn eat_sep(&mut self, b: u8) -> bool {
        let start = self.pos;
        self.skip_ws();
        if self.eat(b) {
            self.skip_ws();
            true
        } else {
            self.pos = start;
            false
        }
    }

    pub(crate) fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        &self.s[start..self.pos]
    }

    pub(crate) fn token(&mut self) -> Option<&'a str> {
        let t = self.take_while(is_token_char);
        (!t.is_empty()).then_some(t)
    }

    /// Reads a quoted-string and returns it with its quotes, as written.
    pub(crate) fn quoted(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if !self.eat(b'"') {
            return None;
        }
        let bytes = self.s.as_bytes();
        while let Some(&b) = bytes.get(self.pos) {
            self.pos += 1;
            match b {
                b'"' => return Some(&self.s[start..self.pos]),
                // quoted-pair: any byte but CR and LF may follow the backslash.
                b'\\' => match bytes.get(self.pos) {
                    Some(b'\r' | b'\n') | None => break,
                    Some(_) => self.pos += 1,
                },
                _ => {}
            }
        }
        self.pos = start;
        None
    }

    /// Reads a bracketed IPv6 reference such as `[2001:db8::1]`.
    pub(crate) fn ipv6_ref(&mut self) -> Option<&'a str> {
        let start = self.pos;
        if !self.eat(b'[') {
            return None;
        }
        self.take_while(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if self.eat(b']') && self.pos - start > 2 {
            Some(&self.s[start..self.pos])
        } else {
            self.pos = start;
            None
        }
    }
}

/// Removes the quotes and quoted-pair backslashes of a quoted-string.
pub(crate) fn unquote(s: &str) -> String {
    let inner = s
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .unwrap_or(s);
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            if let Some(n) = chars.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Wraps a value in quotes, escaping `"` and `\`.
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_string_keeps_escaped_quotes() {
        let mut c = Cursor::new(r#""J \"R\"" <x>"#);
        assert_eq!(c.quoted(), Some(r#""J \"R\"""#));
        assert_eq!(unquote(r#""J \"R\"""#), r#"J "R""#);
    }

    #[test]
    fn unterminated_quote_is_rejected() {
        let mut c = Cursor::new(r#""Mr. J. User <sip:j@x>"#);
        assert_eq!(c.quoted(), None);
        assert_eq!(c.pos(), 0);
    }

    #[test]
    fn separators_absorb_whitespace() {
        let mut c = Cursor::new("  ;  a");
        assert!(c.eat_sep(b';'));
        assert_eq!(c.token(), Some("a"));
    }

    #[test]
    fn quote_round_trips() {
        assert_eq!(unquote(&quote(r#"a"b\c"#)), r#"a"b\c"#);
    }
}
