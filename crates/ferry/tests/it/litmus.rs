//! litmus 0.13 (the WebDAV conformance suite, Debian package `litmus`) against a real
//! server: every test of the basic, copymove, props, http and locks suites must pass.
//! Without the binary the test is skipped, unless `CI` is set.

use std::process::Stdio;
use std::time::Duration;

use crate::harness::{PASSWORD, TestServer};

const SUITES: &str = "basic copymove props http locks";

/// Whether litmus can run here; without it a test is skipped, unless `CI` is set.
pub(crate) fn litmus_installed() -> bool {
    let found = std::process::Command::new("sh")
        .args(["-c", "command -v litmus"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "litmus is not installed (apt-get install -y litmus)"
        );
        println!("skipped: litmus is not installed (apt-get install -y litmus)");
    }
    found
}

/// Runs the given litmus suites against `url` and asserts every test of each passed.
pub(crate) async fn run_litmus(url: &str, user: &str, suites: &str) {
    let work = tempfile::tempdir().unwrap();
    let child = tokio::process::Command::new("litmus")
        .args(["-k", url, user, PASSWORD])
        .env("TESTS", suites)
        // litmus writes debug.log into its working directory.
        .current_dir(work.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let output = tokio::time::timeout(Duration::from_secs(300), child.wait_with_output())
        .await
        .expect("litmus finished within 5 minutes")
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).into_owned()
        + &String::from_utf8_lossy(&output.stderr);
    let summaries: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("<- summary for"))
        .collect();
    let expected = suites.split_whitespace().count();
    assert_eq!(summaries.len(), expected, "one summary per suite:\n{text}");
    for line in &summaries {
        // "<- summary for `basic': of 16 tests run: 16 passed, 0 failed. 100.0%"
        assert!(line.contains(" 0 failed"), "{line}\n\n{text}");
        println!("{line}");
    }
    assert!(output.status.success(), "litmus failed:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn litmus_passes_every_suite() {
    if !litmus_installed() {
        return;
    }
    let server = TestServer::start().await;
    let user = "litmus@example.org";
    server.add_user(user, 0).await;
    let url = format!("{}/remote.php/dav/files/{user}/", server.url);
    run_litmus(&url, user, SUITES).await;
}
