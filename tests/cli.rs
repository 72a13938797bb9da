//! The binary offline: bad input is exit 2 with a message that names what and where, before any
//! AWS call; and how a report of a bundled example reads.

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

/// The README's first example reads as one problem: one root-cause block first, with both ways
/// out (the NAT route, or the four endpoints as commands), the four related findings one line
/// each; the JSON still lists every finding and adds the grouping.
#[test]
fn a_missing_route_and_its_endpoints_read_as_one_root_cause() {
    let out = offline(&["diagnose", "examples/private-no-nat.json"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].ends_with(
            ": FAIL: No route from the task subnet to the internet or to the needed VPC endpoints"
        ),
        "one-line verdict first: {}",
        lines[0]
    );
    let first_block = lines
        .iter()
        .position(|l| l.starts_with("error["))
        .expect("a finding");
    assert!(
        lines[first_block].starts_with("error[NET-ROUTE-NO-DEFAULT]"),
        "{text}"
    );
    let fix = lines
        .iter()
        .position(|l| l.starts_with("  fix: Add a route 0.0.0.0/0"))
        .expect("the route fix");
    assert!(
        lines[fix + 1].starts_with("  or: Create these 4 VPC endpoints:"),
        "{text}"
    );
    let commands = lines[fix + 2..fix + 6]
        .iter()
        .filter(|l| l.trim_start().starts_with("aws ec2 create-vpc-endpoint"))
        .count();
    assert_eq!(commands, 4, "{text}");
    let same = lines
        .iter()
        .position(|l| *l == "  same cause (4):")
        .expect("the related findings");
    for (k, id) in [
        "VPCE-ECR-DKR-MISSING",
        "VPCE-ECR-API-MISSING",
        "VPCE-S3-GATEWAY-MISSING",
        "VPCE-LOGS-MISSING",
    ]
    .iter()
    .enumerate()
    {
        assert!(
            lines[same + 1 + k].starts_with(&format!("    error[{id}] ")),
            "{text}"
        );
    }
    // Each related finding is one line: its full block is not repeated.
    assert_eq!(text.matches("error[").count(), 5, "{text}");

    let (code, json, stderr) = offline_json(&["diagnose", "examples/private-no-nat.json"]);
    assert_eq!(code, 1, "{stderr}");
    let t = &json["targets"][0];
    assert_eq!(t["findings"].as_array().unwrap().len(), 5);
    let causes = t["root_causes"].as_array().unwrap();
    assert_eq!(causes.len(), 1, "{}", pretty(t));
    assert_eq!(causes[0]["findings"].as_array().unwrap().len(), 5);
    assert_eq!(causes[0]["findings"][0], "NET-ROUTE-NO-DEFAULT");
    assert_eq!(causes[0]["fixes"].as_array().unwrap().len(), 2);
    assert_eq!(causes[0]["resources"], t["findings"][0]["resources"]);
    // A snapshot file reads no AWS: no calls, no rounds.
    assert_eq!(json["stats"]["api_calls"], 0);
    assert_eq!(json["stats"]["rounds"], 0);
}

/// The path diagrams render for real: `--format mermaid` of a broken, a healthy and an
/// endpoint example, drawn to PNG by mermaid-cli in Debian's chromium (scripts/test installs
/// both and sets FD_MMDC and FD_CHROMIUM). The pictures are kept in
/// `target/diagrams/` to be looked at.
#[test]
fn the_path_diagrams_render_to_png() {
    let mmdc = std::env::var("FD_MMDC").unwrap_or_else(|_| {
        panic!("FD_MMDC is not set: run the tests with scripts/test, which installs mermaid-cli")
    });
    let chromium = std::env::var("FD_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        std::path::Path::new(&mmdc).exists() && std::path::Path::new(&chromium).exists(),
        "{mmdc} or {chromium} is missing: scripts/test installs them"
    );
    let out_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("diagrams");
    std::fs::create_dir_all(&out_dir).unwrap();
    let config = out_dir.join("puppeteer.json");
    std::fs::write(
        &config,
        serde_json::json!({
            "executablePath": chromium,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update",
                     "--disable-sync"],
        })
        .to_string(),
    )
    .unwrap();
    for (example, broken) in [
        ("private-no-nat", true),
        ("healthy-public", false),
        ("endpoints-no-s3-gateway", true),
    ] {
        let out = offline(&[
            "diagnose",
            &format!("examples/{example}.json"),
            "--format",
            "mermaid",
        ]);
        let diagram = String::from_utf8(out.stdout).unwrap();
        assert!(diagram.starts_with("flowchart LR\n"), "{diagram}");
        // The broken edge is labelled with the finding and drawn red; a healthy path has none.
        assert_eq!(
            diagram.contains("|\"NET-ROUTE-NO-DEFAULT\"|"),
            broken,
            "{example}:\n{diagram}"
        );
        assert_eq!(
            diagram.contains("stroke:#d93025,stroke-width:3px"),
            broken,
            "{diagram}"
        );
        let input = out_dir.join(format!("{example}.mmd"));
        let png = out_dir.join(format!("{example}.png"));
        std::fs::write(&input, &diagram).unwrap();
        let _ = std::fs::remove_file(&png);
        let mut cmd = std::process::Command::new(&mmdc);
        cmd.args(["-q", "-b", "white", "-s", "2", "-p"])
            .arg(&config)
            .arg("-i")
            .arg(&input)
            .arg("-o")
            .arg(&png)
            .env("PUPPETEER_SKIP_DOWNLOAD", "1");
        let run = output_with_timeout(&mut cmd, &format!("mmdc {example}"));
        assert!(
            run.status.success(),
            "mmdc {example} failed: {}",
            String::from_utf8_lossy(&run.stderr)
        );
        let bytes = std::fs::read(&png).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{example}: not a PNG");
        // A diagram of a few nodes at scale 2 is tens of kilobytes; an empty page is far less.
        assert!(bytes.len() > 20_000, "{example}: {} bytes", bytes.len());
    }
}

/// The SARIF output validates against the SARIF 2.1.0 schema (tests/data, with its source), for
/// a failing, a healthy and a stopped-task example, and for a scan-like report of several
/// targets: what code-scanning tools accept.
#[test]
fn sarif_validates_against_the_2_1_0_schema() {
    let python = std::env::var("FD_MOTO_PYTHON").unwrap_or_else(|_| {
        panic!(
            "FD_MOTO_PYTHON is not set: run the tests with scripts/test (its .venv has jsonschema)"
        )
    });
    let schema =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let dir = TempDir::new("sarif");
    for example in [
        "private-no-nat",
        "healthy-public",
        "stopped-task",
        "endpoints-no-s3-gateway",
    ] {
        let out = offline(&[
            "diagnose",
            &format!("examples/{example}.json"),
            "--format",
            "sarif",
        ]);
        let sarif = dir.join(&format!("{example}.sarif"));
        std::fs::write(&sarif, &out.stdout).unwrap();
        let mut cmd = std::process::Command::new(&python);
        cmd.args([
            "-c",
            "import json, sys, jsonschema\n\
             schema = json.load(open(sys.argv[1]))\n\
             doc = json.load(open(sys.argv[2]))\n\
             v = jsonschema.Draft4Validator(schema)\n\
             errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))\n\
             for e in errors: print('/'.join(map(str, e.path)), e.message)\n\
             sys.exit(1 if errors else 0)",
        ])
        .arg(&schema)
        .arg(&sarif);
        let run = output_with_timeout(&mut cmd, "jsonschema");
        assert!(
            run.status.success(),
            "{example}: the SARIF does not validate:\n{}{}",
            String::from_utf8_lossy(&run.stdout),
            String::from_utf8_lossy(&run.stderr)
        );
    }
}
