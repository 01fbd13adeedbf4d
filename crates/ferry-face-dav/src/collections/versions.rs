//! File versions as Nextcloud serves them (`/remote.php/dav/versions/{user}/…`): PROPFIND
//! of `versions/{fileid}` lists every version of the file, each named by its number (unique,
//! unlike a time in seconds); GET of `versions/{fileid}/{number}` streams it; COPY or MOVE
//! of it to `restore/<anything>` makes it current again (as a new version).

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::model::{Node, Version};
use ferry_http::content::{Disposition, serve_content};
use http::StatusCode;

use super::{Call, Collection, href, method_not_allowed, write_resourcetype, write_simple};
use crate::dto::{self, PropName, PropfindRequest};
use crate::endpoints::{Depth, depth, with_node_headers, xml_body};
use crate::envelope::{XmlOut, status, xml_response};
use crate::error::DavError;
use crate::props::{content_type, http_date, quoted_etag};
use crate::xml::{DAV, OC};

const VERSIONS: &str = "versions";
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
        ("PROPFIND", [VERSIONS]) => propfind_folder(call, body, &[VERSIONS]).await,
        ("PROPFIND", [RESTORE]) => propfind_folder(call, body, &[RESTORE]).await,
        ("PROPFIND", [VERSIONS, file_id]) => propfind_file(call, body, file_id, None).await,
        ("PROPFIND", [VERSIONS, file_id, number]) => {
            propfind_file(call, body, file_id, Some(number)).await
        }
        ("GET" | "HEAD", [VERSIONS, file_id, number]) => get(call, file_id, number).await,
        ("COPY" | "MOVE", [VERSIONS, file_id, number]) => restore(call, file_id, number).await,
        (_, [VERSIONS, _, _]) => Ok(method_not_allowed(
            "OPTIONS, PROPFIND, GET, HEAD, COPY, MOVE",
        )),
        (_, [] | [VERSIONS] | [RESTORE] | [VERSIONS, _]) => {
            Ok(method_not_allowed("OPTIONS, PROPFIND"))
        }
        _ => Err(Error::NotFound.into()),
    }
}

fn number(raw: &str) -> Result<i64, DavError> {
    raw.parse().map_err(|_| Error::NotFound.into())
}

/// The live file with this file id, and its versions (oldest first).
async fn file_versions(call: &Call, file_id: &str) -> Result<(Node, Vec<Version>), DavError> {
    let id = number(file_id)?;
    let found = call.ferry().find_by_file_id(&call.actor, id).await?;
    Ok(call.ferry().versions(&call.actor, found.node.id).await?)
}

async fn request(body: Body) -> Result<PropfindRequest, DavError> {
    let body = xml_body(body).await?;
    Ok(dto::propfind(&body).map_err(|e| Error::invalid("body", e.0))?)
}

/// A folder is nothing but a collection: no ETag, because nc-py-api takes every entry with
/// one for a version and reads the file id from its href.
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

async fn propfind_folder(call: &Call, body: Body, at: &[&str]) -> Result<Response, DavError> {
    let request = request(body).await?;
    let mut out = XmlOut::new();
    out.root("multistatus");
    write_folder(&mut out, &href(VERSIONS, &call.user, at, true), &request);
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
}

async fn propfind_file(
    call: &Call,
    body: Body,
    file_id: &str,
    only: Option<&str>,
) -> Result<Response, DavError> {
    let request = request(body).await?;
    let (node, versions) = file_versions(call, file_id).await?;
    let mut out = XmlOut::new();
    out.root("multistatus");
    let listed: Vec<&Version> = match only {
        Some(raw) => {
            let wanted = number(raw)?;
            vec![
                versions
                    .iter()
                    .find(|v| v.number == wanted)
                    .ok_or(Error::NotFound)?,
            ]
        }
        None => {
            let own = href(VERSIONS, &call.user, &[VERSIONS, file_id], true);
            write_folder(&mut out, &own, &request);
            if depth(&call.headers, Depth::Infinity)? == Depth::Zero {
                Vec::new()
            } else {
                versions.iter().collect()
            }
        }
    };
    for version in listed {
        let name = version.number.to_string();
        let own = href(VERSIONS, &call.user, &[VERSIONS, file_id, &name], false);
        write_simple(&mut out, &own, &request, |out, prop| {
            write_version_prop(out, prop, &node, version)
        });
    }
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
}

/// A version's own entity tag: its number and content, so it never changes.
fn version_etag(version: &Version) -> String {
    let hash = version.content_hash.as_str();
    quoted_etag(&format!(
        "{}-{}",
        version.number,
        hash.get(..16).unwrap_or(hash)
    ))
}

fn write_version_prop(out: &mut XmlOut, name: &PropName, node: &Node, version: &Version) -> bool {
    match (name.ns.as_str(), name.name.as_str()) {
        (DAV, "resourcetype") => write_resourcetype(out, false),
        (DAV, "displayname") => out.text_el("displayname", &version.number.to_string()),
        (DAV, "getcontentlength") => out.text_el("getcontentlength", &version.size.to_string()),
        (DAV, "getcontenttype") => out.text_el("getcontenttype", &content_type(&node.name)),
        (DAV, "getetag") => out.text_el("getetag", &version_etag(version)),
        (DAV, "getlastmodified") => out.text_el("getlastmodified", &http_date(version.created_ms)),
        (OC, "fileid") => out.text_ns(OC, "fileid", &node.file_id.to_string()),
        _ => return false,
    }
    true
}

async fn get(call: &Call, file_id: &str, raw: &str) -> Result<Response, DavError> {
    let id = number(file_id)?;
    let found = call.ferry().find_by_file_id(&call.actor, id).await?;
    let content = call
        .ferry()
        .content(&call.actor, found.node.id, Some(number(raw)?))
        .await?;
    Ok(serve_content(
        call.ferry(),
        &content,
        &call.headers,
        Disposition::Attachment,
    )
    .await?)
}

/// COPY (the wording) or MOVE (nc-py-api's) of a version to `restore/…`. 204: the
/// file is there already and gets a new current version.
async fn restore(call: &Call, file_id: &str, raw: &str) -> Result<Response, DavError> {
    match call.destination()? {
        Collection::Versions { user, rest }
            if user == call.user && rest.first().map(String::as_str) == Some(RESTORE) => {}
        _ => return Err(StatusCode::FORBIDDEN.into()),
    }
    let id = number(file_id)?;
    let found = call.ferry().find_by_file_id(&call.actor, id).await?;
    let node = call
        .ferry()
        .restore_version(&call.actor, found.node.id, number(raw)?)
        .await?;
    Ok(with_node_headers(status(StatusCode::NO_CONTENT), &node))
}
