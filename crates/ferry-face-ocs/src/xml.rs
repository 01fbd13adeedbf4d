//! OCS XML: the JSON envelope written as elements, lists as repeated `<element>` items,
//! as Nextcloud renders it. Written with quick-xml's writer, so text is always escaped.

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use serde_json::Value;

/// `<ocs><meta>…</meta><data>…</data></ocs>`, meta first as Nextcloud writes it.
pub fn render_ocs(meta: &Value, data: &Value) -> String {
    let mut writer = Writer::new(Vec::new());
    // Writing into a Vec cannot fail; a failed event would only shorten the document.
    let _ = writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)));
    let _ = writer.write_event(Event::Start(BytesStart::new("ocs")));
    write_element(&mut writer, "meta", meta);
    write_element(&mut writer, "data", data);
    let _ = writer.write_event(Event::End(BytesEnd::new("ocs")));
    String::from_utf8(writer.into_inner()).unwrap_or_default()
}

/// A key that is not a valid XML name (Nextcloud capability keys are) becomes `element`.
fn element_name(key: &str) -> &str {
    let valid = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if valid { key } else { "element" }
}

fn write_element(writer: &mut Writer<Vec<u8>>, key: &str, value: &Value) {
    let name = element_name(key);
    let _ = writer.write_event(Event::Start(BytesStart::new(name)));
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                write_element(writer, k, v);
            }
        }
        Value::Array(items) => {
            for item in items {
                write_element(writer, "element", item);
            }
        }
        Value::Null => {}
        Value::Bool(b) => {
            let _ = writer.write_event(Event::Text(BytesText::new(if *b { "1" } else { "" })));
        }
        Value::Number(n) => {
            let _ = writer.write_event(Event::Text(BytesText::new(&n.to_string())));
        }
        Value::String(s) => {
            let _ = writer.write_event(Event::Text(BytesText::new(s)));
        }
    }
    let _ = writer.write_event(Event::End(BytesEnd::new(name)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_nested_objects_lists_and_escapes() {
        let xml = render_ocs(
            &json!({"statuscode": 100}),
            &json!({"list": ["a<b", 2], "ok": true}),
        );
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ocs><meta><statuscode>100</statuscode></meta>\
             <data><list><element>a&lt;b</element><element>2</element></list><ok>1</ok></data></ocs>"
        );
    }
}
