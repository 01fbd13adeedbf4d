//! Password hashing with argon2id (OWASP parameters), off the async workers.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

use crate::error::{Error, Result};

/// Hashes on a blocking thread: argon2 takes tens of milliseconds by design.
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| Error::internal(format!("argon2 hash: {e}")))
    })
    .await
    .map_err(|e| Error::internal(format!("argon2 task: {e}")))?
}

/// Verifies on a blocking thread. A malformed stored hash is an internal error, a wrong
/// password is `Ok(false)`.
pub async fn verify(password: String, stored: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored)
            .map_err(|e| Error::internal(format!("stored password hash: {e}")))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(|e| Error::internal(format!("argon2 task: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn verifies_only_the_right_password() {
        let stored = hash("Correct-Horse-1".into()).await.ok();
        let stored = stored.unwrap_or_default();
        assert!(stored.starts_with("$argon2id$"));
        assert_eq!(
            verify("Correct-Horse-1".into(), stored.clone()).await.ok(),
            Some(true)
        );
        assert_eq!(verify("wrong".into(), stored).await.ok(), Some(false));
    }
}
