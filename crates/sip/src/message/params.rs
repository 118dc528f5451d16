//! Ordered `;name=value` parameter lists, shared by URIs and header values.

use std::fmt;

use super::scan::Cursor;

/// Parameters in the order written; names compare case-insensitively.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, Option<String>)>);

impl Params {
    /// Appends a parameter.
    pub fn push(&mut self, name: &str, value: Option<&str>) {
        self.0.push((name.to_owned(), value.map(str::to_owned)));
    }

    /// Sets a parameter, replacing an earlier one of the same name.
    pub fn set(&mut self, name: &str, value: Option<&str>) {
        self.remove(name);
        self.push(name, value);
    }

    /// Removes every parameter called `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// True when a parameter called `name` is present, with or without value.
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    /// The value of `name`, when present with a value.
    pub fn get_value(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .and_then(|(_, v)| v.as_deref())
    }

    /// Iterates over (name, value) pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&str, Option<&str>)> {
        self.0.iter().map(|(n, v)| (n.as_str(), v.as_deref()))
    }

    /// True when there are no parameters.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Reads `*( SEMI generic-param )` from a header value (§25.1); fails on
    /// empty parameters such as `;;`.
    pub(crate) fn parse_header(c: &mut Cursor<'_>) -> Option<Params> {
        let mut out = Params::default();
        while c.eat_sep(b';') {
            let name = c.token()?;
            let value = if c.eat_sep(b'=') {
                Some(gen_value(c)?)
            } else {
                None
            };
            out.push(name, value);
        }
        Some(out)
    }
}

/// `gen-value = token / host / quoted-string`.
fn gen_value<'a>(c: &mut Cursor<'a>) -> Option<&'a str> {
    c.token().or_else(|| c.quoted()).or_else(|| c.ipv6_ref())
}

impl fmt::Display for Params {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, v) in &self.0 {
            match v {
                Some(v) => write!(f, ";{n}={v}")?,
                None => write!(f, ";{n}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_params_tolerate_whitespace() {
        let mut c = Cursor::new(" ; newparam =  newvalue ;  secondparam ; q = 0.33");
        let p = Params::parse_header(&mut c).expect("valid params");
        assert_eq!(p.get_value("NEWPARAM"), Some("newvalue"));
        assert!(p.contains("secondparam"));
        assert_eq!(p.to_string(), ";newparam=newvalue;secondparam;q=0.33");
    }

    #[test]
    fn empty_params_are_refused() {
        assert!(Params::parse_header(&mut Cursor::new(";;")).is_none());
        assert!(Params::parse_header(&mut Cursor::new(";a=")).is_none());
    }
}
