//! The trash bin as Nextcloud serves it (`/remote.php/dav/trashbin/{user}/…`): PROPFIND of
//! `trash` lists the items under their unique trash names with `nc:trashbin-filename`,
//! `nc:trashbin-original-location` and `nc:trashbin-deletion-time`; MOVE of
//! `trash/<item>` to `restore/<name>` restores it; DELETE of an item deletes it for good,
//! DELETE of `trash` empties the bin. A trashed folder named in the URL is listed one level
//! down (its members are not items of their own: only the folder can be restored).

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::files::TrashItem;
use http::StatusCode;

use super::{Call, Collection, href, method_not_allowed, write_resourcetype, write_simple};
use crate::dto::{self, PropName, PropfindRequest};
use crate::endpoints::propfind::{Listed, write_response};
use crate::endpoints::{Depth, depth, with_node_headers, xml_body};
use crate::envelope::{XmlOut, status, xml_response};
use crate::error::DavError;
use crate::mount::Target;
use crate::xml::{DAV, NC};

const TRASH: &str = "trash";
const RESTORE: &str = "restore";

pub async fn handle(
    call: &Call,
    method: &str,
    rest: &[String],
    body: Body,
) -> Result<Response, DavError> {
    let rest: Vec<&str> = rest.iter().map(String::as_str).collect();
    match (method, rest.as_slice()) {
        ("PROPFIND", []) => propfind_folder(call, body, &[]).await,
        ("PROPFIND", [RESTORE]) => propfind_folder(call, body, &[RESTORE]).await,
        ("PROPFIND", [TRASH]) => propfind_trash(call, body, None).await,
        ("PROPFIND", [TRASH, item]) => propfind_trash(call, body, Some(item)).await,
        ("MOVE", [TRASH, item]) => restore(call, item).await,
        ("DELETE", [TRASH]) => {
            call.ferry().empty_trash(&call.actor, None).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        ("DELETE", [TRASH, item]) => {
            let found = call.ferry().trash_item(&call.actor, item).await?;
            // Deleting a node that is already in the trash deletes it for good.
            call.ferry().delete(&call.actor, found.node.id).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        (_, [] | [RESTORE]) => Ok(method_not_allowed("OPTIONS, PROPFIND")),
        (_, [TRASH]) => Ok(method_not_allowed("OPTIONS, PROPFIND, DELETE")),
        (_, [TRASH, _]) => Ok(method_not_allowed("OPTIONS, PROPFIND, MOVE, DELETE")),
        _ => Err(Error::NotFound.into()),
    }
}

async fn request(body: Body) -> Result<PropfindRequest, DavError> {
    let body = xml_body(body).await?;
    Ok(dto::propfind(&body).map_err(|e| Error::invalid("body", e.0))?)
}

/// A plain folder of the bin (its top, `restore`): nothing but itself.
async fn propfind_folder(call: &Call, body: Body, at: &[&str]) -> Result<Response, DavError> {
    let request = request(body).await?;
    let mut out = XmlOut::new();
    out.root("multistatus");
    write_folder(&mut out, &href("trashbin", &call.user, at, true), &request);
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
}

/// The folder itself carries no `oc:id`, so clients that list the bin (nc-py-api) do not
/// take it for an item.
fn write_folder(out: &mut XmlOut, own: &str, request: &PropfindRequest) {
    write_simple(out, own, request, |out, name| {
        if name.ns == DAV && name.name == "resourcetype" {
            write_resourcetype(out, true);
            true
        } else {
            false
        }
    });
}

async fn propfind_trash(call: &Call, body: Body, item: Option<&str>) -> Result<Response, DavError> {
    let request = request(body).await?;
    let ferry = call.ferry();
    let mut out = XmlOut::new();
    out.root("multistatus");
    let items = match item {
        Some(name) => vec![ferry.trash_item(&call.actor, name).await?],
        None => {
            write_folder(
                &mut out,
                &href("trashbin", &call.user, &[TRASH], true),
                &request,
            );
            if depth(&call.headers, Depth::Infinity)? == Depth::Zero {
                Vec::new()
            } else {
                ferry.trash_items(&call.actor).await?
            }
        }
    };
    // A folder asked for by name is listed one level down, as Nextcloud does.
    let one_level = item.is_some() && depth(&call.headers, Depth::Infinity)? != Depth::Zero;
    let files = Target::files(&call.user);
    let now = ferry.now_ms();
    for item in &items {
        let desc = ferry
            .describe(
                &call.actor,
                item.node.id,
                one_level && item.node.is_dir(),
                request.usage(),
            )
            .await?;
        for (i, described) in desc.items.iter().enumerate() {
            let node = &described.entry.node;
            // The item itself, then its children (when listed) below its trash name.
            let (own, shown) = if i == 0 {
                let segments = [TRASH, item.trash_name.as_str()];
                let own = href("trashbin", &call.user, &segments, node.is_dir());
                (own, Shown::of(item))
            } else {
                let segments = [TRASH, item.trash_name.as_str(), node.name.as_str()];
                let own = href("trashbin", &call.user, &segments, node.is_dir());
                let shown = Shown {
                    name: &node.name,
                    location: format!("{}/{}", item.original_location, node.name),
                    deleted_ms: item.deleted_ms,
                };
                (own, shown)
            };
            let at = Listed {
                target: &files,
                href: &own,
                now,
            };
            let extra = |out: &mut XmlOut, name: &PropName| write_trash_prop(out, name, &shown);
            write_response(&mut out, &at, &request, described, &desc, &extra);
        }
    }
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
}

/// What the trash bin's own properties show for an entry.
struct Shown<'a> {
    name: &'a str,
    location: String,
    deleted_ms: i64,
}

impl<'a> Shown<'a> {
    fn of(item: &'a TrashItem) -> Self {
        Shown {
            name: &item.node.name,
            location: item.original_location.clone(),
            deleted_ms: item.deleted_ms,
        }
    }
}

fn write_trash_prop(out: &mut XmlOut, name: &PropName, shown: &Shown<'_>) -> bool {
    if name.ns != NC {
        return false;
    }
    let value = match name.name.as_str() {
        "trashbin-filename" => shown.name.to_owned(),
        "trashbin-original-location" => shown.location.clone(),
        "trashbin-deletion-time" => (shown.deleted_ms / 1000).to_string(),
        _ => return false,
    };
    out.text_ns(NC, &name.name, &value);
    true
}

/// MOVE `trash/<item>` → `restore/<anything>`: back where it was (core picks a free name if
/// that one is taken meanwhile). 201.
async fn restore(call: &Call, item: &str) -> Result<Response, DavError> {
    match call.destination()? {
        Collection::Trashbin { user, rest }
            if user == call.user && rest.first().map(String::as_str) == Some(RESTORE) => {}
        _ => return Err(StatusCode::FORBIDDEN.into()),
    }
    let found = call.ferry().trash_item(&call.actor, item).await?;
    let node = call.ferry().restore(&call.actor, found.node.id).await?;
    Ok(with_node_headers(status(StatusCode::CREATED), &node))
}
