use crate::checks::{
    dest_list, endpoints_evidence, ev, reasons, table_evidence, table_id, Check, Needs, Outcome,
};
use crate::context::{Cx, SubnetPaths};
use crate::net::path::{EndpointUse, Hop, PathEval};
use crate::report::Severity;
use fd_snapshot::RouteDestination;
use ipnet::IpNet;

pub static CHECK: Check = Check {
    id: "NET-ROUTE-NO-DEFAULT",
    title: "No route from the task subnet to the internet or to the needed VPC endpoints",
    severity: Severity::Error,
    group: "Network path",
    what: "For every task subnet and every destination the task definition implies (ECR API, ECR \
           registry, the S3 layer bucket, CloudWatch Logs, Secrets Manager, SSM, public registries), \
           finds the route table (explicit association, else the main table) and the longest-prefix \
           route for the destination's addresses. Fails when no route carries the traffic and no usable \
           VPC endpoint serves the destination, or when the route goes into a VPC peering connection: \
           peering is not transitive, it never carries traffic to addresses outside the peer VPC, so the \
           peer's NAT or internet gateway cannot be used.",
    why: "On platform 1.4.0 the image pull, the ECR auth token, secrets and logs all leave through the \
          task's ENI. Without a route the connections time out: 'CannotPullContainerError: ... context \
          canceled', 'ResourceInitializationError: unable to pull secrets or registry auth: ... dial tcp \
          ...:443: i/o timeout'.",
    fix: "Public subnet: route 0.0.0.0/0 to an internet gateway and assign a public IP. Private subnet: \
          route 0.0.0.0/0 to a NAT gateway in a public subnet of the same VPC (a NAT gateway behind a VPC \
          peering connection is never used; a transit gateway to an egress VPC is):\n  \
          aws ec2 create-route --route-table-id rtb-… --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-…\n\
          Or, for private ECR only, create the interface endpoints ecr.api, ecr.dkr (and logs, \
          secretsmanager, ssm as needed) with private DNS, and the S3 gateway endpoint on the subnet's route table.",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
        "https://repost.aws/knowledge-center/ecs-fargate-pull-container-error",
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: Some(&crate::checks::ENDPOINTS_INSTEAD),
    run,
};

/// A route into a peering connection: its ID, and its peer (or why the connection was not
/// read).
type Peering<'p> = (&'p str, Result<&'p str, &'p str>);

/// What breaks a destination's path: no route at all (`Some(None)`), or a route into a peering
/// connection, which never carries traffic beyond the peer VPC.
fn breaks<'p>(p: &'p PathEval) -> Option<Option<Peering<'p>>> {
    if p.via_interface || matches!(p.endpoint, EndpointUse::Unknown(_)) {
        return None;
    }
    match &p.route.hop {
        Hop::NoRoute => Some(None),
        Hop::PeeringNotTransitive { id, peer } => {
            Some(Some((id.as_str(), peer.as_deref().map_err(String::as_str))))
        }
        _ => None,
    }
}

fn run(cx: &Cx) -> Outcome {
    if cx.dests.is_empty() {
        return Outcome::na("the task definition needs no network destination");
    }
    // Subnets sharing a route table, the same break (no route, or the same peering connection)
    // and the same unreachable destinations share one finding.
    type Group<'s, 'a> = (
        &'s SubnetPaths<'a>,
        Option<Peering<'s>>,
        Vec<&'s PathEval<'a>>,
        Vec<String>,
    );
    let mut groups: Vec<Group> = Vec::new();
    let mut unknown = None;
    for sp in &cx.paths {
        for p in sp.paths.iter().filter(|p| !p.via_interface) {
            if let Hop::Unknown(why) = &p.route.hop {
                unknown = Some(why.clone());
            }
            if let (Hop::NoRoute | Hop::PeeringNotTransitive { .. }, EndpointUse::Unknown(why)) =
                (&p.route.hop, &p.endpoint)
            {
                unknown = Some(why.clone());
            }
        }
        // No route (or one into a peering connection), and no endpoint (or one that exists but
        // cannot be used); whether an endpoint exists must be known.
        let mut by_break: Vec<(Option<Peering>, Vec<&PathEval>)> = Vec::new();
        for p in &sp.paths {
            let Some(b) = breaks(p) else { continue };
            match by_break.iter_mut().find(|(k, _)| *k == b) {
                Some((_, ps)) => ps.push(p),
                None => by_break.push((b, vec![p])),
            }
        }
        for (b, broken) in by_break {
            match groups.iter_mut().find(|(g, k, ps, _)| {
                table_id(g) == table_id(sp) && *k == b && dest_list(ps) == dest_list(&broken)
            }) {
                Some((_, _, _, subnets)) => subnets.push(sp.subnet.id.clone()),
                None => groups.push((sp, b, broken, vec![sp.subnet.id.clone()])),
            }
        }
    }
    let findings = groups
        .into_iter()
        .map(|(sp, b, broken, subnets)| {
            let rtb = table_id(sp);
            let how = sp.table.map(|t| t.how()).unwrap_or("no table");
            let verb = if subnets.len() == 1 { "uses" } else { "use" };
            let mut resources = subnets.clone();
            resources.push(rtb.clone());
            let mut evidence = vec![table_evidence(sp), endpoints_evidence(cx, &sp.subnet.vpc_id)];
            let Some((pcx, peer)) = b else {
                // A dual-stack subnet's IPv6 egress does not carry what the task needs.
                let v6_default = sp.table.and_then(|t| {
                    t.table.routes.iter().find(|r| {
                        matches!(&r.destination, RouteDestination::Cidr(IpNet::V6(n)) if n.prefix_len() == 0)
                    })
                });
                let v6_note = v6_default
                    .map(|r| format!(" Its ::/0 route (to {}) does not help: in a dual-stack subnet the task has an IPv4 address, and Fargate reaches ECR (its authorization token and image pull), S3 and Logs over IPv4.", r.target))
                    .unwrap_or_default();
                return CHECK.finding(
                    format!(
                        "{} {verb} route table {rtb} ({how}), which has no route for 0.0.0.0/0 (no internet or NAT gateway), and the VPC has no usable endpoint for: {}. Needed by {}.{v6_note}",
                        subnets.join(", "),
                        dest_list(&broken),
                        reasons(&broken)
                    ),
                    resources,
                    evidence,
                    format!(
                        "Add a route 0.0.0.0/0 -> a NAT gateway in a public subnet (aws ec2 create-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-…), or create the missing VPC endpoints."
                    ),
                );
            };
            let matched = broken[0].route.matched.clone().unwrap_or_else(|| format!("0.0.0.0/0 -> {pcx}"));
            resources.push(pcx.to_string());
            evidence.push(ev(
                pcx,
                match peer {
                    Ok(peer) => format!("VPC peering connection: {peer}"),
                    Err(why) => format!("VPC peering connection, {why}; whatever it is, peering never carries traffic to addresses outside the peer VPC"),
                },
            ));
            CHECK.finding(
                format!(
                    "{} {verb} route table {rtb} ({how}), whose route {matched} sends {} to {pcx}. {pcx} is a VPC peering connection: peering is not transitive, the peer's NAT gateway cannot be used, so these connections are dropped; and the VPC has no usable endpoint for them. Needed by {}.",
                    subnets.join(", "),
                    dest_list(&broken),
                    reasons(&broken)
                ),
                resources,
                evidence,
                format!(
                    "Give this VPC its own way out: a NAT gateway in a public subnet of this VPC (aws ec2 replace-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-…), or a transit gateway to an egress VPC that has the NAT gateway (aws ec2 replace-route … --transit-gateway-id tgw-…), or the VPC endpoints (in this VPC, or centralised in the peer VPC with a private hosted zone associated with this VPC)."
                ),
            )
        })
        .collect();
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;

    #[test]
    fn a_nat_default_route_passes() {
        assert_eq!(
            testkit::status(&CHECK, &testkit::healthy_nat()),
            CheckStatus::Pass
        );
    }

    #[test]
    fn no_default_route_and_no_endpoints_fails() {
        let mut snap = testkit::healthy_nat();
        for t in snap.network.route_tables.values_mut() {
            t.routes.retain(|r| !r.target.starts_with("nat-"));
        }
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.findings[0].message.contains("no route for 0.0.0.0/0"));
    }

    #[test]
    fn a_default_route_into_a_peering_connection_fails_naming_it() {
        let mut snap = testkit::healthy_nat();
        testkit::default_route_to(&mut snap, "pcx-0hub");
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{out:?}");
        let f = &out.findings[0];
        assert!(
            f.message.contains(
                "pcx-0hub is a VPC peering connection: peering is not transitive, the peer's NAT gateway cannot be used"
            ),
            "{}",
            f.message
        );
        assert!(f.resources.contains(&"pcx-0hub".to_string()));
        assert!(f.remediation.contains("transit gateway") && f.remediation.contains("NAT gateway"));
        // Certain without reading the connection: it never carries public addresses.
        assert!(f.evidence.iter().any(|e| e.resource == "pcx-0hub"));
    }

    #[test]
    fn a_read_peering_connection_is_named_with_its_peer() {
        let mut snap = testkit::healthy_nat();
        testkit::peering_to_hub(&mut snap, "pcx-0hub");
        testkit::default_route_to(&mut snap, "pcx-0hub");
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        let e = out.findings[0]
            .evidence
            .iter()
            .find(|e| e.resource == "pcx-0hub")
            .expect("peering evidence");
        assert!(e.detail.contains("vpc-hub") && e.detail.contains("10.99.0.0/16"));
    }

    #[test]
    fn centralised_endpoints_through_peering_with_a_shared_zone_pass() {
        let mut snap = testkit::healthy_nat();
        testkit::peering_to_hub(&mut snap, "pcx-0hub");
        testkit::default_route_to(&mut snap, "pcx-0hub");
        testkit::hub_zones(&mut snap);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
    }

    #[test]
    fn a_shared_zone_without_the_peer_route_still_fails() {
        // The zone answers with hub addresses, but only 0.0.0.0/0 goes to the peering
        // connection: 10.99.0.x is private, outside nothing the connection lists (not read).
        let mut snap = testkit::healthy_nat();
        testkit::default_route_to(&mut snap, "pcx-0hub");
        testkit::hub_zones(&mut snap);
        let out = testkit::run(&CHECK, &snap);
        assert_ne!(out.status, CheckStatus::Pass, "{out:?}");
    }

    #[test]
    fn a_route_to_a_hub_with_the_zones_unread_is_unknown_not_a_missing_route() {
        // Only the hub's CIDR goes to the peering connection: whether a shared private zone
        // answers the names with hub addresses is what could not be read.
        let mut snap = testkit::healthy_nat();
        testkit::peering_to_hub(&mut snap, "pcx-0hub");
        for t in snap.network.route_tables.values_mut() {
            t.routes.retain(|r| !r.target.starts_with("nat-"));
        }
        testkit::zones_unread(&mut snap);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown, "{out:?}");
        let detail = out.detail.unwrap();
        assert!(
            detail.contains("route53:ListHostedZonesByVPC") && detail.contains("pcx-0hub"),
            "{detail}"
        );
        // With the zones read and none there, the route is missing.
        let mut read = testkit::healthy_nat();
        testkit::peering_to_hub(&mut read, "pcx-0hub");
        for t in read.network.route_tables.values_mut() {
            t.routes.retain(|r| !r.target.starts_with("nat-"));
        }
        assert_eq!(testkit::status(&CHECK, &read), CheckStatus::Fail);
    }

    #[test]
    fn no_route_but_local_stays_an_error_with_the_zones_unread() {
        // No route a private answer could take: no zone can give the public addresses a way out.
        let mut snap = testkit::healthy_nat();
        for t in snap.network.route_tables.values_mut() {
            t.routes.retain(|r| !r.target.starts_with("nat-"));
        }
        testkit::zones_unread(&mut snap);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Fail);
    }

    #[test]
    fn ipv6_only_subnets_are_left_to_net_ipv6_only() {
        // No IPv4 default route at all, as an IPv6-only subnet has: not this check's business.
        let mut snap = testkit::healthy_nat();
        testkit::ipv6_only_subnets(&mut snap);
        for t in snap.network.route_tables.values_mut() {
            t.routes.retain(|r| !r.target.starts_with("nat-"));
        }
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::NotApplicable, "{out:?}");
        assert!(out.detail.unwrap().contains("NET-IPV6-ONLY"));
    }

    #[test]
    fn a_dual_stack_subnet_with_only_ipv6_egress_still_fails_and_says_why() {
        let mut snap = testkit::healthy_nat();
        for t in snap.network.route_tables.values_mut() {
            if t.routes.iter().any(|r| r.target.starts_with("nat-")) {
                t.routes.retain(|r| !r.target.starts_with("nat-"));
                t.routes.push(fd_snapshot::Route {
                    destination: RouteDestination::Cidr("::/0".parse().unwrap()),
                    target: "eigw-0abc".into(),
                    state: "active".into(),
                    origin: None,
                });
            }
        }
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert!(out.findings[0]
            .message
            .contains("Its ::/0 route (to eigw-0abc) does not help"));
    }
}
