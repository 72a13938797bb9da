//! Fail-safe: a denied, throttled, failing, silent or dropped AWS call never turns into `pass`
//! and never hangs the run. The real binary runs against moto through a fault-injecting proxy
//! (`tests/common/fault.rs`) that breaks one operation at a time, in the protocol of its service
//! (EC2 and IAM query XML, JSON `__type`, S3 and Route 53 REST-XML, EFS REST-JSON).
//!
//! The tables are driven by the calls themselves: a clean run through the proxy records every
//! operation the collector makes for a scenario, then each one is broken in turn. For each:
//! - a read of the target itself (the service, its task definition) ends the run with exit 2,
//!   naming the call;
//! - any other call leaves the diagnosis `incomplete` (exit 3): a check that needed it is
//!   `unknown` and names the call, or (for the target's stopped and running tasks, which no
//!   check reads) the report says what could not be read;
//! - no finding appears that the clean run did not have: a failed read is never an error of the
//!   configuration, and never a `pass` of what it would have shown;
//! - a call whose data the configuration does not use (NAT gateways for a task in a public
//!   subnet) may fail without effect: then every check says exactly what it said before.

mod common;

use std::collections::BTreeSet;

use common::fault::{Fault, FaultProxy};
use common::*;
use serde_json::Value;

/// The target's own reads: without them there is nothing to diagnose.
const TARGET_OPS: &[&str] = &["ecs:DescribeServices", "ecs:DescribeTaskDefinition"];

/// Reads of the target's context that no check consumes: the report names them in `unread`.
const CONTEXT_OPS: &[&str] = &["ecs:ListTasks", "ecs:DescribeTasks"];

fn error_ids(json: &Value) -> BTreeSet<String> {
    findings(json)
        .iter()
        .filter(|f| f["severity"] == "error")
        .filter_map(|f| f["id"].as_str().map(str::to_string))
        .collect()
}

/// Every check's status.
fn statuses(json: &Value) -> Vec<(String, String)> {
    target(json)["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                c["status"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Where the report names `op` as the reason something is not known.
fn named_as_unknown(json: &Value, op: &str) -> bool {
    let t = target(json);
    let in_checks =
        t["checks"].as_array().into_iter().flatten().any(|c| {
            c["status"] == "unknown" && c["detail"].as_str().is_some_and(|d| d.contains(op))
        });
    let in_unread = t["unread"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|u| u.as_str().is_some_and(|u| u.contains(op)));
    in_checks || in_unread
}

/// Breaks every operation of a clean `service` run of `scenario` in turn with `fault`, and
/// returns one line per operation that did not behave.
fn table(scenario: &str, fault: Fault, only: Option<&[&str]>) -> Vec<String> {
    let moto = Moto::start();
    moto.seed(scenario);
    let proxy = FaultProxy::start(&moto.endpoint);
    let args = ["service", "--cluster", "prod", "web"];
    let (code, clean, stderr) = moto.run_via(&proxy.endpoint, &[], &args);
    assert_eq!(
        code,
        0,
        "{scenario}: the clean run must pass\n{stderr}\n{}",
        summary(&clean)
    );
    let ops: BTreeSet<String> = proxy.seen().into_iter().collect();
    assert!(
        ops.iter().all(|o| !o.ends_with(":Unknown")),
        "the proxy could not name an operation: {ops:?}"
    );
    for o in only.unwrap_or_default() {
        assert!(
            ops.contains(*o),
            "{scenario}: the clean run made no {o}: {ops:?}"
        );
    }
    let clean_errors = error_ids(&clean);
    let mut problems = Vec::new();
    for op in &ops {
        if only.is_some_and(|o| !o.contains(&op.as_str())) {
            continue;
        }
        proxy.clear();
        proxy.set(op, fault);
        let (code, json, stderr) =
            moto.run_via(&proxy.endpoint, &[("FD_CALL_TIMEOUT", "2")], &args);
        let problem = if TARGET_OPS.contains(&op.as_str()) {
            (code != 2 || !stderr.contains(op.as_str()))
                .then(|| format!("exit {code}, stderr: {}", stderr.trim()))
        } else if code == 0 && statuses(&json) == statuses(&clean) {
            // This configuration does not use what the call reads (a NAT gateway listing for
            // a task in a public subnet): every check says exactly what it said before.
            None
        } else if code != 3 {
            Some(format!("exit {code} (wanted 3)"))
        } else if !named_as_unknown(&json, op) && !CONTEXT_OPS.contains(&op.as_str()) {
            Some("no unknown check names the call".into())
        } else if CONTEXT_OPS.contains(&op.as_str()) && !named_as_unknown(&json, op) {
            Some("the report does not say the target's tasks could not be read".into())
        } else if error_ids(&json) != clean_errors {
            Some(format!("new error findings: {:?}", error_ids(&json)))
        } else {
            None
        };
        if let Some(p) = problem {
            problems.push(format!("{op} {fault:?}: {p}\n{}", summary(&json)));
        }
    }
    problems
}

fn assert_table(problems: Vec<String>) {
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_call_denied_efs_env_files_phz() {
    // ECS, EC2, IAM, ECR, Logs, EFS, S3, Route 53: every protocol but JSON-secrets.
    assert_table(table("efs-healthy", Fault::Deny, None));
}

#[test]
fn every_call_denied_secrets_and_parameters() {
    assert_table(table("secrets-readable", Fault::Deny, None));
}

#[test]
fn every_call_denied_private_hosted_zone_records() {
    assert_table(table(
        "phz-with-records",
        Fault::Deny,
        Some(&[
            "route53:ListHostedZonesByVPC",
            "route53:ListResourceRecordSets",
        ]),
    ));
}

#[test]
fn every_call_denied_resolver_rules_and_dns_firewall() {
    // A FORWARD rule on the VPC: its association, the rule, and the DNS Firewall listing.
    assert_table(table(
        "resolver-forward-aws",
        Fault::Deny,
        Some(&[
            "route53resolver:ListResolverRuleAssociations",
            "route53resolver:GetResolverRule",
            "route53resolver:ListFirewallRuleGroupAssociations",
        ]),
    ));
}

#[test]
fn every_call_denied_customer_managed_key() {
    // A secret encrypted with a customer managed key: the key and its policy are read.
    assert_table(table(
        "secrets-cmk",
        Fault::Deny,
        Some(&["kms:DescribeKey", "kms:GetKeyPolicy"]),
    ));
}

/// One operation of every protocol, for the faults other than a denial.
const ONE_PER_PROTOCOL: &[&str] = &[
    "ec2:DescribeNetworkAcls",
    "iam:ListAttachedRolePolicies",
    "ecr:DescribeImages",
    "logs:DescribeLogGroups",
    "efs:DescribeMountTargets",
    "s3:HeadObject",
    "route53:ListHostedZonesByVPC",
    "ecs:DescribeServices",
];

#[test]
fn permanent_throttling() {
    assert_table(table(
        "efs-healthy",
        Fault::Throttle,
        Some(ONE_PER_PROTOCOL),
    ));
}

#[test]
fn server_errors() {
    assert_table(table(
        "efs-healthy",
        Fault::ServerError,
        Some(ONE_PER_PROTOCOL),
    ));
}

#[test]
fn dropped_connections() {
    assert_table(table("efs-healthy", Fault::Drop, Some(ONE_PER_PROTOCOL)));
}

#[test]
fn calls_that_never_answer_time_out() {
    // FD_CALL_TIMEOUT=2: each hung call gives up after 2 s per attempt.
    assert_table(table(
        "efs-healthy",
        Fault::Hang,
        Some(&[
            "ec2:DescribeNetworkAcls",
            "efs:DescribeMountTargets",
            "ecs:DescribeServices",
        ]),
    ));
}

#[test]
fn a_burst_of_throttling_is_retried_away() {
    // With the SDK's standard retries (AWS_MAX_ATTEMPTS=3), one throttled answer per operation
    // changes nothing: same verdict, no unknown.
    let moto = Moto::start();
    moto.seed("efs-healthy");
    let proxy = FaultProxy::start(&moto.endpoint);
    let args = ["service", "--cluster", "prod", "web"];
    let env = [("AWS_MAX_ATTEMPTS", "3"), ("AWS_RETRY_MODE", "standard")];
    let (code, _, _) = moto.run_via(&proxy.endpoint, &env, &args);
    assert_eq!(code, 0);
    for op in proxy.seen().into_iter().collect::<BTreeSet<_>>() {
        proxy.set(&op, Fault::ThrottleBurst(1));
    }
    let (code, json, stderr) = moto.run_via(&proxy.endpoint, &env, &args);
    assert_eq!(code, 0, "{stderr}\n{}", summary(&json));
    assert_eq!(verdict(&json), "pass");
}

#[test]
fn an_endpoint_that_never_answers_is_exit_2() {
    let moto = Moto::start();
    moto.seed("healthy-nat");
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.set_all(Fault::Hang);
    let (code, json, stderr) = moto.run_via(
        &proxy.endpoint,
        &[("FD_CALL_TIMEOUT", "2")],
        &["service", "--cluster", "prod", "web"],
    );
    assert_eq!(code, 2, "{stderr}\n{}", summary(&json));
    assert!(stderr.contains("ecs:DescribeServices"), "{stderr}");
}

#[test]
fn the_run_deadline_ends_a_slow_collection() {
    let moto = Moto::start();
    moto.seed("healthy-nat");
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.set("ec2:DescribeNetworkAcls", Fault::Hang);
    let (code, _, stderr) = moto.run_via(
        &proxy.endpoint,
        &[("FD_CALL_TIMEOUT", "30"), ("FD_DEADLINE", "3")],
        &["service", "--cluster", "prod", "web"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("deadline"), "{stderr}");
}

#[test]
fn least_privilege_user_missing_one_permission() {
    // moto's own IAM enforcement: the tool runs as a user whose policy allows every read but
    // ec2:DescribeNetworkAcls. The NACL check is unknown and names the call; nothing passes
    // that needed it; the run still diagnoses everything else.
    let moto = Moto::start();
    let seed = moto.seed("least-privilege-no-nacls");
    moto.enforce_iam();
    let (code, json, stderr) = moto.run_via(
        &moto.endpoint,
        &[
            ("AWS_ACCESS_KEY_ID", s(&seed, "access_key_id")),
            ("AWS_SECRET_ACCESS_KEY", s(&seed, "secret_access_key")),
        ],
        &["service", "--cluster", "prod", "web"],
    );
    assert_eq!(code, 3, "{stderr}\n{}", summary(&json));
    assert_eq!(check_status(&json, "NET-NACL-PATH"), "unknown");
    assert!(
        named_as_unknown(&json, "ec2:DescribeNetworkAcls"),
        "{}",
        summary(&json)
    );
    assert!(error_ids(&json).is_empty(), "{}", summary(&json));
}
