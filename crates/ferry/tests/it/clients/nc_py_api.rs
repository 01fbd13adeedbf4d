//! nc-py-api (PyPI) drives the server from Python: capabilities, user, files, chunked
//! streaming upload (chunking v2), move, copy, delete, trash bin and versions. The check
//! script is `tests/clients/nc_py_api_check.py`; the Python with nc-py-api is
//! `FERRY_TEST_PYTHON` or `target/ncvenv/bin/python` (made by .ci/run).

use std::path::PathBuf;
use std::time::Duration;

use ferry_core::Actor;
use ferry_core::accounts::NewUser;

use crate::harness::{PASSWORD, TestServer};

fn python() -> Option<PathBuf> {
    let candidate = std::env::var_os("FERRY_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/ncvenv/bin/python")
        });
    let works = std::process::Command::new(&candidate)
        .args(["-c", "import nc_py_api"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !works {
        assert!(
            std::env::var_os("CI").is_none(),
            "no Python with nc-py-api at {}",
            candidate.display()
        );
        println!(
            "skipped: no Python with nc-py-api at {}",
            candidate.display()
        );
        return None;
    }
    Some(candidate)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nc_py_api_round_trip() {
    let Some(python) = python() else {
        return;
    };
    let server = TestServer::start().await;
    server
        .ferry
        .create_user(
            &Actor::System,
            NewUser {
                username: "carol".into(),
                email: Some("carol@example.com".into()),
                display_name: "Carol".into(),
                password: PASSWORD.into(),
                is_admin: false,
                quota_bytes: 0,
            },
        )
        .await
        .unwrap();
    // The provisioning checks run as the administrator.
    server
        .ferry
        .ensure_admin(Some(PASSWORD.to_owned()))
        .await
        .unwrap();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/clients/nc_py_api_check.py");
    let out = tokio::time::timeout(
        Duration::from_secs(300),
        tokio::process::Command::new(python)
            .arg(script)
            .env("NEXTCLOUD_URL", &server.url)
            .env("NC_USER", "carol")
            .env("NC_PASS", PASSWORD)
            .env("NC_ADMIN_USER", "admin")
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("the nc-py-api check finished within 5 minutes")
    .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "nc-py-api check failed:\n{text}");
    assert!(text.contains("ALL CHECKS PASSED"), "{text}");
    assert!(text.contains("ok: delete user and group"), "{text}");
}
