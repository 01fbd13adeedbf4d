//! `GET /status.php`: what sync clients probe first (no authentication). It must hold
//! `installed`; `version` is read as the server version.

use axum::Json;
use serde_json::{Value, json};

use super::{MAJOR, MICRO, MINOR};

pub async fn status() -> Json<Value> {
    Json(json!({
        "installed": true,
        "maintenance": false,
        "needsDbUpgrade": false,
        "version": format!("{MAJOR}.{MINOR}.{MICRO}.1"),
        "versionstring": format!("{MAJOR}.{MINOR}.{MICRO}"),
        "edition": "",
        "productname": "Ferry",
        "extendedSupport": false,
    }))
}
