//! Reading small request bodies with a hard size limit, so a face can answer oversize or
//! malformed input in its own envelope instead of axum's plain-text rejections.

use axum::body::Body;
use bytes::Bytes;
use ferry_core::{Error, Result};
use http_body_util::{BodyExt, LengthLimitError, Limited};

/// The largest JSON body an API call accepts.
pub const MAX_JSON_BODY: usize = 1024 * 1024;

/// Collects at most `limit` bytes of a body; more is `PayloadTooLarge`.
pub async fn read_limited(body: Body, limit: usize) -> Result<Bytes> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(Error::PayloadTooLarge),
        Err(e) => Err(Error::invalid("body", format!("could not be read: {e}"))),
    }
}

/// Parses a JSON body that must be an object.
pub fn json_object(bytes: &[u8]) -> Result<serde_json::Map<String, serde_json::Value>> {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::invalid("body", "must be a JSON object")),
        Err(e) => Err(Error::invalid("body", format!("is not valid JSON: {e}"))),
    }
}

/// The pairs of an `application/x-www-form-urlencoded` body or query string, decoded
/// (`+` is a space). Malformed UTF-8 is replaced rather than refused: the caller checks
/// the values it needs.
pub fn form_pairs(text: &str) -> impl Iterator<Item = (String, String)> + '_ {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    };
    text.split('&').filter(|p| !p.is_empty()).map(move |pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (decode(k), decode(v))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_form_pairs() {
        let pairs: Vec<_> =
            form_pairs("user=alice%40example.com&password=a+b%26c&flag&&x=").collect();
        assert_eq!(
            pairs,
            vec![
                ("user".to_owned(), "alice@example.com".to_owned()),
                ("password".to_owned(), "a b&c".to_owned()),
                ("flag".to_owned(), String::new()),
                ("x".to_owned(), String::new()),
            ]
        );
    }
}
