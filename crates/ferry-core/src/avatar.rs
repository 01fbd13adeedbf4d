//! Avatars as FileAgo sends them: a base64 PNG or JPEG data URL, or "" for the default.
//! Shared by users and groups so every face applies the same rule.

use data_encoding::BASE64;

use crate::error::{Error, Result};

/// The largest decoded image accepted. A data URL is a third larger than the image and has
/// to fit in a 1 MiB JSON body with the rest of the request.
pub const MAX_AVATAR_BYTES: usize = 512 * 1024;

const PREFIXES: [(&str, &[u8]); 3] = [
    ("data:image/png;base64,", b"\x89PNG\r\n\x1a\n"),
    ("data:image/jpeg;base64,", b"\xff\xd8\xff"),
    ("data:image/jpg;base64,", b"\xff\xd8\xff"),
];

/// Checks an avatar as sent: `Ok(None)` for "" (back to the default), `Ok(Some(url))` for a
/// PNG or JPEG data URL whose bytes decode and really start like that kind of image.
pub fn parse_avatar(text: &str) -> Result<Option<String>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let Some((prefix, magic)) = PREFIXES.iter().find(|(p, _)| {
        text.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    }) else {
        return Err(Error::invalid(
            "avatar",
            "must be a base64 data URL of a PNG or JPEG image",
        ));
    };
    let payload = text.get(prefix.len()..).unwrap_or_default();
    // Checked before decoding so an oversize payload costs nothing.
    if payload.len() > MAX_AVATAR_BYTES.div_ceil(3) * 4 {
        return Err(Error::invalid("avatar", "must be at most 512 KiB"));
    }
    let bytes = BASE64
        .decode(payload.as_bytes())
        .map_err(|_| Error::invalid("avatar", "is not valid base64"))?;
    if !bytes.starts_with(magic) {
        return Err(Error::invalid(
            "avatar",
            "does not hold the image type it names",
        ));
    }
    Ok(Some(format!("{}{payload}", prefix.to_ascii_lowercase())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_png_and_jpeg_and_resets_on_empty() {
        let png = format!(
            "data:image/png;base64,{}",
            BASE64.encode(b"\x89PNG\r\n\x1a\nrest")
        );
        assert_eq!(parse_avatar(&png).ok().flatten(), Some(png.clone()));
        let jpeg = format!(
            "data:image/jpeg;base64,{}",
            BASE64.encode(b"\xff\xd8\xffxx")
        );
        assert!(parse_avatar(&jpeg).is_ok());
        assert_eq!(parse_avatar("").ok(), Some(None));
    }

    #[test]
    fn refuses_everything_else() {
        let gif = format!("data:image/gif;base64,{}", BASE64.encode(b"GIF89a"));
        let liar = format!("data:image/png;base64,{}", BASE64.encode(b"<svg/>"));
        let huge = format!("data:image/png;base64,{}", "A".repeat(MAX_AVATAR_BYTES * 2));
        for bad in [
            "/images/x.png",
            "data:image/png;base64,!!!",
            gif.as_str(),
            liar.as_str(),
            huge.as_str(),
        ] {
            assert!(parse_avatar(bad).is_err(), "{bad:.40}");
        }
    }
}
