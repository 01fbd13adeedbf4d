//! The request bodies WebDAV sends, read from the element tree: PROPFIND, PROPPATCH and
//! LOCK. Wire shapes live only here.

use ferry_core::files::Usage;

use crate::xml::{BadXml, DAV, Element, fragment, parse};

/// A property's name.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PropName {
    pub ns: String,
    pub name: String,
}

impl PropName {
    pub fn new(ns: &str, name: &str) -> Self {
        PropName {
            ns: ns.to_owned(),
            name: name.to_owned(),
        }
    }
    fn of(e: &Element) -> Self {
        PropName::new(&e.ns, &e.name)
    }
}

/// What a PROPFIND asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PropfindRequest {
    /// Every property (plus the named ones `<include>` adds).
    AllProp(Vec<PropName>),
    /// The names of every property, without values.
    PropName,
    Props(Vec<PropName>),
}

impl PropfindRequest {
    /// Whether the owner's usage has to be counted: only when a quota property is asked
    /// for by name (`allprop` does not list them).
    pub fn usage(&self) -> Usage {
        let names = match self {
            PropfindRequest::Props(names) | PropfindRequest::AllProp(names) => names,
            PropfindRequest::PropName => return Usage::Skip,
        };
        let quota = |p: &PropName| {
            p.ns == DAV
                && matches!(
                    p.name.as_str(),
                    "quota-used-bytes" | "quota-available-bytes"
                )
        };
        if names.iter().any(quota) {
            Usage::Count
        } else {
            Usage::Skip
        }
    }
}

fn bad(reason: &str) -> BadXml {
    BadXml(reason.to_owned())
}

/// An empty body means `allprop` (RFC 4918 §9.1).
pub fn propfind(body: &[u8]) -> Result<PropfindRequest, BadXml> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(PropfindRequest::AllProp(Vec::new()));
    }
    let root = parse(body)?;
    if !root.is(DAV, "propfind") {
        return Err(bad("the root is not DAV:propfind"));
    }
    if let Some(prop) = root.child(DAV, "prop") {
        return Ok(PropfindRequest::Props(
            prop.elements().map(PropName::of).collect(),
        ));
    }
    if root.child(DAV, "propname").is_some() {
        return Ok(PropfindRequest::PropName);
    }
    if root.child(DAV, "allprop").is_some() {
        let include = root
            .child(DAV, "include")
            .map(|i| i.elements().map(PropName::of).collect())
            .unwrap_or_default();
        return Ok(PropfindRequest::AllProp(include));
    }
    Err(bad("propfind names no prop, propname or allprop"))
}

/// One instruction of a PROPPATCH, in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PatchOp {
    /// The name, the value as a fragment, and its text (for live properties Ferry reads).
    Set(PropName, String, String),
    Remove(PropName),
}

pub fn proppatch(body: &[u8]) -> Result<Vec<PatchOp>, BadXml> {
    let root = parse(body)?;
    if !root.is(DAV, "propertyupdate") {
        return Err(bad("the root is not DAV:propertyupdate"));
    }
    let mut ops = Vec::new();
    for action in root.elements() {
        let set = match (action.ns.as_str(), action.name.as_str()) {
            (DAV, "set") => true,
            (DAV, "remove") => false,
            _ => continue,
        };
        for prop in action.elements().filter(|e| e.is(DAV, "prop")) {
            for p in prop.elements() {
                ops.push(if set {
                    PatchOp::Set(PropName::of(p), fragment(&p.children), p.text())
                } else {
                    PatchOp::Remove(PropName::of(p))
                });
            }
        }
    }
    if ops.is_empty() {
        return Err(bad("propertyupdate changes nothing"));
    }
    Ok(ops)
}

/// A LOCK body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockInfo {
    pub exclusive: bool,
    pub owner_xml: String,
}

pub fn lockinfo(body: &[u8]) -> Result<LockInfo, BadXml> {
    let root = parse(body)?;
    if !root.is(DAV, "lockinfo") {
        return Err(bad("the root is not DAV:lockinfo"));
    }
    let scope = root
        .child(DAV, "lockscope")
        .ok_or_else(|| bad("lockinfo has no lockscope"))?;
    let exclusive = if scope.child(DAV, "exclusive").is_some() {
        true
    } else if scope.child(DAV, "shared").is_some() {
        false
    } else {
        return Err(bad("unknown lock scope"));
    };
    let kind = root
        .child(DAV, "locktype")
        .ok_or_else(|| bad("lockinfo has no locktype"))?;
    if kind.child(DAV, "write").is_none() {
        return Err(bad("only write locks exist"));
    }
    let owner_xml = root
        .child(DAV, "owner")
        .map(|o| fragment(&o.children))
        .unwrap_or_default();
    Ok(LockInfo {
        exclusive,
        owner_xml,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_propfind_forms() {
        assert_eq!(propfind(b"").unwrap(), PropfindRequest::AllProp(vec![]));
        assert_eq!(
            propfind(br#"<propfind xmlns="DAV:"><prop><getetag/><x:y xmlns:x="urn:x"/></prop></propfind>"#)
                .unwrap(),
            PropfindRequest::Props(vec![PropName::new(DAV, "getetag"), PropName::new("urn:x", "y")])
        );
        assert_eq!(
            propfind(br#"<d:propfind xmlns:d="DAV:"><d:propname/></d:propfind>"#).unwrap(),
            PropfindRequest::PropName
        );
        assert!(propfind(b"<foo/>").is_err());
    }

    #[test]
    fn reads_patches_in_order() {
        let ops = proppatch(
            br#"<d:propertyupdate xmlns:d="DAV:" xmlns:z="urn:z"><d:set><d:prop><z:a>v</z:a></d:prop></d:set><d:remove><d:prop><z:b/></d:prop></d:remove></d:propertyupdate>"#,
        )
        .unwrap();
        assert_eq!(
            ops,
            [
                PatchOp::Set(PropName::new("urn:z", "a"), "v".into(), "v".into()),
                PatchOp::Remove(PropName::new("urn:z", "b")),
            ]
        );
    }

    #[test]
    fn reads_lockinfo() {
        let info = lockinfo(
            br#"<D:lockinfo xmlns:D="DAV:"><D:lockscope><D:shared/></D:lockscope><D:locktype><D:write/></D:locktype><D:owner><D:href>me</D:href></D:owner></D:lockinfo>"#,
        )
        .unwrap();
        assert!(!info.exclusive);
        assert_eq!(info.owner_xml, r#"<href xmlns="DAV:">me</href>"#);
    }
}
