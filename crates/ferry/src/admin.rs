//! `ferry user …`: account administration against the same database the server uses.

use std::io::BufRead;
use std::sync::Arc;

use anyhow::{Context, bail};
use ferry_core::accounts::NewUser;
use ferry_core::names::parse_quota;
use ferry_core::{Actor, Ferry, SystemClock};

use crate::cli::{PasswordArgs, UserCommand};
use crate::settings::StoreSettings;
use crate::wiring::open_ferry;

pub async fn run(stores: &StoreSettings, command: UserCommand) -> anyhow::Result<()> {
    let ferry = open_ferry(stores, Arc::new(SystemClock)).await?;
    let system = Actor::System;
    match command {
        UserCommand::Add(args) => {
            let (password, generated) = password_from(&args.password, true)?;
            let quota_bytes = parse_quota(&args.quota)?;
            let user = ferry
                .create_user(
                    &system,
                    NewUser {
                        username: args.username.unwrap_or_else(|| args.email.clone()),
                        email: Some(args.email),
                        display_name: args.display_name,
                        password,
                        is_admin: args.admin,
                        quota_bytes,
                    },
                )
                .await?;
            println!("created user {} ({})", user.username, user.id);
            if let Some(password) = generated {
                println!("password: {password}");
            }
        }
        UserCommand::List => list(&ferry, &system).await?,
        UserCommand::Passwd(args) => {
            let user = ferry.find_user(&system, &args.user).await?;
            let (password, generated) = password_from(&args.password, true)?;
            ferry.set_password(&system, user.id, password).await?;
            println!(
                "password changed for {}; their sessions were ended",
                user.username
            );
            if let Some(password) = generated {
                println!("password: {password}");
            }
        }
        UserCommand::Disable(args) => set_active(&ferry, &system, &args.user, false).await?,
        UserCommand::Enable(args) => set_active(&ferry, &system, &args.user, true).await?,
        UserCommand::Quota(args) => {
            let user = ferry.find_user(&system, &args.user).await?;
            let quota_bytes = parse_quota(&args.size)?;
            ferry
                .set_account_quota(&system, user.id, quota_bytes)
                .await?;
            println!(
                "quota of {} set to {quota_bytes} bytes{}",
                user.username,
                if quota_bytes == 0 { " (unlimited)" } else { "" }
            );
        }
        UserCommand::Delete(args) => {
            let user = ferry.find_user(&system, &args.user).await?;
            match &args.transfer_to {
                None => {
                    ferry.delete_user(&system, user.id).await?;
                    println!(
                        "deleted user {} ({}) and everything they owned",
                        user.username, user.id
                    );
                }
                Some(who) => {
                    let to = crate::admin_groups::owner_uuid(&ferry, &system, who).await?;
                    ferry.delete_account(&system, user.id, Some(to)).await?;
                    println!(
                        "deleted user {} ({}); their files went to {to}",
                        user.username, user.id
                    );
                }
            }
        }
    }
    Ok(())
}

async fn set_active(ferry: &Ferry, system: &Actor, who: &str, active: bool) -> anyhow::Result<()> {
    let user = ferry.find_user(system, who).await?;
    ferry.set_account_active(system, user.id, active).await?;
    let state = if active { "enabled" } else { "disabled" };
    println!("{state} user {} ({})", user.username, user.id);
    Ok(())
}

async fn list(ferry: &Ferry, system: &Actor) -> anyhow::Result<()> {
    let users = ferry.list_users(system).await?;
    println!(
        "{:<36}  {:<24}  {:<28}  {:<5}  {:<6}  NAME",
        "ID", "USERNAME", "EMAIL", "ADMIN", "ACTIVE"
    );
    for u in users {
        println!(
            "{:<36}  {:<24}  {:<28}  {:<5}  {:<6}  {}",
            u.id,
            u.username,
            u.email.as_deref().unwrap_or("-"),
            if u.is_admin { "yes" } else { "no" },
            if u.is_active { "yes" } else { "no" },
            u.display_name
        );
    }
    Ok(())
}

/// The password from the flag or standard input; with neither, a random one (returned twice
/// so it can be printed once).
fn password_from(
    args: &PasswordArgs,
    may_generate: bool,
) -> anyhow::Result<(String, Option<String>)> {
    if let Some(p) = &args.password {
        return Ok((p.clone(), None));
    }
    if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        let line = line.trim_end_matches(['\r', '\n']).to_owned();
        if line.is_empty() {
            bail!("no password on standard input");
        }
        return Ok((line, None));
    }
    if !may_generate {
        bail!("give --password or --password-stdin");
    }
    let generated = ferry_core::secret::new_password()?;
    Ok((generated.clone(), Some(generated)))
}
