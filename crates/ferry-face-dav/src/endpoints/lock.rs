//! LOCK (RFC 4918 §9.10): takes an exclusive or shared write lock, on an existing resource
//! (200) or on an unmapped URL, where an empty file is made first (201, §7.3); or, without
//! a body, refreshes the lock named in the `If` header. Locks are in the database.

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::files::{LockInfo, LockRequest, PathLookup, PutFile};
use http::{HeaderValue, StatusCode};

use super::{Dav, Depth, depth, with_node_headers, xml_body};
use crate::dto;
use crate::envelope::{XmlOut, xml_response};
use crate::error::DavError;
use crate::props::write_activelock;

/// `Timeout: Second-3600, Infinite` → the first usable value; `None` for Infinite or none.
fn timeout(value: Option<&str>) -> Option<i64> {
    value?.split(',').map(str::trim).find_map(|t| {
        let secs = t
            .strip_prefix("Second-")
            .or_else(|| t.strip_prefix("second-"))?;
        secs.parse::<i64>().ok()
    })
}

fn answer(dav: &Dav, code: StatusCode, info: &LockInfo) -> Result<Response, DavError> {
    let mut out = XmlOut::new();
    out.root("prop");
    out.open("lockdiscovery");
    write_activelock(&mut out, info, &dav.target, dav.ferry().now_ms());
    out.close("lockdiscovery");
    out.close("prop");
    let mut response = xml_response(code, out.finish()?);
    if let Ok(v) = HeaderValue::from_str(&format!("<{}>", info.lock.token)) {
        response.headers_mut().insert("lock-token", v);
    }
    Ok(response)
}

pub async fn handle(dav: &Dav, body: Body) -> Result<Response, DavError> {
    let body = xml_body(body).await?;
    let secs = timeout(dav.header("timeout"));
    let lookup = dav.lookup(&dav.target.segments).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        // A refresh: the lock is named in the If header.
        let node = lookup.node().cloned().ok_or(Error::NotFound)?;
        let tokens = dav.if_tokens(&lookup).await?;
        if tokens.is_empty() {
            return Err(Error::invalid("If", "a lock refresh names the lock in If").into());
        }
        let info = dav
            .ferry()
            .refresh_lock(&dav.actor, node.id, &tokens, secs)
            .await?;
        return answer(dav, StatusCode::OK, &info);
    }
    let request = dto::lockinfo(&body).map_err(|e| Error::invalid("body", e.0))?;
    let deep = match depth(&dav.headers, Depth::Infinity)? {
        Depth::Zero => false,
        Depth::Infinity => true,
        Depth::One => return Err(Error::invalid("Depth", "LOCK takes 0 or infinity").into()),
    };
    let tokens = dav.if_tokens(&lookup).await?;
    let (node, code) = match &lookup {
        PathLookup::Found(node) => (node.clone(), StatusCode::OK),
        PathLookup::Missing { parent } => {
            let name = dav.target.segments.last().cloned().ok_or(Error::NotFound)?;
            let staged = dav
                .ferry()
                .stage(
                    futures::stream::empty::<Result<bytes::Bytes, Error>>(),
                    None,
                )
                .await?;
            let made = dav
                .ferry()
                .put_file(
                    &dav.actor,
                    PutFile {
                        parent: parent.id,
                        name,
                        staged,
                        mtime_ms: None,
                        checksum: None,
                        lock_tokens: tokens,
                    },
                )
                .await?;
            (made.node, StatusCode::CREATED)
        }
        PathLookup::NoParent => return Err(StatusCode::CONFLICT.into()),
    };
    let info = dav
        .ferry()
        .lock(
            &dav.actor,
            node.id,
            LockRequest {
                exclusive: request.exclusive,
                deep: deep && node.is_dir(),
                owner_xml: request.owner_xml,
                timeout_secs: secs,
            },
        )
        .await?;
    Ok(with_node_headers(answer(dav, code, &info)?, &node))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_timeouts() {
        assert_eq!(timeout(Some("Second-60")), Some(60));
        assert_eq!(timeout(Some("Infinite, Second-10")), Some(10));
        assert_eq!(timeout(Some("Infinite")), None);
        assert_eq!(timeout(None), None);
    }
}
