//! The DAV collections beside the files mount, as Nextcloud lays them out under
//! `/remote.php/dav`: the upload folders of chunked uploads (`uploads/{user}/…`), the trash
//! bin (`trashbin/{user}/trash|restore/…`), file versions (`versions/{user}/versions|restore/…`)
//! and the DAV root itself (where nc-py-api sends SEARCH). Each names its user, who must be
//! the caller (another user's collections answer 404, as their files do).

mod trashbin;
mod uploads;
mod versions;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use ferry_core::{Actor, Error, Ferry};
use ferry_http::AppState;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode};

use crate::dto::{PropName, PropfindRequest};
use crate::endpoints::{authenticate, search};
use crate::envelope::{XmlOut, status_line};
use crate::error::DavError;
use crate::mount::{self, encode_segment};
use crate::xml::DAV;

/// The DAV root; the files mount and these collections sit below it.
pub const DAV_ROOT: &str = "/remote.php/dav";

/// Which collection a URL points into, with the decoded segments below `{user}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Collection {
    Root,
    Uploads { user: String, rest: Vec<String> },
    Trashbin { user: String, rest: Vec<String> },
    Versions { user: String, rest: Vec<String> },
}

impl Collection {
    fn user(&self) -> Option<&str> {
        match self {
            Collection::Root => None,
            Collection::Uploads { user, .. }
            | Collection::Trashbin { user, .. }
            | Collection::Versions { user, .. } => Some(user),
        }
    }
}

/// `None` when the path is not one of these collections (the files mounts are parsed by
/// [`mount::parse_path`]).
pub fn parse(raw: &str) -> Option<Result<Collection, Error>> {
    let rest = raw.strip_prefix(DAV_ROOT)?;
    if rest.is_empty() || rest == "/" {
        return Some(Ok(Collection::Root));
    }
    let rest = rest.strip_prefix('/')?;
    let (kind, below) = rest.split_once('/').unwrap_or((rest, ""));
    let make: fn(String, Vec<String>) -> Collection = match kind {
        "uploads" => |user, rest| Collection::Uploads { user, rest },
        "trashbin" => |user, rest| Collection::Trashbin { user, rest },
        "versions" => |user, rest| Collection::Versions { user, rest },
        _ => return None,
    };
    Some(mount::segments(below).and_then(|mut segments| {
        if segments.is_empty() {
            return Err(Error::NotFound);
        }
        let user = segments.remove(0);
        Ok(make(user, segments))
    }))
}

/// What a collection handler gets.
pub struct Call {
    pub state: AppState,
    pub actor: Actor,
    /// The user named in the URL (the caller).
    pub user: String,
    pub headers: HeaderMap,
}

impl Call {
    pub fn ferry(&self) -> &Ferry {
        &self.state.ferry
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `Destination` header's path, decoded into a collection; 400 when missing or not
    /// a URL or absolute path, 502 when it names another host.
    pub fn destination(&self) -> Result<Collection, DavError> {
        let raw = self
            .header("destination")
            .ok_or_else(|| Error::invalid("Destination", "is missing"))?;
        let path = destination_path(raw, self.header("host"))?;
        parse(path)
            .ok_or(DavError::Status(StatusCode::FORBIDDEN))?
            .map_err(DavError::from)
    }
}

/// The path of a `Destination` header (a full URL or an absolute path); a URL naming
/// another host is 502 (RFC 4918 §9.8.5).
pub fn destination_path<'a>(value: &'a str, host: Option<&str>) -> Result<&'a str, DavError> {
    let value = value.trim();
    let path = if let Some(rest) = value
        .strip_prefix("http://")
        .or_else(|| value.strip_prefix("https://"))
    {
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, "/"),
        };
        if host.is_some_and(|h| !h.eq_ignore_ascii_case(authority)) {
            return Err(StatusCode::BAD_GATEWAY.into());
        }
        path
    } else if value.starts_with('/') {
        value
    } else {
        return Err(Error::invalid("Destination", "is not a URL or absolute path").into());
    };
    Ok(path.split(['?', '#']).next().unwrap_or(path))
}

pub async fn route(
    state: AppState,
    parts: Parts,
    body: Body,
    collection: Collection,
) -> Result<Response, DavError> {
    let actor = authenticate(&state, &parts, collection.user()).await?;
    let method = parts.method.as_str();
    if collection == Collection::Root {
        return match method {
            "SEARCH" => search::handle(&state, &actor, body).await,
            _ => Ok(method_not_allowed("OPTIONS, SEARCH")),
        };
    }
    let call = Call {
        user: collection.user().unwrap_or_default().to_owned(),
        state,
        actor,
        headers: parts.headers,
    };
    match collection {
        Collection::Root => Err(Error::NotFound.into()),
        Collection::Uploads { rest, .. } => uploads::handle(&call, method, &rest, body).await,
        Collection::Trashbin { rest, .. } => trashbin::handle(&call, method, &rest, body).await,
        Collection::Versions { rest, .. } => versions::handle(&call, method, &rest, body).await,
    }
}

/// 405 with the methods the resource does answer.
pub fn method_not_allowed(allow: &'static str) -> Response {
    let mut response = StatusCode::METHOD_NOT_ALLOWED.into_response();
    response
        .headers_mut()
        .insert(http::header::ALLOW, HeaderValue::from_static(allow));
    response
}

/// `{DAV_ROOT}/{kind}/{user}/{a}/{b}…` with each segment encoded.
pub fn href(kind: &str, user: &str, segments: &[&str], is_dir: bool) -> String {
    let mut out = format!("{DAV_ROOT}/{kind}/{}", encode_segment(user));
    for s in segments {
        out.push('/');
        out.push_str(&encode_segment(s));
    }
    if is_dir {
        out.push('/');
    }
    out
}

/// The properties listed for `allprop` on things that are not nodes (parts, versions).
const SIMPLE_ALLPROP: [&str; 6] = [
    "resourcetype",
    "getcontentlength",
    "getcontenttype",
    "getetag",
    "getlastmodified",
    "displayname",
];

/// Writes one `<d:response>` for something that is not a node (an upload part, a version,
/// a collection): `write_one` writes a property and says whether it exists; asked-for
/// properties it does not write go in a 404 propstat.
pub fn write_simple(
    out: &mut XmlOut,
    href: &str,
    request: &PropfindRequest,
    mut write_one: impl FnMut(&mut XmlOut, &PropName) -> bool,
) {
    let names: Vec<PropName> = match request {
        PropfindRequest::Props(names) => names.clone(),
        PropfindRequest::AllProp(_) | PropfindRequest::PropName => SIMPLE_ALLPROP
            .iter()
            .map(|n| PropName::new(DAV, n))
            .collect(),
    };
    out.open("response");
    out.text_el("href", href);
    let mut missing = Vec::new();
    out.open("propstat");
    out.open("prop");
    for name in &names {
        if !write_one(out, name) {
            missing.push(name);
        }
    }
    out.close("prop");
    out.text_el("status", &status_line(StatusCode::OK));
    out.close("propstat");
    if matches!(request, PropfindRequest::Props(_)) && !missing.is_empty() {
        out.open("propstat");
        out.open("prop");
        for name in missing {
            out.empty_ns(&name.ns, &name.name);
        }
        out.close("prop");
        out.text_el("status", &status_line(StatusCode::NOT_FOUND));
        out.close("propstat");
    }
    out.close("response");
}

/// `resourcetype` of a collection or a plain resource.
pub fn write_resourcetype(out: &mut XmlOut, collection: bool) {
    if collection {
        out.open("resourcetype");
        out.empty("collection");
        out.close("resourcetype");
    } else {
        out.empty("resourcetype");
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn parses_the_collections() {
        assert_eq!(parse("/remote.php/dav").unwrap().unwrap(), Collection::Root);
        assert_eq!(
            parse("/remote.php/dav/").unwrap().unwrap(),
            Collection::Root
        );
        assert_eq!(
            parse("/remote.php/dav/uploads/al%40x/t1/00001")
                .unwrap()
                .unwrap(),
            Collection::Uploads {
                user: "al@x".into(),
                rest: vec!["t1".into(), "00001".into()]
            }
        );
        assert_eq!(
            parse("/remote.php/dav/trashbin/u/trash/a%20b.d1")
                .unwrap()
                .unwrap(),
            Collection::Trashbin {
                user: "u".into(),
                rest: vec!["trash".into(), "a b.d1".into()]
            }
        );
        assert!(matches!(
            parse("/remote.php/dav/versions/u/").unwrap().unwrap(),
            Collection::Versions { rest, .. } if rest.is_empty()
        ));
        // The files mount and anything unknown are not collections.
        assert!(parse("/remote.php/dav/files/u/x").is_none());
        assert!(parse("/remote.php/davx").is_none());
        assert!(parse("/remote.php/dav/uploads").unwrap().is_err());
        assert!(parse("/remote.php/dav/uploads/u/../v").unwrap().is_err());
    }

    #[test]
    fn destination_paths() {
        assert_eq!(
            destination_path("http://h:1/remote.php/dav/x?y", Some("h:1")).unwrap(),
            "/remote.php/dav/x"
        );
        assert_eq!(destination_path("/a/b", None).unwrap(), "/a/b");
        assert!(destination_path("http://other/a", Some("h:1")).is_err());
        assert!(destination_path("relative", None).is_err());
    }
}
