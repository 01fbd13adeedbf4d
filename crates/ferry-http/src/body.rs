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
