//! Newtype ids: a `NodeId` can never be passed where a `UserId` is expected.

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh, time-ordered id (UUID v7).
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

uuid_id!(
    /// A user account.
    UserId
);
uuid_id!(
    /// A group (FileAgo group, OCS group, FileOnion team).
    GroupId
);
uuid_id!(
    /// A file or folder.
    NodeId
);
uuid_id!(
    /// A login session.
    SessionId
);
uuid_id!(
    /// A chunked upload session (a Nextcloud upload folder or a legacy `-chunking-` transfer).
    UploadId
);
uuid_id!(
    /// An app password (a device's own credential, revocable on its own).
    AppPasswordId
);
uuid_id!(
    /// A pending Nextcloud login flow v2.
    LoginFlowId
);
uuid_id!(
    /// An API key (`fo_live_…`).
    ApiKeyId
);
uuid_id!(
    /// A tag a group owns.
    GroupTagId
);
uuid_id!(
    /// A message waiting in the outgoing-mail table.
    MailId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = NodeId::generate();
        let parsed: NodeId = id.to_string().parse().expect("parse");
        assert_eq!(id, parsed);
        assert!("not-a-uuid".parse::<NodeId>().is_err());
    }

    #[test]
    fn generated_ids_sort_by_time() {
        let a = UserId::generate();
        let b = UserId::generate();
        assert!(a < b);
    }
}
