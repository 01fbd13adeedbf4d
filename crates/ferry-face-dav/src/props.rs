//! The live properties: what Ferry computes for every resource, in DAV:, ownCloud's and
//! Nextcloud's namespaces, and how each is written.

use std::time::{Duration, UNIX_EPOCH};

use ferry_core::files::{Described, Description, LockInfo};

use crate::dto::PropName;
use crate::envelope::XmlOut;
use crate::mount::Target;
use crate::xml::{DAV, NC, OC};

/// Ferry's instance id in `oc:id` (Nextcloud appends one to the zero-padded file id). A
/// constant: file ids are unique per database, which every instance of one server shares.
pub const INSTANCE_ID: &str = "ocferry0000";

/// The live properties `allprop` and `propname` list (RFC 4918 §9.1 leaves the set to the
/// server; these are DAV:'s own plus the ones Nextcloud clients read).
pub const ALLPROP: [(&str, &str); 13] = [
    (DAV, "resourcetype"),
    (DAV, "getlastmodified"),
    (DAV, "getcontentlength"),
    (DAV, "getcontenttype"),
    (DAV, "getetag"),
    (DAV, "creationdate"),
    (DAV, "displayname"),
    (DAV, "lockdiscovery"),
    (DAV, "supportedlock"),
    (OC, "id"),
    (OC, "fileid"),
    (OC, "permissions"),
    (OC, "size"),
];

/// Properties clients may not set or remove.
pub fn is_protected(name: &PropName) -> bool {
    match name.ns.as_str() {
        DAV => matches!(
            name.name.as_str(),
            "resourcetype"
                | "getcontentlength"
                | "getcontenttype"
                | "getetag"
                | "creationdate"
                | "lockdiscovery"
                | "supportedlock"
                | "quota-available-bytes"
                | "quota-used-bytes"
        ),
        OC => matches!(
            name.name.as_str(),
            "id" | "fileid"
                | "permissions"
                | "size"
                | "owner-id"
                | "owner-display-name"
                | "share-types"
                | "data-fingerprint"
                | "downloadURL"
                | "dDC"
                | "checksums"
        ),
        NC => matches!(
            name.name.as_str(),
            "has-preview" | "contained-file-count" | "contained-folder-count"
        ),
        _ => false,
    }
}

/// A quoted entity tag, as in `getetag` and the `ETag` header.
pub fn quoted_etag(etag: &str) -> String {
    format!("\"{etag}\"")
}

/// `oc:id`: the file id zero-padded to 8 digits, then the instance id.
pub fn oc_id(file_id: i64) -> String {
    format!("{file_id:08}{INSTANCE_ID}")
}

/// Nextcloud's permission letters (no S or M: nothing is shared or mounted yet).
fn permissions(item: &Described) -> &'static str {
    let node = &item.entry.node;
    match (node.is_dir(), node.parent.is_none()) {
        (true, true) => "RGCK",
        (true, false) => "RGDNVCK",
        (false, _) => "RGDNVW",
    }
}

pub fn http_date(ms: i64) -> String {
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0)))
}

/// RFC 3339 in UTC (`creationdate`), from the days-to-civil algorithm (H. Hinnant).
pub fn rfc3339(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

pub fn content_type(name: &str) -> String {
    mime_guess::from_path(name)
        .first_or_octet_stream()
        .essence_str()
        .to_owned()
}

/// Writes one lock as `<d:activelock>`.
pub fn write_activelock(out: &mut XmlOut, lock: &LockInfo, target: &Target, now_ms: i64) {
    out.open("activelock");
    out.open("locktype");
    out.empty("write");
    out.close("locktype");
    out.open("lockscope");
    out.empty(if lock.lock.exclusive {
        "exclusive"
    } else {
        "shared"
    });
    out.close("lockscope");
    out.text_el("depth", if lock.lock.deep { "infinity" } else { "0" });
    if !lock.lock.owner_xml.is_empty() {
        out.open("owner");
        out.fragment(&lock.lock.owner_xml);
        out.close("owner");
    }
    let left = ((lock.lock.expires_ms - now_ms) / 1000).max(0);
    out.text_el("timeout", &format!("Second-{left}"));
    out.open("locktoken");
    out.text_el("href", &lock.lock.token);
    out.close("locktoken");
    out.open("lockroot");
    out.text_el("href", &target.href(&lock.root, false));
    out.close("lockroot");
    out.close("activelock");
}

/// Writes a live property's element with its value; false when the property does not
/// exist on this resource (it then belongs in the 404 propstat).
pub fn write_live(
    out: &mut XmlOut,
    name: &PropName,
    item: &Described,
    desc: &Description,
    target: &Target,
    now_ms: i64,
) -> bool {
    let node = &item.entry.node;
    let dir = node.is_dir();
    let (ns, local) = (name.ns.as_str(), name.name.as_str());
    match (ns, local) {
        (DAV, "resourcetype") => {
            if dir {
                out.open_ns(ns, local);
                out.empty("collection");
                out.close_ns(ns, local);
            } else {
                out.empty_ns(ns, local);
            }
        }
        (DAV, "getlastmodified") => out.text_ns(ns, local, &http_date(node.updated_ms)),
        (DAV, "getcontentlength") if !dir => out.text_ns(ns, local, &node.size.to_string()),
        (DAV, "getcontenttype") => {
            let mime = if dir {
                "httpd/unix-directory".to_owned()
            } else {
                content_type(&node.name)
            };
            out.text_ns(ns, local, &mime);
        }
        (DAV, "getetag") => out.text_ns(ns, local, &quoted_etag(&node.etag)),
        (DAV, "creationdate") => out.text_ns(ns, local, &rfc3339(node.created_ms)),
        (DAV, "displayname") => {
            let shown = item.path.last().map_or("", String::as_str);
            out.text_ns(ns, local, shown);
        }
        // Usage is counted whenever a quota property is asked for by name, the only way
        // these are written (`PropfindRequest::usage`).
        (DAV, "quota-used-bytes") => {
            out.text_ns(ns, local, &desc.used_bytes.unwrap_or(0).to_string());
        }
        (DAV, "quota-available-bytes") => {
            // -3 is Nextcloud's "unlimited".
            let used = desc.used_bytes.unwrap_or(0);
            let free = desc.quota_bytes.map_or(-3, |q| (q - used).max(0));
            out.text_ns(ns, local, &free.to_string());
        }
        (DAV, "lockdiscovery") => {
            out.open_ns(ns, local);
            for lock in &item.locks {
                write_activelock(out, lock, target, now_ms);
            }
            out.close_ns(ns, local);
        }
        (DAV, "supportedlock") => {
            out.open_ns(ns, local);
            for scope in ["exclusive", "shared"] {
                out.open("lockentry");
                out.open("lockscope");
                out.empty(scope);
                out.close("lockscope");
                out.open("locktype");
                out.empty("write");
                out.close("locktype");
                out.close("lockentry");
            }
            out.close_ns(ns, local);
        }
        (OC, "fileid") => out.text_ns(ns, local, &node.file_id.to_string()),
        (OC, "id") => out.text_ns(ns, local, &oc_id(node.file_id)),
        (OC, "permissions") => out.text_ns(ns, local, permissions(item)),
        (OC, "size") => out.text_ns(ns, local, &item.stats.tree_size.to_string()),
        (OC, "checksums") => {
            out.open_ns(ns, local);
            if let Some(sum) = &item.stats.checksum {
                out.text_ns(OC, "checksum", sum);
            }
            out.close_ns(ns, local);
        }
        (OC, "favorite") => out.text_ns(ns, local, if item.entry.starred { "1" } else { "0" }),
        (OC, "owner-id") => out.text_ns(ns, local, &desc.owner_id),
        (OC, "owner-display-name") => out.text_ns(ns, local, &desc.owner_name),
        (OC, "share-types" | "data-fingerprint" | "downloadURL" | "dDC") => {
            out.text_ns(ns, local, "")
        }
        (NC, "has-preview" | "is-encrypted") => out.text_ns(ns, local, "false"),
        (NC, "contained-file-count") if dir => {
            out.text_ns(ns, local, &item.stats.files.to_string())
        }
        (NC, "contained-folder-count") if dir => {
            out.text_ns(ns, local, &item.stats.folders.to_string())
        }
        _ => return false,
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_dates_and_ids() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_704_067_200_000), "2024-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400_000 + 3_723_000), "2000-02-29T01:02:03Z");
        assert_eq!(oc_id(7), "00000007ocferry0000");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn live_names_are_protected() {
        assert!(is_protected(&PropName::new(DAV, "getetag")));
        assert!(is_protected(&PropName::new(OC, "fileid")));
        assert!(!is_protected(&PropName::new(OC, "favorite")));
        assert!(!is_protected(&PropName::new("urn:x", "getetag")));
    }
}
