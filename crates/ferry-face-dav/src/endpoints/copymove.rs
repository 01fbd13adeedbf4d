//! COPY and MOVE (RFC 4918 §9.8–9.9). `Destination` is a full URL or an absolute path in
//! the same mount and user (another host: 502; elsewhere on this one: 403). `Overwrite: F`
//! with an existing destination is 412; a replaced destination goes to the trash. 201 when
//! the destination is new, 204 when it was replaced. Onto itself: 403; into itself: 409.

use axum::response::Response;
use ferry_core::Error;
use ferry_core::files::{PathLookup, Relocation};
use http::StatusCode;

use super::{Dav, Depth, depth, with_node_headers};
use crate::envelope::status;
use crate::error::DavError;
use crate::mount::{self, Destination};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Copy,
    Move,
}

pub async fn handle(dav: &Dav, kind: Kind) -> Result<Response, DavError> {
    let deep = match (kind, depth(&dav.headers, Depth::Infinity)?) {
        (_, Depth::Infinity) => true,
        (Kind::Copy, Depth::Zero) => false,
        _ => return Err(Error::invalid("Depth", "must be infinity (or 0 for COPY)").into()),
    };
    let overwrite = match dav.header("overwrite").map(str::trim) {
        None | Some("T" | "t") => true,
        Some("F" | "f") => false,
        Some(_) => return Err(Error::invalid("Overwrite", "must be T or F").into()),
    };
    let raw = dav
        .header("destination")
        .ok_or_else(|| Error::invalid("Destination", "is missing"))?;
    let to = match mount::destination(raw, dav.header("host"), &dav.target)? {
        Destination::Here(segments) => segments,
        Destination::Elsewhere => return Err(StatusCode::BAD_GATEWAY.into()),
        Destination::Forbidden => return Err(StatusCode::FORBIDDEN.into()),
    };
    if to == dav.target.segments {
        return Err(StatusCode::FORBIDDEN.into());
    }
    let source_lookup = dav.lookup(&dav.target.segments).await?;
    let source = source_lookup.node().cloned().ok_or(Error::NotFound)?;
    if to.starts_with(&dav.target.segments) && (kind == Kind::Move || (source.is_dir() && deep)) {
        return Err(StatusCode::CONFLICT.into());
    }
    let (Some(name), dest) = (to.last().cloned(), dav.lookup(&to).await?) else {
        // The destination is the home folder itself.
        return Err(StatusCode::FORBIDDEN.into());
    };
    let parent = match &dest {
        PathLookup::Found(node) => node.parent.ok_or(StatusCode::FORBIDDEN)?,
        PathLookup::Missing { parent } => parent.id,
        PathLookup::NoParent => return Err(StatusCode::CONFLICT.into()),
    };
    // Untagged If lists are about the request URI, the source; a list about the
    // destination names it with a resource tag. Every token named counts as submitted,
    // for the source (MOVE) and the destination alike.
    let lock_tokens = dav.if_tokens(&source_lookup).await?;
    let relocation = Relocation {
        parent,
        name,
        overwrite,
        lock_tokens,
    };
    let ferry = dav.ferry();
    let done = match kind {
        Kind::Copy => {
            ferry
                .copy_node(&dav.actor, source.id, relocation, deep)
                .await?
        }
        Kind::Move => ferry.move_node(&dav.actor, source.id, relocation).await?,
    };
    let code = if done.replaced {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::CREATED
    };
    Ok(with_node_headers(status(code), &done.node))
}
