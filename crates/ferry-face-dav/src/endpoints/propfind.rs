//! PROPFIND: the properties of a resource and, with `Depth: 1`, of its members; with
//! `Depth: infinity` (also a missing Depth, the RFC's default) of its whole subtree, up to
//! [`INFINITY_LIMIT`] entries, past which the answer is 403 with the
//! `propfind-finite-depth` precondition (RFC 4918 §9.1). The bound is decided before the
//! first byte, so a refusal is never half-sent; the 207 itself is streamed, written a
//! chunk of entries at a time as the client reads.

use std::sync::Arc;

use axum::body::Body;
use axum::response::Response;
use bytes::Bytes;
use ferry_core::Error;
use ferry_core::files::{Described, Description, Reach};
use futures::StreamExt;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};

use super::{Dav, Depth, depth, xml_body};
use crate::dto::{self, PropName, PropfindRequest};
use crate::envelope::{XML_CONTENT_TYPE, XmlOut, status_line, xml_response};
use crate::error::DavError;
use crate::mount::Target;
use crate::props::{ALLPROP, write_live};

/// The most entries a `Depth: infinity` PROPFIND lists. Enough for the folders people
/// browse whole; a bigger tree is walked folder by folder (`Depth: 1`), as every sync
/// client does anyway.
pub const INFINITY_LIMIT: usize = 10_000;

/// Entries written per chunk of a streamed multistatus (about 150 KiB of XML).
const CHUNK_ENTRIES: usize = 256;

/// Writes a property the live and dead ones do not cover (the trash bin's own); false when
/// it does not exist.
pub type ExtraProps<'a> = &'a dyn Fn(&mut XmlOut, &PropName) -> bool;

/// No properties beyond the live and dead ones.
pub fn no_extra(_: &mut XmlOut, _: &PropName) -> bool {
    false
}

pub async fn handle(dav: &Dav, body: Body) -> Result<Response, DavError> {
    let body = xml_body(body).await?;
    let request = dto::propfind(&body).map_err(|e| Error::invalid("body", e.0))?;
    let reach = match depth(&dav.headers, Depth::Infinity)? {
        Depth::Zero => Reach::Node,
        Depth::One => Reach::Children,
        Depth::Infinity => Reach::Tree {
            limit: INFINITY_LIMIT,
        },
    };
    let node = dav
        .lookup(&dav.target.segments)
        .await?
        .node()
        .cloned()
        .ok_or(Error::NotFound)?;
    let Some(desc) = dav
        .ferry()
        .describe_reach(&dav.actor, node.id, reach, request.usage())
        .await?
    else {
        return finite_depth();
    };
    let now = dav.ferry().now_ms();
    Ok(stream_multistatus(Arc::new(Listing {
        target: dav.target.clone(),
        request,
        desc,
        now,
    })))
}

/// 403 with the `DAV:propfind-finite-depth` precondition.
fn finite_depth() -> Result<Response, DavError> {
    let mut out = XmlOut::new();
    out.root("error");
    out.empty("propfind-finite-depth");
    out.close("error");
    Ok(xml_response(StatusCode::FORBIDDEN, out.finish()?))
}

/// Everything a streamed PROPFIND reply is written from.
struct Listing {
    target: Target,
    request: PropfindRequest,
    desc: Description,
    now: i64,
}

impl Listing {
    /// Chunk `i` of the document: the opening with the first entries, further entries, and
    /// the close after the last.
    fn chunk(&self, i: usize) -> Result<Bytes, Error> {
        let mut out = if i == 0 {
            let mut out = XmlOut::new();
            out.root("multistatus");
            out
        } else {
            XmlOut::continued()
        };
        let start = i * CHUNK_ENTRIES;
        let end = (start + CHUNK_ENTRIES).min(self.desc.items.len());
        for item in self.desc.items.get(start..end).unwrap_or_default() {
            let href = self.target.href(&item.path, item.entry.node.is_dir());
            let at = Listed {
                target: &self.target,
                href: &href,
                now: self.now,
            };
            write_response(&mut out, &at, &self.request, item, &self.desc, &no_extra);
        }
        if end >= self.desc.items.len() {
            out.close("multistatus");
        }
        out.finish().map(Bytes::from)
    }
}

/// A 207 whose body is written chunk by chunk as the client reads it.
fn stream_multistatus(listing: Arc<Listing>) -> Response {
    let chunks = listing.desc.items.len().div_ceil(CHUNK_ENTRIES).max(1);
    let body = futures::stream::iter(0..chunks).map(move |i| {
        listing
            .chunk(i)
            .map_err(|e| std::io::Error::other(e.to_string()))
    });
    let mut response = Response::new(Body::from_stream(body));
    *response.status_mut() = StatusCode::MULTI_STATUS;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(XML_CONTENT_TYPE));
    response
}

/// Where a listed node is shown: the mount its lock roots are written in, its own href,
/// and the time lock timeouts count from.
pub struct Listed<'a> {
    pub target: &'a Target,
    pub href: &'a str,
    pub now: i64,
}

/// Writes one node's `<d:response>` (PROPFIND, SEARCH, REPORT and the trash bin share it).
pub fn write_response(
    out: &mut XmlOut,
    at: &Listed<'_>,
    request: &PropfindRequest,
    item: &Described,
    desc: &Description,
    extra: ExtraProps<'_>,
) {
    out.open("response");
    out.text_el("href", at.href);
    let dead_names = item
        .dead
        .iter()
        .map(|p| PropName::new(&p.namespace, &p.name));
    match request {
        PropfindRequest::PropName => {
            out.open("propstat");
            out.open("prop");
            for (ns, name) in ALLPROP {
                out.empty_ns(ns, name);
            }
            for n in dead_names {
                out.empty_ns(&n.ns, &n.name);
            }
            out.close("prop");
            out.text_el("status", &status_line(StatusCode::OK));
            out.close("propstat");
        }
        PropfindRequest::AllProp(include) => {
            let mut names: Vec<PropName> = ALLPROP
                .iter()
                .map(|(ns, name)| PropName::new(ns, name))
                .collect();
            names.extend(include.iter().cloned());
            names.extend(dead_names);
            names.dedup();
            write_propstats(out, &names, item, desc, at, extra, false);
        }
        PropfindRequest::Props(names) => write_propstats(out, names, item, desc, at, extra, true),
    }
    out.close("response");
}

/// Writes the found properties under 200 and, when asked to, the missing ones under 404.
fn write_propstats(
    out: &mut XmlOut,
    names: &[PropName],
    item: &Described,
    desc: &Description,
    at: &Listed<'_>,
    extra: ExtraProps<'_>,
    report_missing: bool,
) {
    let mut missing = Vec::new();
    out.open("propstat");
    out.open("prop");
    for name in names {
        if let Some(dead) = item
            .dead
            .iter()
            .find(|p| p.namespace == name.ns && p.name == name.name)
        {
            out.open_ns(&name.ns, &name.name);
            out.fragment(&dead.value);
            out.close_ns(&name.ns, &name.name);
        } else if !write_live(out, name, item, desc, at.target, at.now) && !extra(out, name) {
            missing.push(name);
        }
    }
    out.close("prop");
    out.text_el("status", &status_line(StatusCode::OK));
    out.close("propstat");
    if report_missing && !missing.is_empty() {
        out.open("propstat");
        out.open("prop");
        for name in missing {
            out.empty_ns(&name.ns, &name.name);
        }
        out.close("prop");
        out.text_el("status", &status_line(StatusCode::NOT_FOUND));
        out.close("propstat");
    }
}
