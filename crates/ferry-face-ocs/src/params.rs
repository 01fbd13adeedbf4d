//! The parameters of an OCS request, wherever the client put them. Nextcloud reads them
//! from the query string, a form body or a JSON body alike, and clients rely on it
//! (nc-py-api sends most in the query, user creation as JSON; scripts post forms). PHP's
//! `groups[]=a&groups[]=b` lists become repeated keys named `groups`.

use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;
use ferry_core::Error;
use serde_json::Value;

use crate::envelope::Ocs;
use crate::error::ocs_error;

/// Every parameter in the order given: the query string first, then the body.
#[derive(Debug, Default)]
pub struct Params(Vec<(String, String)>);

impl Params {
    /// The last value given for `key` (a body overrides the query, as PHP's `$_REQUEST`
    /// merge does), trimmed of nothing: passwords may have spaces.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// A parameter that must be there and not empty, else `InvalidInput` naming it.
    pub fn required(&self, key: &str) -> Result<&str, Error> {
        self.get(key)
            .filter(|v| !v.trim().is_empty())
            .ok_or_else(|| Error::invalid(key, "is required"))
    }

    /// Every value given for a list parameter (`key`, `key[]`, `key[0]`, or a JSON array).
    pub fn all(&self, key: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .filter(|v| !v.is_empty())
            .collect()
    }

    /// A non-negative whole number, or `InvalidInput` naming it.
    pub fn number(&self, key: &str) -> Result<Option<usize>, Error> {
        match self.get(key).map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(None),
            // Nextcloud reads a negative limit as "no limit".
            Some(v) if v.starts_with('-') && v[1..].parse::<u64>().is_ok() => Ok(None),
            Some(v) => v
                .parse::<usize>()
                .map(Some)
                .map_err(|_| Error::invalid(key, "must be a whole number")),
        }
    }

    fn push(&mut self, key: &str, value: String) {
        // `groups[]` and `groups[3]` are PHP's list spellings of `groups`.
        let key = match key.find('[') {
            Some(i) if key.ends_with(']') => &key[..i],
            _ => key,
        };
        self.0.push((key.to_owned(), value));
    }

    fn add_form(&mut self, text: &str) {
        for (key, value) in ferry_http::body::form_pairs(text) {
            self.push(&key, value);
        }
    }

    fn add_json(&mut self, key: &str, value: &Value) {
        match value {
            Value::Null => {}
            Value::String(s) => self.push(key, s.clone()),
            Value::Bool(b) => self.push(key, if *b { "1" } else { "0" }.to_owned()),
            Value::Number(n) => self.push(key, n.to_string()),
            Value::Array(items) => {
                for item in items {
                    self.add_json(key, item);
                }
            }
            // No OCS parameter is an object; keep its text so a check can refuse it.
            Value::Object(_) => self.push(key, value.to_string()),
        }
    }
}

impl<S: Send + Sync> FromRequest<S> for Params {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let ocs = match Ocs::from_request_parts(&mut parts, state).await {
            Ok(o) => o,
            Err(never) => match never {},
        };
        let mut params = Params::default();
        if let Some(query) = parts.uri.query() {
            params.add_form(query);
        }
        let content_type = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_ascii_lowercase();
        let bytes =
            ferry_http::body::read_limited(Body::new(body), ferry_http::body::MAX_JSON_BODY)
                .await
                .map_err(|e| ocs_error(&ocs, &e))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(params);
        }
        if content_type.contains("json") {
            let map = ferry_http::body::json_object(&bytes).map_err(|e| ocs_error(&ocs, &e))?;
            for (k, v) in &map {
                params.add_json(k, v);
            }
        } else if content_type.is_empty() || content_type.contains("x-www-form-urlencoded") {
            let text = std::str::from_utf8(&bytes)
                .map_err(|_| ocs_error(&ocs, &Error::invalid("body", "must be UTF-8 form data")))?;
            params.add_form(text);
        } else {
            return Err(ocs_error(
                &ocs,
                &Error::invalid(
                    "body",
                    "must be application/x-www-form-urlencoded or application/json",
                ),
            ));
        }
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn lists_and_encodings_from_every_source() {
        let mut p = Params::default();
        p.add_form("groups%5B%5D=a&groups[]=b+c&userid=x%40y&limit=-1");
        p.add_json("subadmin", &json!(["s1", "s2"]));
        p.add_json("quota", &json!(5));
        assert_eq!(p.all("groups"), vec!["a", "b c"]);
        assert_eq!(p.get("userid"), Some("x@y"));
        assert_eq!(p.all("subadmin"), vec!["s1", "s2"]);
        assert_eq!(p.get("quota"), Some("5"));
        assert_eq!(p.number("limit").ok(), Some(None));
        assert!(p.required("password").is_err());
    }
}
