//! Engine tests on snapshot fixtures. Each fixture was collected by `--save-snapshot` from a
//! scenario built in moto (`tests/moto/seed.py <name>`), so it has the shape real collection
//! produces. Assertions are on what a user relies on (which check fails, which resource is named
//! first, what is not applicable), plus an insta snapshot of the whole diagnosis so that any
//! change in wording or order is reviewed.

use std::path::Path;

use fd_engine::{CheckStatus, Severity, TargetReport, Verdict};
use fd_snapshot::{ApiCall, CallOutcome, Op, Snapshot};

fn load(name: &str) -> Snapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(format!("{name}.json"));
    fd_snapshot::load_file(&path).unwrap_or_else(|e| panic!("{e}"))
}

fn diagnose(snap: &Snapshot) -> TargetReport {
    let mut reports = fd_engine::diagnose(snap);
    assert_eq!(reports.len(), 1);
    reports.remove(0)
}

fn status(r: &TargetReport, id: &str) -> CheckStatus {
    r.checks
        .iter()
        .find(|c| c.id == id)
        .unwrap_or_else(|| panic!("no check {id}"))
        .status
}

fn ids(r: &TargetReport) -> Vec<&str> {
    r.findings.iter().map(|f| f.id.as_str()).collect()
}

/// A compact, reviewable view of a diagnosis for insta.
fn summary(r: &TargetReport) -> serde_json::Value {
    serde_json::json!({
        "verdict": r.verdict,
        "findings": r.findings.iter().map(|f| serde_json::json!({
            "id": f.id, "severity": f.severity, "resources": f.resources, "message": f.message,
        })).collect::<Vec<_>>(),
        "not_pass": r.checks.iter().filter(|c| c.status != CheckStatus::Pass && c.status != CheckStatus::NotApplicable)
            .map(|c| format!("{} {}", c.id, c.status.as_str())).collect::<Vec<_>>(),
    })
}

#[test]
fn healthy_setups_have_no_error() {
    for name in ["healthy-nat", "healthy-endpoints", "vpce-ecr-api-pv13"] {
        let r = diagnose(&load(name));
        assert!(
            r.findings.iter().all(|f| f.severity != Severity::Error),
            "{name}: {:?}",
            ids(&r)
        );
        assert_eq!(r.verdict, Verdict::Pass, "{name}");
        assert!(
            r.checks.iter().all(|c| c.status != CheckStatus::Unknown),
            "{name}"
        );
    }
}

#[test]
fn healthy_endpoints_pass_the_endpoint_checks() {
    let r = diagnose(&load("healthy-endpoints"));
    for id in [
        "VPCE-ECR-API-MISSING",
        "VPCE-ECR-DKR-MISSING",
        "VPCE-S3-GATEWAY-MISSING",
        "VPCE-LOGS-MISSING",
        "NET-SG-ENDPOINT-INGRESS",
        "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
        "NET-NACL-PATH",
    ] {
        assert_eq!(status(&r, id), CheckStatus::Pass, "{id}");
    }
    insta::assert_json_snapshot!("healthy-endpoints", summary(&r));
}

#[test]
fn platform_1_3_does_not_need_ecr_api() {
    let r = diagnose(&load("vpce-ecr-api-pv13"));
    assert_eq!(
        status(&r, "VPCE-ECR-API-MISSING"),
        CheckStatus::NotApplicable
    );
    assert_eq!(status(&r, "VPCE-ECR-DKR-MISSING"), CheckStatus::Pass);
}

#[test]
fn only_the_broken_subnet_is_named() {
    let snap = load("mixed-subnets");
    let r = diagnose(&snap);
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "NET-ROUTE-NO-DEFAULT")
        .expect("NET-ROUTE-NO-DEFAULT");
    let subnets = &snap.targets[0]
        .network_configuration
        .as_ref()
        .unwrap()
        .subnets;
    let named: Vec<&String> = subnets.iter().filter(|s| f.resources.contains(s)).collect();
    assert_eq!(named.len(), 1, "{:?}", f.resources);
    // The named subnet is the one without a default route; the other routes to a NAT gateway.
    let broken = named[0];
    assert_eq!(&f.resources[0], broken);
    for f in &r.findings {
        let other = subnets.iter().find(|s| *s != broken).unwrap();
        assert!(!f.resources.contains(other), "{} names {other}", f.id);
    }
    insta::assert_json_snapshot!("mixed-subnets", summary(&r));
}

#[test]
fn deleted_nat_is_a_blackhole_not_missing_endpoints() {
    let r = diagnose(&load("blackhole-deleted-nat"));
    assert_eq!(r.findings[0].id, "NET-ROUTE-BLACKHOLE");
    assert!(r.findings[0].resources[0].starts_with("rtb-"));
    assert!(r.findings[0].resources[1].starts_with("nat-"));
    assert_eq!(
        status(&r, "VPCE-ECR-DKR-MISSING"),
        CheckStatus::NotApplicable
    );
    insta::assert_json_snapshot!("blackhole-deleted-nat", summary(&r));
}

#[test]
fn nat_in_private_subnet_names_the_nat_first() {
    let r = diagnose(&load("nat-in-private-subnet"));
    assert_eq!(r.findings[0].id, "NET-NAT-IN-PRIVATE-SUBNET");
    assert!(r.findings[0].resources[0].starts_with("nat-"));
    insta::assert_json_snapshot!("nat-in-private-subnet", summary(&r));
}

#[test]
fn stateless_nacl_return_traffic_is_checked() {
    let r = diagnose(&load("nacl-no-return"));
    let f = &r.findings[0];
    assert_eq!(f.id, "NET-NACL-PATH");
    assert!(f.resources[0].starts_with("acl-"));
    assert!(
        f.message
            .contains("return traffic (inbound TCP ports 32768-60999"),
        "{}",
        f.message
    );
    insta::assert_json_snapshot!("nacl-no-return", summary(&r));
}

#[test]
fn s3_prefix_list_egress_and_endpoint_ingress() {
    let r = diagnose(&load("sg-no-s3-prefix-list"));
    assert_eq!(ids(&r), ["NET-SG-TASK-EGRESS-S3-PREFIXLIST"]);
    assert!(r.findings[0].resources[0].starts_with("sg-"));
    assert_eq!(status(&r, "NET-SG-TASK-EGRESS"), CheckStatus::Pass);

    let r = diagnose(&load("endpoint-sg-no-ingress"));
    assert!(
        ids(&r).iter().all(|i| *i == "NET-SG-ENDPOINT-INGRESS"),
        "{:?}",
        ids(&r)
    );
    let f = &r.findings[0];
    assert!(f.resources[0].starts_with("sg-") && f.resources[1].starts_with("vpce-"));
    insta::assert_json_snapshot!("endpoint-sg-no-ingress", summary(&r));
}

/// The tool's core promise: data it could not read is `unknown`, never `pass`.
#[test]
fn denied_reads_are_unknown_not_pass() {
    let mut snap = load("healthy-nat");
    snap.network.network_acls.clear();
    snap.network.security_groups.clear();
    for op in ["DescribeNetworkAcls", "DescribeSecurityGroups"] {
        snap.calls.push(ApiCall {
            outcome: CallOutcome::Denied,
            error_code: Some("UnauthorizedOperation".into()),
            message: Some("You are not authorized to perform this operation.".into()),
            ..ApiCall::of(Op::parse("ec2", op).expect(op), None)
        });
    }
    let r = diagnose(&snap);
    for id in ["NET-NACL-PATH", "NET-SG-TASK-EGRESS"] {
        let c = r.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(c.status, CheckStatus::Unknown, "{id}");
        assert!(
            c.detail.as_deref().unwrap_or("").contains("was denied"),
            "{id}: {:?}",
            c.detail
        );
    }
    assert_eq!(r.verdict, Verdict::Incomplete);
    let report = fd_engine::report(
        &snap,
        fd_engine::Stats {
            rounds: 0,
            api_calls: 0,
            elapsed_ms: 0,
        },
    );
    assert_eq!(report.exit_code(), 3);
}

#[test]
fn diagnosis_is_deterministic() {
    let snap = load("mixed-subnets");
    assert_eq!(fd_engine::diagnose(&snap), fd_engine::diagnose(&snap));
}

fn deny(snap: &mut Snapshot, service: &str, op: &str) {
    snap.calls.push(ApiCall {
        outcome: CallOutcome::Denied,
        error_code: Some("UnauthorizedOperation".into()),
        ..ApiCall::of(Op::parse(service, op).expect(op), None)
    });
}

/// Endpoints that could not be read are not "missing": no finding may blame them, and the
/// checks that need them say unknown.
#[test]
fn unreadable_endpoints_are_not_missing_endpoints() {
    let mut snap = load("healthy-endpoints");
    snap.network.vpc_endpoints.clear();
    deny(&mut snap, "ec2", "DescribeVpcEndpoints");
    let r = diagnose(&snap);
    assert!(
        r.findings.iter().all(|f| f.severity != Severity::Error),
        "{:?}",
        ids(&r)
    );
    for id in [
        "NET-ROUTE-NO-DEFAULT",
        "VPCE-ECR-DKR-MISSING",
        "VPCE-ECR-API-MISSING",
        "VPCE-S3-GATEWAY-MISSING",
    ] {
        assert_eq!(status(&r, id), CheckStatus::Unknown, "{id}");
    }
    assert_eq!(r.verdict, Verdict::Incomplete);
}

/// Route tables that could not be read leave every routing check undecided.
#[test]
fn unreadable_route_tables_are_unknown() {
    let mut snap = load("healthy-nat");
    snap.network.route_tables.clear();
    deny(&mut snap, "ec2", "DescribeRouteTables");
    let r = diagnose(&snap);
    for id in [
        "NET-ROUTE-NO-DEFAULT",
        "NET-NAT-NOT-AVAILABLE",
        "NET-NAT-IN-PRIVATE-SUBNET",
        "NET-PUBLIC-NO-PUBLICIP",
        "NET-ROUTE-BLACKHOLE",
    ] {
        assert_eq!(status(&r, id), CheckStatus::Unknown, "{id}");
    }
    assert!(r.findings.iter().all(|f| f.severity != Severity::Error));
}

/// A stopped task's reason is classified, and the finding that explains it comes first.
#[test]
fn the_finding_that_explains_the_stopped_reason_comes_first() {
    let r = diagnose(&load("stopped-task"));
    let fx = r.failure.as_ref().expect("a failure explanation");
    assert_eq!(fx.source, "stopped_reason");
    assert_eq!(fx.kind, "network_timeout");
    assert_eq!(fx.resource, "ecr_auth");
    assert!(
        fx.address.as_deref().unwrap_or("").ends_with("(public)"),
        "{fx:?}"
    );
    assert_eq!(fx.explained_by.as_deref(), Some("NET-ROUTE-NO-DEFAULT"));
    assert_eq!(r.findings[0].id, "NET-ROUTE-NO-DEFAULT");
    // The ECR API endpoint is the one the message is about: next in line.
    assert_eq!(r.findings[1].id, "VPCE-ECR-API-MISSING");
}

/// A reason no finding explains is said plainly, with the candidates that passed.
#[test]
fn an_unexplained_stopped_reason_lists_what_was_ruled_out() {
    let mut snap = load("healthy-nat");
    snap.targets[0].stopped_reason = Some(
        "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to \
         resolve ref 123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1: failed to do request: \
         Head \"https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/1\": dial \
         tcp 10.0.1.23:443: i/o timeout"
            .into(),
    );
    let r = diagnose(&snap);
    let fx = r.failure.as_ref().unwrap();
    assert_eq!(fx.explained_by, None, "{fx:?}");
    assert!(
        fx.address.as_deref().unwrap_or("").contains("inside_vpc"),
        "{fx:?}"
    );
    assert!(
        fx.ruled_out.iter().any(|id| id == "NET-NACL-PATH"),
        "{fx:?}"
    );
    assert!(r.findings.iter().all(|f| f.severity != Severity::Error));
}

/// States moto cannot produce, set on collected snapshots: a blackhole route, a pending NAT
/// gateway, an endpoint that is not available.
#[test]
fn states_moto_cannot_produce() {
    // A route whose state is blackhole.
    let mut snap = load("healthy-nat");
    let target_subnet = snap.targets[0]
        .network_configuration
        .as_ref()
        .unwrap()
        .subnets[0]
        .clone();
    let rtb = snap
        .network
        .route_tables
        .values_mut()
        .find(|t| t.subnet_associations.contains(&target_subnet))
        .unwrap();
    let rtb_id = rtb.id.clone();
    for r in rtb
        .routes
        .iter_mut()
        .filter(|r| r.target.starts_with("nat-"))
    {
        r.state = "blackhole".into();
    }
    let r = diagnose(&snap);
    assert_eq!(r.findings[0].id, "NET-ROUTE-BLACKHOLE", "{:?}", ids(&r));
    assert_eq!(r.findings[0].resources[0], rtb_id);

    // A NAT gateway still pending.
    let mut snap = load("healthy-nat");
    let nat = snap.network.nat_gateways.values_mut().next().unwrap();
    nat.state = "pending".into();
    let nat_id = nat.id.clone();
    let r = diagnose(&snap);
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "NET-NAT-NOT-AVAILABLE")
        .unwrap();
    assert_eq!(f.resources[0], nat_id);
    assert!(f.message.contains("pending"), "{}", f.message);

    // An interface endpoint pending acceptance.
    let mut snap = load("healthy-endpoints");
    let ep = snap
        .network
        .vpc_endpoints
        .values_mut()
        .find(|e| e.service_name.ends_with(".ecr.dkr"))
        .unwrap();
    ep.state = "pendingAcceptance".into();
    let ep_id = ep.id.clone();
    let r = diagnose(&snap);
    let f = r
        .findings
        .iter()
        .find(|f| f.id == "VPCE-NOT-USABLE")
        .unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.resources[0], ep_id);
}

/// A stopped task whose ENI is gone has no known security groups: the egress checks are
/// unknown, not failed (and not passed).
#[test]
fn unknown_task_security_groups_are_unknown_not_blocked() {
    let mut snap = load("healthy-endpoints");
    let nc = snap.targets[0].network_configuration.as_mut().unwrap();
    nc.security_groups.clear();
    let r = diagnose(&snap);
    assert!(
        r.findings.iter().all(|f| f.severity != Severity::Error),
        "{:?}",
        ids(&r)
    );
    for id in ["NET-SG-TASK-EGRESS", "NET-SG-TASK-EGRESS-S3-PREFIXLIST"] {
        assert_eq!(status(&r, id), CheckStatus::Unknown, "{id}");
    }
}

/// Marks the recorded `operation` calls scoped to `scope` with `outcome`.
fn set_outcome(snap: &mut Snapshot, operation: &str, scope: &str, outcome: CallOutcome) {
    for c in snap.calls.iter_mut().filter(|c| {
        c.op.name() == operation && c.scope.as_ref().is_some_and(|s| s.to_string() == scope)
    }) {
        c.outcome = outcome;
        (c.error_code, c.message) = match outcome {
            CallOutcome::Ok => (None, None),
            _ => (
                Some("AccessDeniedException".into()),
                Some("not allowed".into()),
            ),
        };
    }
}

/// DescribeRepositories denied, GetRepositoryPolicy answered: the collector keeps a policy only
/// with its repository, so the policy was not kept. Read as "no repository" (a plain map's
/// `None`), the repository had no policy and ECR-REPO-POLICY passed; it is `unknown`.
#[test]
fn unreadable_repository_leaves_its_policy_unknown() {
    let mut snap = load("healthy-nat");
    let arn = "arn:aws:ecr:us-east-1:123456789012:repository/app";
    snap.ecr.repositories.remove(arn);
    set_outcome(&mut snap, "DescribeRepositories", arn, CallOutcome::Denied);
    set_outcome(&mut snap, "GetRepositoryPolicy", arn, CallOutcome::Ok);
    let r = diagnose(&snap);
    for id in ["ECR-REPO-POLICY", "ECR-REPO-NOT-FOUND"] {
        let c = r.checks.iter().find(|c| c.id == id).unwrap();
        assert_eq!(c.status, CheckStatus::Unknown, "{id}");
        assert!(
            c.detail
                .as_deref()
                .unwrap_or("")
                .contains("ecr:DescribeRepositories was denied"),
            "{id}: {:?}",
            c.detail
        );
    }
    // The image itself was read: it exists.
    assert_eq!(status(&r, "ECR-IMAGE-NOT-FOUND"), CheckStatus::Pass);
    assert!(r.findings.iter().all(|f| f.severity != Severity::Error));
    assert_eq!(r.verdict, Verdict::Incomplete);
}

/// An internet gateway that was never read (no DescribeInternetGateways in the snapshot) is not
/// an internet gateway that does not exist: the NAT gateway's upstream route is `unknown`, not
/// NET-NAT-IN-PRIVATE-SUBNET's "routes 0.0.0.0/0 to igw-…, which does not exist".
#[test]
fn unread_internet_gateway_is_not_a_missing_one() {
    let mut snap = load("healthy-nat");
    snap.network.internet_gateways.clear();
    snap.calls
        .retain(|c| c.op.name() != "DescribeInternetGateways");
    let r = diagnose(&snap);
    let c = r
        .checks
        .iter()
        .find(|c| c.id == "NET-NAT-IN-PRIVATE-SUBNET")
        .unwrap();
    assert_eq!(c.status, CheckStatus::Unknown);
    assert!(
        c.detail
            .as_deref()
            .unwrap_or("")
            .contains("ec2:DescribeInternetGateways for igw-"),
        "{:?}",
        c.detail
    );
    assert!(
        r.findings.iter().all(|f| f.severity != Severity::Error),
        "{:?}",
        ids(&r)
    );
    assert_eq!(r.verdict, Verdict::Incomplete);
}

/// A task subnet that no DescribeSubnets call covered (only the VPC-wide read, which does not
/// say which VPC a missing ID would be in) is unreadable, not absent: ENI-CONFIG-INVALID is
/// `unknown` instead of "Subnet(s) … do not exist".
#[test]
fn uncovered_task_subnet_is_unknown_not_missing() {
    let mut snap = load("healthy-nat");
    let subnet = snap.targets[0]
        .network_configuration
        .as_ref()
        .unwrap()
        .subnets[0]
        .clone();
    snap.network.subnets.remove(&subnet);
    snap.calls.retain(|c| {
        !(c.op.name() == "DescribeSubnets"
            && c.scope
                .as_ref()
                .is_some_and(|s| s.to_string().contains(&subnet)))
    });
    let r = diagnose(&snap);
    assert_eq!(status(&r, "ENI-CONFIG-INVALID"), CheckStatus::Unknown);
    assert!(!ids(&r).contains(&"ENI-CONFIG-INVALID"), "{:?}", ids(&r));
    // The network paths are undecided too, rather than judged on the other subnet alone.
    assert_eq!(status(&r, "NET-ROUTE-NO-DEFAULT"), CheckStatus::Unknown);
    assert_eq!(r.verdict, Verdict::Incomplete);
}

/// The evaluated paths reach the report (contract §3 `paths`): every subnet × destination, the
/// hop where each breaks, and the finding that breaks it, agreeing with the findings.
#[test]
fn the_paths_in_the_report_agree_with_the_findings() {
    use fd_engine::PathVerdict;
    // Healthy behind a NAT gateway: every path ok, through the NAT gateway, no finding named.
    let r = diagnose(&load("healthy-nat"));
    assert!(!r.paths.is_empty());
    for p in &r.paths {
        assert_eq!(p.verdict, PathVerdict::Ok, "{p:?}");
        assert_eq!(p.finding, None);
        let kinds: Vec<&str> = p.hops.iter().map(|h| h.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["subnet", "route_table", "nat_gateway", "destination"]
        );
    }
    // Two private subnets without a route: every path breaks at the route table, named by
    // the route finding; there are as many paths as subnets × destinations.
    let r = diagnose(&load("mixed-subnets"));
    let broken: Vec<_> = r
        .paths
        .iter()
        .filter(|p| p.verdict == PathVerdict::Broken)
        .collect();
    assert!(!broken.is_empty());
    for p in &broken {
        assert_eq!(p.finding.as_deref(), Some("NET-ROUTE-NO-DEFAULT"), "{p:?}");
        assert_eq!(p.hops[2].kind, "no_route");
        let route = r
            .findings
            .iter()
            .find(|f| f.id == "NET-ROUTE-NO-DEFAULT")
            .unwrap();
        assert!(route.resources.contains(&p.subnet), "{p:?}");
    }
    // The healthy subnet of the same service is not broken.
    assert!(
        r.paths.iter().any(|p| p.verdict == PathVerdict::Ok),
        "{:?}",
        r.paths
    );
    // Interface endpoints: subnet → endpoint → destination.
    let r = diagnose(&load("endpoint-sg-no-ingress"));
    let p = r
        .paths
        .iter()
        .find(|p| p.verdict == PathVerdict::Broken)
        .expect("a broken path");
    assert_eq!(p.hops[1].kind, "interface_endpoint");
    assert_eq!(p.finding.as_deref(), Some("NET-SG-ENDPOINT-INGRESS"));
    // A network ACL that drops the return traffic: the break is where the traffic leaves
    // the subnet, at that ACL, named by the NACL finding.
    let r = diagnose(&load("nacl-no-return"));
    let nacl = r.findings.iter().find(|f| f.id == "NET-NACL-PATH").unwrap();
    for p in r.paths.iter().filter(|p| p.verdict == PathVerdict::Broken) {
        assert_eq!(p.hops[0].verdict, PathVerdict::Ok, "{p:?}");
        assert_eq!(p.hops[1].kind, "network_acl", "{p:?}");
        assert_eq!(p.hops[1].verdict, PathVerdict::Broken);
        assert!(nacl.resources.contains(&p.hops[1].id), "{p:?}");
        assert_eq!(p.finding.as_deref(), Some("NET-NACL-PATH"));
    }
}
