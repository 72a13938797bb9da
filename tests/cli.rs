//! Bad input is exit 2 with a message that names what and where, before any AWS call.

mod common;

use common::*;

fn stderr_of(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_snapshot_without_targets_is_not_a_clean_bill_of_health() {
    let dir = TempDir::new("cli");
    let path = dir.join("empty.json");
    std::fs::write(
        &path,
        r#"{"schema_version": 1, "region": "us-east-1", "targets": []}"#,
    )
    .unwrap();
    let out = offline(&["diagnose", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let err = stderr_of(&out);
    assert!(
        err.contains("empty.json") && err.contains("no targets"),
        "{err}"
    );
}

#[test]
fn a_snapshot_from_a_newer_version_says_so() {
    let dir = TempDir::new("cli");
    let path = dir.join("newer.json");
    std::fs::write(
        &path,
        r#"{"schema_version": 3, "region": "us-east-1", "targets": [], "fleet": {}}"#,
    )
    .unwrap();
    let out = offline(&["diagnose", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr_of(&out);
    assert!(
        err.contains("unsupported snapshot schema_version 3"),
        "{err}"
    );
}

#[test]
fn empty_ids_in_a_list_are_refused() {
    for subnets in [",", "subnet-1,,subnet-2", " "] {
        let out = offline(&[
            "preflight",
            "--cluster",
            "prod",
            "--task-definition",
            "web:1",
            "--subnets",
            subnets,
        ]);
        assert_eq!(out.status.code(), Some(2), "--subnets {subnets:?}");
        let err = stderr_of(&out);
        assert!(
            err.contains("--subnets") && err.contains("empty ID"),
            "{err}"
        );
    }
}

#[test]
fn timeouts_must_be_positive() {
    let out = offline(&["--call-timeout", "0", "service", "--cluster", "c", "s"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr_of(&out).contains("--call-timeout"),
        "{}",
        stderr_of(&out)
    );
}
