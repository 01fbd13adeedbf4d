//! REPORT `oc:filter-files` on the files mount: the caller's favorites (`oc:favorite` 1)
//! below the request's folder, as nc-py-api's `list_by_criteria` and the desktop's
//! favorites view ask. System tags do not exist yet, so a tag filter finds nothing. Other
//! reports are refused with `DAV:supported-report` (RFC 3253 §3.6).

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use http::StatusCode;

use super::search::render;
use super::{Dav, xml_body};
use crate::dto::{PropName, PropfindRequest};
use crate::envelope::xml_response;
use crate::error::DavError;
use crate::xml::{DAV, OC, parse};

pub async fn handle(dav: &Dav, body: Body) -> Result<Response, DavError> {
    let body = xml_body(body).await?;
    let root = parse(&body).map_err(|e| Error::invalid("body", e.0))?;
    if !root.is(OC, "filter-files") {
        return Err(DavError::Condition(
            StatusCode::FORBIDDEN,
            "supported-report",
        ));
    }
    let request = match root.child(DAV, "prop") {
        Some(prop) => PropfindRequest::Props(
            prop.elements()
                .map(|e| PropName::new(&e.ns, &e.name))
                .collect(),
        ),
        None => PropfindRequest::AllProp(Vec::new()),
    };
    let rules = root
        .child(OC, "filter-rules")
        .ok_or_else(|| Error::invalid("body", "filter-files has no filter-rules"))?;
    let favorite = rules
        .child(OC, "favorite")
        .is_some_and(|f| f.text().trim() == "1");
    let tagged = rules.child(OC, "systemtag").is_some();
    if !favorite && !tagged {
        return Err(Error::invalid("body", "filter-rules names no favorite or systemtag").into());
    }
    let mut found = if tagged {
        Vec::new()
    } else {
        dav.ferry().favorites(&dav.actor).await?
    };
    found.retain(|f| f.path.starts_with(&dav.target.segments));
    let mut target = dav.target.clone();
    target.segments.clear();
    let body = render(dav.ferry(), &dav.actor, &target, &request, &found).await?;
    Ok(xml_response(StatusCode::MULTI_STATUS, body))
}
