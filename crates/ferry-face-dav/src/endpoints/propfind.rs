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
use crate::props::{ALLPROP, write_live};

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
        write_response(&mut out, dav, &request, item, &desc, now);
    }
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
}

fn write_response(
    out: &mut XmlOut,
    dav: &Dav,
    request: &PropfindRequest,
    item: &Described,
    desc: &Description,
    now: i64,
) {
    let node = &item.entry.node;
    out.open("response");
    out.text_el("href", &dav.target.href(&item.path, node.is_dir()));
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
            write_propstats(out, &names, item, desc, dav, now, false);
        }
        PropfindRequest::Props(names) => write_propstats(out, names, item, desc, dav, now, true),
    }
    out.close("response");
}

/// Writes the found properties under 200 and, when asked to, the missing ones under 404.
fn write_propstats(
    out: &mut XmlOut,
    names: &[PropName],
    item: &Described,
    desc: &Description,
    dav: &Dav,
    now: i64,
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
        } else if !write_live(out, name, item, desc, &dav.target, now) {
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
