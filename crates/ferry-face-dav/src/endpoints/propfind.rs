//! PROPFIND: the properties of a resource and, with `Depth: 1`, of its members.
//!
//! `Depth: infinity` (and a missing Depth, whose RFC default is infinity) is answered as
//! `Depth: 1`, as SabreDAV and Nextcloud do: a whole-tree listing is unbounded work, and
//! clients walk folder by folder anyway.

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::files::{Described, Description};
use http::StatusCode;

use super::{Dav, Depth, depth, xml_body};
use crate::dto::{self, PropName, PropfindRequest};
use crate::envelope::{XmlOut, status_line, xml_response};
use crate::error::DavError;
use crate::mount::Target;
use crate::props::{ALLPROP, write_live};

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
    let children = depth(&dav.headers, Depth::Infinity)? != Depth::Zero;
    let node = dav
        .lookup(&dav.target.segments)
        .await?
        .node()
        .cloned()
        .ok_or(Error::NotFound)?;
    let desc = dav.ferry().describe(&dav.actor, node.id, children).await?;
    let now = dav.ferry().now_ms();
    let mut out = XmlOut::new();
    out.root("multistatus");
    for item in &desc.items {
        let href = dav.target.href(&item.path, item.entry.node.is_dir());
        let at = Listed {
            target: &dav.target,
            href: &href,
            now,
        };
        write_response(&mut out, &at, &request, item, &desc, &no_extra);
    }
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
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
