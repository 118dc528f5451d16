//! Binary content responses (voicemail audio, IVR prompts): the stored
//! content type, the `contentDisposition` and `contentDispositionFilename`
//! query parameters RingCentral takes, and single byte ranges (RFC 9110
//! section 14) so players can seek.

use std::ops::Range;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::extract::{Pairs, check_one_of};

/// Sent when the stored content type cannot be a header value.
const FALLBACK_TYPE: &str = "application/octet-stream";

/// How the client wants the content presented, from the query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disposition {
    /// `Attachment` rather than the default `Inline`.
    attachment: bool,
    /// The filename to suggest.
    filename: String,
}

impl Disposition {
    /// Reads `contentDisposition` (Inline|Attachment) and
    /// `contentDispositionFilename`; `default_name` applies without one.
    pub fn from_query(query: &Pairs, default_name: &str) -> Result<Self, ApiError> {
        let kind = query.non_empty("contentDisposition");
        check_one_of(kind, &["Inline", "Attachment"], "contentDisposition")?;
        let asked = query.non_empty("contentDispositionFilename");
        Ok(Self {
            attachment: kind == Some("Attachment"),
            filename: safe_filename(asked.unwrap_or(default_name)),
        })
    }

    fn header(&self) -> HeaderValue {
        let kind = if self.attachment {
            "attachment"
        } else {
            "inline"
        };
        let text = format!("{kind}; filename=\"{}\"", self.filename);
        // `safe_filename` leaves only visible ASCII without quotes.
        HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static("inline"))
    }
}

/// A filename that cannot break out of the header's quoted string or name
/// a path: letters, digits, `.`, `-` and `_` only.
fn safe_filename(asked: &str) -> String {
    let kept: String = asked
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._-".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if kept.trim_matches(['.', '_']).is_empty() {
        "content".to_owned()
    } else {
        kept
    }
}

/// The bytes with their content type and disposition: all of them, or the
/// one range the request's `Range` header asks for (206). A range past the
/// end is CMN-107 (416); a `Range` we do not parse is ignored, as RFC 9110
/// allows.
pub fn binary(
    bytes: Vec<u8>,
    content_type: &str,
    disposition: &Disposition,
    request: &HeaderMap,
) -> Result<Response, ApiError> {
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static(FALLBACK_TYPE));
    let length = bytes.len() as u64;
    let asked = request
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|text| byte_range(text, length));
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CONTENT_DISPOSITION, disposition.header()),
        (header::ACCEPT_RANGES, HeaderValue::from_static("bytes")),
    ];
    let Some(range) = asked else {
        return Ok((headers, bytes).into_response());
    };
    let range = range.ok_or(ApiError::RangeNotSatisfiable { length })?;
    let content_range = format!("bytes {}-{}/{length}", range.start, range.end - 1);
    let content_range = HeaderValue::from_str(&content_range).map_err(|_| ApiError::Internal)?;
    let part = bytes[range].to_vec();
    let mut response = (StatusCode::PARTIAL_CONTENT, headers, part).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_RANGE, content_range);
    Ok(response)
}

/// One `bytes=` range of `length` bytes: `None` when the header is not a
/// single byte range we parse, `Some(None)` when it misses the content.
fn byte_range(text: &str, length: u64) -> Option<Option<Range<usize>>> {
    let spec = text.trim().strip_prefix("bytes=")?;
    let (first, last) = spec.split_once('-')?;
    let (first, last) = (first.trim(), last.trim());
    let (start, end) = match (first.is_empty(), last.is_empty()) {
        // `bytes=-n`: the last n bytes.
        (true, false) => {
            let n: u64 = last.parse().ok()?;
            (length.saturating_sub(n), length)
        }
        (false, _) => {
            let start: u64 = first.parse().ok()?;
            let end = if last.is_empty() {
                length
            } else {
                last.parse::<u64>().ok()?.saturating_add(1).min(length)
            };
            (start, end)
        }
        (true, true) => return None,
    };
    if start >= end {
        return Some(None);
    }
    let start = usize::try_from(start).ok()?;
    let end = usize::try_from(end).ok()?;
    Some(Some(start..end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_cannot_break_the_header_or_name_a_path() {
        assert_eq!(safe_filename("vm 1\".wav"), "vm_1_.wav");
        assert_eq!(safe_filename("../../etc"), ".._.._etc");
        assert_eq!(safe_filename("\u{e9}"), "content");
    }

    #[test]
    fn byte_ranges_follow_rfc_9110() {
        assert_eq!(byte_range("bytes=0-3", 10), Some(Some(0..4)));
        assert_eq!(byte_range("bytes=6-", 10), Some(Some(6..10)));
        assert_eq!(byte_range("bytes=-4", 10), Some(Some(6..10)));
        assert_eq!(byte_range("bytes=8-20", 10), Some(Some(8..10)));
        assert_eq!(byte_range("bytes=10-", 10), Some(None));
        assert_eq!(byte_range("bytes=0-1,4-5", 10), None);
        assert_eq!(byte_range("items=0-1", 10), None);
    }

    #[test]
    fn disposition_defaults_to_inline_and_refuses_other_kinds() {
        let inline = Disposition::from_query(&Pairs::parse(b""), "a.wav").unwrap();
        assert_eq!(inline.header(), "inline; filename=\"a.wav\"");
        let query = Pairs::parse(b"contentDisposition=Attachment&contentDispositionFilename=b");
        let attachment = Disposition::from_query(&query, "a.wav").unwrap();
        assert_eq!(attachment.header(), "attachment; filename=\"b\"");
        let bad = Pairs::parse(b"contentDisposition=Download");
        assert!(Disposition::from_query(&bad, "a.wav").is_err());
    }
}
