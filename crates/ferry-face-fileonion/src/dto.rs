//! FileOnion's wire shapes; they live only here.

use ferry_core::api_keys::{effective_status, masked};
use ferry_core::model::ApiKey;
use serde::Serialize;

/// An API key as listings show it: masked, never the secret.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiKeyResponse {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub scopes: Vec<&'static str>,
    pub status: &'static str,
    pub user_id: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub revoked_at: Option<i64>,
    /// The raw key: present once, in the answer to its creation.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

impl ApiKeyResponse {
    pub fn new(key: &ApiKey, now: i64, raw: Option<String>) -> Self {
        Self {
            id: key.id.to_string(),
            name: key.name.clone(),
            prefix: masked(key),
            scopes: key.scopes.iter().map(|s| s.as_str()).collect(),
            status: effective_status(key, now),
            user_id: key.user_id.to_string(),
            created_at: key.created_ms,
            last_used_at: key.last_used_ms,
            expires_at: key.expires_ms,
            revoked_at: key.revoked_ms,
            key: raw,
        }
    }
}
