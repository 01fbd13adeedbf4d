//! Reading request bodies into a small element tree, safely, and writing XML fragments.
//!
//! Hostile input is refused, never expanded: a `<!DOCTYPE` (the door to external entities
//! and entity expansion) is an error, only the five predefined entities and character
//! references are resolved, nesting is bounded, and undeclared prefixes are errors.

use quick_xml::NsReader;
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use quick_xml::name::ResolveResult;

/// Deeper nesting than any real WebDAV body is refused.
pub const MAX_DEPTH: usize = 64;

/// The DAV: namespace.
pub const DAV: &str = "DAV:";
pub const OC: &str = "http://owncloud.org/ns";
pub const NC: &str = "http://nextcloud.org/ns";

/// An element with its namespace (`""` for none) and local name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    pub ns: String,
    pub name: String,
    pub children: Vec<Child>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Child {
    Element(Element),
    Text(String),
}

impl Element {
    pub fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    /// The child elements, text left out.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|c| match c {
            Child::Element(e) => Some(e),
            Child::Text(_) => None,
        })
    }

    pub fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.is(ns, name))
    }

    /// All text inside, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.children {
            match c {
                Child::Text(t) => out.push_str(t),
                Child::Element(e) => out.push_str(&e.text()),
            }
        }
        out
    }
}

/// Why a body was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadXml(pub String);

fn bad(reason: impl Into<String>) -> BadXml {
    BadXml(reason.into())
}

/// Parses a whole document into its root element.
pub fn parse(body: &[u8]) -> Result<Element, BadXml> {
    let text = std::str::from_utf8(body).map_err(|_| bad("the body is not UTF-8"))?;
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    loop {
        let (ns, event) = reader
            .read_resolved_event()
            .map_err(|e| bad(format!("malformed XML: {e}")))?;
        let ns = match ns {
            ResolveResult::Bound(ns) => Some(ns.0.to_owned()),
            ResolveResult::Unbound => Some(String::new()),
            ResolveResult::Unknown(prefix) => {
                return Err(bad(format!("undeclared prefix '{prefix}'")));
            }
        };
        match event {
            Event::DocType(_) => return Err(bad("document type declarations are not accepted")),
            Event::Start(e) | Event::Empty(e) if root.is_some() => {
                let _ = e;
                return Err(bad("content after the root element"));
            }
            Event::Start(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(bad("nested too deeply"));
                }
                stack.push(element(&e, ns)?);
            }
            Event::Empty(e) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(bad("nested too deeply"));
                }
                let el = element(&e, ns)?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Child::Element(el)),
                    None => root = Some(el),
                }
            }
            Event::End(_) => {
                let done = stack.pop().ok_or_else(|| bad("unbalanced end tag"))?;
                match stack.last_mut() {
                    Some(parent) => parent.children.push(Child::Element(done)),
                    None => root = Some(done),
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::CData(t) => push_text(&mut stack, &t.xml10_content())?,
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match r.xml10_content().as_ref() {
                        "lt" => "<".to_owned(),
                        "gt" => ">".to_owned(),
                        "amp" => "&".to_owned(),
                        "apos" => "'".to_owned(),
                        "quot" => "\"".to_owned(),
                        other => return Err(bad(format!("undefined entity '{other}'"))),
                    },
                    Err(e) => return Err(bad(format!("bad character reference: {e}"))),
                };
                push_text(&mut stack, &resolved)?;
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(bad("the document ends inside an element"));
    }
    root.ok_or_else(|| bad("no root element"))
}

fn element(start: &BytesStart<'_>, ns: Option<String>) -> Result<Element, BadXml> {
    // `xmlns:p=""` cannot undeclare a prefix in XML Namespaces 1.0.
    for attr in start.attributes() {
        let attr = attr.map_err(|e| bad(format!("malformed attribute: {e}")))?;
        let key = attr.key.0;
        if key.starts_with("xmlns:") && attr.value.is_empty() {
            return Err(bad("a prefix bound to the empty namespace"));
        }
    }
    Ok(Element {
        ns: ns.unwrap_or_default(),
        name: start.local_name().as_ref().to_owned(),
        children: Vec::new(),
    })
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), BadXml> {
    match stack.last_mut() {
        Some(parent) => {
            if let Some(Child::Text(prev)) = parent.children.last_mut() {
                prev.push_str(text);
            } else {
                parent.children.push(Child::Text(text.to_owned()));
            }
            Ok(())
        }
        None if text.trim().is_empty() => Ok(()),
        None => Err(bad("text outside the root element")),
    }
}

/// Writes children as a self-contained fragment: every element declares its namespace as
/// the default one, so the fragment means the same wherever it is pasted.
pub fn fragment(children: &[Child]) -> String {
    let mut writer = Writer::new(Vec::new());
    let ok = write_children(&mut writer, children).is_ok();
    let bytes = writer.into_inner();
    if ok {
        String::from_utf8(bytes).unwrap_or_default()
    } else {
        String::new()
    }
}

fn write_children(writer: &mut Writer<Vec<u8>>, children: &[Child]) -> std::io::Result<()> {
    for child in children {
        match child {
            Child::Text(t) => writer.write_event(Event::Text(BytesText::new(t)))?,
            Child::Element(e) => {
                let mut start = BytesStart::new(e.name.as_str());
                start.push_attribute(("xmlns", e.ns.as_str()));
                if e.children.is_empty() {
                    writer.write_event(Event::Empty(start))?;
                } else {
                    writer.write_event(Event::Start(start))?;
                    write_children(writer, &e.children)?;
                    writer.write_event(Event::End(BytesEnd::new(e.name.as_str())))?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn reads_namespaces_and_text() {
        let root = parse(
            br#"<?xml version="1.0"?><d:propfind xmlns:d="DAV:" xmlns:x="urn:x"><d:prop><x:a>1 &amp; 2&#x21;</x:a><b xmlns=""/></d:prop></d:propfind>"#,
        )
        .unwrap();
        assert!(root.is(DAV, "propfind"));
        let prop = root.child(DAV, "prop").unwrap();
        let a = prop.child("urn:x", "a").unwrap();
        assert_eq!(a.text(), "1 & 2!");
        assert!(prop.child("", "b").is_some());
    }

    #[test]
    fn refuses_hostile_documents() {
        let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        for body in [
            &b"<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>"[..],
            b"<x>&e;</x>",
            b"<x><y></x>",
            b"<p:x/>",
            b"",
            b"<a/><b/>",
            b"<a xmlns:p=\"\"><p:b/></a>",
            deep.as_bytes(),
            b"\xff\xfe",
        ] {
            assert!(parse(body).is_err(), "{}", String::from_utf8_lossy(body));
        }
    }

    #[test]
    fn fragments_keep_their_namespaces() {
        let root = parse(br#"<r xmlns:z="urn:z"><z:a>t&lt;<b xmlns="">x</b></z:a></r>"#).unwrap();
        let text = fragment(&root.children);
        assert_eq!(text, r#"<a xmlns="urn:z">t&lt;<b xmlns="">x</b></a>"#);
        let again = parse(format!("<w>{text}</w>").as_bytes()).unwrap();
        assert_eq!(again.children, root.children);
    }
}
