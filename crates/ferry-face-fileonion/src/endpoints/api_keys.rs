//! `/api/v2/api-keys`: create (the raw key is in this answer only), list, get, update
//! (name, scopes, status), revoke (kept for audit) and delete.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use ferry_core::Error;
use ferry_core::api_keys::{ApiKeyChange, Expiry, NewApiKey};
use ferry_core::ids::ApiKeyId;
use ferry_core::model::{ApiKeyStatus, ApiScope};
use ferry_http::AppState;
use ferry_http::body::{MAX_JSON_BODY, json_object, read_limited};
use serde_json::{Map, Value, json};

use super::caller;
use crate::dto::ApiKeyResponse;
use crate::envelope::{data, ok};
use crate::error::ApiError;

fn key_id(text: &str) -> Result<ApiKeyId, Error> {
    text.parse().map_err(|_| Error::NotFound)
}

fn string_field(body: &Map<String, Value>, key: &'static str) -> Result<Option<String>, Error> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::invalid(key, "must be a string")),
    }
}

fn scopes_field(body: &Map<String, Value>) -> Result<Option<Vec<ApiScope>>, Error> {
    let Some(value) = body.get("scopes") else {
        return Ok(None);
    };
    let list = value
        .as_array()
        .ok_or_else(|| Error::invalid("scopes", "must be a list of scope names"))?;
    list.iter()
        .map(|v| {
            v.as_str()
                .and_then(ApiScope::parse)
                .ok_or_else(|| Error::invalid("scopes", "names an unknown scope (read, write, manage_clients, manage_webhooks, full_access)"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

/// `expiresInDays`: 30, 90, 180, 365 or null; or `expiration`: "30d", "90d", "180d", "1y", "never".
fn expiry_field(body: &Map<String, Value>) -> Result<Expiry, Error> {
    if let Some(text) = string_field(body, "expiration")? {
        let days = match text.as_str() {
            "30d" => Some(30),
            "90d" => Some(90),
            "180d" => Some(180),
            "1y" | "365d" => Some(365),
            "never" => None,
            _ => {
                return Err(Error::invalid(
                    "expiration",
                    "must be 30d, 90d, 180d, 1y or never",
                ));
            }
        };
        return Expiry::from_days(days);
    }
    match body.get("expiresInDays") {
        None | Some(Value::Null) => Ok(Expiry::Never),
        Some(v) => Expiry::from_days(Some(v.as_i64().ok_or_else(|| {
            Error::invalid("expiresInDays", "must be a number of days or null")
        })?)),
    }
}

async fn body_object(body: Body) -> Result<Map<String, Value>, Error> {
    let bytes = read_limited(body, MAX_JSON_BODY).await?;
    json_object(&bytes)
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let body = body_object(body).await?;
    let name = string_field(&body, "name")?.ok_or_else(|| Error::invalid("name", "is required"))?;
    let scopes = scopes_field(&body)?.ok_or_else(|| Error::invalid("scopes", "is required"))?;
    let expiry = expiry_field(&body)?;
    let (key, raw) = state
        .ferry
        .create_api_key(
            &actor,
            NewApiKey {
                name,
                scopes,
                expiry,
            },
        )
        .await?;
    let now = state.ferry.now_ms();
    Ok(data(
        StatusCode::CREATED,
        ApiKeyResponse::new(&key, now, Some(raw)),
        json!({}),
    ))
}

pub async fn list(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let keys = state.ferry.list_api_keys(&actor).await?;
    let now = state.ferry.now_ms();
    let items: Vec<_> = keys
        .iter()
        .map(|k| ApiKeyResponse::new(k, now, None))
        .collect();
    Ok(data(
        StatusCode::OK,
        &items,
        json!({ "total": items.len() }),
    ))
}

pub async fn get_one(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let key = state.ferry.api_key(&actor, key_id(&id)?).await?;
    Ok(ok(ApiKeyResponse::new(&key, state.ferry.now_ms(), None)))
}

pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let id = key_id(&id)?;
    let body = body_object(body).await?;
    let status = string_field(&body, "status")?
        .map(|s| {
            ApiKeyStatus::parse(&s)
                .ok_or_else(|| Error::invalid("status", "must be active or disabled"))
        })
        .transpose()?;
    let change = ApiKeyChange {
        name: string_field(&body, "name")?,
        scopes: scopes_field(&body)?,
        status,
    };
    let key = state.ferry.update_api_key(&actor, id, change).await?;
    Ok(ok(ApiKeyResponse::new(&key, state.ferry.now_ms(), None)))
}

pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    let key = state.ferry.revoke_api_key(&actor, key_id(&id)?).await?;
    Ok(ok(ApiKeyResponse::new(&key, state.ferry.now_ms(), None)))
}

pub async fn delete(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let actor = caller(&state, &headers).await?;
    state.ferry.delete_api_key(&actor, key_id(&id)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
