//! Small helpers the checks share: gates (does the check apply, can it be decided) and the
//! usual evidence lines.

use crate::context::{Cx, SubnetPaths};
use crate::net::path::PathEval;
use crate::net::route;
use crate::report::Evidence;
use fd_snapshot::Op;

use super::Outcome;

pub fn ev(resource: impl Into<String>, detail: impl Into<String>) -> Evidence {
    Evidence {
        resource: resource.into(),
        detail: detail.into(),
    }
}

/// `Some(outcome)` when the IPv4 network-path checks cannot run: no task definition or no
/// network, or every task subnet is IPv6-only (NET-IPV6-ONLY decides those).
pub fn gate_paths(cx: &Cx) -> Option<Outcome> {
    if let Some(o) = gate_network(cx) {
        return Some(o);
    }
    if cx.paths.is_empty() && !cx.v6_paths.is_empty() {
        let ids: Vec<&str> = cx.v6_paths.iter().map(|sp| sp.subnet.id.as_str()).collect();
        return Some(Outcome::na(format!(
            "the task subnets ({}) are IPv6-only: the task has no IPv4 address, and NET-IPV6-ONLY decides its paths",
            ids.join(", ")
        )));
    }
    None
}

/// `Some(outcome)` when no network-path check can run: no task definition or no network.
pub fn gate_network(cx: &Cx) -> Option<Outcome> {
    if let Some(why) = cx.network_missing() {
        return Some(if cx.netcfg.is_none() {
            Outcome::na(why)
        } else {
            Outcome::unknown(why)
        });
    }
    if let Some(why) = cx.td_missing() {
        return Some(Outcome::unknown(why));
    }
    None
}

/// The outcome of a check about the task's subnets when none is known: `unknown` when they
/// could not be read (a denied DescribeSubnets is no answer), else `not_applicable` with why.
pub fn no_subnets(cx: &Cx) -> Outcome {
    let unread = cx
        .subnets_unreadable()
        .or_else(|| cx.unread_subnets.first().map(|(_, why)| why.clone()));
    match unread {
        Some(why) if cx.netcfg.is_some() => Outcome::unknown(why),
        _ => Outcome::na(cx.network_missing().unwrap_or_else(|| "no subnet".into())),
    }
}

/// The route table a subnet uses, as an ID for `resources` (or `?`).
pub fn table_id(sp: &SubnetPaths) -> String {
    sp.table
        .map(|t| t.table.id.clone())
        .unwrap_or_else(|| "(no route table)".into())
}

/// "rtb-1 (explicit association): routes: 10.0.0.0/16 -> local".
pub fn table_evidence(sp: &SubnetPaths) -> Evidence {
    match sp.table {
        Some(t) => ev(
            t.table.id.clone(),
            format!(
                "route table of {} ({}); {}",
                sp.subnet.id,
                t.how(),
                route::describe_routes(t.table)
            ),
        ),
        None => ev(sp.subnet.id.clone(), "no route table found for the subnet"),
    }
}

/// "ECR API (api.ecr.us-east-1.amazonaws.com), Logs (…)".
pub fn dest_list(paths: &[&PathEval]) -> String {
    let v: Vec<String> = paths.iter().map(|p| p.dest.describe()).collect();
    v.join(", ")
}

/// "needed by image … of container web".
pub fn reasons(paths: &[&PathEval]) -> String {
    let mut v: Vec<&str> = Vec::new();
    for p in paths {
        for r in &p.dest.reasons {
            if !v.contains(&r.as_str()) {
                v.push(r);
            }
        }
    }
    v.join("; ")
}

/// The VPC endpoints in the subnet's VPC, for evidence ("endpoints: vpce-1 (…ecr.dkr)" or none).
pub fn endpoints_evidence(cx: &Cx, vpc_id: &str) -> Evidence {
    let eps: Vec<String> = cx
        .snap
        .network
        .vpc_endpoints
        .values()
        .filter(|e| e.vpc_id == vpc_id)
        .map(|e| {
            format!(
                "{} ({}, {}, {})",
                e.id, e.service_name, e.endpoint_type, e.state
            )
        })
        .collect();
    ev(
        vpc_id.to_string(),
        if eps.is_empty() {
            "VPC endpoints: none".to_string()
        } else {
            format!("VPC endpoints: {}", eps.join(", "))
        },
    )
}

/// Shared body of the VPCE-*-MISSING checks: the destinations of `service` that have neither an
/// internet path nor an interface endpoint in the VPC.
pub fn missing_interface_endpoint(
    check: &super::Check,
    service: crate::net::dest::Service,
    cx: &Cx,
) -> Outcome {
    use crate::net::path::{EndpointUse, Hop};
    if let Some(o) = gate_paths(cx) {
        return o;
    }
    if !cx.dests.iter().any(|d| d.service == service) {
        return Outcome::na(
            if service == crate::net::dest::Service::EcrApi && cx.pv.legacy {
                format!(
                "platform {} fetches the ECR auth token over a Fargate-owned interface, not the task's",
                cx.pv.label
            )
            } else if cx.pv.legacy
                && matches!(
                    service,
                    crate::net::dest::Service::SecretsManager | crate::net::dest::Service::Ssm
                )
            {
                format!(
                    "platform {} fetches secrets over a Fargate-owned interface, not the task's",
                    cx.pv.label
                )
            } else {
                format!("the task definition does not use {}", service.label())
            },
        );
    }
    let mut subnets: Vec<String> = Vec::new();
    let mut first: Option<&PathEval> = None;
    let mut needed_here = false;
    let mut unknown = None;
    for sp in &cx.paths {
        for p in sp.paths.iter().filter(|p| p.dest.service == service) {
            match &p.route.hop {
                Hop::Unknown(why) if !p.via_interface => {
                    unknown = Some(why.clone());
                    continue;
                }
                h if h.aims_at_internet() => continue,
                _ => {}
            }
            needed_here = true;
            if let EndpointUse::Unknown(why) = &p.endpoint {
                unknown = Some(why.clone());
            }
            if matches!(p.endpoint, EndpointUse::Missing) {
                if !subnets.contains(&sp.subnet.id) {
                    subnets.push(sp.subnet.id.clone());
                }
                first.get_or_insert(p);
            }
        }
    }
    let Some(p) = first else {
        if !needed_here && unknown.is_none() {
            return Outcome::na(format!(
                "{} is reached through a NAT or internet gateway from every task subnet",
                service.label()
            ));
        }
        return Outcome::from_findings(vec![], unknown);
    };
    let vpc = cx
        .subnets
        .first()
        .map(|s| s.vpc_id.clone())
        .unwrap_or_default();
    let name = p.dest.endpoint_service_name().unwrap_or_default();
    let mut resources = vec![vpc.clone()];
    resources.extend(subnets.iter().cloned());
    Outcome::from_findings(
        vec![check.finding(
            format!(
                "{} has no interface endpoint {name}, and {} ha{} no route to a NAT or internet gateway: {} cannot be reached. Needed by {}.",
                vpc,
                subnets.join(", "),
                if subnets.len() == 1 { "s" } else { "ve" },
                p.dest.describe(),
                p.dest.reasons.join("; ")
            ),
            resources,
            vec![endpoints_evidence(cx, &vpc)],
            format!(
                "aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type Interface --service-name {name} --subnet-ids {} --security-group-ids <sg accepting 443 from the tasks> --private-dns-enabled",
                subnets.join(" ")
            ),
        )],
        unknown,
    )
}

/// Shared body of the security-group checks: one finding per distinct (groups, wanted flow),
/// naming the groups first and the affected subnets after. `egress` selects the task's egress
/// evaluation, otherwise the endpoint's ingress.
pub fn sg_findings(
    check: &super::Check,
    cx: &Cx,
    applies: impl Fn(&PathEval) -> bool,
    egress: bool,
) -> Outcome {
    use crate::net::path::{Eval, SgIssue};
    // One finding per distinct (groups, wanted flow), naming every endpoint, destination and
    // subnet it cuts off.
    struct Group<'i> {
        issue: &'i SgIssue,
        endpoints: Vec<String>,
        dests: Vec<String>,
        subnets: Vec<String>,
    }
    let mut groups: Vec<Group> = Vec::new();
    let mut unknown = None;
    for sp in &cx.paths {
        for p in sp.paths.iter().filter(|p| applies(p)) {
            let e = if egress {
                &p.task_egress
            } else {
                &p.endpoint_ingress
            };
            match e {
                Eval::Ok => {}
                Eval::Unknown(why) => unknown = Some(why.clone()),
                Eval::Issue(issue) => {
                    let same = |g: &Group| {
                        g.issue.groups == issue.groups && g.issue.wanted == issue.wanted
                    };
                    let g = match groups.iter().position(same) {
                        Some(i) => &mut groups[i],
                        None => {
                            groups.push(Group {
                                issue,
                                endpoints: vec![],
                                dests: vec![],
                                subnets: vec![],
                            });
                            groups.last_mut().expect("just pushed")
                        }
                    };
                    for (list, item) in [
                        (&mut g.endpoints, issue.endpoint.clone()),
                        (&mut g.dests, Some(p.dest.describe())),
                        (&mut g.subnets, Some(sp.subnet.id.clone())),
                    ] {
                        if let Some(item) = item {
                            if !list.contains(&item) {
                                list.push(item);
                            }
                        }
                    }
                }
            }
        }
    }
    let findings = groups
        .into_iter()
        .map(|g| {
            let issue = g.issue;
            let mut evidence: Vec<crate::report::Evidence> = issue
                .groups
                .iter()
                .filter_map(|id| cx.snap.security_group(id).evidence())
                .map(|sg| ev(&sg.id, crate::net::sg::describe_rules(sg, egress)))
                .collect();
            if let Some(u) = issue.uncovered {
                evidence.push(ev(
                    issue.groups.join(", "),
                    format!("no rule covers {u} on TCP 443"),
                ));
            }
            let who = if egress {
                "The task's security groups"
            } else {
                "The endpoint's security groups"
            };
            let mut resources = issue.groups.clone();
            resources.extend(g.endpoints.iter().cloned());
            resources.extend(g.subnets.iter().cloned());
            check.finding(
                format!(
                    "{who} ({}) do not allow {}: {} cannot be reached from {}.",
                    issue.groups.join(", "),
                    issue.wanted,
                    g.dests.join(", "),
                    g.subnets.join(", ")
                ),
                resources,
                evidence,
                format!(
                    "Add a rule to {} that allows {}.",
                    issue.groups.join(" or "),
                    issue.wanted
                ),
            )
        })
        .collect();
    Outcome::from_findings(findings, unknown)
}

/// Groups per-subnet observations that share a key (the same route table, NAT gateway, rule …)
/// so that one finding names every affected subnet, in the order they were seen; the first
/// observation of each key is kept as its representative.
pub fn group_by<K: PartialEq, T>(
    items: impl IntoIterator<Item = (K, String, T)>,
) -> Vec<(K, Vec<String>, T)> {
    let mut out: Vec<(K, Vec<String>, T)> = Vec::new();
    for (key, subnet, item) in items {
        match out.iter_mut().find(|(k, _, _)| *k == key) {
            Some((_, subnets, _)) => {
                if !subnets.contains(&subnet) {
                    subnets.push(subnet);
                }
            }
            None => out.push((key, vec![subnet], item)),
        }
    }
    out
}

/// "subnet-a uses" / "subnet-a, subnet-b use".
pub fn subjects(subnets: &[String], singular: &str, plural: &str) -> String {
    let verb = if subnets.len() == 1 { singular } else { plural };
    format!("{} {verb}", subnets.join(", "))
}

/// What the snapshot says about a keyed resource: found, absent (AWS said so) or unknown
/// (unreadable or not read). The snapshot's accessors ([`fd_snapshot::Snapshot::subnet`],
/// [`fd_snapshot::Snapshot::role`] …) are the only keyed reads of its resource maps.
pub use fd_snapshot::Found;

/// Shared body of IMG-ARCH-MISMATCH (`os_only == false`) and IMG-OS-MISMATCH: compare the
/// platforms of each private ECR image's manifest with the task's runtime platform.
pub fn image_platform_check(check: &super::Check, cx: &Cx, os_only: bool) -> Outcome {
    if cx.td.is_none() {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    }
    let (want_os, want_arch) = cx.platform();
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut any = false;
    for c in cx.needs.ecr_images() {
        let img = match cx.snap.image(&c.image) {
            Found::Yes(img) => img,
            Found::Missing => continue, // ECR-IMAGE-NOT-FOUND speaks for it
            Found::Unknown(why) => {
                unknown = Some(why);
                continue;
            }
        };
        any = true;
        let Some(platforms) = &img.platforms else {
            unknown = Some(match image_call_failure(cx, fd_snapshot::Op::EcrBatchGetImage, &c.image) {
                Some(why) => format!("the manifest of {} could not be read: {why}", c.image),
                None => format!(
                    "{} is a single-platform image ({}); its platform is in the config blob, which was not read",
                    c.image,
                    img.manifest_media_type.as_deref().unwrap_or("unknown media type")
                ),
            });
            continue;
        };
        let offered: Vec<String> = platforms
            .iter()
            .map(|p| {
                format!(
                    "{}/{}{}",
                    p.os,
                    p.architecture,
                    p.variant
                        .as_deref()
                        .map(|v| format!("/{v}"))
                        .unwrap_or_default()
                )
            })
            .collect();
        let same_os: Vec<_> = platforms.iter().filter(|p| p.os == want_os).collect();
        let ok = if os_only {
            !same_os.is_empty()
        } else {
            // No platform for the task's OS at all is IMG-OS-MISMATCH's finding, not ours.
            same_os.is_empty() || same_os.iter().any(|p| p.architecture == want_arch)
        };
        if ok {
            continue;
        }
        let wanted = if os_only {
            want_os.to_string()
        } else {
            format!("{want_os}/{want_arch}")
        };
        findings.push(check.finding(
            format!(
                "Container {} runs {} on a {wanted} task, but the image offers only {}.",
                c.container,
                c.image,
                offered.join(", ")
            ),
            vec![c.image.clone(), img.repository_arn.clone()],
            vec![ev(&c.image, format!("manifest platforms: {}", offered.join(", ")))],
            format!("Push a {wanted} variant of the image (docker buildx build --platform {wanted} …), or change the task's runtimePlatform."),
        ));
    }
    if !any && unknown.is_none() {
        return Outcome::na("no private ECR image with a readable manifest");
    }
    Outcome::from_findings(findings, unknown)
}

/// Why the route of some destination could not be decided, if so: checks that look for a
/// kind of hop (NAT, IGW, blackhole …) are `unknown` rather than `pass` or `not_applicable`.
pub fn route_unknown(cx: &Cx) -> Option<String> {
    cx.paths
        .iter()
        .flat_map(|sp| sp.paths.iter())
        .filter(|p| !p.via_interface)
        .find_map(|p| match &p.route.hop {
            crate::net::path::Hop::Unknown(why) => Some(why.clone()),
            _ => None,
        })
}

/// What is wrong with the secret `id` the task refers to: `Ok(None)` when it exists,
/// `Ok(Some(problem))` when it does not or is scheduled for deletion, `Err(why)` when it could
/// not be read.
pub fn secret_problem(cx: &Cx, id: &str) -> Result<Option<&'static str>, String> {
    match cx.snap.secret(id) {
        Found::Yes(s) if s.deleted => Ok(Some("is scheduled for deletion")),
        Found::Yes(_) => Ok(None),
        Found::Missing => Ok(Some("does not exist")),
        Found::Unknown(why) => Err(why),
    }
}

/// Looks `key` up in a map of [`fd_snapshot::Fetched`] lookups: found, absent (AWS said so), or
/// unknown (the call failed, or the snapshot does not hold the lookup at all).
pub fn fetched<'a, T>(
    map: &'a std::collections::BTreeMap<String, fd_snapshot::Fetched<T>>,
    key: &str,
    what: &str,
) -> Found<'a, T> {
    use fd_snapshot::Fetched;
    match map.get(key) {
        Some(Fetched::Found { value }) => Found::Yes(value),
        Some(Fetched::Absent { .. }) => Found::Missing,
        Some(Fetched::Unreadable { call, reason }) => {
            Found::Unknown(format!("{call} failed: {reason}"))
        }
        None => Found::Unknown(format!("{what} {key} was not read (not in the snapshot)")),
    }
}

/// The same for one [`fd_snapshot::Fetched`] value.
pub fn fetched_one<'a, T>(f: &'a fd_snapshot::Fetched<T>) -> Found<'a, T> {
    f.lookup()
}

/// "Secret X of container y" → "Secret X of container y" (first letter upper case).
pub fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// Whether a path's route takes public addresses to the internet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InternetRoute {
    /// Routed to an internet egress: an internet gateway, a NAT gateway, or a hop the tool cannot
    /// see through (and a blackhole route, which shows a gateway was meant: NET-ROUTE-BLACKHOLE
    /// speaks for it). Whether the gateway works is the NET-* checks' business.
    Yes,
    /// No route to an internet egress (no route, `local`, a gateway endpoint …).
    No,
    /// The route could not be decided (route table or gateway not readable).
    Unknown(String),
}

/// How `p`'s route treats public addresses (REG-INTERNET-REQUIRED's rule, shared with the
/// checks that need an internet path for something the task definition does not name as a
/// destination: Windows foreign layers, a pull-through cache's first pull).
pub fn internet_route(p: &PathEval) -> InternetRoute {
    match &p.route.hop {
        crate::net::path::Hop::Unknown(why) => InternetRoute::Unknown(why.clone()),
        h if h.aims_at_internet() => InternetRoute::Yes,
        _ => InternetRoute::No,
    }
}

/// The evaluated path of a subnet that shows how it routes public IPv4 addresses: its first
/// destination that is reached over the internet's addresses (every destination but S3's,
/// which go to S3's ranges). `None` when the task needs no such destination.
pub fn public_route_path<'s, 'a>(sp: &'s SubnetPaths<'a>) -> Option<&'s PathEval<'a>> {
    sp.paths.iter().find(|p| !p.dest.service.is_s3())
}

/// Whether `sp` has an internet path, with the path that shows it ([`internet_route`] of
/// [`public_route_path`]); `Unknown` when no destination of the task shows it.
pub fn subnet_internet_route<'s, 'a>(
    sp: &'s SubnetPaths<'a>,
) -> (InternetRoute, Option<&'s PathEval<'a>>) {
    match public_route_path(sp) {
        Some(p) => (internet_route(p), Some(p)),
        None => (
            InternetRoute::Unknown(format!(
                "the route of {} for public addresses was not evaluated (the task needs no destination there)",
                sp.subnet.id
            )),
            None,
        ),
    }
}

/// Why the VPC endpoints the task may use are not known, if they are not (ec2:DescribeVpcEndpoints
/// failed): a check about endpoints is then `unknown`, never `not_applicable`.
pub fn endpoints_unknown(cx: &Cx) -> Option<String> {
    use crate::net::path::EndpointUse;
    cx.paths
        .iter()
        .flat_map(|sp| sp.paths.iter())
        .find_map(|p| match &p.endpoint {
            EndpointUse::Unknown(why) => Some(why.clone()),
            _ => None,
        })
}

/// `not_applicable` because the task uses no such endpoint — unless the endpoints (or the
/// routes that pick a gateway endpoint) could not be read, which makes it `unknown`.
pub fn na_unless_endpoints_unknown(cx: &Cx, why: &str) -> Outcome {
    match endpoints_unknown(cx).or_else(|| route_unknown(cx)) {
        Some(unknown) => Outcome::unknown(unknown),
        None => Outcome::na(why),
    }
}

/// The outcome of a check about the task's VPC when the VPC is not known: `not_applicable`
/// without an awsvpc configuration, `unknown` when it could not be read.
pub fn vpc_missing(cx: &Cx) -> Outcome {
    if cx.netcfg.is_none() {
        return Outcome::na("the target has no awsvpc network configuration");
    }
    let why = cx
        .network_missing()
        .or_else(|| cx.unreadable(Op::Ec2DescribeVpcs))
        .unwrap_or_else(|| {
            format!(
                "the task's VPC {} is not in the snapshot",
                cx.subnets
                    .first()
                    .map_or("(unknown)", |s| s.vpc_id.as_str())
            )
        });
    Outcome::unknown(why)
}

/// The repository of a private ECR image, as DescribeRepositories found it.
pub fn repository<'a>(cx: &Cx<'a>, arn: &str) -> Found<'a, fd_snapshot::Repository> {
    cx.snap.repository(arn)
}

/// Shared body of SEC-SM-NOT-FOUND and REG-CREDS-MISSING: every Secrets Manager secret the task
/// reads for `registry` credentials (or for anything else) must exist and not be scheduled for
/// deletion; `finding` words the finding for one (need, secret ID, problem).
pub fn missing_secrets(
    cx: &Cx,
    registry: bool,
    none: &str,
    finding: impl Fn(&fd_snapshot::needs::SecretNeed, &str, &str) -> crate::report::Finding,
) -> Outcome {
    use fd_snapshot::needs::SecretUse;
    if cx.td.is_none() {
        return Outcome::unknown(cx.td_missing().unwrap_or_default());
    }
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut any = false;
    for (s, id, _) in cx
        .needs
        .secrets_manager()
        .filter(|(s, _, _)| (s.usage == SecretUse::RegistryCredentials) == registry)
    {
        any = true;
        match secret_problem(cx, id) {
            Ok(None) => {}
            Ok(Some(problem)) => findings.push(finding(s, id, problem)),
            Err(why) => unknown = Some(why),
        }
    }
    if !any {
        return Outcome::na(none);
    }
    Outcome::from_findings(findings, unknown)
}

/// `Some(outcome)` when the NFS path checks do not apply (no EFS volume) or cannot run (see
/// [`gate_paths`]).
pub fn gate_nfs_paths(cx: &Cx) -> Option<Outcome> {
    // The task definition proves it first: without an EFS volume, unreadable subnets do not
    // make the NFS checks unknown.
    if cx.td.is_some() && cx.needs.efs.is_empty() {
        return Some(Outcome::na("the task definition has no EFS volume"));
    }
    gate_paths(cx)
}

/// Why the ECR `operation` (DescribeImages, BatchGetImage) for `scope` (an image as the task
/// names it, or `image@digest` for a platform image) failed, if it did.
pub fn image_call_failure(cx: &Cx, op: fd_snapshot::Op, scope: &str) -> Option<String> {
    use fd_snapshot::CallOutcome;
    cx.snap
        .call_for(op, scope)
        .filter(|c| {
            matches!(
                c.outcome,
                CallOutcome::Denied | CallOutcome::Throttled | CallOutcome::Failed
            )
        })
        .map(|c| c.describe_failure())
}

/// The gateway endpoint a route names. A route to an endpoint that is not in the snapshot, or
/// could not be read, leaves what lies beyond it (its policy) unknown.
pub fn route_endpoint<'a>(cx: &Cx<'a>, id: &str) -> Result<&'a fd_snapshot::VpcEndpoint, String> {
    match cx.snap.vpc_endpoint(id) {
        Found::Yes(e) => Ok(e),
        Found::Missing => Err(format!(
            "the S3 gateway endpoint {id} is not in the snapshot"
        )),
        Found::Unknown(why) => Err(why),
    }
}
