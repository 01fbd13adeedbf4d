//! One module per WebDAV method, and what they share: the request's context (caller,
//! target, headers), path lookups, the `If` header and bounded XML bodies.

mod copymove;
mod delete;
mod get;
mod legacy;
mod lock;
mod mkcol;
mod options;
pub mod propfind;
mod proppatch;
mod put;
mod report;
pub mod search;
mod unlock;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use ferry_core::files::PathLookup;
use ferry_core::{Actor, Error, Ferry};
use ferry_http::AppState;
use ferry_http::credentials::{bearer_or_basic_actor, client_ip};
use http::{HeaderMap, HeaderValue, StatusCode};

pub use get::list_matches;
pub use put::{client_checksum, oc_mtime_header};

use crate::error::DavError;
use crate::ifheader::{self, ResourceState};
use crate::mount::{self, Target};
use crate::props::quoted_etag;

/// The largest XML body (PROPFIND, PROPPATCH, LOCK) accepted.
pub const MAX_XML_BODY: usize = 1024 * 1024;

/// What every handler gets.
pub struct Dav {
    pub state: AppState,
    pub actor: Actor,
    pub target: Target,
    /// The folder paths start from: a WebDrive endpoint's, or `None` for the caller's home.
    pub root: Option<ferry_core::NodeId>,
    pub headers: HeaderMap,
}

impl Dav {
    pub fn ferry(&self) -> &Ferry {
        &self.state.ferry
    }

    pub async fn lookup(&self, segments: &[String]) -> Result<PathLookup, DavError> {
        Ok(self
            .ferry()
            .lookup_path_in(&self.actor, self.root, segments)
            .await?)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Evaluates the `If` header against the resources it names (RFC 4918 §10.4) and
    /// returns the lock tokens it submits. A header that does not hold is 412; a
    /// malformed one is 400.
    pub async fn if_tokens(&self, lookup: &PathLookup) -> Result<Vec<String>, DavError> {
        let Some(value) = self.header("if") else {
            return Ok(Vec::new());
        };
        let lists = ifheader::parse(value)
            .ok_or_else(|| Error::invalid("If", "is not a valid If header"))?;
        for list in &lists {
            let state = match &list.resource {
                None => self.state_of(lookup).await?,
                Some(url) => {
                    let host = self.header("host");
                    match mount::destination(url, host, &self.target) {
                        Ok(mount::Destination::Here(segments)) => {
                            let other = self.lookup(&segments).await?;
                            self.state_of(&other).await?
                        }
                        _ => ResourceState::default(),
                    }
                }
            };
            if ifheader::list_holds(list, &state) {
                return Ok(ifheader::submitted_tokens(&lists));
            }
        }
        Err(Error::PreconditionFailed("the If header does not hold".into()).into())
    }

    async fn state_of(&self, lookup: &PathLookup) -> Result<ResourceState, DavError> {
        // A missing resource is covered by the locks of the folder it would go into.
        let (node, etag) = match lookup {
            PathLookup::Found(node) => (node, Some(quoted_etag(&node.etag))),
            PathLookup::Missing { parent } => (parent, None),
            PathLookup::NoParent => return Ok(ResourceState::default()),
        };
        let locks = self.ferry().locks_on(&self.actor, node.id).await?;
        Ok(ResourceState {
            etag,
            lock_tokens: locks.into_iter().map(|l| l.lock.token).collect(),
        })
    }
}

/// Reads an XML request body of at most [`MAX_XML_BODY`] bytes.
pub async fn xml_body(body: Body) -> Result<Bytes, DavError> {
    Ok(ferry_http::body::read_limited(body, MAX_XML_BODY).await?)
}

/// `Depth` as RFC 4918 spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Depth {
    Zero,
    One,
    Infinity,
}

/// The `Depth` header; `default` when absent, 400 when not one of 0, 1, infinity.
pub fn depth(headers: &HeaderMap, default: Depth) -> Result<Depth, DavError> {
    match headers.get("depth").map(|v| v.to_str().map(str::trim)) {
        None => Ok(default),
        Some(Ok("0")) => Ok(Depth::Zero),
        Some(Ok("1")) => Ok(Depth::One),
        Some(Ok(v)) if v.eq_ignore_ascii_case("infinity") => Ok(Depth::Infinity),
        Some(_) => Err(Error::invalid("Depth", "must be 0, 1 or infinity").into()),
    }
}

/// Adds `ETag`, `OC-ETag` and `OC-FileId`, which Nextcloud clients read after writes.
pub fn with_node_headers(mut response: Response, node: &ferry_core::model::Node) -> Response {
    let etag = quoted_etag(&node.etag);
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(http::header::ETAG, v.clone());
        headers.insert("oc-etag", v);
    }
    if let Ok(v) = HeaderValue::from_str(&crate::props::oc_id(node.file_id)) {
        headers.insert("oc-fileid", v);
    }
    response
}

/// The methods every resource answers, for `Allow` and OPTIONS.
pub const ALLOW: &str = concat!(
    "OPTIONS, GET, HEAD, PUT, DELETE, MKCOL, PROPFIND, PROPPATCH, COPY, MOVE, LOCK, UNLOCK, ",
    "SEARCH, REPORT"
);

/// Entry point for every DAV route.
pub async fn dispatch(State(state): State<AppState>, request: Request) -> Response {
    match route(state, request).await {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

/// The caller, who must be the user a URL names (`None`: the caller's own).
pub async fn authenticate(
    state: &AppState,
    parts: &http::request::Parts,
    user: Option<&str>,
) -> Result<Actor, DavError> {
    let ip = client_ip(&parts.extensions);
    let actor = bearer_or_basic_actor(&state.ferry, &parts.headers, ip).await?;
    if let Some(user) = user {
        match &actor {
            Actor::User(me) if me.username == user => {}
            // Another user's files do not exist as far as the caller can tell.
            _ => return Err(Error::NotFound.into()),
        }
    }
    Ok(actor)
}

async fn route(state: AppState, request: Request) -> Result<Response, DavError> {
    let (parts, body) = request.into_parts();
    // Uploads, trash bin, versions and the DAV root have handlers of their own.
    if let Some(collection) = crate::collections::parse(parts.uri.path()) {
        let collection = collection?;
        if parts.method == http::Method::OPTIONS {
            return Ok(options::handle());
        }
        return crate::collections::route(state, parts, body, collection).await;
    }
    let target = mount::parse_path(parts.uri.path()).ok_or(Error::NotFound)??;
    // OPTIONS needs no credentials: it only tells what the server can do (clients probe it
    // before they log in), and reveals nothing about any user's files.
    if parts.method == http::Method::OPTIONS {
        return Ok(options::handle());
    }
    let actor = authenticate(&state, &parts, target.user.as_deref()).await?;
    let root = match &target.drive {
        Some(endpoint) => Some(state.ferry.webdrive_root(&actor, endpoint).await?),
        None => None,
    };
    let dav = Dav {
        state,
        actor,
        target,
        root,
        headers: parts.headers,
    };
    match parts.method.as_str() {
        "PROPFIND" => propfind::handle(&dav, body).await,
        "PROPPATCH" => proppatch::handle(&dav, body).await,
        "MKCOL" => mkcol::handle(&dav, body).await,
        "GET" => get::handle(&dav).await,
        "HEAD" => get::handle(&dav).await,
        "PUT" if legacy::is_legacy_chunk(&dav) => legacy::handle(&dav, body).await,
        "PUT" => put::handle(&dav, body).await,
        "DELETE" => delete::handle(&dav).await,
        "COPY" => copymove::handle(&dav, copymove::Kind::Copy).await,
        "MOVE" => copymove::handle(&dav, copymove::Kind::Move).await,
        "LOCK" => lock::handle(&dav, body).await,
        "UNLOCK" => unlock::handle(&dav).await,
        "SEARCH" => search::handle(&dav.state, &dav.actor, body).await,
        "REPORT" => report::handle(&dav, body).await,
        _ => {
            let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
            response
                .headers_mut()
                .insert(http::header::ALLOW, HeaderValue::from_static(ALLOW));
            Ok(response)
        }
    }
}
