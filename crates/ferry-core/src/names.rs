//! What a file or folder may be called. One rule for every face, so a name made through
//! one API can be used through every other (and on every client's filesystem).

use crate::error::{Error, Result};

/// Longest name in bytes, as on common filesystems.
pub const MAX_NAME_BYTES: usize = 255;

/// Checks a single path segment and returns it unchanged.
pub fn validate_name(name: &str) -> Result<&str> {
    let bad = |reason: &str| Err(Error::invalid("name", reason));
    if name.is_empty() {
        return bad("must not be empty");
    }
    if name.trim().is_empty() {
        return bad("must not be only whitespace");
    }
    if name.len() > MAX_NAME_BYTES {
        return bad("is longer than 255 bytes");
    }
    if name == "." || name == ".." {
        return bad("must not be '.' or '..'");
    }
    if name.contains('/') || name.contains('\\') {
        return bad("must not contain '/' or '\\'");
    }
    if name.chars().any(char::is_control) {
        return bad("must not contain control characters");
    }
    Ok(name)
}

/// `report.pdf` → `report (2).pdf`: the name to use when `name` is taken.
pub fn numbered_name(name: &str, n: u32) -> String {
    match name.rfind('.') {
        Some(dot) if dot > 0 => format!("{} ({n}){}", &name[..dot], &name[dot..]),
        _ => format!("{name} ({n})"),
    }
}

/// Parses a quota such as `0`, `1048576`, `500MB`, `5 GB`, `1.5GiB`, `unlimited`.
/// Units are powers of 1024, as FileAgo and Nextcloud count them. 0 means unlimited.
pub fn parse_quota(text: &str) -> Result<i64> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("unlimited") || t.eq_ignore_ascii_case("none") {
        return Ok(0);
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| Error::invalid("quota", format!("'{text}' is not a size")))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "t" | "tb" | "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        other => return Err(Error::invalid("quota", format!("unknown unit '{other}'"))),
    };
    let bytes = (number * factor).round();
    if !bytes.is_finite() || bytes < 0.0 || bytes > i64::MAX as f64 {
        return Err(Error::invalid("quota", format!("'{text}' is out of range")));
    }
    #[allow(clippy::cast_possible_truncation)]
    Ok(bytes as i64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_ordinary_names() {
        for ok in [
            "a",
            "Invoice.docx",
            "Ünïcødé 文件.txt",
            ".hidden",
            "a..b",
            "x y",
        ] {
            assert!(validate_name(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_path_tricks_and_junk() {
        let long = "x".repeat(256);
        for bad in [
            "",
            " ",
            ".",
            "..",
            "a/b",
            "/",
            "a\\b",
            "nul\0byte",
            "tab\there",
            long.as_str(),
        ] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn numbers_before_the_extension() {
        assert_eq!(numbered_name("report.pdf", 2), "report (2).pdf");
        assert_eq!(numbered_name("README", 3), "README (3)");
        assert_eq!(numbered_name(".bashrc", 2), ".bashrc (2)");
    }

    #[test]
    fn parses_quotas() {
        assert_eq!(parse_quota("0").ok(), Some(0));
        assert_eq!(parse_quota("unlimited").ok(), Some(0));
        assert_eq!(parse_quota("1024").ok(), Some(1024));
        assert_eq!(parse_quota("5GB").ok(), Some(5 * 1024 * 1024 * 1024));
        assert_eq!(parse_quota("1.5 KB").ok(), Some(1536));
        assert!(parse_quota("five").is_err());
        assert!(parse_quota("5 parsecs").is_err());
        assert!(parse_quota("-1").is_err());
    }
}
