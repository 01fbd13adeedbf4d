//! `GET /ocs/v{1,2}.php/config`: the OCS service description the desktop client reads.

use axum::extract::State;
use axum::response::Response;
use ferry_http::AppState;
use serde_json::json;

use crate::envelope::Ocs;

pub async fn config(State(state): State<AppState>, ocs: Ocs) -> Response {
    let (ssl, host) = match state.public_url.split_once("://") {
        Some((scheme, rest)) => (scheme == "https", rest.split('/').next().unwrap_or(rest)),
        None => (false, state.public_url.as_str()),
    };
    ocs.ok(json!({
        "version": "1.7",
        "website": "Ferry",
        "host": host,
        "contact": "",
        "ssl": if ssl { "true" } else { "false" },
    }))
}
