//! How hard the stores work to keep an acknowledged write through a power loss.

use std::fmt;
use std::str::FromStr;

/// The stores' durability, one setting for the metadata database and the content store.
///
/// Either way a write survives the server process crashing: content is renamed into place
/// only when whole and the database commits atomically. The difference is the operating
/// system's crash or a power loss:
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Durability {
    /// Every acknowledged write is on disk: content files and their folders are fsynced,
    /// SQLite syncs its WAL on each commit (`synchronous=FULL`), PostgreSQL waits for its
    /// WAL flush. The default.
    #[default]
    Strict,
    /// The last moments of acknowledged writes may be lost on power loss (never torn or
    /// mixed up): no fsync of content, SQLite `synchronous=NORMAL`, PostgreSQL
    /// `synchronous_commit=off`. What plain WebDAV servers do; several times more small
    /// writes per second.
    Relaxed,
}

impl Durability {
    /// Whether writes are fsynced before they are acknowledged.
    pub fn syncs(self) -> bool {
        self == Durability::Strict
    }
}

impl FromStr for Durability {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "strict" => Ok(Durability::Strict),
            "relaxed" => Ok(Durability::Relaxed),
            _ => Err("must be strict or relaxed".into()),
        }
    }
}

impl fmt::Display for Durability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Durability::Strict => "strict",
            Durability::Relaxed => "relaxed",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_prints() {
        assert_eq!("Relaxed".parse::<Durability>(), Ok(Durability::Relaxed));
        assert_eq!(" strict ".parse::<Durability>(), Ok(Durability::Strict));
        assert!("fast".parse::<Durability>().is_err());
        assert_eq!(Durability::Relaxed.to_string(), "relaxed");
        assert!(Durability::default().syncs());
    }
}
