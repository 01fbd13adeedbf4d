//! Settings from flags and `FERRY_*` variables (see CONTRACT.md), checked before anything
//! starts: a bad one stops the start with one line naming it.

use std::net::SocketAddr;
use std::path::PathBuf;

use ferry_core::Durability;

/// Where the metadata lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(String),
    Postgres(String),
}

/// Where file content lives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StorageUrl {
    Fs(PathBuf),
}

/// A setting that cannot be used, with the flag and variable that name it.
#[derive(Debug, thiserror::Error)]
#[error("invalid {flag} ({env}) '{value}': {reason}")]
pub struct SettingError {
    pub flag: &'static str,
    pub env: &'static str,
    pub value: String,
    pub reason: String,
}

fn bad(
    flag: &'static str,
    env: &'static str,
    value: &str,
    reason: impl Into<String>,
) -> SettingError {
    SettingError {
        flag,
        env,
        value: value.to_owned(),
        reason: reason.into(),
    }
}

/// The storage settings every command needs.
#[derive(Clone, Debug)]
pub struct StoreSettings {
    pub data_dir: PathBuf,
    pub database: DatabaseUrl,
    pub storage: StorageUrl,
    /// Whether both stores fsync before acknowledging a write.
    pub durability: Durability,
}

/// What `ferry serve` runs with.
#[derive(Clone, Debug)]
pub struct ServeSettings {
    pub listen: SocketAddr,
    pub public_url: String,
    pub stores: StoreSettings,
    pub admin_password: Option<String>,
    /// Requests one API key may make per minute.
    pub api_key_rate_limit: u32,
    /// API requests one session, login or address may make per minute without a key.
    pub api_rate_limit: u32,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: ferry_http::proxies::TrustedProxies,
}

pub fn parse_database(
    value: Option<&str>,
    data_dir: &std::path::Path,
) -> Result<DatabaseUrl, SettingError> {
    let Some(value) = value else {
        return Ok(DatabaseUrl::Sqlite(format!(
            "sqlite://{}",
            data_dir.join("ferry.db").display()
        )));
    };
    let flag = "--database-url";
    let env = "FERRY_DATABASE_URL";
    if let Some(path) = value.strip_prefix("sqlite://") {
        if path.is_empty() {
            return Err(bad(flag, env, value, "names no file"));
        }
        return Ok(DatabaseUrl::Sqlite(value.to_owned()));
    }
    if value.starts_with("postgres://") || value.starts_with("postgresql://") {
        return Ok(DatabaseUrl::Postgres(value.to_owned()));
    }
    Err(bad(
        flag,
        env,
        value,
        "must start with sqlite:// or postgres://",
    ))
}

pub fn parse_storage(
    value: Option<&str>,
    data_dir: &std::path::Path,
) -> Result<StorageUrl, SettingError> {
    let Some(value) = value else {
        return Ok(StorageUrl::Fs(data_dir.join("blobs")));
    };
    let flag = "--storage";
    let env = "FERRY_STORAGE";
    if let Some(path) = value.strip_prefix("fs://") {
        if path.is_empty() {
            return Err(bad(flag, env, value, "names no folder"));
        }
        return Ok(StorageUrl::Fs(PathBuf::from(path)));
    }
    if value.starts_with("s3://") {
        return Err(bad(
            flag,
            env,
            value,
            "S3 storage is not available in this build yet; use fs://",
        ));
    }
    Err(bad(flag, env, value, "must start with fs://"))
}

pub fn parse_durability(value: &str) -> Result<Durability, SettingError> {
    value
        .parse()
        .map_err(|reason: String| bad("--durability", "FERRY_DURABILITY", value, reason))
}

/// A requests-per-minute limit; `flag` and `env` name the setting in the error.
pub fn parse_rate_limit(
    flag: &'static str,
    env: &'static str,
    value: &str,
) -> Result<u32, SettingError> {
    value
        .trim()
        .parse::<u32>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| bad(flag, env, value, "must be a whole number above 0"))
}

pub fn parse_trusted_proxies(
    value: &str,
) -> Result<ferry_http::proxies::TrustedProxies, SettingError> {
    ferry_http::proxies::TrustedProxies::parse(value)
        .map_err(|reason| bad("--trusted-proxies", "FERRY_TRUSTED_PROXIES", value, reason))
}

pub fn parse_listen(value: &str) -> Result<SocketAddr, SettingError> {
    value.parse().map_err(|_| {
        bad(
            "--listen",
            "FERRY_LISTEN",
            value,
            "must be an address like 127.0.0.1:8080",
        )
    })
}

pub fn parse_public_url(value: Option<&str>, listen: SocketAddr) -> Result<String, SettingError> {
    let Some(value) = value else {
        return Ok(format!("http://{listen}"));
    };
    let rest = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
        .ok_or_else(|| {
            bad(
                "--public-url",
                "FERRY_PUBLIC_URL",
                value,
                "must start with http:// or https://",
            )
        })?;
    if rest.is_empty() || rest.starts_with('/') || rest.chars().any(char::is_whitespace) {
        return Err(bad(
            "--public-url",
            "FERRY_PUBLIC_URL",
            value,
            "must name a host",
        ));
    }
    Ok(value.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn defaults_live_in_the_data_dir() {
        let dir = Path::new("/srv/ferry");
        assert_eq!(
            parse_database(None, dir).ok(),
            Some(DatabaseUrl::Sqlite("sqlite:///srv/ferry/ferry.db".into()))
        );
        assert_eq!(
            parse_storage(None, dir).ok(),
            Some(StorageUrl::Fs("/srv/ferry/blobs".into()))
        );
    }

    #[test]
    fn bad_settings_name_themselves() {
        let dir = Path::new("/x");
        let err = parse_database(Some("mysql://db"), dir)
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "invalid --database-url (FERRY_DATABASE_URL) 'mysql://db': must start with sqlite:// or postgres://"
            )
        );
        assert!(parse_storage(Some("ftp://x"), dir).is_err());
        assert_eq!(parse_durability("relaxed").ok(), Some(Durability::Relaxed));
        assert_eq!(
            parse_durability("fast")
                .err()
                .map(|e| e.to_string())
                .as_deref(),
            Some("invalid --durability (FERRY_DURABILITY) 'fast': must be strict or relaxed")
        );
        assert!(parse_listen("localhost").is_err());
        assert!(parse_listen("127.0.0.1:0").is_ok());
        let listen: SocketAddr = "127.0.0.1:1".parse().expect("address");
        assert!(parse_public_url(Some("ftp://x"), listen).is_err());
        assert_eq!(
            parse_public_url(None, listen).ok().as_deref(),
            Some("http://127.0.0.1:1")
        );
    }
}
