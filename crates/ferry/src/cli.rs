//! The command line: `ferry serve`, `ferry user …`, `ferry group …`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "ferry",
    version,
    about = "Ferry: a self-hosted file sync-and-share server"
)]
pub struct Cli {
    #[command(flatten)]
    pub stores: StoreArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives; every command needs it.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// Folder for the embedded database and file content.
    #[arg(
        long,
        env = "FERRY_DATA_DIR",
        default_value = "./ferry-data",
        global = true
    )]
    pub data_dir: PathBuf,
    /// Metadata database: sqlite://PATH or postgres://… [default: sqlite://<data-dir>/ferry.db]
    #[arg(long, env = "FERRY_DATABASE_URL", global = true)]
    pub database_url: Option<String>,
    /// File content store: fs://PATH [default: fs://<data-dir>/blobs]
    #[arg(long, env = "FERRY_STORAGE", global = true)]
    pub storage: Option<String>,
    /// strict: every acknowledged write is fsynced (survives power loss); relaxed: left to
    /// the OS's writeback, as plain WebDAV servers do (survives a Ferry crash, may lose the
    /// last moments on power loss).
    #[arg(
        long,
        env = "FERRY_DURABILITY",
        default_value = "strict",
        global = true
    )]
    pub durability: String,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Manage user accounts (works whether the server runs or not).
    #[command(subcommand)]
    User(UserCommand),
    /// Manage groups and their members (works whether the server runs or not).
    #[command(subcommand)]
    Group(crate::admin_groups::GroupCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "FERRY_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    /// The URL clients reach the server at (links, DAV hrefs) [default: http://<listen>]
    #[arg(long, env = "FERRY_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Requests one API key may make per minute.
    #[arg(long, env = "FERRY_API_KEY_RATE_LIMIT", default_value = "100")]
    pub api_key_rate_limit: String,
    /// API requests one session, login or client address may make per minute without an
    /// API key (WebDAV and file transfers are not counted).
    #[arg(long, env = "FERRY_API_RATE_LIMIT", default_value = "600")]
    pub api_rate_limit: String,
    /// Reverse proxies (addresses or blocks such as 10.0.0.0/8, comma-separated) whose
    /// X-Forwarded-For names the client; none by default.
    #[arg(long, env = "FERRY_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: String,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user.
    Add(UserAddArgs),
    /// List users.
    List,
    /// Set a user's password (ends their sessions).
    Passwd(UserPasswdArgs),
    /// Delete a user and everything they own.
    Delete(UserDeleteArgs),
    /// Disable a user: their sessions end and they cannot log in.
    Disable(UserNameArgs),
    /// Enable a disabled user again.
    Enable(UserNameArgs),
    /// Set a user's disk quota.
    Quota(UserQuotaArgs),
}

#[derive(Debug, Args)]
pub struct UserQuotaArgs {
    /// The user's id, username or email.
    pub user: String,
    /// Disk quota such as 5GB, 500MB, a number of bytes, or 0 for unlimited.
    pub size: String,
}

#[derive(Debug, Args)]
pub struct PasswordArgs {
    /// The password (visible in the process list; prefer --password-stdin).
    #[arg(long, conflicts_with = "password_stdin")]
    pub password: Option<String>,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Email address; the user logs in to the FileAgo API with it.
    #[arg(long)]
    pub email: String,
    /// Login name [default: the email address]
    #[arg(long)]
    pub username: Option<String>,
    /// Full name shown to others.
    #[arg(long = "name")]
    pub display_name: String,
    #[command(flatten)]
    pub password: PasswordArgs,
    /// Make the user an administrator.
    #[arg(long)]
    pub admin: bool,
    /// Disk quota such as 5GB, 500MB or 0 for unlimited.
    #[arg(long, default_value = "0")]
    pub quota: String,
}

#[derive(Debug, Args)]
pub struct UserPasswdArgs {
    /// The user's id, username or email.
    pub user: String,
    #[command(flatten)]
    pub password: PasswordArgs,
}

#[derive(Debug, Args)]
pub struct UserNameArgs {
    /// The user's id, username or email.
    pub user: String,
}

#[derive(Debug, Args)]
pub struct UserDeleteArgs {
    /// The user's id, username or email.
    pub user: String,
    /// A user or group (id, name, email or slug) that gets the user's home folder contents,
    /// in a folder named after the user; without it the files are deleted with the user.
    #[arg(long)]
    pub transfer_to: Option<String>,
}
