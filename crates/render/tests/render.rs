use fd_engine::{
    CheckResult, CheckStatus, Evidence, Finding, Report, Severity, Stats, TargetReport, Tool,
    Verdict, REPORT_SCHEMA_VERSION,
};
use fd_render::{render, Format, RenderOptions};

const PLAIN: RenderOptions = RenderOptions {
    color: false,
    quiet: false,
};

fn check(id: &str, status: CheckStatus, detail: Option<&str>) -> CheckResult {
    CheckResult {
        id: id.to_owned(),
        status,
        detail: detail.map(str::to_owned),
    }
}

/// Two targets: a failing service with two findings (one with evidence from two resources), and a
/// passing task with an `unknown` check.
fn sample() -> Report {
    let mut failing = TargetReport {
        region: Some("us-east-1".into()),
        account_id: None,
        kind: "service".to_owned(),
        cluster: "prod".to_owned(),
        name: "web".to_owned(),
        arn: Some("arn:aws:ecs:us-east-1:123456789012:service/prod/web".to_owned()),
        platform_version: Some("1.4.0".to_owned()),
        stopped_reason: Some(
            "ResourceInitializationError: unable to pull secrets or registry auth: \
             execution resource retrieval failed"
                .to_owned(),
        ),
        verdict: Verdict::Fail,
        failure: None,
        findings: vec![
            Finding {
                id: "NET-ROUTE-NO-DEFAULT".to_owned(),
                severity: Severity::Error,
                title: "No route from the task subnet to the internet or to the needed VPC endpoints"
                    .to_owned(),
                message: "subnet-0a1 uses route table rtb-09 (explicit association), which has no \
                          route for 0.0.0.0/0 and no VPC endpoint for ECR."
                    .to_owned(),
                resources: vec!["subnet-0a1".to_owned(), "rtb-09".to_owned()],
                evidence: vec![
                    Evidence {
                        resource: "rtb-09".to_owned(),
                        detail: "routes: 10.0.0.0/16 -> local".to_owned(),
                    },
                    Evidence {
                        resource: "vpc-01".to_owned(),
                        detail: "endpoints: none".to_owned(),
                    },
                ],
                remediation: "Add a route 0.0.0.0/0 -> a NAT gateway in a public subnet, or \
                              create the VPC endpoints ecr.api, ecr.dkr and s3."
                    .to_owned(),
                docs: vec![
                    "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html"
                        .to_owned(),
                ],
            },
            Finding {
                id: "VPCE-ECR-API-MISSING".to_owned(),
                severity: Severity::Error,
                title: "Private ECR image on platform 1.4.0, but no ecr.api interface endpoint and \
                        no internet path"
                    .to_owned(),
                message: "vpc-01 has no interface endpoint com.amazonaws.us-east-1.ecr.api.".to_owned(),
                resources: vec!["vpc-01".to_owned(), "subnet-0a1".to_owned()],
                evidence: vec![],
                remediation: "aws ec2 create-vpc-endpoint --vpc-id vpc-01 --vpc-endpoint-type \
                              Interface --service-name com.amazonaws.us-east-1.ecr.api"
                    .to_owned(),
                docs: vec![],
            },
            Finding {
                id: "NET-DNS-CUSTOM-DHCP".to_owned(),
                severity: Severity::Warning,
                title: "Custom DNS servers | cannot be verified".to_owned(),
                message: "vpc-01 uses DHCP options dopt-7 with custom DNS servers.".to_owned(),
                resources: vec!["vpc-01".to_owned(), "dopt-7".to_owned()],
                evidence: vec![Evidence {
                    resource: "dopt-7".to_owned(),
                    detail: "domain-name-servers: 10.0.0.2".to_owned(),
                }],
                remediation: "Make sure these servers resolve the AWS service names.".to_owned(),
                docs: vec![],
            },
        ],
        root_causes: vec![],
        paths: vec![],
        unread: vec![],
        checks: vec![
            check("NET-ROUTE-NO-DEFAULT", CheckStatus::Fail, None),
            check("NET-DNS-CUSTOM-DHCP", CheckStatus::Warn, None),
            check("IAM-EXEC-ECR", CheckStatus::Pass, None),
            check(
                "NET-PUBLIC-IP",
                CheckStatus::NotApplicable,
                Some("the task does not use a public IP"),
            ),
        ],
    };
    failing.root_causes = fd_engine::causes::root_causes(&failing.findings);
    let passing = TargetReport {
        region: Some("us-east-1".into()),
        account_id: None,
        kind: "task".to_owned(),
        cluster: "prod".to_owned(),
        name: "0123456789abcdef".to_owned(),
        arn: None,
        platform_version: None,
        stopped_reason: None,
        verdict: Verdict::Incomplete,
        failure: None,
        findings: vec![],
        root_causes: vec![],
        paths: vec![],
        unread: vec![],
        checks: vec![
            check("NET-ROUTE-NO-DEFAULT", CheckStatus::Pass, None),
            check("IAM-EXEC-ECR", CheckStatus::Pass, None),
            check(
                "NET-NACL",
                CheckStatus::Unknown,
                Some("ec2:DescribeNetworkAcls was denied"),
            ),
            check("NET-DNS-CUSTOM-DHCP", CheckStatus::NotApplicable, None),
        ],
    };
    Report {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: "fargate-doctor".to_owned(),
            version: "0.1.0".to_owned(),
        },
        targets: vec![failing, passing],
        stats: Stats {
            api_calls: 23,
            rounds: 6,
            elapsed_ms: 812,
        },
    }
}

#[test]
fn human() {
    insta::assert_snapshot!(render(&sample(), Format::Human, &PLAIN));
}

#[test]
fn human_quiet() {
    let opts = RenderOptions {
        color: false,
        quiet: true,
    };
    insta::assert_snapshot!(render(&sample(), Format::Human, &opts));
}

#[test]
fn json() {
    insta::assert_snapshot!(render(&sample(), Format::Json, &PLAIN));
}

#[test]
fn markdown() {
    insta::assert_snapshot!(render(&sample(), Format::Markdown, &PLAIN));
}

#[test]
fn sarif() {
    insta::assert_snapshot!(render(&sample(), Format::Sarif, &PLAIN));
}

#[test]
fn no_escape_codes_without_color() {
    for format in [Format::Human, Format::Json, Format::Markdown, Format::Sarif] {
        for quiet in [false, true] {
            let out = render(
                &sample(),
                format,
                &RenderOptions {
                    color: false,
                    quiet,
                },
            );
            assert!(!out.contains('\x1b'), "{format:?} quiet={quiet}:\n{out}");
        }
    }
}

#[test]
fn escape_codes_with_color() {
    let opts = RenderOptions {
        color: true,
        quiet: false,
    };
    let out = render(&sample(), Format::Human, &opts);
    assert!(out.contains("\x1b["), "{out}");
    // error is red and bold, and every styled span is reset.
    assert!(
        out.contains("\x1b[1m\x1b[31merror[NET-ROUTE-NO-DEFAULT]\x1b[0m"),
        "{out}"
    );
    // The text itself is still there once the escapes are stripped.
    assert_eq!(strip_ansi(&out), render(&sample(), Format::Human, &PLAIN));
}

#[test]
fn machine_formats_ignore_color() {
    let color = RenderOptions {
        color: true,
        quiet: true,
    };
    for format in [Format::Json, Format::Markdown, Format::Sarif] {
        assert_eq!(
            render(&sample(), format, &color),
            render(&sample(), format, &PLAIN)
        );
    }
}

#[test]
fn sarif_is_valid_json_with_one_result_per_finding() {
    let out = render(&sample(), Format::Sarif, &PLAIN);
    let v: serde_json::Value = serde_json::from_str(&out).expect("SARIF parses as JSON");
    assert_eq!(v["version"], "2.1.0");
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["tool"]["driver"]["name"], "fargate-doctor");
    assert_eq!(runs[0]["tool"]["driver"]["version"], "0.1.0");
    assert_eq!(runs[0]["results"].as_array().unwrap().len(), 3);
    assert_eq!(
        runs[0]["tool"]["driver"]["rules"].as_array().unwrap().len(),
        3
    );
    assert_eq!(runs[0]["results"][2]["level"], "warning");
}

#[test]
fn sarif_rules_are_distinct() {
    let mut report = sample();
    let again = report.targets[0].findings[0].clone();
    report.targets[1].findings.push(again);
    let v: serde_json::Value =
        serde_json::from_str(&render(&report, Format::Sarif, &PLAIN)).unwrap();
    let run = &v["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), 4);
    assert_eq!(run["tool"]["driver"]["rules"].as_array().unwrap().len(), 3);
    assert_eq!(run["results"][3]["ruleIndex"], 0);
    assert_eq!(
        run["results"][3]["properties"]["target"],
        "task prod/0123456789abcdef"
    );
}

#[test]
fn json_round_trips() {
    let report = sample();
    let out = render(&report, Format::Json, &PLAIN);
    assert!(out.ends_with("}\n"));
    let back: Report = serde_json::from_str(&out).expect("JSON parses back into a Report");
    assert_eq!(back, report);
}

#[test]
fn json_has_contract_field_names() {
    let v: serde_json::Value =
        serde_json::from_str(&render(&sample(), Format::Json, &PLAIN)).unwrap();
    for key in ["schema_version", "tool", "targets", "stats"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let t = &v["targets"][0];
    for key in [
        "kind",
        "cluster",
        "name",
        "arn",
        "platform_version",
        "stopped_reason",
        "verdict",
        "findings",
        "checks",
    ] {
        assert!(t.get(key).is_some(), "missing targets[].{key}");
    }
    let f = &t["findings"][0];
    for key in [
        "id",
        "severity",
        "title",
        "message",
        "resources",
        "evidence",
        "remediation",
        "docs",
    ] {
        assert!(f.get(key).is_some(), "missing findings[].{key}");
    }
    assert_eq!(v["targets"][1]["stopped_reason"], serde_json::Value::Null);
    assert_eq!(v["targets"][1]["checks"][3]["status"], "not_applicable");
    assert_eq!(v["stats"]["elapsed_ms"], 812);
}

#[test]
fn no_findings_says_so() {
    let out = render(&sample(), Format::Human, &PLAIN);
    assert!(out.contains(
        "No problem found in 2 checks, but 1 check could not be decided (listed below)."
    ));
    assert!(out.contains("unknown[NET-NACL] ec2:DescribeNetworkAcls was denied"));
    // Unknowns are listed even in quiet mode.
    let quiet = RenderOptions {
        color: false,
        quiet: true,
    };
    let out = render(&sample(), Format::Human, &quiet);
    assert!(out.contains("unknown[NET-NACL] ec2:DescribeNetworkAcls was denied"));
}

#[test]
fn empty_report() {
    let mut report = sample();
    report.targets.clear();
    for format in [Format::Human, Format::Json, Format::Markdown, Format::Sarif] {
        assert!(render(&report, format, &PLAIN).ends_with('\n'));
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            // CSI: ESC [ params final-byte
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn with_failure(explained_by: Option<&str>) -> Report {
    let mut r = sample();
    r.targets[0].failure = Some(fd_engine::FailureExplanation {
        message: "CannotPullContainerError: … dial tcp 10.0.1.5:443: i/o timeout".to_owned(),
        source: "container app".to_owned(),
        family: Some("CannotPullContainerError".to_owned()),
        kind: "network_timeout".to_owned(),
        resource: "registry".to_owned(),
        address: Some("10.0.1.5 (inside_vpc)".to_owned()),
        summary: "network timeout reaching the registry from inside the VPC".to_owned(),
        candidates: vec![
            "NET-SG-ENDPOINT-INGRESS".to_owned(),
            "NET-NACL-PATH".to_owned(),
        ],
        explained_by: explained_by.map(str::to_owned),
        ruled_out: vec!["NET-NACL-PATH".to_owned()],
    });
    r
}

#[test]
fn human_shows_what_the_failure_means_and_what_explains_it() {
    let text = render(
        &with_failure(Some("NET-ROUTE-NO-DEFAULT")),
        Format::Human,
        &PLAIN,
    );
    assert!(
        text.contains("failure (container app): CannotPullContainerError"),
        "{text}"
    );
    assert!(
        text.contains("what it means: network timeout reaching the registry"),
        "{text}"
    );
    assert!(
        text.contains("explained by: NET-ROUTE-NO-DEFAULT (first below)"),
        "{text}"
    );
}

#[test]
fn an_unexplained_failure_is_said_plainly_with_what_was_ruled_out() {
    let r = with_failure(None);
    let text = render(&r, Format::Human, &PLAIN);
    assert!(
        text.contains("explained by: no finding explains this message; ruled out: NET-NACL-PATH"),
        "{text}"
    );
    let md = render(&r, Format::Markdown, &PLAIN);
    assert!(
        md.contains("Explained by: no finding; ruled out: NET-NACL-PATH"),
        "{md}"
    );
    let json: serde_json::Value = serde_json::from_str(&render(&r, Format::Json, &PLAIN)).unwrap();
    assert_eq!(
        json["targets"][0]["failure"]["explained_by"],
        serde_json::Value::Null
    );
    assert_eq!(
        json["targets"][0]["failure"]["ruled_out"][0],
        "NET-NACL-PATH"
    );
}
