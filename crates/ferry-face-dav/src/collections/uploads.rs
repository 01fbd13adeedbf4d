//! Upload folders of chunked uploads (`/remote.php/dav/uploads/{user}/{transfer}/{part}`),
//! mapped onto core's one assembler: MKCOL begins a session (v2 when it names a
//! `Destination`), PUT stores a part, PROPFIND lists them (clients resume from it), DELETE
//! drops a part or the session, and MOVE of `{transfer}/.file` onto the files mount joins
//! them into the file.

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use ferry_core::files::{ASSEMBLE_NAME, ChunkInfo, PathLookup, UploadFinish};
use ferry_core::ids::NodeId;
use ferry_core::model::{Node, UploadDestination, UploadSession};
use futures::TryStreamExt;
use http::header::CONTENT_LENGTH;
use http::{HeaderValue, StatusCode};
use http_body_util::BodyExt;

use super::{Call, href, method_not_allowed, write_resourcetype, write_simple};
use crate::dto::{self, PropName, PropfindRequest};
use crate::endpoints::{
    Dav, Depth, client_checksum, depth, list_matches, oc_mtime_header, with_node_headers, xml_body,
};
use crate::envelope::{XmlOut, status, xml_response};
use crate::error::DavError;
use crate::mount::{self, Destination, Target};
use crate::props::{http_date, quoted_etag};
use crate::xml::DAV;

const FOLDER_METHODS: &str = "OPTIONS, PROPFIND, MKCOL, DELETE";
const PART_METHODS: &str = "OPTIONS, PROPFIND, PUT, DELETE, MOVE";

pub async fn handle(
    call: &Call,
    method: &str,
    rest: &[String],
    body: Body,
) -> Result<Response, DavError> {
    match (method, rest) {
        ("PROPFIND", []) => propfind_home(call, body).await,
        ("PROPFIND", [transfer]) => propfind_transfer(call, transfer, body).await,
        ("PROPFIND", [transfer, part]) => propfind_part(call, transfer, part, body).await,
        ("MKCOL", [transfer]) => mkcol(call, transfer, body).await,
        ("PUT", [transfer, part]) => put_part(call, transfer, part, body).await,
        ("DELETE", [transfer]) => {
            call.ferry().delete_upload(&call.actor, transfer).await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        ("DELETE", [transfer, part]) => {
            call.ferry()
                .delete_chunk(&call.actor, transfer, part)
                .await?;
            Ok(status(StatusCode::NO_CONTENT))
        }
        ("MOVE", [transfer, part]) if part == ASSEMBLE_NAME => assemble(call, transfer).await,
        (_, []) => Ok(method_not_allowed("OPTIONS, PROPFIND")),
        (_, [_]) => Ok(method_not_allowed(FOLDER_METHODS)),
        (_, [_, _]) => Ok(method_not_allowed(PART_METHODS)),
        _ => Err(Error::NotFound.into()),
    }
}

/// `OC-Total-Length`, if sent; 400 when it is not a byte count.
fn total_length(call: &Call) -> Result<Option<u64>, DavError> {
    match call.header("oc-total-length") {
        None => Ok(None),
        Some(v) => Ok(Some(v.trim().parse().map_err(|_| {
            Error::invalid("OC-Total-Length", "is not a byte count")
        })?)),
    }
}

/// A DAV context on the caller's files mount at `segments` (for `If` headers and lookups).
fn files_dav(call: &Call, segments: Vec<String>) -> Dav {
    let mut target = Target::files(&call.user);
    target.segments = segments;
    Dav {
        state: call.state.clone(),
        actor: call.actor.clone(),
        target,
        root: None,
        headers: call.headers.clone(),
    }
}

/// Where a `Destination` header on the files mount puts a file: its folder, name, and the
/// file already there.
struct FileDestination {
    segments: Vec<String>,
    lookup: PathLookup,
    parent: NodeId,
    name: String,
}

impl FileDestination {
    fn existing(&self) -> Option<&Node> {
        self.lookup.node()
    }
}

async fn file_destination(call: &Call) -> Result<FileDestination, DavError> {
    let raw = call
        .header("destination")
        .ok_or_else(|| Error::invalid("Destination", "is missing"))?;
    let files = Target::files(&call.user);
    let segments = match mount::destination(raw, call.header("host"), &files)? {
        Destination::Here(segments) => segments,
        Destination::Elsewhere => return Err(StatusCode::BAD_GATEWAY.into()),
        Destination::Forbidden => return Err(StatusCode::FORBIDDEN.into()),
    };
    let name = segments.last().cloned().ok_or(StatusCode::FORBIDDEN)?;
    let lookup = call.ferry().lookup_path(&call.actor, &segments).await?;
    let parent = match &lookup {
        PathLookup::Found(node) if node.is_dir() => return Err(StatusCode::CONFLICT.into()),
        PathLookup::Found(node) => node.parent.ok_or(StatusCode::CONFLICT)?,
        PathLookup::Missing { parent } => parent.id,
        PathLookup::NoParent => return Err(StatusCode::CONFLICT.into()),
    };
    Ok(FileDestination {
        segments,
        lookup,
        parent,
        name,
    })
}

/// MKCOL: 201 exactly (nextcloudcmd accepts nothing else); an existing session is 405.
async fn mkcol(call: &Call, transfer: &str, mut body: Body) -> Result<Response, DavError> {
    let has_body = match body.frame().await {
        None => false,
        Some(Ok(frame)) => frame.data_ref().is_none_or(|d| !d.is_empty()),
        Some(Err(_)) => return Err(Error::invalid("body", "could not be read").into()),
    };
    if has_body {
        return Err(StatusCode::UNSUPPORTED_MEDIA_TYPE.into());
    }
    let destination = match call.header("destination") {
        None => None,
        Some(_) => {
            let dest = file_destination(call).await?;
            Some(UploadDestination {
                parent: dest.parent,
                name: dest.name,
            })
        }
    };
    let total = total_length(call)?;
    call.ferry()
        .begin_upload(&call.actor, transfer, destination, total)
        .await
        .map_err(|e| match e {
            Error::AlreadyExists(_) => DavError::Status(StatusCode::METHOD_NOT_ALLOWED),
            other => other.into(),
        })?;
    Ok(status(StatusCode::CREATED))
}

/// PUT of a part: streamed into a staged blob, stopped at the quota. 201 with the part's
/// content hash as its ETag (as a file in Nextcloud's upload folder has one).
async fn put_part(
    call: &Call,
    transfer: &str,
    part: &str,
    body: Body,
) -> Result<Response, DavError> {
    let ferry = call.ferry();
    let allowance = ferry.chunk_allowance(&call.actor, transfer).await?;
    let announced = call
        .header(CONTENT_LENGTH.as_str())
        .and_then(|v| v.parse::<u64>().ok());
    if let (Some(limit), Some(length)) = (allowance, announced)
        && length > limit
    {
        return Err(Error::QuotaExceeded.into());
    }
    let stream = TryStreamExt::map_err(body.into_data_stream(), |e| {
        Error::invalid("body", format!("upload broke off: {e}"))
    });
    let staged = ferry.stage(stream, allowance).await?;
    let info = ferry.put_chunk(&call.actor, transfer, part, staged).await?;
    let mut response = status(StatusCode::CREATED);
    if let Ok(v) = HeaderValue::from_str(&quoted_etag(&info.content_hash)) {
        response.headers_mut().insert(http::header::ETAG, v);
    }
    Ok(response)
}

/// MOVE of `.file`: joins the parts into the file the `Destination` names. 201 created,
/// 204 replaced, with `ETag`, `OC-ETag` and `OC-FileId` (nextcloudcmd fails the upload
/// without them).
async fn assemble(call: &Call, transfer: &str) -> Result<Response, DavError> {
    let dest = file_destination(call).await?;
    let existing_etag = dest.existing().map(|n| quoted_etag(&n.etag));
    let keep = matches!(call.header("overwrite").map(str::trim), Some("F" | "f"));
    if dest.existing().is_some() && keep {
        return Err(Error::PreconditionFailed("Overwrite: F".into()).into());
    }
    if let Some(list) = call.header("if-match")
        && !existing_etag
            .as_deref()
            .is_some_and(|e| list_matches(list, e))
    {
        return Err(Error::PreconditionFailed("If-Match".into()).into());
    }
    if let Some(list) = call.header("if-none-match")
        && existing_etag
            .as_deref()
            .is_some_and(|e| list_matches(list, e))
    {
        return Err(Error::PreconditionFailed("If-None-Match".into()).into());
    }
    let dav = files_dav(call, dest.segments.clone());
    let lock_tokens = dav.if_tokens(&dest.lookup).await?;
    let mtime_ms = oc_mtime_header(&call.headers)?;
    let finish = UploadFinish {
        mtime_ms,
        checksum: client_checksum(&call.headers),
        lock_tokens,
    };
    let total = total_length(call)?;
    let (node, created) = call
        .ferry()
        .assemble_upload_with(
            &call.actor,
            transfer,
            dest.parent,
            &dest.name,
            total,
            finish,
        )
        .await?;
    let code = if created {
        StatusCode::CREATED
    } else {
        StatusCode::NO_CONTENT
    };
    let mut response = with_node_headers(status(code), &node);
    if mtime_ms.is_some() {
        response
            .headers_mut()
            .insert("x-oc-mtime", HeaderValue::from_static("accepted"));
    }
    Ok(response)
}

async fn request(body: Body) -> Result<PropfindRequest, DavError> {
    let body = xml_body(body).await?;
    Ok(dto::propfind(&body).map_err(|e| Error::invalid("body", e.0))?)
}

/// The user's uploads folder itself (sessions are not listed: clients only ever ask for
/// their own by name).
async fn propfind_home(call: &Call, body: Body) -> Result<Response, DavError> {
    let request = request(body).await?;
    let mut out = XmlOut::new();
    out.root("multistatus");
    let own = href("uploads", &call.user, &[], true);
    write_simple(&mut out, &own, &request, |out, name| {
        write_folder_prop(out, name, &call.user, None)
    });
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
}

async fn propfind_transfer(call: &Call, transfer: &str, body: Body) -> Result<Response, DavError> {
    let request = request(body).await?;
    let with_parts = depth(&call.headers, Depth::Infinity)? != Depth::Zero;
    let ferry = call.ferry();
    let session = ferry.upload_session(&call.actor, transfer).await?;
    let parts = if with_parts {
        ferry.list_chunks(&call.actor, transfer).await?
    } else {
        Vec::new()
    };
    let mut out = XmlOut::new();
    out.root("multistatus");
    let own = href("uploads", &call.user, &[transfer], true);
    write_simple(&mut out, &own, &request, |out, name| {
        write_folder_prop(out, name, transfer, Some(&session))
    });
    for part in &parts {
        let part_href = href("uploads", &call.user, &[transfer, &part.name], false);
        write_simple(&mut out, &part_href, &request, |out, name| {
            write_part_prop(out, name, part)
        });
    }
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
}

async fn propfind_part(
    call: &Call,
    transfer: &str,
    part: &str,
    body: Body,
) -> Result<Response, DavError> {
    let request = request(body).await?;
    let parts = call.ferry().list_chunks(&call.actor, transfer).await?;
    let found = parts
        .iter()
        .find(|p| p.name == part)
        .ok_or(Error::NotFound)?;
    let mut out = XmlOut::new();
    out.root("multistatus");
    let part_href = href("uploads", &call.user, &[transfer, part], false);
    write_simple(&mut out, &part_href, &request, |out, name| {
        write_part_prop(out, name, found)
    });
    out.close("multistatus");
    Ok(xml_response(StatusCode::MULTI_STATUS, out.finish()?))
}

fn write_folder_prop(
    out: &mut XmlOut,
    name: &PropName,
    shown: &str,
    session: Option<&UploadSession>,
) -> bool {
    if name.ns != DAV {
        return false;
    }
    match (name.name.as_str(), session) {
        ("resourcetype", _) => write_resourcetype(out, true),
        ("displayname", _) => out.text_el("displayname", shown),
        ("getlastmodified", Some(s)) => out.text_el("getlastmodified", &http_date(s.touched_ms)),
        ("getetag", Some(s)) => out.text_el(
            "getetag",
            &quoted_etag(&format!("{}-{}", s.id, s.touched_ms)),
        ),
        _ => return false,
    }
    true
}

fn write_part_prop(out: &mut XmlOut, name: &PropName, part: &ChunkInfo) -> bool {
    if name.ns != DAV {
        return false;
    }
    match name.name.as_str() {
        "resourcetype" => write_resourcetype(out, false),
        "displayname" => out.text_el("displayname", &part.name),
        "getcontentlength" => out.text_el("getcontentlength", &part.size.to_string()),
        "getcontenttype" => out.text_el("getcontenttype", "application/octet-stream"),
        "getetag" => out.text_el("getetag", &quoted_etag(&part.content_hash)),
        "getlastmodified" => out.text_el("getlastmodified", &http_date(part.created_ms)),
        _ => return false,
    }
    true
}
