//! `ferry group …`: group administration against the same database the server uses.

use std::sync::Arc;

use anyhow::bail;
use clap::{Args, Subcommand};
use ferry_core::groups::{GroupDeletion, NewGroup, PermissionsInput};
use ferry_core::model::PermissionLevel;
use ferry_core::names::parse_quota;
use ferry_core::{Actor, Ferry, SystemClock};

use crate::settings::StoreSettings;
use crate::wiring::open_ferry;

#[derive(Debug, Subcommand)]
pub enum GroupCommand {
    /// Create a group (with its own home and incoming folders).
    Add(GroupAddArgs),
    /// List groups.
    List,
    /// Delete a group, its memberships and tags; its files go with it unless transferred.
    Delete(GroupDeleteArgs),
    /// Add a user to a group.
    MemberAdd(MemberAddArgs),
    /// Remove a user from a group.
    MemberRemove(MemberRemoveArgs),
}

#[derive(Debug, Args)]
pub struct GroupAddArgs {
    /// The group's name (at least 3 characters).
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub description: Option<String>,
    /// Disk quota such as 5GB, 500MB or 0 for unlimited.
    #[arg(long, default_value = "0")]
    pub quota: String,
    /// What new members may do when none is given: read, edit or admin.
    #[arg(long, default_value = "edit")]
    pub default_permission: String,
}

#[derive(Debug, Args)]
pub struct GroupDeleteArgs {
    /// The group's id, slug or name.
    pub group: String,
    /// Confirms the deletion (FileAgo's confirm_delete=yes).
    #[arg(long)]
    pub yes: bool,
    /// A user (id, username or email) or group (id, slug or name) that gets the group's
    /// home contents, in a folder named after the group.
    #[arg(long)]
    pub transfer_to: Option<String>,
}

#[derive(Debug, Args)]
pub struct MemberAddArgs {
    /// The group's id, slug or name.
    pub group: String,
    /// The user's id, username or email.
    pub user: String,
    /// Make the member a group administrator.
    #[arg(long)]
    pub admin: bool,
    /// Node permissions, comma-separated: read,write,delete,download [default: the group's level]
    #[arg(long, value_delimiter = ',')]
    pub node_permissions: Option<Vec<String>>,
    /// Tag permissions, comma-separated: create,delete [default: the group's level]
    #[arg(long, value_delimiter = ',')]
    pub tag_permissions: Option<Vec<String>>,
    /// Share permissions, comma-separated [default: the group's level]
    #[arg(long, value_delimiter = ',')]
    pub share_permissions: Option<Vec<String>>,
}

#[derive(Debug, Args)]
pub struct MemberRemoveArgs {
    /// The group's id, slug or name.
    pub group: String,
    /// The user's id, username or email.
    pub user: String,
}

pub async fn run(stores: &StoreSettings, command: GroupCommand) -> anyhow::Result<()> {
    let ferry = open_ferry(stores, Arc::new(SystemClock)).await?;
    let system = Actor::System;
    match command {
        GroupCommand::Add(args) => {
            let Some(level) = PermissionLevel::parse(args.default_permission.trim()) else {
                bail!("--default-permission must be read, edit or admin");
            };
            let group = ferry
                .create_group(
                    &system,
                    NewGroup {
                        name: args.name,
                        description: args.description,
                        quota_bytes: parse_quota(&args.quota)?,
                        default_permission: level,
                    },
                )
                .await?;
            println!(
                "created group {} ({}, slug {})",
                group.name, group.id, group.slug
            );
        }
        GroupCommand::List => list(&ferry, &system).await?,
        GroupCommand::Delete(args) => {
            if !args.yes {
                bail!("deleting a group needs --yes");
            }
            let group = ferry.find_group(&system, &args.group).await?;
            let transfer_to = match &args.transfer_to {
                Some(who) => Some(owner_uuid(&ferry, &system, who).await?),
                None => None,
            };
            ferry
                .delete_group(
                    &system,
                    group.id,
                    GroupDeletion {
                        confirmed: true,
                        transfer_to,
                    },
                )
                .await?;
            match transfer_to {
                Some(to) => println!(
                    "deleted group {} ({}); its files went to {to}",
                    group.name, group.id
                ),
                None => println!(
                    "deleted group {} ({}) and everything it owned",
                    group.name, group.id
                ),
            }
        }
        GroupCommand::MemberAdd(args) => {
            let group = ferry.find_group(&system, &args.group).await?;
            let user = ferry.find_user(&system, &args.user).await?;
            let member = ferry
                .add_group_member(
                    &system,
                    group.id,
                    user.id,
                    PermissionsInput {
                        is_admin: Some(args.admin),
                        node: args.node_permissions,
                        tag: args.tag_permissions,
                        share: args.share_permissions,
                    },
                )
                .await?;
            let names: Vec<_> = member
                .membership
                .permissions
                .node
                .iter()
                .map(|p| p.as_str())
                .collect();
            println!(
                "added {} to {} ({}{})",
                user.username,
                group.name,
                names.join(","),
                if args.admin { ", group admin" } else { "" }
            );
        }
        GroupCommand::MemberRemove(args) => {
            let group = ferry.find_group(&system, &args.group).await?;
            let user = ferry.find_user(&system, &args.user).await?;
            ferry
                .remove_group_member(&system, group.id, user.id)
                .await?;
            println!("removed {} from {}", user.username, group.name);
        }
    }
    Ok(())
}

/// A user's or group's id from how a person names it.
pub(crate) async fn owner_uuid(
    ferry: &Ferry,
    system: &Actor,
    who: &str,
) -> anyhow::Result<uuid::Uuid> {
    if let Ok(user) = ferry.find_user(system, who).await {
        return Ok(user.id.as_uuid());
    }
    match ferry.find_group(system, who).await {
        Ok(group) => Ok(group.id.as_uuid()),
        Err(_) => bail!("--transfer-to: '{who}' is no user or group"),
    }
}

async fn list(ferry: &Ferry, system: &Actor) -> anyhow::Result<()> {
    let groups = ferry.list_groups(system).await?;
    println!(
        "{:<36}  {:<24}  {:<12}  {:<7}  NAME",
        "ID", "SLUG", "QUOTA", "MEMBERS"
    );
    for g in groups {
        let members = ferry.group_members(system, g.id).await?.len();
        let quota = if g.quota_bytes == 0 {
            "unlimited".to_owned()
        } else {
            g.quota_bytes.to_string()
        };
        println!(
            "{:<36}  {:<24}  {:<12}  {:<7}  {}",
            g.id, g.slug, quota, members, g.name
        );
    }
    Ok(())
}
