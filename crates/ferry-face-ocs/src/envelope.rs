//! The OCS envelope and its two renderings (XML by default, compact JSON on request), and
//! the v1/v2 status rules.

use axum::Extension;
use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::xml::render_ocs;

/// Which OCS API version the request came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OcsVersion {
    V1,
    V2,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Xml,
    Json,
}

/// How this request wants its answer: the version from the mount, the format from
/// `?format=` or the Accept header.
#[derive(Clone, Copy, Debug)]
pub struct Ocs {
    pub version: OcsVersion,
    pub format: Format,
    /// The caller's address, for the brute-force guard on Basic logins.
    pub client_ip: Option<std::net::IpAddr>,
}

#[derive(Deserialize)]
struct FormatQuery {
    format: Option<String>,
}

impl<S: Send + Sync> FromRequestParts<S> for Ocs {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let version = Extension::<OcsVersion>::from_request_parts(parts, state)
            .await
            .map(|Extension(v)| v)
            .unwrap_or(OcsVersion::V2);
        let query = Query::<FormatQuery>::from_request_parts(parts, state)
            .await
            .ok()
            .and_then(|Query(q)| q.format);
        let accept_json = parts
            .headers
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("application/json"));
        let format = match query.as_deref() {
            Some("json") => Format::Json,
            Some("xml") => Format::Xml,
            _ if accept_json => Format::Json,
            _ => Format::Xml,
        };
        Ok(Ocs {
            version,
            format,
            client_ip: ferry_http::credentials::client_ip(&parts.extensions),
        })
    }
}

impl Ocs {
    /// A success: statuscode 100 (v1) or 200 (v2), HTTP 200.
    pub fn ok(&self, data: Value) -> Response {
        let code = match self.version {
            OcsVersion::V1 => 100,
            OcsVersion::V2 => 200,
        };
        self.render(StatusCode::OK, "ok", code, "OK", data)
    }

    /// A failure with an OCS status code; v2 answers the HTTP status Nextcloud derives from
    /// it ([`crate::error::v2_http_status`]). v1 keeps HTTP 200
    /// for everything but 401, as Nextcloud's V1Response does.
    pub fn fail(&self, code: u32, message: &str) -> Response {
        let http = crate::error::v2_http_status(code);
        let status = match self.version {
            OcsVersion::V1 if http != StatusCode::UNAUTHORIZED => StatusCode::OK,
            _ => http,
        };
        self.render(status, "failure", code, message, json!([]))
    }

    fn render(
        &self,
        status: StatusCode,
        word: &str,
        code: u32,
        message: &str,
        data: Value,
    ) -> Response {
        let meta = json!({
            "status": word,
            "statuscode": code,
            "message": message,
            "totalitems": "",
            "itemsperpage": "",
        });
        match self.format {
            // serde_json's compact output: clients match `"statuscode":(\d+)` with no space.
            Format::Json => (
                status,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json; charset=utf-8"),
                )],
                json!({ "ocs": { "meta": meta, "data": data } }).to_string(),
            )
                .into_response(),
            Format::Xml => (
                status,
                [(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/xml; charset=UTF-8"),
                )],
                render_ocs(&meta, &data),
            )
                .into_response(),
        }
    }
}
