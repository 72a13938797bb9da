use crate::checks::{
    dest_list, group_by, route_unknown, subjects, table_evidence, table_id, Check, Needs, Outcome,
};
use crate::context::Cx;
use crate::net::path::{zone_label, Hop, PathEval};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-ROUTE-OPAQUE",
    title: "Egress goes through a hop the tool cannot see through",
    severity: Severity::Warning,
    group: "Network path",
    what: "Reports task subnets whose route for a needed destination goes to a transit gateway, \
           virtual private gateway, network interface or instance (NAT instance), Gateway Load Balancer \
           endpoint (firewall), local or carrier gateway, or core network; and names that a private \
           hosted zone answers with addresses in this VPC or in a peer VPC (centralised endpoints \
           reached through VPC peering). A 0.0.0.0/0 route into a peering connection is not opaque: \
           NET-ROUTE-NO-DEFAULT fails it.",
    why: "The configuration beyond that hop (the egress VPC's NAT, the firewall's rules, on-premises \
          routing, the centralised endpoints' security groups) is outside this VPC, so whether the task \
          reaches ECR and S3 cannot be verified here.",
    fix: "Verify on the far side that 443 to the AWS service endpoints (ECR, S3, Logs, Secrets Manager) is \
          routed to an internet egress and returned; or add VPC endpoints in this VPC so that the task \
          does not depend on that path.",
    docs: &["https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-nat-igw.html"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

/// The hop `p` leaves through, when the tool cannot see beyond it: its target, and what must
/// hold there.
fn beyond(p: &PathEval) -> Option<(String, String)> {
    if p.via_interface || !p.route.hop.is_opaque() {
        return None;
    }
    Some(match &p.route.hop {
        Hop::Opaque { target } if target.starts_with("tgw-") => (
            target.clone(),
            " The transit gateway's route table must send this traffic to an egress VPC with a NAT gateway (or to endpoints there), and route the return traffic back.".into(),
        ),
        Hop::Opaque { target } => (target.clone(), String::new()),
        Hop::PeerVpc { id, peer_vpc, cidr } => (
            id.clone(),
            format!(" A private hosted zone answers these names with addresses in peer VPC {peer_vpc} ({cidr}), reached through VPC peering connection {id} (centralised endpoints): the endpoints there must accept TCP 443 from this subnet in their security groups, and the network ACLs of both VPCs must allow the request and the return traffic."),
        ),
        Hop::Local => (
            "local".into(),
            " A private hosted zone answers these names with addresses inside this VPC: whatever listens there must serve them on TCP 443.".into(),
        ),
        _ => return None,
    })
}

fn run(cx: &Cx) -> Outcome {
    let mut seen = Vec::new();
    for sp in &cx.paths {
        let mut hops: Vec<((String, String), Vec<&PathEval>)> = Vec::new();
        for p in &sp.paths {
            let Some(b) = beyond(p) else { continue };
            match hops.iter_mut().find(|(k, _)| *k == b) {
                Some((_, ps)) => ps.push(p),
                None => hops.push((b, vec![p])),
            }
        }
        for ((target, mut extra), via) in hops {
            let matched = via[0].route.matched.clone().unwrap_or_default();
            let answers: Vec<String> = via
                .iter()
                .filter_map(|p| {
                    p.zone_addresses
                        .as_ref()
                        .map(|z| format!("{} -> {}", p.dest.host, zone_label(z)))
                })
                .collect();
            if !answers.is_empty() {
                extra.push_str(&format!(" The zone answers: {}.", answers.join("; ")));
            }
            seen.push((
                (table_id(sp), target, dest_list(&via)),
                sp.subnet.id.clone(),
                (sp, matched, extra),
            ));
        }
    }
    // A name whose private answer could not be read may be answered with addresses in this
    // VPC or beyond a peering connection: that this hop is not opaque is then not known.
    let answer_unread = || {
        cx.paths.iter().flat_map(|sp| &sp.paths).find_map(|p| {
            p.answer_unread.as_ref().map(|why| {
                format!(
                    "whether a private hosted zone or Resolver rule answers {} with addresses the tool cannot see beyond is not known: {why}",
                    p.dest.host
                )
            })
        })
    };
    if seen.is_empty() {
        return match route_unknown(cx).or_else(answer_unread) {
            Some(why) => Outcome::unknown(why),
            None => Outcome::na("no needed destination is routed through an opaque hop"),
        };
    }
    let findings = group_by(seen)
        .into_iter()
        .map(|((rtb, target, dests), subnets, (sp, matched, extra))| {
            let mut resources = subnets.clone();
            resources.push(rtb.clone());
            if target != "local" {
                resources.push(target.clone());
            }
            CHECK.finding(
                format!(
                    "{} {dests} to {target} ({matched} in {rtb}); what happens beyond it cannot be verified from this VPC.{extra}",
                    subjects(&subnets, "sends", "send")
                ),
                resources,
                vec![table_evidence(sp)],
                format!("Verify that {target} forwards TCP 443 to the AWS endpoints and back, or add VPC endpoints in this VPC."),
            )
        })
        .collect();
    Outcome::from_findings(findings, route_unknown(cx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;

    #[test]
    fn a_nat_gateway_is_not_opaque() {
        assert_eq!(
            testkit::status(&CHECK, &testkit::healthy_nat()),
            CheckStatus::NotApplicable
        );
    }

    #[test]
    fn with_the_zones_unread_a_nat_gateway_is_not_known_to_be_the_only_hop() {
        // A private zone could answer the names with addresses in this VPC or a peer VPC.
        let mut snap = testkit::healthy_nat();
        testkit::zones_unread(&mut snap);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown, "{out:?}");
        assert!(out.detail.unwrap().contains("route53:ListHostedZonesByVPC"));
    }

    #[test]
    fn a_transit_gateway_default_route_warns() {
        let mut snap = testkit::healthy_nat();
        testkit::default_route_to(&mut snap, "tgw-0egress");
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn);
        assert!(out.findings[0].message.contains("tgw-0egress"));
        assert!(out.findings[0]
            .message
            .contains("egress VPC with a NAT gateway"));
    }

    #[test]
    fn a_peering_default_route_is_not_opaque_it_is_broken() {
        let mut snap = testkit::healthy_nat();
        testkit::default_route_to(&mut snap, "pcx-0hub");
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
    }

    #[test]
    fn centralised_endpoints_in_a_peer_vpc_warn_with_what_must_hold_there() {
        let mut snap = testkit::healthy_nat();
        testkit::peering_to_hub(&mut snap, "pcx-0hub");
        testkit::default_route_to(&mut snap, "pcx-0hub");
        testkit::hub_zones(&mut snap);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn, "{out:?}");
        let m = &out.findings[0].message;
        assert!(m.contains("peer VPC vpc-hub (10.99.0.0/16)"), "{m}");
        assert!(m.contains("security groups"), "{m}");
    }
}
