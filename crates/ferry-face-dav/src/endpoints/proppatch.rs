//! PROPPATCH: sets and removes dead properties, all or nothing (RFC 4918 §9.2). Live
//! properties are protected (403, and 424 for the rest), except the ones Nextcloud clients
//! write: `oc:favorite` (the caller's star) and `d:lastmodified`/`d:getlastmodified` (the
//! modification time, as rclone sets it).

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::files::PropChange;
use http::StatusCode;

use super::{Dav, xml_body};
use crate::dto::{self, PatchOp, PropName};
use crate::envelope::{XmlOut, status_line, xml_response};
use crate::error::DavError;
use crate::props::is_protected;
use crate::xml::{DAV, OC};

/// Reads a modification time: Unix seconds, or an HTTP date.
fn mtime_ms(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<f64>() {
        return (secs.is_finite() && secs.abs() < 1e13).then_some((secs * 1000.0) as i64);
    }
    let time = httpdate::parse_http_date(text).ok()?;
    let ms = time.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis();
    i64::try_from(ms).ok()
}

/// What an operation becomes, or why it is refused.
fn change_of(op: &PatchOp) -> Result<PropChange, StatusCode> {
    let (name, value) = match op {
        PatchOp::Set(name, _, text) => (name, Some(text)),
        PatchOp::Remove(name) => (name, None),
    };
    match (name.ns.as_str(), name.name.as_str(), value) {
        (OC, "favorite", Some(text)) => Ok(PropChange::Starred(text.trim() == "1")),
        (OC, "favorite", None) => Ok(PropChange::Starred(false)),
        (DAV, "lastmodified" | "getlastmodified", Some(text)) => mtime_ms(text)
            .map(PropChange::Mtime)
            .ok_or(StatusCode::CONFLICT),
        _ if is_protected(name) => Err(StatusCode::FORBIDDEN),
        (_, _, _) => Ok(match op {
            PatchOp::Set(name, value, _) => PropChange::Set {
                namespace: name.ns.clone(),
                name: name.name.clone(),
                value: value.clone(),
            },
            PatchOp::Remove(name) => PropChange::Remove {
                namespace: name.ns.clone(),
                name: name.name.clone(),
            },
        }),
    }
}

fn op_name(op: &PatchOp) -> &PropName {
    match op {
        PatchOp::Set(name, _, _) | PatchOp::Remove(name) => name,
    }
}

pub async fn handle(dav: &Dav, body: Body) -> Result<Response, DavError> {
    let body = xml_body(body).await?;
    let ops = dto::proppatch(&body).map_err(|e| Error::invalid("body", e.0))?;
    let lookup = dav.lookup(&dav.target.segments).await?;
    let node = lookup.node().cloned().ok_or(Error::NotFound)?;
    let tokens = dav.if_tokens(&lookup).await?;
    let planned: Vec<(PropName, Result<PropChange, StatusCode>)> = ops
        .iter()
        .map(|op| (op_name(op).clone(), change_of(op)))
        .collect();
    let refused = planned.iter().any(|(_, r)| r.is_err());
    let statuses: Vec<(PropName, StatusCode)> = if refused {
        planned
            .into_iter()
            .map(|(n, r)| (n, r.err().unwrap_or(StatusCode::FAILED_DEPENDENCY)))
            .collect()
    } else {
        let mut names = Vec::with_capacity(planned.len());
        let mut changes = Vec::with_capacity(planned.len());
        for (name, change) in planned {
            names.push(name);
            changes.extend(change.ok());
        }
        dav.ferry()
            .patch_props(&dav.actor, node.id, changes, &tokens)
            .await?;
        names.into_iter().map(|n| (n, StatusCode::OK)).collect()
    };
    let mut out = XmlOut::new();
    out.root("multistatus");
    out.open("response");
    out.text_el(
        "href",
        &dav.target.href(&dav.target.segments, node.is_dir()),
    );
    for (name, code) in statuses {
        out.open("propstat");
        out.open("prop");
        out.empty_ns(&name.ns, &name.name);
        out.close("prop");
        out.text_el("status", &status_line(code));
        out.close("propstat");
    }
    out.close("response");
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_mtimes() {
        assert_eq!(mtime_ms("1700000000"), Some(1_700_000_000_000));
        assert_eq!(mtime_ms("Thu, 01 Jan 1970 00:00:01 GMT"), Some(1000));
        assert_eq!(mtime_ms("yesterday"), None);
    }

    #[test]
    fn live_properties_are_refused_and_favorites_allowed() {
        let set = |ns: &str, name: &str, v: &str| {
            change_of(&PatchOp::Set(PropName::new(ns, name), v.into(), v.into()))
        };
        assert_eq!(set(DAV, "getetag", "x"), Err(StatusCode::FORBIDDEN));
        assert_eq!(set(OC, "favorite", "1"), Ok(PropChange::Starred(true)));
        assert!(matches!(set("urn:x", "a", "v"), Ok(PropChange::Set { .. })));
    }
}
