//! SEARCH (RFC 5323 basicsearch) on `/remote.php/dav/` or the files mount: nc-py-api finds
//! a file by id right after every move and copy, and by name for `find`. The scope is
//! `/files/{user}/path` (the caller's own); results are hrefs on the files mount with the
//! selected properties, rendered as PROPFIND renders them.

use axum::body::Body;
use axum::response::Response;
use ferry_core::files::{Found, NameMatch};
use ferry_core::{Actor, Error, Ferry};
use ferry_http::AppState;
use http::StatusCode;

use super::propfind::{Listed, no_extra, write_response};
use super::xml_body;
use crate::basicsearch::{Filter, ScopeDepth, parse_search};
use crate::collections::DAV_ROOT;
use crate::dto::PropfindRequest;
use crate::envelope::{XmlOut, xml_response};
use crate::error::DavError;
use crate::mount::{self, Target};

/// The most results one SEARCH answers: each is described on its own, so this bounds the
/// work a request can ask for.
pub const MAX_RESULTS: usize = 1000;

pub async fn handle(state: &AppState, actor: &Actor, body: Body) -> Result<Response, DavError> {
    let body = xml_body(body).await?;
    let query = parse_search(&body).map_err(|e| Error::invalid("body", e.0))?;
    let ferry = &state.ferry;
    let Actor::User(me) = actor else {
        return Err(Error::NotFound.into());
    };
    // The scope is `/files/{user}/…` below the DAV root (some clients write the root too).
    let scope = query.scope.strip_prefix(DAV_ROOT).unwrap_or(&query.scope);
    let scope = mount::parse_path(&format!("{DAV_ROOT}{scope}"))
        .ok_or_else(|| Error::invalid("scope", "is not below /files/{user}"))??;
    if scope.user.as_deref().is_some_and(|u| u != me.username) {
        return Err(Error::NotFound.into());
    }
    let top = ferry
        .lookup_path(actor, &scope.segments)
        .await?
        .node()
        .cloned()
        .ok_or(Error::NotFound)?;
    let limit = query.limit.unwrap_or(MAX_RESULTS).min(MAX_RESULTS);
    let mut found = match &query.filter {
        Filter::FileId(id) => match ferry.find_by_file_id(actor, *id).await {
            Ok(one) => vec![one],
            Err(Error::NotFound) => Vec::new(),
            Err(e) => return Err(e.into()),
        },
        Filter::Name(wanted) => {
            ferry
                .search_names(actor, top.id, wanted, usize::MAX)
                .await?
        }
        combined => {
            let all = NameMatch::Like("%".into());
            let mut every = ferry.search_names(actor, top.id, &all, usize::MAX).await?;
            every.retain(|f| combined.matches(f.node.file_id, &f.node.name));
            every
        }
    };
    let base = scope.segments.len();
    found.retain(|f| {
        f.path.starts_with(&scope.segments)
            && match query.depth {
                ScopeDepth::Zero => f.path.len() == base,
                ScopeDepth::One => f.path.len() <= base + 1,
                ScopeDepth::Infinity => true,
            }
    });
    found.truncate(limit);
    let files = Target::files(&me.username);
    let body = render(ferry, actor, &files, &query.select, &found).await?;
    Ok(xml_response(StatusCode::MULTI_STATUS, body))
}

/// A multistatus of found nodes with hrefs on `target` (SEARCH and REPORT share it).
pub async fn render(
    ferry: &Ferry,
    actor: &Actor,
    target: &Target,
    request: &PropfindRequest,
    found: &[Found],
) -> Result<Vec<u8>, DavError> {
    let now = ferry.now_ms();
    let mut out = XmlOut::new();
    out.root("multistatus");
    for f in found {
        let desc = ferry
            .describe(actor, f.node.id, false, request.usage())
            .await?;
        let Some(item) = desc.items.first() else {
            continue;
        };
        let href = target.href(&f.path, f.node.is_dir());
        let at = Listed {
            target,
            href: &href,
            now,
        };
        write_response(&mut out, &at, request, item, &desc, &no_extra);
    }
    out.close("multistatus");
    Ok(out.finish()?)
}
