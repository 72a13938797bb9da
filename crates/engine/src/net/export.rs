//! The evaluated network paths as report data (contract §3 `paths`): per task subnet and
//! destination, subnet → (security groups, network ACL, where they stop it) → route table →
//! target → destination, each hop with its verdict, and
//! the finding that breaks the path. Read from the paths the checks judged ([`Cx::paths`]):
//! nothing is re-derived here, so a diagram can never disagree with the findings.

use crate::context::{Cx, SubnetPaths};
use crate::net::path::{EndpointUse, Eval, Hop, PathEval};
use crate::report::{Finding, HopReport, PathReport, PathVerdict, Severity};

/// The checks that report a broken path, by the part of the path they judge, most specific
/// first: the finding a path names is the first of these (in the findings' root-cause order)
/// about the path's subnet or broken hop.
const ROUTE_FINDINGS: &[&str] = &[
    "NET-ROUTE-BLACKHOLE",
    "NET-NAT-NOT-AVAILABLE",
    "NET-NAT-IN-PRIVATE-SUBNET",
    "NET-PUBLIC-NO-PUBLICIP",
    "VPCE-S3-NOT-ASSOCIATED",
    "VPCE-CROSS-REGION",
    "REG-INTERNET-REQUIRED",
    "NET-ROUTE-NO-DEFAULT",
];
const ENDPOINT_FINDINGS: &[&str] = &[
    "VPCE-NOT-USABLE",
    "VPCE-PRIVATE-DNS-DISABLED",
    "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
];
const TASK_EGRESS_FINDINGS: &[&str] = &["NET-SG-TASK-EGRESS-S3-PREFIXLIST", "NET-SG-TASK-EGRESS"];
const ENDPOINT_INGRESS_FINDINGS: &[&str] = &["NET-SG-ENDPOINT-INGRESS"];
const NACL_FINDINGS: &[&str] = &["NET-NACL-PATH"];

/// Every evaluated path of the target.
pub fn paths(cx: &Cx, findings: &[Finding]) -> Vec<PathReport> {
    cx.paths
        .iter()
        .flat_map(|sp| sp.paths.iter().map(move |p| one(cx, sp, p, findings)))
        .collect()
}

fn ok_unless<T>(e: &Eval<T>) -> PathVerdict {
    match e {
        Eval::Ok => PathVerdict::Ok,
        Eval::Issue(_) => PathVerdict::Broken,
        Eval::Unknown(_) => PathVerdict::Unknown,
    }
}

fn hop(kind: &str, id: impl Into<String>, verdict: PathVerdict) -> HopReport {
    HopReport {
        kind: kind.to_string(),
        id: id.into(),
        verdict,
    }
}

fn one(cx: &Cx, sp: &SubnetPaths, p: &PathEval, findings: &[Finding]) -> PathReport {
    let subnet = sp.subnet.id.clone();
    let public_ip = cx.netcfg.is_some_and(|n| n.assign_public_ip);
    // What the traffic crosses on its way out of the subnet, when it stops it (or cannot be
    // judged): the task's security groups, then a network ACL. A path they let through draws
    // no hop for them, so a diagram shows where the break is, not every rule on the way.
    let task_side = worst(ok_unless(&p.task_egress), ok_unless(&p.nacl));
    let mut hops = vec![hop("subnet", subnet.clone(), PathVerdict::Ok)];
    let task_groups = || {
        cx.netcfg
            .map(|n| n.security_groups.join(", "))
            .unwrap_or_default()
    };
    match &p.task_egress {
        Eval::Ok => {}
        Eval::Issue(i) => hops.push(hop(
            "security_group",
            i.groups.join(", "),
            PathVerdict::Broken,
        )),
        Eval::Unknown(_) => hops.push(hop("security_group", task_groups(), PathVerdict::Unknown)),
    }
    match &p.nacl {
        Eval::Ok => {}
        Eval::Issue(issues) => {
            let acl = issues.first().map(|i| i.acl.clone()).unwrap_or_default();
            hops.push(hop("network_acl", acl, PathVerdict::Broken));
        }
        Eval::Unknown(_) => hops.push(hop("network_acl", "network ACLs", PathVerdict::Unknown)),
    }
    // Which check speaks for a break, by the hop that breaks.
    let mut blame: &[&str] = if p.task_egress != Eval::Ok {
        TASK_EGRESS_FINDINGS
    } else {
        NACL_FINDINGS
    };
    let mut broken_id: Option<String> = None;
    match (&p.endpoint, p.via_interface) {
        (
            EndpointUse::Interface {
                endpoint, problems, ..
            },
            true,
        ) => {
            let verdict = if !problems.is_empty() {
                PathVerdict::Broken
            } else {
                ok_unless(&p.endpoint_ingress)
            };
            if verdict == PathVerdict::Broken && task_side == PathVerdict::Ok {
                blame = if problems.is_empty() {
                    ENDPOINT_INGRESS_FINDINGS
                } else {
                    ENDPOINT_FINDINGS
                };
                broken_id = Some(endpoint.id.clone());
            }
            hops.push(hop("interface_endpoint", endpoint.id.clone(), verdict));
        }
        _ => {
            let routed = p.routed_ok(public_ip);
            let table = sp
                .table
                .as_ref()
                .map(|t| t.table.id.clone())
                .unwrap_or_else(|| "route table".into());
            let (kind, id, verdict) = match &p.route.hop {
                Hop::NoRoute => ("no_route", "no route".to_string(), PathVerdict::Broken),
                Hop::Unknown(_) => ("unknown", "?".to_string(), PathVerdict::Unknown),
                Hop::Blackhole { target, .. } => ("blackhole", target.clone(), PathVerdict::Broken),
                Hop::Igw { id, .. } => ("internet_gateway", id.clone(), ok(routed)),
                Hop::Nat { id, .. } => ("nat_gateway", id.clone(), ok(routed)),
                Hop::GatewayEndpoint { id } => ("gateway_endpoint", id.clone(), PathVerdict::Ok),
                Hop::Opaque { target } => ("opaque", target.clone(), PathVerdict::Unknown),
                Hop::Local => ("local", "local".to_string(), PathVerdict::Unknown),
                Hop::PeerVpc { id, .. } => ("peering", id.clone(), PathVerdict::Unknown),
                Hop::PeeringNotTransitive { id, .. } => {
                    ("peering", id.clone(), PathVerdict::Broken)
                }
            };
            // The table was read; what breaks is the hop it leads to (a missing route is its
            // own `no_route` hop, so the break shows between the table and nowhere).
            let table_verdict = if kind == "unknown" {
                PathVerdict::Unknown
            } else {
                PathVerdict::Ok
            };
            hops.push(hop("route_table", table.clone(), table_verdict));
            if verdict == PathVerdict::Broken && task_side == PathVerdict::Ok {
                blame = ROUTE_FINDINGS;
                broken_id = Some(if kind == "no_route" {
                    table
                } else {
                    id.clone()
                });
            }
            hops.push(hop(kind, id, verdict));
        }
    }
    let verdict = hops.iter().map(|h| h.verdict).fold(PathVerdict::Ok, worst);
    hops.push(hop("destination", p.dest.host.clone(), verdict));
    let finding = (verdict == PathVerdict::Broken)
        .then(|| pick(findings, blame, &subnet, broken_id.as_deref()))
        .flatten();
    PathReport {
        subnet,
        destination: p.dest.describe(),
        hops,
        verdict,
        finding,
    }
}

fn ok(b: bool) -> PathVerdict {
    if b {
        PathVerdict::Ok
    } else {
        PathVerdict::Broken
    }
}

/// Broken beats unknown beats ok.
fn worst(a: PathVerdict, b: PathVerdict) -> PathVerdict {
    use PathVerdict::*;
    match (a, b) {
        (Broken, _) | (_, Broken) => Broken,
        (Unknown, _) | (_, Unknown) => Unknown,
        _ => Ok,
    }
}

/// The first error finding (root-cause order) of a check in `ids` about the subnet or the
/// broken hop; else the first such finding about anything (a VPC-wide one).
fn pick(findings: &[Finding], ids: &[&str], subnet: &str, broken: Option<&str>) -> Option<String> {
    let candidates = || {
        findings
            .iter()
            .filter(|f| f.severity == Severity::Error && ids.contains(&f.id.as_str()))
    };
    let about = |f: &&Finding| {
        f.resources
            .iter()
            .any(|r| r == subnet || Some(r.as_str()) == broken)
    };
    // Most specific check first, then findings' order.
    ids.iter()
        .find_map(|id| candidates().filter(about).find(|f| f.id == *id))
        .or_else(|| candidates().next())
        .map(|f| f.id.clone())
}
