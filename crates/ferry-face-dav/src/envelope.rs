//! WebDAV's response envelope: XML written with quick-xml's `Writer` (never `format!`),
//! `207 Multi-Status` with the content type Nextcloud clients insist on.

use axum::body::Body;
use axum::response::Response;
use ferry_core::Error;
use http::header::CONTENT_TYPE;
use http::{HeaderValue, StatusCode};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

use crate::xml::{DAV, NC, OC};

/// Exactly this: the desktop client refuses `text/xml` and other spellings.
pub const XML_CONTENT_TYPE: &str = "application/xml; charset=utf-8";

/// The prefix a namespace is written with; `None` for namespaces declared per element.
pub fn prefix_of(ns: &str) -> Option<&'static str> {
    match ns {
        DAV => Some("d"),
        OC => Some("oc"),
        NC => Some("nc"),
        _ => None,
    }
}

/// An XML document being written. Writing into memory cannot fail, but the writer's API
/// says it might, so the first error is kept and reported by [`XmlOut::finish`].
pub struct XmlOut {
    writer: Writer<Vec<u8>>,
    failed: Option<std::io::Error>,
}

impl XmlOut {
    pub fn new() -> Self {
        let mut out = XmlOut {
            writer: Writer::new(Vec::with_capacity(4096)),
            failed: None,
        };
        out.event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)));
        out
    }

    /// A writer for a piece of a document whose start was written elsewhere (the chunks of
    /// a streamed multistatus): no XML declaration.
    pub fn continued() -> Self {
        XmlOut {
            writer: Writer::new(Vec::with_capacity(64 * 1024)),
            failed: None,
        }
    }

    fn event(&mut self, event: Event<'_>) {
        if self.failed.is_none()
            && let Err(e) = self.writer.write_event(event)
        {
            self.failed = Some(e);
        }
    }

    /// Opens the document's root with the d, oc and nc namespaces declared.
    pub fn root(&mut self, name: &str) {
        let mut start = BytesStart::new(format!("d:{name}"));
        start.push_attribute(("xmlns:d", DAV));
        start.push_attribute(("xmlns:oc", OC));
        start.push_attribute(("xmlns:nc", NC));
        self.event(Event::Start(start));
    }

    fn qname(ns: &str, name: &str) -> (String, Option<(&'static str, String)>) {
        match prefix_of(ns) {
            Some(p) => (format!("{p}:{name}"), None),
            None if ns.is_empty() => (name.to_owned(), Some(("xmlns", String::new()))),
            None => (format!("x:{name}"), Some(("xmlns:x", ns.to_owned()))),
        }
    }

    fn start_of(ns: &str, name: &str) -> (BytesStart<'static>, String) {
        let (qname, decl) = Self::qname(ns, name);
        let mut start = BytesStart::new(qname.clone());
        if let Some((key, value)) = decl {
            start.push_attribute((key, value.as_str()));
        }
        (start, qname)
    }

    /// Opens `<d:name>` (a DAV: element).
    pub fn open(&mut self, name: &str) {
        self.open_ns(DAV, name);
    }

    pub fn close(&mut self, name: &str) {
        self.close_ns(DAV, name);
    }

    /// Writes markup pieces as they are. Only for tags of the declared prefixes, whose names
    /// are Ferry's own or were read from well-formed XML, so they need no escaping: this
    /// skips building a `BytesStart` (and its name's allocation) per element, which was a
    /// fifth of a 10,000-entry listing's time.
    fn raw(&mut self, pieces: &[&str]) {
        let buf = self.writer.get_mut();
        for piece in pieces {
            buf.extend_from_slice(piece.as_bytes());
        }
    }

    pub fn open_ns(&mut self, ns: &str, name: &str) {
        if let Some(p) = prefix_of(ns) {
            return self.raw(&["<", p, ":", name, ">"]);
        }
        let (start, _) = Self::start_of(ns, name);
        self.event(Event::Start(start));
    }

    pub fn close_ns(&mut self, ns: &str, name: &str) {
        if let Some(p) = prefix_of(ns) {
            return self.raw(&["</", p, ":", name, ">"]);
        }
        let (qname, _) = Self::qname(ns, name);
        self.event(Event::End(BytesEnd::new(qname)));
    }

    pub fn empty_ns(&mut self, ns: &str, name: &str) {
        if let Some(p) = prefix_of(ns) {
            return self.raw(&["<", p, ":", name, "/>"]);
        }
        let (start, _) = Self::start_of(ns, name);
        self.event(Event::Empty(start));
    }

    pub fn empty(&mut self, name: &str) {
        self.empty_ns(DAV, name);
    }

    /// `<p:name>text</p:name>` (empty text gives `<p:name></p:name>`, which clients read as "").
    pub fn text_ns(&mut self, ns: &str, name: &str, text: &str) {
        self.open_ns(ns, name);
        self.text(text);
        self.close_ns(ns, name);
    }

    pub fn text_el(&mut self, name: &str, text: &str) {
        self.text_ns(DAV, name, text);
    }

    pub fn text(&mut self, text: &str) {
        if !text.is_empty() {
            let escaped = quick_xml::escape::escape(text);
            self.raw(&[&escaped]);
        }
    }

    /// Writes a fragment Ferry produced itself (a stored dead property or lock owner),
    /// which is well-formed XML by construction.
    pub fn fragment(&mut self, xml: &str) {
        if !xml.is_empty() {
            self.event(Event::Text(BytesText::from_escaped(xml)));
        }
    }

    pub fn finish(self) -> Result<Vec<u8>, Error> {
        match self.failed {
            Some(e) => Err(Error::internal(format_args!("writing XML: {e}"))),
            None => Ok(self.writer.into_inner()),
        }
    }
}

impl Default for XmlOut {
    fn default() -> Self {
        Self::new()
    }
}

/// A response with an XML body.
pub fn xml_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(XML_CONTENT_TYPE));
    response
}

/// The text of a status line in a multistatus (`HTTP/1.1 404 Not Found`).
pub fn status_line(status: StatusCode) -> String {
    format!(
        "HTTP/1.1 {} {}",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    )
}

/// An empty response with a status.
pub fn status(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn writes_prefixed_and_foreign_elements_with_escaped_text() {
        let mut out = XmlOut::new();
        out.root("multistatus");
        out.text_el("href", "/a b&<c>\"'");
        out.empty_ns(OC, "favorite");
        out.text_ns("urn:x", "color", "red");
        out.close("multistatus");
        let mut more = XmlOut::continued();
        more.open("response");
        more.close("response");
        let text = String::from_utf8(out.finish().unwrap()).unwrap();
        assert_eq!(
            text,
            concat!(
                r#"<?xml version="1.0" encoding="utf-8"?>"#,
                r#"<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns" xmlns:nc="http://nextcloud.org/ns">"#,
                "<d:href>/a b&amp;&lt;c&gt;&quot;&apos;</d:href><oc:favorite/>",
                r#"<x:color xmlns:x="urn:x">red</x:color></d:multistatus>"#
            )
        );
        assert_eq!(more.finish().unwrap(), b"<d:response></d:response>");
    }
}
