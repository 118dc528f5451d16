//! Request extractors that fail with RingCentral's error body: JSON bodies,
//! form bodies and query strings with repeated keys.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::error::ApiError;

/// A JSON body; rejections become CMN-103 (400) or CMN-104 (415).
#[derive(Debug)]
pub struct RcJson<T>(pub T);

impl<T, S> FromRequest<S> for RcJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    /// Every RingCentral request body is a JSON object; serde would
    /// otherwise read a struct from an array too.
    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<serde_json::Value>::from_request(req, state).await {
            Ok(axum::Json(value)) => value,
            Err(rejection) => return Err(json_rejection(rejection)),
        };
        if !value.is_object() {
            return Err(ApiError::BadJson("body is not a JSON object".into()));
        }
        serde_json::from_value(value)
            .map(Self)
            .map_err(|e| ApiError::BadJson(e.to_string()))
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            ApiError::PayloadTooLarge
        }
        other => ApiError::BadJson(other.body_text()),
    }
}

/// Name/value pairs in order, from a query string or a form body. Keeps
/// repeated keys (`status=Enabled&status=Disabled`), as the SDKs send them.
#[derive(Debug, Clone, Default)]
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    /// Parses `application/x-www-form-urlencoded` text.
    pub fn parse(text: &[u8]) -> Self {
        Self(form_urlencoded::parse(text).into_owned().collect())
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first non-empty value of `name`.
    pub fn non_empty(&self, name: &str) -> Option<&str> {
        self.get(name).filter(|v| !v.is_empty())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// The query string as [`Pairs`].
#[derive(Debug, Clone, Default)]
pub struct Query(pub Pairs);

impl<S: Send + Sync> FromRequestParts<S> for Query {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        Ok(Self(Pairs::parse(query.as_bytes())))
    }
}

/// A form body (`application/x-www-form-urlencoded`) as [`Pairs`]; other
/// content types get 415.
#[derive(Debug, Clone, Default)]
pub struct Form(pub Pairs);

impl<S: Send + Sync> FromRequest<S> for Form {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_form(&req) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|e| {
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    ApiError::PayloadTooLarge
                } else {
                    ApiError::BadRequest(e.body_text())
                }
            })?;
        Ok(Self(Pairs::parse(&bytes)))
    }
}

/// Whether the request declares a form body (parameters such as
/// `charset` are allowed).
pub fn is_form(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Parses a RingCentral enum value (`"DoNotAcceptAnyCalls"`) into a model
/// enum; a value the enum does not know exactly is CMN-101 for `parameter`
/// (catch-all variants such as `Unknown` do not swallow typos).
pub fn parse_enum<T>(text: &str, parameter: &'static str) -> Result<T, ApiError>
where
    T: DeserializeOwned + serde::Serialize,
{
    let value = serde_json::Value::String(text.to_owned());
    let parsed: T =
        serde_json::from_value(value.clone()).map_err(|_| ApiError::InvalidParameter(parameter))?;
    match serde_json::to_value(&parsed) {
        Ok(back) if back == value => Ok(parsed),
        _ => Err(ApiError::InvalidParameter(parameter)),
    }
}

/// Checks a value against an enum the spec lists but the model lacks.
pub fn check_one_of(
    value: Option<&str>,
    allowed: &[&str],
    parameter: &'static str,
) -> Result<(), ApiError> {
    match value {
        Some(v) if !allowed.contains(&v) => Err(ApiError::InvalidParameter(parameter)),
        _ => Ok(()),
    }
}

/// [`parse_enum`] over every value.
pub fn parse_enums<T>(texts: &[String], parameter: &'static str) -> Result<Vec<T>, ApiError>
where
    T: DeserializeOwned + serde::Serialize,
{
    texts.iter().map(|t| parse_enum(t, parameter)).collect()
}

/// A JSON object as a request body carries it.
pub type Object = serde_json::Map<String, serde_json::Value>;

/// `current` with the members of `body` named in `fields` put in place of
/// its own, as PUT and POST bodies change a record; each member is checked
/// against the model as it goes in, so a value the model cannot take is
/// CMN-101 for that field. Members not in `fields` are left out.
pub fn overlay<T>(current: &T, body: &Object, fields: &[&'static str]) -> Result<T, ApiError>
where
    T: serde::Serialize + DeserializeOwned,
{
    // Model types serialize to JSON objects; nothing here can fail.
    let mut merged = serde_json::to_value(current).unwrap_or_default();
    for field in fields {
        let (Some(value), Some(object)) = (body.get(*field), merged.as_object_mut()) else {
            continue;
        };
        object.insert((*field).to_owned(), value.clone());
        if serde_json::from_value::<T>(merged.clone()).is_err() {
            return Err(ApiError::InvalidParameter(field));
        }
    }
    serde_json::from_value(merged).map_err(|e| ApiError::BadJson(e.to_string()))
}

/// A check of one JSON value's type, such as [`serde_json::Value::is_string`].
pub type JsonKind = fn(&serde_json::Value) -> bool;

/// Checks the types of request members the model does not keep, so that a
/// body the spec refuses is refused here too (CMN-101); `null` passes.
pub fn check_kinds(body: &Object, kinds: &[(&'static str, JsonKind)]) -> Result<(), ApiError> {
    for (field, is_kind) in kinds {
        match body.get(*field) {
            Some(value) if !value.is_null() && !is_kind(value) => {
                return Err(ApiError::InvalidParameter(field));
            }
            _ => {}
        }
    }
    Ok(())
}

/// Parses an ISO 8601 instant with offset (`2026-01-31T09:00:00.000Z`), or
/// a plain date taken as midnight UTC; anything else is CMN-101.
pub fn parse_time(text: &str, parameter: &'static str) -> Result<jiff::Timestamp, ApiError> {
    if let Ok(instant) = text.parse::<jiff::Timestamp>() {
        return Ok(instant);
    }
    let date: jiff::civil::Date = text
        .parse()
        .map_err(|_| ApiError::InvalidParameter(parameter))?;
    let midnight = date.to_datetime(jiff::civil::Time::midnight());
    let instant = jiff::tz::TimeZone::UTC.to_timestamp(midnight);
    instant.map_err(|_| ApiError::InvalidParameter(parameter))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_parse_exactly_and_catch_alls_do_not_swallow_typos() {
        use switchboard_phone::model::{DndStatus, ExtensionType};
        let dnd: DndStatus = parse_enum("DoNotAcceptAnyCalls", "dndStatus").unwrap();
        assert_eq!(dnd, DndStatus::DoNotAcceptAnyCalls);
        assert!(parse_enum::<DndStatus>("Maybe", "dndStatus").is_err());
        assert!(parse_enum::<ExtensionType>("Usr", "type").is_err());
    }

    #[test]
    fn times_parse_as_instants_or_utc_dates() {
        let instant = parse_time("2026-01-31T09:00:00.000Z", "dateFrom").unwrap();
        assert_eq!(instant.as_second(), 1_769_850_000);
        let date = parse_time("2026-01-31", "dateFrom").unwrap();
        assert_eq!(date.as_second(), 1_769_817_600);
        assert!(parse_time("yesterday", "dateFrom").is_err());
    }

    #[test]
    fn pairs_keep_repeated_keys_in_order() {
        let pairs = Pairs::parse(b"status=Enabled&type=User&status=Disabled&x=");
        assert_eq!(pairs.all("status"), ["Enabled", "Disabled"]);
        assert_eq!(pairs.get("x"), Some(""));
        assert_eq!(pairs.non_empty("x"), None);
    }
}
