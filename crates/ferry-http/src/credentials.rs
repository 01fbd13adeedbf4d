//! Turning request credentials into the caller. Which kinds a face accepts is its choice;
//! what they mean is core's.

use std::net::IpAddr;

use ferry_core::{Actor, Error, Ferry, Result};
use http::HeaderMap;
use http::header::AUTHORIZATION;

/// The credentials a request carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Credentials {
    None,
    Bearer(String),
    Basic { user: String, password: String },
}

/// Reads the `Authorization` header. A header that is present but malformed is
/// `Unauthenticated`, not "no credentials".
pub fn credentials(headers: &HeaderMap) -> Result<Credentials> {
    let Some(value) = headers.get(AUTHORIZATION) else {
        return Ok(Credentials::None);
    };
    let value = value.to_str().map_err(|_| Error::Unauthenticated)?.trim();
    let (scheme, rest) = value.split_once(' ').ok_or(Error::Unauthenticated)?;
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty() {
        return Ok(Credentials::Bearer(rest.to_owned()));
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = data_encoding_base64(rest).ok_or(Error::Unauthenticated)?;
        let (user, password) = decoded.split_once(':').ok_or(Error::Unauthenticated)?;
        return Ok(Credentials::Basic {
            user: user.to_owned(),
            password: password.to_owned(),
        });
    }
    Err(Error::Unauthenticated)
}

fn data_encoding_base64(text: &str) -> Option<String> {
    if text.len() > 4096 {
        return None;
    }
    let bytes = data_encoding::BASE64.decode(text.as_bytes()).ok()?;
    String::from_utf8(bytes).ok()
}

/// A bearer token is an API key (`fo_live_…`) or a login session token.
async fn bearer(ferry: &Ferry, token: &str) -> Result<Actor> {
    if token.starts_with(ferry_core::api_keys::KEY_PREFIX) {
        ferry.authenticate_api_key(token).await
    } else {
        ferry.authenticate_token(token).await
    }
}

/// The caller behind a bearer session token or API key; no credentials at all is
/// `Unauthenticated`.
pub async fn bearer_actor(ferry: &Ferry, headers: &HeaderMap) -> Result<Actor> {
    match credentials(headers)? {
        Credentials::Bearer(token) => bearer(ferry, &token).await,
        Credentials::None | Credentials::Basic { .. } => Err(Error::Unauthenticated),
    }
}

/// The caller behind a bearer session token or HTTP Basic user name (or email) and
/// password: what WebDAV and OCS accept. No credentials at all is `Unauthenticated`.
/// `client_ip` is the caller's address (see [`client_ip`]), for the brute-force guard on
/// Basic logins.
pub async fn bearer_or_basic_actor(
    ferry: &Ferry,
    headers: &HeaderMap,
    client_ip: Option<IpAddr>,
) -> Result<Actor> {
    match credentials(headers)? {
        Credentials::Bearer(token) => bearer(ferry, &token).await,
        Credentials::Basic { user, password } => {
            ferry.authenticate_basic(&user, &password, client_ip).await
        }
        Credentials::None => Err(Error::Unauthenticated),
    }
}

/// The client's address: the peer of the connection (no proxy header is trusted, so behind
/// a reverse proxy this is the proxy). `None` when the server was not started with
/// connection info.
pub fn client_ip(extensions: &http::Extensions) -> Option<IpAddr> {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip())
}

/// The challenge sent with a 401 on faces that take HTTP Basic.
pub const BASIC_CHALLENGE: &str = "Basic realm=\"Ferry\", charset=\"UTF-8\"";

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn with_auth(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(AUTHORIZATION, v);
        }
        h
    }

    #[test]
    fn reads_bearer_and_basic() {
        assert_eq!(
            credentials(&with_auth("Bearer abc")).ok(),
            Some(Credentials::Bearer("abc".into()))
        );
        // "alice:pa:ss" in base64
        assert_eq!(
            credentials(&with_auth("Basic YWxpY2U6cGE6c3M=")).ok(),
            Some(Credentials::Basic {
                user: "alice".into(),
                password: "pa:ss".into()
            })
        );
        assert_eq!(credentials(&HeaderMap::new()).ok(), Some(Credentials::None));
    }

    #[test]
    fn malformed_headers_are_unauthenticated() {
        for bad in [
            "Bearer",
            "Bearer   ",
            "Basic !!!",
            "Token x",
            "Basic bm9jb2xvbg==",
        ] {
            assert!(credentials(&with_auth(bad)).is_err(), "{bad}");
        }
    }
}
