//! Request rate limits: a fixed one-minute window per API key, and per principal for API
//! requests made without one, counted in the database so every instance shares it (and a
//! restart forgets nothing).

use crate::api_keys::KEY_PREFIX;
use crate::error::{Error, Result};
use crate::secret;
use crate::service::Ferry;

const WINDOW_MS: i64 = 60 * 1000;

/// Where a key stands in its current window, for the `X-RateLimit-*` headers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateWindow {
    pub limit: u32,
    pub remaining: u32,
    /// When the window ends, epoch seconds.
    pub reset_epoch_secs: i64,
    /// Seconds until then (at least 1).
    pub retry_after_secs: u64,
    /// Whether this request is past the limit.
    pub exceeded: bool,
}

impl RateWindow {
    /// The error a request past the limit gets.
    pub fn error(&self) -> Error {
        Error::RateLimited {
            retry_after_secs: self.retry_after_secs,
        }
    }
}

/// Who a request that carries no API key is counted against. The caller is not
/// authenticated for this (the layer runs before the face): a bucket is the credential the
/// request presents, so guessing cannot spend anyone else's allowance but an account's
/// (which the login guard locks sooner anyway).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Principal<'a> {
    /// A bearer session token, as sent.
    Session(&'a str),
    /// An HTTP Basic login name.
    Login(&'a str),
    /// Nothing presented: the client address.
    Address(std::net::IpAddr),
}

impl Principal<'_> {
    /// The window's key: never the credential itself (tokens are stored hashed, as the
    /// sessions table does).
    fn bucket(&self) -> String {
        match self {
            Principal::Session(token) => format!("session:{}", secret::token_hash(token)),
            Principal::Login(name) => format!("login:{}", name.trim().to_lowercase()),
            Principal::Address(ip) => format!("ip:{ip}"),
        }
    }
}

impl Ferry {
    /// Counts one request in `bucket`'s current window, against `limit`.
    async fn count_in_window(
        &self,
        tx: &mut dyn crate::ports::MetaTx,
        bucket: &str,
        limit: u32,
        now: i64,
    ) -> Result<RateWindow> {
        let window_start = now - now.rem_euclid(WINDOW_MS);
        let count = tx.hit_rate_window(bucket, window_start).await?;
        if count == 1 {
            // The first request of a window tidies the bucket's older windows away.
            tx.forget_rate_windows(bucket, window_start).await?;
        }
        let reset_ms = window_start + WINDOW_MS;
        let used = u32::try_from(count).unwrap_or(u32::MAX);
        Ok(RateWindow {
            limit,
            remaining: limit.saturating_sub(used),
            reset_epoch_secs: reset_ms / 1000,
            retry_after_secs: u64::try_from((reset_ms - now + 999) / 1000)
                .unwrap_or(1)
                .max(1),
            exceeded: used > limit,
        })
    }

    /// Counts one request made with a raw API key. `None` when it is not a known key (its
    /// authentication then fails on its own, and unknown keys are not counted, so probing
    /// cannot fill the table).
    pub async fn count_api_key_request(&self, raw: &str) -> Result<Option<RateWindow>> {
        if !raw.starts_with(KEY_PREFIX) {
            return Ok(None);
        }
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let Some(key) = tx.api_key_by_hash(&secret::token_hash(raw)).await? else {
            return Ok(None);
        };
        let limit = self.settings.api_key_requests_per_minute;
        let window = self
            .count_in_window(tx.as_mut(), &key.id.to_string(), limit, now)
            .await?;
        tx.commit().await?;
        Ok(Some(window))
    }

    /// Counts one API request made without an API key, against the per-principal limit
    /// (`CoreSettings::api_requests_per_minute`).
    pub async fn count_request(&self, principal: Principal<'_>) -> Result<RateWindow> {
        let now = self.now_ms();
        let mut tx = self.meta.write().await?;
        let limit = self.settings.api_requests_per_minute;
        let window = self
            .count_in_window(tx.as_mut(), &principal.bucket(), limit, now)
            .await?;
        tx.commit().await?;
        Ok(window)
    }

    /// Removes every window that has ended (buckets that never came back: one-off
    /// addresses and tokens). Returns how many went.
    pub async fn sweep_rate_windows(&self) -> Result<u64> {
        let now = self.now_ms();
        let current = now - now.rem_euclid(WINDOW_MS);
        let mut tx = self.meta.write().await?;
        let removed = tx.forget_ended_rate_windows(current).await?;
        tx.commit().await?;
        Ok(removed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_never_hold_the_credential() {
        let token = "s3cret-session-token";
        let b = Principal::Session(token).bucket();
        assert!(b.starts_with("session:") && !b.contains(token));
        assert_eq!(
            Principal::Login(" Alice@X.org ").bucket(),
            "login:alice@x.org"
        );
        let ip: std::net::IpAddr = "10.0.0.7".parse().unwrap_or(std::net::IpAddr::from([0; 4]));
        assert_eq!(Principal::Address(ip).bucket(), "ip:10.0.0.7");
    }
}
