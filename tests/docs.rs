//! `docs/checks.md` is generated from the checks' own metadata and must stay in step with it.
//! Regenerate with `UPDATE_DOCS=1 cargo test --test docs`.

use std::collections::BTreeSet;

#[test]
fn checks_doc_is_up_to_date() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/checks.md");
    let generated = fd_engine::checks::docs_markdown();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == generated,
        "docs/checks.md is stale: run `UPDATE_DOCS=1 cargo test --test docs`"
    );
}

#[test]
fn every_check_is_documented_and_uniquely_named() {
    let mut seen = BTreeSet::new();
    for c in fd_engine::checks::ALL {
        assert!(seen.insert(c.id), "duplicate check ID {}", c.id);
        assert!(
            c.id.chars()
                .all(|ch| ch.is_ascii_uppercase() || ch.is_ascii_digit() || ch == '-'),
            "{}: IDs are UPPER-KEBAB",
            c.id
        );
        for (field, text) in [
            ("title", c.title),
            ("what", c.what),
            ("why", c.why),
            ("fix", c.fix),
        ] {
            assert!(text.trim().len() > 20, "{}: {field} is too short", c.id);
        }
        assert!(!c.docs.is_empty(), "{}: no documentation link", c.id);
        assert!(c.docs.iter().all(|d| d.starts_with("https://")), "{}", c.id);
    }
}

/// The IDs this build implements are exactly the public names of shared/spec/checks.md.
#[test]
fn implemented_ids_are_the_spec_ids() {
    let spec = [
        "PLAT-PV-INCOMPATIBLE",
        "PLAT-TASKSIZE-INVALID",
        "CAP-AZ-UNSUPPORTED",
        "CAP-SINGLE-AZ",
        "ENI-SUBNET-NO-FREE-IP",
        "ENI-CONFIG-INVALID",
        "NET-ROUTE-NO-DEFAULT",
        "NET-PUBLIC-NO-PUBLICIP",
        "NET-PUBLICIP-NO-IGW-ROUTE",
        "NET-ROUTE-BLACKHOLE",
        "NET-NAT-IN-PRIVATE-SUBNET",
        "NET-NAT-NOT-AVAILABLE",
        "NET-ROUTE-OPAQUE",
        "NET-DNS-VPC-RESOLUTION-DISABLED",
        "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
        "NET-DNS-CUSTOM-DHCP",
        "NET-SG-TASK-EGRESS",
        "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
        "NET-SG-ENDPOINT-INGRESS",
        "NET-NACL-PATH",
        "VPCE-ECR-DKR-MISSING",
        "VPCE-ECR-API-MISSING",
        "VPCE-S3-GATEWAY-MISSING",
        "VPCE-S3-NOT-ASSOCIATED",
        "VPCE-LOGS-MISSING",
        "VPCE-SECRETSMANAGER-MISSING",
        "VPCE-SSM-MISSING",
        "VPCE-PRIVATE-DNS-DISABLED",
        "VPCE-NOT-USABLE",
        "REG-INTERNET-REQUIRED",
        "LAUNCH-TASKDEF-NO-EXECROLE",
        "IAM-EXEC-MISSING",
        "IAM-EXEC-TRUST",
        "IAM-EXEC-ECR",
        "IAM-EXEC-LOGS",
        "IAM-EXEC-SECRETS",
        "IAM-EXEC-PRIVREG",
        "IAM-GUARDRAILS",
        "ECR-REPO-NOT-FOUND",
        "ECR-IMAGE-NOT-FOUND",
        "ECR-REPO-POLICY",
        "IMG-ARCH-MISMATCH",
        "IMG-OS-MISMATCH",
        "REG-CREDS-MISSING",
        "SEC-SM-NOT-FOUND",
        "SEC-SSM-NOT-FOUND",
        "LOG-GROUP-MISSING",
        "VPCE-POLICY-DENIES",
        "VPCE-S3-POLICY-DENIES-LAYER-BUCKET",
        "VPCE-CROSS-REGION",
        // Beyond the seeds
        "EFS-FS-NOT-FOUND",
        "EFS-ACCESS-POINT-NOT-FOUND",
        "EFS-MOUNT-TARGET-MISSING",
        "EFS-NFS-BLOCKED",
        "EFS-IAM-DENIED",
        "ENVFILE-NOT-FOUND",
        "IAM-EXEC-ENVFILES",
        "VPCE-S3-POLICY-DENIES-ENVFILES",
        "IAM-SLR-MISSING",
        "ECR-IMAGE-DIGEST-GONE",
        "ECR-KMS-KEY-UNUSABLE",
        "ECR-PULL-THROUGH",
        "NET-DNS-RESOLVER-OVERRIDES",
        "NET-IPV6-ONLY",
        "IMG-TOO-LARGE",
        "IMG-WINDOWS-FOREIGN-LAYERS",
        "CAP-ARM64-UNSUPPORTED",
        "LOG-CONFIG-INVALID",
        "TD-FEATURE-NOT-CHECKED",
        // Not in checks.md: a check it does not list gets an ID in the same style (contract §4).
        "IMG-REF-INVALID",
    ];
    let ours: BTreeSet<&str> = fd_engine::checks::ALL.iter().map(|c| c.id).collect();
    let spec: BTreeSet<&str> = spec.into_iter().collect();
    assert_eq!(ours, spec);
}

/// `rules` lists every check and `explain` explains each one (text and JSON), from the binary.
#[test]
fn rules_and_explain_cover_every_check() {
    let bin = env!("CARGO_BIN_EXE_fargate-doctor");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin).args(args).output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    };
    let (code, rules) = run(&["rules"]);
    assert_eq!(code, Some(0));
    for c in fd_engine::checks::ALL {
        assert!(rules.contains(c.id), "rules does not list {}", c.id);
        let (code, text) = run(&["explain", c.id]);
        assert_eq!(code, Some(0), "explain {}", c.id);
        for section in ["What it checks", "Why it stops a task", "How to fix it"] {
            assert!(text.contains(section), "explain {} lacks {section}", c.id);
        }
        let (_, json) = run(&["explain", &c.id.to_lowercase(), "--format", "json"]);
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["id"], c.id);
    }
    let (code, _) = run(&["explain", "NO-SUCH-CHECK"]);
    assert_eq!(code, Some(2));
}
