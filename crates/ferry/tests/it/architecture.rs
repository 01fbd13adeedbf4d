//! The dependency invariants of ARCHITECTURE.md, checked from `cargo metadata`.

use std::collections::BTreeMap;

fn workspace_deps() -> BTreeMap<String, Vec<String>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = std::process::Command::new(cargo)
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let deps = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                // Dev-dependencies (tests) may reach anything; the rules are about shipped code.
                .filter(|d| d["kind"].is_null())
                .map(|d| d["name"].as_str().unwrap().to_owned())
                .collect();
            (p["name"].as_str().unwrap().to_owned(), deps)
        })
        .collect()
}

const WEB_SQL_CLOUD: [&str; 11] = [
    "axum",
    "http",
    "hyper",
    "tower",
    "tower-http",
    "sqlx",
    "reqwest",
    "object_store",
    "askama",
    "ferry-http",
    "headers",
];

#[test]
fn core_uses_no_web_sql_or_cloud_crate() {
    let deps = workspace_deps();
    let core = &deps["ferry-core"];
    for banned in WEB_SQL_CLOUD {
        assert!(
            !core.iter().any(|d| d == banned),
            "ferry-core depends on {banned}"
        );
    }
    assert!(
        !core.iter().any(|d| d.starts_with("ferry-")),
        "ferry-core depends on another ferry crate: {core:?}"
    );
}

#[test]
fn faces_depend_on_core_and_http_only() {
    for (name, deps) in workspace_deps()
        .iter()
        .filter(|(n, _)| n.starts_with("ferry-face-"))
    {
        for dep in deps.iter().filter(|d| d.starts_with("ferry-")) {
            assert!(
                dep == "ferry-core" || dep == "ferry-http",
                "{name} depends on {dep}"
            );
        }
        assert!(
            !deps.iter().any(|d| d == "sqlx"),
            "{name} uses SQL directly"
        );
    }
}

#[test]
fn stores_and_blobs_never_depend_on_a_face_or_the_web() {
    for (name, deps) in workspace_deps()
        .iter()
        .filter(|(n, _)| n.starts_with("ferry-store-") || *n == "ferry-blob")
    {
        for dep in deps {
            assert!(
                !dep.starts_with("ferry-face-") && dep != "ferry-http" && dep != "axum",
                "{name} depends on {dep}"
            );
        }
    }
}

#[test]
fn only_the_binary_knows_concrete_backends() {
    for (name, deps) in workspace_deps() {
        if name == "ferry" || name.starts_with("ferry-store-") {
            continue;
        }
        for dep in &deps {
            assert!(
                !(dep == "ferry-store-sqlite"
                    || dep == "ferry-store-postgres"
                    || dep == "ferry-blob"),
                "{name} depends on the backend {dep}"
            );
        }
    }
}
