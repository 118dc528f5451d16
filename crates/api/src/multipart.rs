//! [`Multipart`]: a `multipart/form-data` body (RFC 7578) read whole, for
//! the uploads RingCentral takes that way (IVR prompts). Bodies are bounded
//! by `max_body_bytes`, so holding one in memory is safe.

use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};

use crate::error::ApiError;

/// One part of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The form field name (`name` of `Content-Disposition`).
    pub name: String,
    /// The uploaded file's name, for file parts.
    pub filename: Option<String>,
    /// The part's own `Content-Type`, if it has one.
    pub content_type: Option<String>,
    /// The part's bytes.
    pub body: Vec<u8>,
}

/// Every part of a `multipart/form-data` body, in order. Other content
/// types get 415; a body that does not parse gets CMN-104.
#[derive(Debug, Clone, Default)]
pub struct Multipart(pub Vec<Part>);

impl Multipart {
    /// The first part named `name`.
    pub fn part(&self, name: &str) -> Option<&Part> {
        self.0.iter().find(|p| p.name == name)
    }

    /// The first part named `name` as text.
    pub fn text(&self, name: &str) -> Option<String> {
        let part = self.part(name)?;
        String::from_utf8(part.body.clone()).ok()
    }
}

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let boundary = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(boundary_of)
            .ok_or(ApiError::UnsupportedMediaType)?;
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest(e.body_text())
                }
            })?;
        let parts = parse(&bytes, &boundary);
        parts
            .map(Self)
            .ok_or_else(|| ApiError::BadRequest("malformed multipart body".into()))
    }
}

/// The `boundary` of a `multipart/form-data` content type.
fn boundary_of(content_type: &str) -> Option<String> {
    let mut params = content_type.split(';');
    let kind = params.next()?.trim();
    if !kind.eq_ignore_ascii_case("multipart/form-data") {
        return None;
    }
    let boundary = params.find_map(|p| {
        let (key, value) = p.split_once('=')?;
        key.trim()
            .eq_ignore_ascii_case("boundary")
            .then(|| value.trim().trim_matches('"').to_owned())
    })?;
    // RFC 2046 section 5.1.1: 1 to 70 characters.
    (1..=70).contains(&boundary.len()).then_some(boundary)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The parts between the delimiters; `None` for anything malformed.
fn parse(body: &[u8], boundary: &str) -> Option<Vec<Part>> {
    let delimiter = format!("--{boundary}");
    let next_delimiter = format!("\r\n--{boundary}");
    let mut rest = &body[find(body, delimiter.as_bytes())? + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, next_delimiter.as_bytes())?;
        parts.push(part(&rest[..end])?);
        rest = &rest[end + next_delimiter.len()..];
    }
}

/// One part: headers, a blank line, the body.
fn part(raw: &[u8]) -> Option<Part> {
    let split = find(raw, b"\r\n\r\n")?;
    let headers = std::str::from_utf8(&raw[..split]).ok()?;
    let mut disposition = None;
    let mut content_type = None;
    for line in headers.split("\r\n") {
        let (name, value) = line.split_once(':')?;
        if name.trim().eq_ignore_ascii_case("content-disposition") {
            disposition = Some(value.trim());
        } else if name.trim().eq_ignore_ascii_case("content-type") {
            content_type = Some(value.trim().to_owned());
        }
    }
    let params = disposition_params(disposition?)?;
    let name = params.iter().find(|(k, _)| k == "name")?.1.clone();
    let filename = params
        .into_iter()
        .find(|(k, _)| k == "filename")
        .map(|p| p.1);
    Some(Part {
        name,
        filename,
        content_type,
        body: raw[split + 4..].to_vec(),
    })
}

/// `form-data; name="x"; filename="y"` as lowercase keys and unquoted
/// values; anything but `form-data` is refused.
fn disposition_params(value: &str) -> Option<Vec<(String, String)>> {
    let mut items = value.split(';');
    if !items.next()?.trim().eq_ignore_ascii_case("form-data") {
        return None;
    }
    let params = items.filter_map(|item| {
        let (key, value) = item.split_once('=')?;
        let value = value.trim().trim_matches('"').to_owned();
        Some((key.trim().to_ascii_lowercase(), value))
    });
    Some(params.collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"--XyZ\r\n\
        Content-Disposition: form-data; name=\"name\"\r\n\r\n\
        Welcome\r\n\
        --XyZ\r\n\
        Content-Disposition: form-data; name=\"attachment\"; filename=\"hello.wav\"\r\n\
        Content-Type: audio/wav\r\n\r\n\
        RIFF\r\n\r\nbytes\r\n\
        --XyZ--\r\n";

    #[test]
    fn fields_and_files_come_out_with_their_bytes() {
        let parts = Multipart(parse(BODY, "XyZ").unwrap());
        assert_eq!(parts.text("name").as_deref(), Some("Welcome"));
        let file = parts.part("attachment").unwrap();
        assert_eq!(file.filename.as_deref(), Some("hello.wav"));
        assert_eq!(file.content_type.as_deref(), Some("audio/wav"));
        assert_eq!(file.body, b"RIFF\r\n\r\nbytes");
    }

    #[test]
    fn malformed_bodies_and_content_types_are_refused() {
        assert!(parse(b"--XyZ\r\nno blank line--XyZ--", "XyZ").is_none());
        assert!(parse(b"nothing here", "XyZ").is_none());
        let unterminated = &BODY[..BODY.len() - 12];
        assert!(parse(unterminated, "XyZ").is_none());
        assert_eq!(
            boundary_of("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert!(boundary_of("application/json").is_none());
        assert!(boundary_of("multipart/form-data").is_none());
    }
}
