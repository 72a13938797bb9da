use crate::checks::{ev, gate_network, table_evidence, table_id, Check, Found, Needs, Outcome};
use crate::context::{Cx, SubnetPaths};
use crate::image::ImageSource;
use crate::net::dest::Service;
use crate::net::path::{nat_usable, EndpointUse};
use crate::net::route::{self, Lookup};
use crate::net::sg::{self, Peer, SgDecision};
use crate::report::Severity;
use ipnet::IpNet;

pub static CHECK: Check = Check {
    id: "NET-IPV6-ONLY",
    title: "IPv6-only subnet without the path its destinations need",
    severity: Severity::Error,
    group: "Network path",
    what: "For each task subnet that is IPv6-only (ec2:DescribeSubnets Ipv6Native), checks: \
           (1) every private ECR image uses the dual-stack URI \
           (<account>.dkr-ecr.<region>.on.aws/<repository>), which AWS requires for IPv6-only \
           tasks (ECR's IPv4 endpoints and its PrivateLink endpoints carry no IPv6 traffic); \
           (2) the dual-stack registry and its layer download, and public registries, are reached \
           by a route for ::/0 (global unicast) to an internet gateway or an egress-only internet \
           gateway — a public registry may instead be reached through DNS64 and NAT64; (3) the \
           other AWS services the task needs (ECR API, CloudWatch Logs, Secrets Manager, SSM, S3 \
           environment files) are reached through DNS64 (the subnet's EnableDns64) and a route \
           for 64:ff9b::/96 to an available public NAT gateway, the documented way to reach \
           IPv4-only endpoints; with only a ::/0 route the finding is a warning, since it works \
           only if the agent uses those services' dual-stack endpoints, which AWS does not \
           document for Fargate; (4) the task's security groups allow TCP 443 to the IPv6 \
           destinations used (2000::/3, 64:ff9b::/96). Not verified: network ACL IPv6 rules \
           (and ICMPv6), whether a public registry has IPv6 addresses, the IPv4 side of the NAT \
           gateway, and the IP address type of interface endpoints (a service reached through an \
           interface endpoint makes the check unknown). This area changes quickly: compare with \
           the current AWS documentation.",
    why: "An IPv6-only task has no IPv4 address: it cannot open a connection to an IPv4-only \
          endpoint (api.ecr.<region>.amazonaws.com, <account>.dkr.ecr.<region>.amazonaws.com, \
          logs.<region>.amazonaws.com …) unless DNS64 synthesizes an IPv6 address and a NAT \
          gateway translates it. 'In an IPv6-only configuration, Amazon ECS workloads must use \
          Amazon ECR dual-stack image URI endpoints when pulling images from Amazon ECR.' \
          Without the path the task stops with the usual timeouts, e.g. 'ResourceInitializationError: \
          unable to pull secrets or registry auth: … There is a connection issue between the task \
          and Amazon ECR … i/o timeout'.",
    fix: "Use the dual-stack image URI, route ::/0 to an egress-only internet gateway, and turn on \
          DNS64 with a 64:ff9b::/96 route to a NAT gateway for IPv4-only services:\n  aws ec2 \
          modify-subnet-attribute --subnet-id SUBNET --enable-dns64\n  aws ec2 create-route \
          --route-table-id RTB --destination-ipv6-cidr-block 64:ff9b::/96 --nat-gateway-id nat-…\n  \
          aws ec2 create-route --route-table-id RTB --destination-ipv6-cidr-block ::/0 \
          --egress-only-internet-gateway-id eigw-…",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/ecr-requests.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-nat64-dns64.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

/// How a subnet's route table treats one IPv6 destination.
enum V6 {
    /// Routed to a usable gateway; the route, for evidence.
    Ok(String),
    /// Not: why.
    No(String),
    Unknown(String),
}

fn net(s: &str) -> IpNet {
    s.parse().expect("valid CIDR")
}

/// Global unicast IPv6 (`2000::/3`) routed to an internet gateway or an egress-only internet
/// gateway (or a hop the tool cannot see through).
fn v6_internet(cx: &Cx, sp: &SubnetPaths) -> V6 {
    let Some(t) = sp.table else {
        return V6::Unknown(format!("the route table of {} is not known", sp.subnet.id));
    };
    match route::lookup(t.table, &net("2000::/3"), cx.snap) {
        Lookup::None => V6::No(format!("{} has no route for ::/0", t.table.id)),
        Lookup::Unknown(why) => V6::Unknown(why),
        Lookup::Route(r, _) => {
            let desc = route::describe_route(r);
            let target = r.target.as_str();
            if r.state != "active" {
                return V6::No(format!("{desc} is a blackhole"));
            }
            if target.starts_with("igw-") {
                return match cx.snap.internet_gateway(target) {
                    Found::Yes(g) if g.attached_vpcs.contains(&sp.subnet.vpc_id) => V6::Ok(desc),
                    Found::Yes(_) => V6::No(format!(
                        "{desc}: {target} is not attached to {}",
                        sp.subnet.vpc_id
                    )),
                    Found::Missing => V6::No(format!("{desc}: {target} does not exist")),
                    Found::Unknown(why) => V6::Unknown(why),
                };
            }
            if target.starts_with("nat-") || target == "local" {
                return V6::No(format!("{desc} does not lead to the IPv6 internet"));
            }
            // eigw-…, or a hop the tool cannot see through (tgw, pcx, eni …).
            V6::Ok(desc)
        }
    }
}

/// DNS64 on the subnet and `64:ff9b::/96` routed to an available public NAT gateway.
fn nat64(cx: &Cx, sp: &SubnetPaths) -> V6 {
    if !sp.subnet.enable_dns64 {
        return V6::No(format!("DNS64 is off on {}", sp.subnet.id));
    }
    let Some(t) = sp.table else {
        return V6::Unknown(format!("the route table of {} is not known", sp.subnet.id));
    };
    match route::lookup(t.table, &net("64:ff9b::/96"), cx.snap) {
        Lookup::None => V6::No(format!("{} has no route for 64:ff9b::/96", t.table.id)),
        Lookup::Unknown(why) => V6::Unknown(why),
        Lookup::Route(r, _) => {
            let desc = route::describe_route(r);
            let target = r.target.as_str();
            if r.state != "active" {
                return V6::No(format!("{desc} is a blackhole"));
            }
            if !target.starts_with("nat-") {
                return V6::No(format!("{desc}: NAT64 needs a NAT gateway"));
            }
            match cx.snap.nat_gateway(target) {
                Found::Yes(n) if nat_usable(n) => V6::Ok(format!("DNS64 on, {desc}")),
                Found::Yes(n) => V6::No(format!(
                    "{desc}: {target} is {} ({})",
                    n.state,
                    n.connectivity_type.as_deref().unwrap_or("public")
                )),
                Found::Missing => V6::No(format!("{desc}: {target} does not exist")),
                Found::Unknown(why) => V6::Unknown(why),
            }
        }
    }
}

fn dual_stack(host: &str) -> bool {
    host.ends_with(".on.aws")
}

fn run(cx: &Cx) -> Outcome {
    if let Some(o) = gate_network(cx) {
        return o;
    }
    let v6: Vec<&SubnetPaths> = cx.v6_paths.iter().collect();
    if v6.is_empty() {
        return Outcome::na("no task subnet is IPv6-only");
    }
    let v6_ids: Vec<String> = v6.iter().map(|sp| sp.subnet.id.clone()).collect();
    let mut findings = Vec::new();
    let mut unknown = None;

    // (1) Dual-stack ECR image URIs.
    let mut dual_regions: Vec<&str> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for i in cx.needs.ecr_images() {
        let ImageSource::PrivateEcr {
            account,
            region,
            repository,
            reference,
            host,
        } = &i.source
        else {
            continue;
        };
        if dual_stack(host) {
            dual_regions.push(region);
            continue;
        }
        if seen.contains(&i.image.as_str()) {
            continue;
        }
        seen.push(&i.image);
        let sep = if reference.starts_with("sha256:") {
            '@'
        } else {
            ':'
        };
        let uri = format!("{account}.dkr-ecr.{region}.on.aws/{repository}{sep}{reference}");
        let mut resources = vec![i.image.clone()];
        resources.extend(v6_ids.iter().cloned());
        findings.push(CHECK.finding(
            format!(
                "Container {} pulls {} from {host}, an IPv4-only ECR endpoint, but {} {} IPv6-only: IPv6-only tasks must use the dual-stack URI {uri}.",
                i.container,
                i.image,
                v6_ids.join(", "),
                if v6_ids.len() == 1 { "is" } else { "are" }
            ),
            resources,
            vec![ev(&i.image, format!("registry host {host} (IPv4 only); dual-stack: {account}.dkr-ecr.{region}.on.aws"))],
            format!("Change the image of container {} to {uri} in a new task definition revision.", i.container),
        ));
    }

    // (2), (3) Routes, per subnet.
    let mut uses_internet = false;
    let mut uses_nat64 = false;
    for sp in &v6 {
        let internet = v6_internet(cx, sp);
        let translated = nat64(cx, sp);
        let mut errors: Vec<String> = Vec::new();
        let mut warnings: Vec<String> = Vec::new();
        let mut evidence = vec![
            table_evidence(sp),
            ev(
                &sp.subnet.id,
                format!(
                    "Ipv6Native true; EnableDns64 {}; IPv6 CIDR {}",
                    sp.subnet.enable_dns64,
                    if sp.subnet.ipv6_cidr_blocks.is_empty() {
                        "none recorded".to_string()
                    } else {
                        sp.subnet
                            .ipv6_cidr_blocks
                            .iter()
                            .map(|c| c.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ),
        ];
        let why_not = |v: &V6| match v {
            V6::No(w) => w.clone(),
            _ => String::new(),
        };
        for p in &sp.paths {
            let d = p.dest.describe();
            match p.dest.service {
                Service::EcrDkr | Service::S3 => {
                    let dual = match p.dest.service {
                        Service::EcrDkr => dual_stack(&p.dest.host),
                        _ => dual_regions.contains(&p.dest.region.as_str()),
                    };
                    if !dual {
                        continue; // the image URI finding speaks for it
                    }
                    match &internet {
                        V6::Ok(_) => uses_internet = true,
                        V6::Unknown(w) => unknown = Some(w.clone()),
                        V6::No(w) => {
                            let gateway = matches!(
                                &p.endpoint,
                                EndpointUse::Gateway {
                                    associated: Some(_),
                                    ..
                                }
                            );
                            if p.dest.service == Service::S3 && gateway {
                                unknown = Some(format!(
                                    "{d} from {}: {w}, and whether the S3 gateway endpoint carries IPv6 is not verified",
                                    sp.subnet.id
                                ));
                            } else {
                                errors.push(format!("{d} needs a ::/0 route ({w})"));
                            }
                        }
                    }
                }
                Service::Internet => match (&internet, &translated) {
                    (V6::Ok(_), _) => uses_internet = true,
                    (_, V6::Ok(_)) => uses_nat64 = true,
                    (V6::Unknown(w), _) | (_, V6::Unknown(w)) => unknown = Some(w.clone()),
                    _ => errors.push(format!(
                        "{d} needs a ::/0 route or DNS64 + NAT64 ({}; {})",
                        why_not(&internet),
                        why_not(&translated)
                    )),
                },
                Service::EcrApi
                | Service::Logs
                | Service::SecretsManager
                | Service::Ssm
                | Service::S3Files => {
                    if p.via_interface {
                        unknown = Some(format!(
                            "{d} is reached from IPv6-only {} through interface endpoint {}, whose IP address type (IPv6 support) is not read",
                            sp.subnet.id,
                            p.endpoint.usable_interface().map_or("?", |e| e.id.as_str())
                        ));
                        continue;
                    }
                    match (&translated, &internet) {
                        (V6::Ok(_), _) => uses_nat64 = true,
                        (V6::Unknown(w), _) => unknown = Some(w.clone()),
                        (V6::No(t), V6::Ok(_)) => {
                            uses_internet = true;
                            warnings.push(format!(
                                "{d} is reached only if the agent uses its dual-stack endpoint ({t})"
                            ));
                        }
                        (V6::No(t), V6::Unknown(w)) => {
                            unknown = Some(format!("{d}: {t}; {w}"));
                        }
                        (V6::No(t), V6::No(i)) => {
                            errors.push(format!("{d} needs DNS64 + NAT64 ({t}; {i})"))
                        }
                    }
                }
                Service::Efs => {}
            }
        }
        for v in [&internet, &translated] {
            if let V6::Ok(route) = v {
                evidence.push(ev(&sp.subnet.id, format!("IPv6 path: {route}")));
            }
        }
        let rtb = table_id(sp);
        if !errors.is_empty() {
            findings.push(CHECK.finding(
                format!(
                    "{} is IPv6-only, and route table {rtb} gives no IPv6 path to: {}.",
                    sp.subnet.id,
                    errors.join("; ")
                ),
                vec![sp.subnet.id.clone(), rtb.clone()],
                evidence.clone(),
                format!(
                    "Route ::/0 from {rtb} to an egress-only internet gateway (aws ec2 create-route --route-table-id {rtb} --destination-ipv6-cidr-block ::/0 --egress-only-internet-gateway-id eigw-…), and for IPv4-only services enable DNS64 on {} and route 64:ff9b::/96 to a NAT gateway.",
                    sp.subnet.id
                ),
            ));
        }
        if !warnings.is_empty() {
            findings.push(CHECK.finding_at(
                Severity::Warning,
                format!(
                    "{} is IPv6-only and has no DNS64 + NAT64 path: {}.",
                    sp.subnet.id,
                    warnings.join("; ")
                ),
                vec![sp.subnet.id.clone(), rtb.clone()],
                evidence,
                format!(
                    "Enable DNS64 on {} (aws ec2 modify-subnet-attribute --subnet-id {} --enable-dns64) and route 64:ff9b::/96 from {rtb} to a NAT gateway.",
                    sp.subnet.id, sp.subnet.id
                ),
            ));
        }
    }

    // (4) Task security groups, IPv6 egress on 443.
    let mut nets = Vec::new();
    if uses_internet {
        nets.push(net("2000::/3"));
    }
    if uses_nat64 {
        nets.push(net("64:ff9b::/96"));
    }
    if let Some((_, why)) = cx.unread_groups.first().filter(|_| !nets.is_empty()) {
        // An unread group may allow what the others do not.
        unknown = Some(why.clone());
    } else if !nets.is_empty() && !cx.task_groups.is_empty() {
        let wanted: Vec<String> = nets.iter().map(|n| n.to_string()).collect();
        let peer = Peer {
            nets,
            ..Default::default()
        };
        match sg::evaluate(&cx.task_groups, true, 443, &peer, cx.snap) {
            SgDecision::Allowed(_) => {}
            SgDecision::Unknown(why) => unknown = Some(why),
            SgDecision::Denied { uncovered } => {
                let ids: Vec<String> = cx.task_groups.iter().map(|g| g.id.clone()).collect();
                let mut resources = ids.clone();
                resources.extend(v6_ids.iter().cloned());
                findings.push(CHECK.finding(
                    format!(
                        "The task's security groups ({}) do not allow TCP 443 to {}{}: the IPv6-only task's connections from {} are dropped.",
                        ids.join(", "),
                        wanted.join(" and "),
                        uncovered.map(|u| format!(" (no rule covers {u})")).unwrap_or_default(),
                        v6_ids.join(", ")
                    ),
                    resources,
                    cx.task_groups
                        .iter()
                        .map(|g| ev(&g.id, sg::describe_rules(g, true)))
                        .collect(),
                    format!(
                        "aws ec2 authorize-security-group-egress --group-id {} --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,Ipv6Ranges=[{{CidrIpv6=::/0}}]'",
                        ids[0]
                    ),
                ));
            }
        }
    }
    if findings.is_empty() && unknown.is_none() {
        return Outcome::pass_because(format!(
            "{}: the IPv6 routes and security groups serve every destination (network ACL IPv6 rules are not evaluated)",
            v6_ids.join(", ")
        ));
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::{Route, RouteDestination, SgPeer, SgRule, Snapshot};

    const DUAL: &str = "123456789012.dkr-ecr.us-east-1.on.aws/app:1";

    /// Both task subnets IPv6-only, with DNS64 and NAT64 to the healthy NAT gateway and ::/0 to
    /// an egress-only internet gateway; the task's security group allows all IPv6 egress.
    fn ipv6_only(snap: &mut Snapshot) {
        testkit::ipv6_only_subnets(snap);
        for s in testkit::subnets(snap) {
            snap.network.subnets.get_mut(&s).unwrap().enable_dns64 = true;
        }
        let rtb = snap
            .network
            .route_tables
            .values_mut()
            .find(|t| t.routes.iter().any(|r| r.target.starts_with("nat-")))
            .unwrap();
        let nat = rtb
            .routes
            .iter()
            .find(|r| r.target.starts_with("nat-"))
            .unwrap()
            .target
            .clone();
        for (cidr, target) in [
            ("64:ff9b::/96", nat.as_str()),
            ("::/0", "eigw-0123456789abcdef0"),
        ] {
            rtb.routes.push(Route {
                destination: RouteDestination::Cidr(net(cidr)),
                target: target.into(),
                state: "active".into(),
                origin: Some("CreateRoute".into()),
            });
        }
        for g in testkit::task_groups(snap) {
            snap.network
                .security_groups
                .get_mut(&g)
                .unwrap()
                .egress
                .push(SgRule {
                    protocol: "-1".into(),
                    from_port: None,
                    to_port: None,
                    peer: SgPeer::Cidr(net("::/0")),
                    description: None,
                    rule_id: None,
                });
        }
        testkit::td(snap).containers[0].image = DUAL.into();
    }

    #[test]
    fn ipv4_only_ecr_uri_fails() {
        let mut snap = testkit::healthy_nat();
        ipv6_only(&mut snap);
        testkit::td(&mut snap).containers[0].image =
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1".into();
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        let f = &out.findings[0];
        assert_eq!(f.severity, Severity::Error);
        assert_eq!(
            f.resources[0],
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1"
        );
        assert!(f.message.contains(DUAL), "{}", f.message);
    }

    #[test]
    fn no_ipv6_route_fails_per_subnet() {
        let mut snap = testkit::healthy_nat();
        ipv6_only(&mut snap);
        for t in snap.network.route_tables.values_mut() {
            t.routes.retain(|r| !r.target.starts_with("eigw-"));
        }
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        let f = &out.findings[0];
        assert_eq!(f.resources[0], testkit::subnets(&snap)[0]);
        assert!(f.message.contains("ECR registry"), "{}", f.message);
    }

    #[test]
    fn without_dns64_aws_services_warn() {
        let mut snap = testkit::healthy_nat();
        ipv6_only(&mut snap);
        for s in testkit::subnets(&snap) {
            snap.network.subnets.get_mut(&s).unwrap().enable_dns64 = false;
        }
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn, "{out:?}");
        assert!(out.findings[0].message.contains("CloudWatch Logs"));
    }

    #[test]
    fn security_group_without_ipv6_egress_fails() {
        let mut snap = testkit::healthy_nat();
        ipv6_only(&mut snap);
        for g in testkit::task_groups(&snap) {
            snap.network
                .security_groups
                .get_mut(&g)
                .unwrap()
                .egress
                .retain(|r| !matches!(r.peer, SgPeer::Cidr(IpNet::V6(_))));
        }
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], testkit::task_groups(&snap)[0]);
    }

    #[test]
    fn complete_ipv6_setup_passes() {
        let mut snap = testkit::healthy_nat();
        ipv6_only(&mut snap);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Pass, "{out:?}");
    }

    #[test]
    fn ipv4_subnets_are_not_applicable() {
        let snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }

    #[test]
    fn unknown_route_table_is_unknown() {
        let mut snap = testkit::healthy_nat();
        ipv6_only(&mut snap);
        snap.network.route_tables.clear();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
    }
}
