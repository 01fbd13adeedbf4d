//! Request rate limits for API keys: a fixed one-minute window per key, counted in the
//! database so every instance shares it (and a restart forgets nothing).

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

impl Ferry {
    /// Counts one request made with a raw API key. `None` when it is not a known key (its
    /// authentication then fails on its own, and unknown keys are not counted, so probing
    /// cannot fill the table).
    pub async fn count_api_key_request(&self, raw: &str) -> Result<Option<RateWindow>> {
        if !raw.starts_with(KEY_PREFIX) {
            return Ok(None);
        }
        let now = self.now_ms();
        let window_start = now - now.rem_euclid(WINDOW_MS);
        let mut tx = self.meta.write().await?;
        let Some(key) = tx.api_key_by_hash(&secret::token_hash(raw)).await? else {
            return Ok(None);
        };
        let bucket = key.id.to_string();
        let count = tx.hit_rate_window(&bucket, window_start).await?;
        if count == 1 {
            // The first request of a window tidies the key's older windows away.
            tx.forget_rate_windows(&bucket, window_start).await?;
        }
        tx.commit().await?;
        let limit = self.settings.api_key_requests_per_minute;
        let reset_ms = window_start + WINDOW_MS;
        let used = u32::try_from(count).unwrap_or(u32::MAX);
        Ok(Some(RateWindow {
            limit,
            remaining: limit.saturating_sub(used),
            reset_epoch_secs: reset_ms / 1000,
            retry_after_secs: u64::try_from((reset_ms - now + 999) / 1000)
                .unwrap_or(1)
                .max(1),
            exceeded: used > limit,
        }))
    }
}
