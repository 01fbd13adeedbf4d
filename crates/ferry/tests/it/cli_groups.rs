//! `ferry group …`: groups and memberships from the command line, against the same
//! database the server uses.

use std::process::Command;

use crate::cli::ferry;

fn run(cmd: &mut Command) -> (bool, String, String) {
    let out = cmd.output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(dir: &std::path::Path, args: &[&str]) -> String {
    let (ok, out, err) = run(ferry(dir).args(args));
    assert!(ok, "ferry {args:?}: {out}{err}");
    out
}

fn fails(dir: &std::path::Path, args: &[&str]) -> String {
    let (ok, out, err) = run(ferry(dir).args(args));
    assert!(!ok, "ferry {args:?} should fail: {out}");
    assert!(
        err.starts_with("error: ") && err.lines().count() == 1,
        "one clear line: {err}"
    );
    err
}

#[test]
fn group_commands_manage_groups_and_members() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let (_, help, _) = run(ferry(d).arg("--help"));
    assert!(help.contains("group"), "{help}");
    ok(
        d,
        &[
            "user",
            "add",
            "--email",
            "dana@example.com",
            "--name",
            "Dana Scully",
            "--password",
            "Trust-No1-pass",
        ],
    );

    let out = ok(d, &["group", "add", "--name", "X Files", "--quota", "1GB"]);
    assert!(
        out.contains("created group X Files") && out.contains("slug x-files"),
        "{out}"
    );
    let err = fails(d, &["group", "add", "--name", "x files"]);
    assert!(err.contains("already exists"), "{err}");
    fails(d, &["group", "add", "--name", "XF"]);
    fails(
        d,
        &[
            "group",
            "add",
            "--name",
            "Other",
            "--default-permission",
            "owner",
        ],
    );

    let out = ok(d, &["group", "list"]);
    assert!(
        out.contains("x-files") && out.contains("1073741824") && out.contains("X Files"),
        "{out}"
    );

    let out = ok(
        d,
        &[
            "group",
            "member-add",
            "x-files",
            "dana@example.com",
            "--admin",
            "--node-permissions",
            "read,download",
        ],
    );
    assert!(
        out.contains("added dana@example.com to X Files (read,download, group admin)"),
        "{out}"
    );
    let err = fails(d, &["group", "member-add", "X Files", "dana@example.com"]);
    assert!(err.contains("already"), "{err}");
    fails(
        d,
        &[
            "group",
            "member-add",
            "x-files",
            "dana@example.com",
            "--node-permissions",
            "fly",
        ],
    );
    fails(
        d,
        &["group", "member-add", "no-such-group", "dana@example.com"],
    );
    let out = ok(d, &["group", "list"]);
    assert!(
        out.lines().nth(1).unwrap().contains("  1  "),
        "one member: {out}"
    );

    ok(
        d,
        &["group", "member-remove", "x-files", "dana@example.com"],
    );
    fails(
        d,
        &["group", "member-remove", "x-files", "dana@example.com"],
    );

    let err = fails(d, &["group", "delete", "x-files"]);
    assert!(err.contains("--yes"), "{err}");
    fails(
        d,
        &[
            "group",
            "delete",
            "x-files",
            "--yes",
            "--transfer-to",
            "nobody",
        ],
    );
    let out = ok(
        d,
        &[
            "group",
            "delete",
            "x-files",
            "--yes",
            "--transfer-to",
            "dana@example.com",
        ],
    );
    assert!(out.contains("deleted group X Files"), "{out}");
    let out = ok(d, &["group", "list"]);
    assert_eq!(out.lines().count(), 1, "only the header: {out}");
    fails(d, &["group", "delete", "x-files", "--yes"]);
}

#[test]
fn user_delete_can_hand_the_files_to_a_group() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    ok(
        d,
        &[
            "user",
            "add",
            "--email",
            "fox@example.com",
            "--name",
            "Fox Mulder",
            "--password",
            "Trust-No1-pass",
        ],
    );
    ok(d, &["group", "add", "--name", "X Files"]);
    let err = fails(
        d,
        &[
            "user",
            "delete",
            "fox@example.com",
            "--transfer-to",
            "nobody",
        ],
    );
    assert!(err.contains("no user or group"), "{err}");
    let out = ok(d, &["user", "list"]);
    assert!(
        out.contains("fox@example.com"),
        "refused, so still there: {out}"
    );
    let out = ok(
        d,
        &[
            "user",
            "delete",
            "fox@example.com",
            "--transfer-to",
            "x-files",
        ],
    );
    assert!(
        out.contains("deleted user fox@example.com") && out.contains("files went to"),
        "{out}"
    );
    let out = ok(d, &["user", "list"]);
    assert!(!out.contains("fox@example.com"), "{out}");
}
