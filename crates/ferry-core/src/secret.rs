//! Random secrets and their stored form. Secrets are high-entropy, so a plain SHA-256 is
//! the right stored form (argon2 on every request would be a denial of service).

use data_encoding::{BASE64URL_NOPAD, HEXLOWER};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

/// `n` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N]> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| Error::internal(format!("random source: {e}")))?;
    Ok(buf)
}

/// A bearer token: 32 random bytes, base64url.
pub fn new_token() -> Result<String> {
    Ok(BASE64URL_NOPAD.encode(&random_bytes::<32>()?))
}

/// Random lower-case hex of `N` bytes (ETags and the like).
pub fn random_hex<const N: usize>() -> Result<String> {
    Ok(HEXLOWER.encode(&random_bytes::<N>()?))
}

/// The stored form of a token: SHA-256, lower-case hex.
pub fn token_hash(token: &str) -> String {
    HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

/// A password for accounts made without one: 18 random bytes, base64url (24 characters).
pub fn new_password() -> Result<String> {
    Ok(BASE64URL_NOPAD.encode(&random_bytes::<18>()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_and_distinct() {
        let a = new_token().ok();
        let b = new_token().ok();
        assert_ne!(a, b);
        assert_eq!(a.map(|t| t.len()), Some(43));
    }

    #[test]
    fn token_hash_is_stable_hex() {
        assert_eq!(
            token_hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
