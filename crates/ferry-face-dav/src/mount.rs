//! Where a request points: which mount, whose files, which path below the home folder.
//! Also the hrefs written back, and the `Destination` header of COPY and MOVE.

use ferry_core::Error;
use percent_encoding::{AsciiSet, CONTROLS, percent_decode_str, utf8_percent_encode};

/// The new-style mount; `{user}` follows.
pub const FILES_PREFIX: &str = "/remote.php/dav/files/";
/// The old-style mount of the caller's own files.
pub const WEBDAV_PREFIX: &str = "/remote.php/webdav";
/// FileAgo's WebDrive endpoints; the endpoint's name follows.
pub const WEBDRIVE_PREFIX: &str = "/webdrive/";

/// Characters escaped in hrefs. `@ : ( ) ! $ * ' ,` stay as they are, as SabreDAV writes
/// them: clients compare hrefs with the URLs they sent (litmus does so byte for byte), and
/// user names are often email addresses.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'&')
    .add(b'+')
    .add(b'\'')
    .add(b';')
    .add(b'=');

/// A request's target: the mount's base path (as written in hrefs) and the decoded path
/// segments below the home folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// `/remote.php/dav/files/alice` or `/remote.php/webdav`, no trailing slash.
    pub base: String,
    /// The user named in the URL (`None` on the webdav mount, which is always the caller's).
    pub user: Option<String>,
    /// The WebDrive endpoint named in the URL: the files below it are that endpoint's
    /// owner's, not the caller's.
    pub drive: Option<String>,
    pub segments: Vec<String>,
}

impl Target {
    /// The files mount of `user` (`/remote.php/dav/files/{user}`), at its top.
    pub fn files(user: &str) -> Target {
        Target {
            base: format!("{}{}", FILES_PREFIX, utf8_percent_encode(user, SEGMENT)),
            user: Some(user.to_owned()),
            drive: None,
            segments: Vec::new(),
        }
    }

    /// The href of a path below the same mount; folders end in `/`.
    pub fn href(&self, segments: &[String], is_dir: bool) -> String {
        let mut out = self.base.clone();
        for s in segments {
            out.push('/');
            out.extend(utf8_percent_encode(s, SEGMENT));
        }
        if is_dir {
            out.push('/');
        }
        out
    }
}

fn bad(reason: &str) -> Error {
    Error::invalid("path", reason)
}

/// One segment written into an href.
pub fn encode_segment(segment: &str) -> String {
    utf8_percent_encode(segment, SEGMENT).to_string()
}

/// Splits a raw (still percent-encoded) URL path into a mount and decoded segments.
/// `None` when the path is not under a DAV mount at all.
pub fn parse_path(raw: &str) -> Option<Result<Target, Error>> {
    if let Some(rest) = raw.strip_prefix(FILES_PREFIX) {
        let (user_raw, below) = rest.split_once('/').unwrap_or((rest, ""));
        return Some(decode_segment(user_raw).and_then(|user| {
            let base = format!("{}{}", FILES_PREFIX, utf8_percent_encode(&user, SEGMENT));
            Ok(Target {
                base,
                user: Some(user),
                drive: None,
                segments: segments(below)?,
            })
        }));
    }
    if let Some(rest) = raw.strip_prefix(WEBDRIVE_PREFIX) {
        let (name_raw, below) = rest.split_once('/').unwrap_or((rest, ""));
        return Some(decode_segment(name_raw).and_then(|name| {
            Ok(Target {
                base: format!("{}{}", WEBDRIVE_PREFIX, utf8_percent_encode(&name, SEGMENT)),
                user: None,
                drive: Some(name),
                segments: segments(below)?,
            })
        }));
    }
    let rest = raw.strip_prefix(WEBDAV_PREFIX)?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    Some(segments(rest).map(|segments| Target {
        base: WEBDAV_PREFIX.to_owned(),
        user: None,
        drive: None,
        segments,
    }))
}

/// `a/b/` → `["a", "b"]`. Leading and trailing slashes are fine; an empty segment in the
/// middle, `.`, `..`, and control characters are refused.
pub fn segments(raw: &str) -> Result<Vec<String>, Error> {
    let trimmed = raw.trim_start_matches('/');
    let trimmed = trimmed.strip_suffix('/').unwrap_or(trimmed);
    if trimmed.is_empty() {
        return Ok(Vec::new());
    }
    trimmed.split('/').map(decode_segment).collect()
}

pub fn decode_segment(raw: &str) -> Result<String, Error> {
    if raw.is_empty() {
        return Err(bad("has an empty segment"));
    }
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|_| bad("is not UTF-8"))?
        .into_owned();
    if decoded == "." || decoded == ".." {
        return Err(bad("must not contain '.' or '..'"));
    }
    if decoded.is_empty() || decoded.contains('/') || decoded.chars().any(char::is_control) {
        return Err(bad("has a bad segment"));
    }
    Ok(decoded)
}

/// Where a `Destination` header points.
#[derive(Debug, PartialEq, Eq)]
pub enum Destination {
    /// A path on this server under the same mount and user.
    Here(Vec<String>),
    /// Another server (RFC 4918 §9.8.5: 502 Bad Gateway).
    Elsewhere,
    /// This server, but outside the request's mount or user.
    Forbidden,
}

/// Reads a `Destination` header: a full URL or an absolute path. `host` is the request's
/// `Host` header, compared with the URL's authority.
pub fn destination(value: &str, host: Option<&str>, target: &Target) -> Result<Destination, Error> {
    let value = value.trim();
    let path = if let Some(rest) = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
    {
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, "/"),
        };
        if host.is_some_and(|h| !h.eq_ignore_ascii_case(authority)) {
            return Ok(Destination::Elsewhere);
        }
        path
    } else if value.starts_with('/') {
        value
    } else {
        return Err(Error::invalid(
            "Destination",
            "is not a URL or absolute path",
        ));
    };
    // A query or fragment is not part of the resource's name.
    let path = path.split(['?', '#']).next().unwrap_or(path);
    let Some(parsed) = parse_path(path) else {
        return Ok(Destination::Forbidden);
    };
    let dest = parsed?;
    if dest.base != target.base && !same_user(&dest, target) {
        return Ok(Destination::Forbidden);
    }
    Ok(Destination::Here(dest.segments))
}

/// The two mounts name the same files when the user in the new-style one is the caller,
/// which the request's own mount has already established.
fn same_user(a: &Target, b: &Target) -> bool {
    match (&a.user, &b.user) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_both_mounts() {
        let t = parse_path("/remote.php/dav/files/al@x/a%20b/c/")
            .unwrap()
            .unwrap();
        assert_eq!(t.user.as_deref(), Some("al@x"));
        assert_eq!(t.segments, ["a b", "c"]);
        assert_eq!(t.base, "/remote.php/dav/files/al@x");
        assert_eq!(
            t.href(&t.segments, true),
            "/remote.php/dav/files/al@x/a%20b/c/"
        );
        let w = parse_path("/remote.php/webdav").unwrap().unwrap();
        assert!(w.segments.is_empty() && w.user.is_none());
        assert!(parse_path("/remote.php/webdavx").is_none());
        let d = parse_path("/webdrive/sales/q1/a%20b").unwrap().unwrap();
        assert_eq!(d.drive.as_deref(), Some("sales"));
        assert_eq!(d.segments, ["q1", "a b"]);
        assert_eq!(d.href(&d.segments, false), "/webdrive/sales/q1/a%20b");
        assert!(parse_path("/webdrive/%2e%2e/x").unwrap().is_err());
        assert!(parse_path("/api/nodes").is_none());
    }

    #[test]
    fn refuses_traversal_and_junk() {
        for bad in [
            "/remote.php/webdav/a/../b",
            "/remote.php/webdav/a/%2e%2e/b",
            "/remote.php/webdav/a//b",
            "/remote.php/webdav/a%00b",
            "/remote.php/webdav/a%2Fb",
            "/remote.php/webdav/%ff",
            "/remote.php/dav/files/%2e%2e/x",
        ] {
            assert!(parse_path(bad).unwrap().is_err(), "{bad}");
        }
    }

    #[test]
    fn destinations() {
        let t = parse_path("/remote.php/dav/files/u/a").unwrap().unwrap();
        let host = Some("h:1");
        assert_eq!(
            destination("http://h:1/remote.php/dav/files/u/b%20c", host, &t).unwrap(),
            Destination::Here(vec!["b c".into()])
        );
        assert_eq!(
            destination("/remote.php/dav/files/u/b", host, &t).unwrap(),
            Destination::Here(vec!["b".into()])
        );
        assert_eq!(
            destination("http://other/remote.php/dav/files/u/b", host, &t).unwrap(),
            Destination::Elsewhere
        );
        assert_eq!(
            destination("/remote.php/dav/files/v/b", host, &t).unwrap(),
            Destination::Forbidden
        );
        assert_eq!(
            destination("/etc/passwd", host, &t).unwrap(),
            Destination::Forbidden
        );
        assert!(destination("/remote.php/dav/files/u/../x", host, &t).is_err());
        assert!(destination("relative", host, &t).is_err());
        // A WebDrive mount only moves within itself.
        let d = parse_path("/webdrive/sales/a").unwrap().unwrap();
        assert_eq!(
            destination("/webdrive/sales/b", host, &d).unwrap(),
            Destination::Here(vec!["b".into()])
        );
        assert_eq!(
            destination("/webdrive/other/b", host, &d).unwrap(),
            Destination::Forbidden
        );
        assert_eq!(
            destination("/remote.php/webdav/b", host, &d).unwrap(),
            Destination::Forbidden
        );
    }
}
