//! SEARCH bodies (RFC 5323 `basicsearch`), read from the element tree into the small query
//! Ferry answers: which properties to select, the scope (`/files/{user}/path`, a depth),
//! a condition on `oc:fileid` (`eq`) or `d:displayname` (`eq`, `like`), possibly combined
//! with `and`/`or`, and a result limit. Anything else is refused (400), never guessed at.

use ferry_core::files::NameMatch;

use crate::dto::{PropName, PropfindRequest};
use crate::xml::{BadXml, DAV, Element, OC, parse};

/// How far below the scope results may lie.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScopeDepth {
    Zero,
    One,
    Infinity,
}

/// A condition of `d:where`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Filter {
    FileId(i64),
    Name(NameMatch),
    And(Vec<Filter>),
    Or(Vec<Filter>),
}

impl Filter {
    pub fn matches(&self, file_id: i64, name: &str) -> bool {
        match self {
            Filter::FileId(id) => *id == file_id,
            Filter::Name(m) => m.matches(name),
            Filter::And(all) => all.iter().all(|f| f.matches(file_id, name)),
            Filter::Or(any) => any.iter().any(|f| f.matches(file_id, name)),
        }
    }
}

/// A parsed SEARCH.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    pub select: PropfindRequest,
    /// The scope's href as sent (`/files/alice/docs`).
    pub scope: String,
    pub depth: ScopeDepth,
    pub filter: Filter,
    pub limit: Option<usize>,
}

fn bad(reason: impl Into<String>) -> BadXml {
    BadXml(reason.into())
}

fn need<'a>(parent: &'a Element, name: &str) -> Result<&'a Element, BadXml> {
    parent
        .child(DAV, name)
        .ok_or_else(|| bad(format!("{} has no DAV:{name}", parent.name)))
}

pub fn parse_search(body: &[u8]) -> Result<SearchQuery, BadXml> {
    let root = parse(body)?;
    if !root.is(DAV, "searchrequest") {
        return Err(bad("the root is not DAV:searchrequest"));
    }
    let search = need(&root, "basicsearch")?;
    let select = need(search, "select")?;
    let select = if let Some(prop) = select.child(DAV, "prop") {
        PropfindRequest::Props(
            prop.elements()
                .map(|e| PropName::new(&e.ns, &e.name))
                .collect(),
        )
    } else if select.child(DAV, "allprop").is_some() {
        PropfindRequest::AllProp(Vec::new())
    } else {
        return Err(bad("select names no prop or allprop"));
    };
    let scope = need(need(search, "from")?, "scope")?;
    let href = need(scope, "href")?.text().trim().to_owned();
    let depth = match scope.child(DAV, "depth").map(|d| d.text()) {
        None => ScopeDepth::Infinity,
        Some(d) => match d.trim() {
            "0" => ScopeDepth::Zero,
            "1" => ScopeDepth::One,
            v if v.eq_ignore_ascii_case("infinity") => ScopeDepth::Infinity,
            _ => return Err(bad("scope depth must be 0, 1 or infinity")),
        },
    };
    let mut conditions = need(search, "where")?.elements();
    let filter = match (conditions.next(), conditions.next()) {
        (Some(only), None) => condition(only)?,
        _ => return Err(bad("where must hold exactly one condition")),
    };
    let limit = match search.child(DAV, "limit") {
        None => None,
        Some(limit) => Some(
            need(limit, "nresults")?
                .text()
                .trim()
                .parse()
                .map_err(|_| bad("nresults is not a count"))?,
        ),
    };
    Ok(SearchQuery {
        select,
        scope: href,
        depth,
        filter,
        limit,
    })
}

fn condition(e: &Element) -> Result<Filter, BadXml> {
    if e.ns != DAV {
        return Err(bad(format!("unsupported condition '{}'", e.name)));
    }
    match e.name.as_str() {
        "and" | "or" => {
            let parts = e.elements().map(condition).collect::<Result<Vec<_>, _>>()?;
            if parts.is_empty() {
                return Err(bad(format!("{} holds no condition", e.name)));
            }
            Ok(if e.name == "and" {
                Filter::And(parts)
            } else {
                Filter::Or(parts)
            })
        }
        "eq" | "like" => {
            let mut props = need(e, "prop")?.elements();
            let prop = match (props.next(), props.next()) {
                (Some(p), None) => p,
                _ => return Err(bad("a comparison names exactly one property")),
            };
            let literal = need(e, "literal")?.text();
            match (prop.ns.as_str(), prop.name.as_str(), e.name.as_str()) {
                (OC, "fileid", "eq") => Ok(Filter::FileId(file_id(&literal)?)),
                (DAV, "displayname", "eq") => Ok(Filter::Name(NameMatch::Exact(literal))),
                (DAV, "displayname", "like") => Ok(Filter::Name(NameMatch::Like(literal))),
                _ => Err(bad(format!(
                    "unsupported comparison {} on {}",
                    e.name, prop.name
                ))),
            }
        }
        other => Err(bad(format!("unsupported condition '{other}'"))),
    }
}

/// A file id as clients send it: plain (`42`) or as `oc:id` spells it (`00000042ocferry0000`,
/// which is what `OC-FileId` carries and nc-py-api searches for).
fn file_id(literal: &str) -> Result<i64, BadXml> {
    let digits: String = literal
        .trim()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits
        .parse()
        .map_err(|_| bad("the file id is not a number"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const BY_ID: &str = r#"<?xml version='1.0' encoding='utf-8'?>
<d:searchrequest xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns"><d:basicsearch><d:select><d:prop><d:getetag /><oc:fileid /></d:prop></d:select><d:from><d:scope><d:href>/files/carol/</d:href><d:depth>infinity</d:depth></d:scope></d:from><d:where><d:eq><d:prop><oc:fileid /></d:prop><d:literal>00000042ocferry0000</d:literal></d:eq></d:where></d:basicsearch></d:searchrequest>"#;

    #[test]
    fn reads_nc_py_api_by_id() {
        let q = parse_search(BY_ID.as_bytes()).unwrap();
        assert_eq!(q.filter, Filter::FileId(42));
        assert_eq!(q.scope, "/files/carol/");
        assert_eq!(q.depth, ScopeDepth::Infinity);
        assert_eq!(q.limit, None);
        assert!(matches!(q.select, PropfindRequest::Props(ref p) if p.len() == 2));
    }

    #[test]
    fn reads_names_combinations_and_limits() {
        let body = r#"<d:searchrequest xmlns:d="DAV:"><d:basicsearch><d:select><d:allprop/></d:select><d:from><d:scope><d:href>/files/u/docs</d:href><d:depth>1</d:depth></d:scope></d:from><d:where><d:or><d:like><d:prop><d:displayname/></d:prop><d:literal>%.txt</d:literal></d:like><d:eq><d:prop><d:displayname/></d:prop><d:literal>a</d:literal></d:eq></d:or></d:where><d:limit><d:nresults>5</d:nresults></d:limit></d:basicsearch></d:searchrequest>"#;
        let q = parse_search(body.as_bytes()).unwrap();
        assert_eq!(q.depth, ScopeDepth::One);
        assert_eq!(q.limit, Some(5));
        assert!(q.filter.matches(1, "x.TXT") && q.filter.matches(1, "a"));
        assert!(!q.filter.matches(1, "b"));
    }

    #[test]
    fn refuses_what_it_does_not_answer() {
        for body in [
            "<x/>",
            r#"<d:searchrequest xmlns:d="DAV:"/>"#,
            r#"<d:searchrequest xmlns:d="DAV:"><d:basicsearch><d:select><d:allprop/></d:select><d:from><d:scope><d:href>/files/u</d:href></d:scope></d:from><d:where><d:gt><d:prop><d:getcontentlength/></d:prop><d:literal>1</d:literal></d:gt></d:where></d:basicsearch></d:searchrequest>"#,
            r#"<d:searchrequest xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns"><d:basicsearch><d:select><d:allprop/></d:select><d:from><d:scope><d:href>/files/u</d:href></d:scope></d:from><d:where><d:eq><d:prop><oc:fileid/></d:prop><d:literal>abc</d:literal></d:eq></d:where></d:basicsearch></d:searchrequest>"#,
            r#"<!DOCTYPE d [<!ENTITY x "y">]><d:searchrequest xmlns:d="DAV:"/>"#,
        ] {
            assert!(parse_search(body.as_bytes()).is_err(), "{body}");
        }
    }
}
