//! FileAgo's ways of naming a node: a UUID, a top-level view (`home`), or a view of another
//! owner (`home:OWNERUUID`).

use ferry_core::files::{Location, PathTarget, View};
use ferry_core::model::Owner;
use ferry_core::{Actor, Error, NodeId, Result};

pub fn parse(text: &str) -> Result<Location> {
    let (head, owner) = match text.split_once(':') {
        Some((head, owner)) => {
            let owner = uuid::Uuid::parse_str(owner)
                .map_err(|_| Error::invalid("node", "owner is not a UUID"))?;
            (head, Some(owner))
        }
        None => (text, None),
    };
    if let Some(view) = View::from_key(head) {
        return Ok(Location::View { view, owner });
    }
    if owner.is_some() {
        return Err(Error::invalid(
            "node",
            format!("'{head}' is not a top-level folder"),
        ));
    }
    text.parse::<NodeId>()
        .map(Location::Node)
        .map_err(|_| Error::invalid("node", "is not a UUID or a top-level folder"))
}

/// How a view is written back to the caller: bare for their own, `view:OWNER` for others'.
pub fn view_ref(view: View, owner: Owner, actor: &Actor) -> String {
    if actor.user_id().map(|u| u.as_uuid()) == Some(owner.uuid()) {
        view.key().to_owned()
    } else {
        format!("{}:{}", view.key(), owner.uuid())
    }
}

pub fn path_target_ref(target: PathTarget, actor: &Actor) -> String {
    match target {
        PathTarget::View(view, owner) => view_ref(view, owner, actor),
        PathTarget::Node(id) => id.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_form() {
        let id = NodeId::generate();
        assert_eq!(parse(&id.to_string()).ok(), Some(Location::Node(id)));
        assert_eq!(
            parse("trash").ok(),
            Some(Location::View {
                view: View::Trash,
                owner: None
            })
        );
        let owner = uuid::Uuid::now_v7();
        assert_eq!(
            parse(&format!("shared_with_you:{owner}")).ok(),
            Some(Location::View {
                view: View::SharedWithYou,
                owner: Some(owner)
            })
        );
        for bad in ["", "homes", "home:nope", "../etc", &format!("{id}:{owner}")] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }
}
