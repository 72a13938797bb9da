use super::{
    dest_list, gate_paths, group_by, route_unknown, subjects, table_evidence, table_id, Check,
    Outcome,
};
use crate::context::Cx;
use crate::net::path::{Hop, PathEval};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-ROUTE-OPAQUE",
    title: "Egress goes through a hop the tool cannot see through",
    severity: Severity::Warning,
    group: "Network path",
    what: "Reports task subnets whose route for a needed destination goes to a transit gateway, VPC \
           peering connection, virtual private gateway, network interface or instance (NAT instance), \
           Gateway Load Balancer endpoint (firewall), local or carrier gateway, or core network.",
    why: "The configuration beyond that hop (the egress VPC's NAT, the firewall's rules, on-premises \
          routing) is outside this VPC, so whether the task reaches ECR and S3 cannot be verified here. \
          Note that VPC peering never forwards to the peer's internet or NAT gateway.",
    fix: "Verify on the far side that 443 to the AWS service endpoints (ECR, S3, Logs, Secrets Manager) is \
          routed to an internet egress and returned; or add VPC endpoints in this VPC so that the task \
          does not depend on that path.",
    docs: &["https://docs.aws.amazon.com/vpc/latest/tgw/transit-gateway-nat-igw.html"],
    run,
};

fn run(cx: &Cx) -> Outcome {
    if let Some(o) = gate_paths(cx) {
        return o;
    }
    let mut any = false;
    let mut seen = Vec::new();
    for sp in &cx.paths {
        let via: Vec<&PathEval> = sp
            .paths
            .iter()
            .filter(|p| !p.via_interface && matches!(p.route.hop, Hop::Opaque { .. }))
            .collect();
        let Some(Hop::Opaque { target }) = via.first().map(|p| &p.route.hop) else {
            continue;
        };
        any = true;
        let matched = via[0].route.matched.clone().unwrap_or_default();
        seen.push((
            (table_id(sp), target.clone()),
            sp.subnet.id.clone(),
            (sp, matched, dest_list(&via)),
        ));
    }
    let findings = group_by(seen)
        .into_iter()
        .map(|((rtb, target), subnets, (sp, matched, dests))| {
            let extra = if target.starts_with("pcx-") {
                " VPC peering is not transitive: the peer VPC's NAT or internet gateway cannot be used through it."
            } else if target.starts_with("tgw-") {
                " The transit gateway's route table must send this traffic to an egress VPC with a NAT gateway, and route the return traffic back."
            } else {
                ""
            };
            let mut resources = subnets.clone();
            resources.push(rtb.clone());
            resources.push(target.clone());
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
    if !any {
        return match route_unknown(cx) {
            Some(why) => Outcome::unknown(why),
            None => Outcome::na("no needed destination is routed through an opaque hop"),
        };
    }
    Outcome::from_findings(findings, route_unknown(cx))
}
