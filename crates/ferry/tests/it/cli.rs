//! The `ferry` binary itself: admin commands, settings errors, first start, SIGTERM.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use tokio::io::AsyncBufReadExt;

use reqwest::StatusCode;

pub fn ferry(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ferry"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("FERRY_DATA_DIR", data_dir)
        .env("FERRY_LOG", "warn");
    cmd
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Polls `/healthz` until it answers, for at most 20 seconds.
pub async fn wait_healthy(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let client = reqwest::Client::new();
    while Instant::now() < deadline {
        if let Ok(resp) = client.get(format!("{base}/healthz")).send().await
            && resp.status() == StatusCode::OK
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("server at {base} never became healthy");
}

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn help_lists_the_commands() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, _) = run(ferry(dir.path()).arg("--help"));
    assert!(ok);
    assert!(out.contains("serve") && out.contains("user"), "{out}");
}

#[test]
fn user_commands_manage_accounts() {
    let dir = tempfile::tempdir().unwrap();
    let (ok, out, err) = run(ferry(dir.path()).args([
        "user",
        "add",
        "--email",
        "dana@example.com",
        "--name",
        "Dana Scully",
        "--password",
        "Trust-No1-pass",
    ]));
    assert!(ok, "{out}{err}");
    assert!(out.contains("created user dana@example.com"), "{out}");
    let (ok, out, err) = run(ferry(dir.path()).args([
        "user",
        "add",
        "--email",
        "dana@example.com",
        "--name",
        "Again",
        "--password",
        "Trust-No1-pass",
    ]));
    assert!(!ok, "duplicate email accepted: {out}");
    assert_eq!(err.lines().count(), 1, "{err}");
    let (ok, out, _) = run(ferry(dir.path()).args([
        "user",
        "add",
        "--email",
        "gen@example.com",
        "--name",
        "Generated",
    ]));
    assert!(ok);
    assert!(
        out.contains("password: "),
        "a generated password is shown once: {out}"
    );
    let (ok, out, _) = run(ferry(dir.path()).args(["user", "list"]));
    assert!(ok);
    assert!(
        out.contains("dana@example.com")
            && out.contains("Dana Scully")
            && out.contains("gen@example.com"),
        "{out}"
    );

    let mut passwd = ferry(dir.path());
    passwd
        .args(["user", "passwd", "dana@example.com", "--password-stdin"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped());
    let mut child = passwd.spawn().unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Brand-New-pass1\n")
        .unwrap();
    assert!(child.wait().unwrap().success());
    let (ok, _, err) =
        run(ferry(dir.path()).args(["user", "passwd", "dana@example.com", "--password", "short"]));
    assert!(!ok);
    assert!(err.contains("password"), "{err}");

    let (ok, out, _) = run(ferry(dir.path()).args(["user", "delete", "dana@example.com"]));
    assert!(ok, "{out}");
    let (_, out, _) = run(ferry(dir.path()).args(["user", "list"]));
    assert!(!out.contains("dana@example.com"), "{out}");
    let (ok, _, err) = run(ferry(dir.path()).args(["user", "delete", "dana@example.com"]));
    assert!(!ok);
    assert!(err.contains("not found"), "{err}");
}

#[test]
fn a_bad_setting_stops_the_start_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    for (var, value, name) in [
        ("FERRY_LISTEN", "not-an-address", "FERRY_LISTEN"),
        ("FERRY_DATABASE_URL", "mysql://x", "FERRY_DATABASE_URL"),
        ("FERRY_STORAGE", "ftp://x", "FERRY_STORAGE"),
        (
            "FERRY_API_KEY_RATE_LIMIT",
            "lots",
            "FERRY_API_KEY_RATE_LIMIT",
        ),
        ("FERRY_PUBLIC_URL", "example.com", "FERRY_PUBLIC_URL"),
        ("FERRY_DURABILITY", "fast", "FERRY_DURABILITY"),
        ("FERRY_API_RATE_LIMIT", "0", "FERRY_API_RATE_LIMIT"),
        (
            "FERRY_TRUSTED_PROXIES",
            "10.0.0.0/99",
            "FERRY_TRUSTED_PROXIES",
        ),
    ] {
        let (ok, _, err) = run(ferry(dir.path()).env(var, value).arg("serve"));
        assert!(!ok, "{var}={value} was accepted");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(name) && err.contains(value), "{err}");
    }
}

#[tokio::test]
async fn first_start_prints_the_admin_password_once_and_sigterm_stops() {
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let mut child = tokio::process::Command::from(ferry(dir.path()))
        .env("FERRY_LISTEN", format!("127.0.0.1:{port}"))
        .arg("serve")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    wait_healthy(&base).await;
    let stdout = child.stdout.take().unwrap();
    let mut first = String::new();
    tokio::io::BufReader::new(stdout)
        .read_line(&mut first)
        .await
        .unwrap();
    let password = first.trim().rsplit(' ').next().unwrap().to_owned();
    assert!(first.contains("admin") && password.len() >= 16, "{first}");
    let login = reqwest::Client::new()
        .post(format!("{base}/auth"))
        .json(&serde_json::json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::OK);

    let pid = child.id().unwrap().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = tokio::time::timeout(Duration::from_secs(15), child.wait())
        .await
        .expect("stops after SIGTERM")
        .unwrap();
    assert!(status.success(), "{status:?}");

    // A second start with the same data prints no new password.
    let port = free_port();
    let out = tokio::process::Command::from(ferry(dir.path()))
        .env("FERRY_LISTEN", format!("127.0.0.1:{port}"))
        .arg("serve")
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    wait_healthy(&format!("http://127.0.0.1:{port}")).await;
    let pid = out.id().unwrap().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let output = tokio::time::timeout(Duration::from_secs(15), out.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains("password"));
}
