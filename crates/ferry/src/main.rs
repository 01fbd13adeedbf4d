//! `ferry`: the Ferry server and its admin commands.

use std::process::ExitCode;

use clap::Parser;
use ferry::cli::{Cli, Command};
use ferry::settings::{
    ServeSettings, parse_listen, parse_public_url, parse_rate_limit, parse_trusted_proxies,
};
use tracing_subscriber::EnvFilter;

fn init_logging() {
    let filter = EnvFilter::try_from_env("FERRY_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let json = std::env::var("FERRY_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json"));
    // Colour only for a person at a terminal; logs shipped to files stay plain text.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(ansi)
        .with_writer(std::io::stderr);
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let stores = match cli.stores.settings() {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let result = match cli.command {
        Command::Serve(args) => {
            let listen = match parse_listen(&args.listen) {
                Ok(l) => l,
                Err(e) => return fail(&e),
            };
            let public_url = match parse_public_url(args.public_url.as_deref(), listen) {
                Ok(u) => u,
                Err(e) => return fail(&e),
            };
            let api_key_rate_limit = match parse_rate_limit(
                "--api-key-rate-limit",
                "FERRY_API_KEY_RATE_LIMIT",
                &args.api_key_rate_limit,
            ) {
                Ok(n) => n,
                Err(e) => return fail(&e),
            };
            let api_rate_limit = match parse_rate_limit(
                "--api-rate-limit",
                "FERRY_API_RATE_LIMIT",
                &args.api_rate_limit,
            ) {
                Ok(n) => n,
                Err(e) => return fail(&e),
            };
            let trusted_proxies = match parse_trusted_proxies(&args.trusted_proxies) {
                Ok(t) => t,
                Err(e) => return fail(&e),
            };
            let admin_password = std::env::var("FERRY_ADMIN_PASSWORD")
                .ok()
                .filter(|p| !p.is_empty());
            ferry::serve::serve(ServeSettings {
                listen,
                public_url,
                stores,
                admin_password,
                api_key_rate_limit,
                api_rate_limit,
                trusted_proxies,
            })
            .await
        }
        Command::User(command) => ferry::admin::run(&stores, command).await,
        Command::Group(command) => ferry::admin_groups::run(&stores, command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("{e:#}")),
    }
}

/// One clear line, then a non-zero exit.
fn fail(message: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
