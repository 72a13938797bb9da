use crate::checks::{
    dest_list, ev, group_by, route_unknown, subjects, table_evidence, table_id, Check, Needs,
    Outcome,
};
use crate::context::Cx;
use crate::net::path::{Hop, PathEval};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-NAT-NOT-AVAILABLE",
    title: "The NAT gateway is not available, or is a private NAT gateway",
    severity: Severity::Error,
    group: "Network path",
    what: "For subnets whose route for a needed destination goes to a NAT gateway, reads the gateway \
           (ec2:DescribeNatGateways) and fails when its State is not available (pending, failed) or \
           when its ConnectivityType is private.",
    why: "A NAT gateway that is pending or failed forwards nothing. A private NAT gateway has no public \
          address and cannot reach the internet or public AWS endpoints, so pulls and ECR auth time out.",
    fix: "Create a public NAT gateway in a public subnet and point the route at it:\n  aws ec2 \
          create-nat-gateway --subnet-id subnet-public --allocation-id eipalloc-… --connectivity-type public\n  \
          aws ec2 replace-route --route-table-id rtb-… --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-new",
    docs: &["https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: Some(&crate::checks::ENDPOINTS_INSTEAD),
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut any = false;
    let mut seen = Vec::new();
    for sp in &cx.paths {
        let via: Vec<&PathEval> = sp
            .paths
            .iter()
            .filter(|p| !p.via_interface && matches!(p.route.hop, Hop::Nat { .. }))
            .collect();
        let Some(Hop::Nat {
            id, nat: Some(nat), ..
        }) = via.first().map(|p| &p.route.hop)
        else {
            continue;
        };
        any = true;
        let problem = if nat.state != "available" {
            format!(
                "is in state {}{}",
                nat.state,
                nat.failure_message
                    .as_deref()
                    .map(|m| format!(" ({m})"))
                    .unwrap_or_default()
            )
        } else if nat.connectivity_type.as_deref() == Some("private") {
            "is a private NAT gateway (ConnectivityType private), which cannot reach the internet or public AWS endpoints".to_string()
        } else {
            continue;
        };
        seen.push((
            id.clone(),
            sp.subnet.id.clone(),
            (sp, *nat, problem, dest_list(&via)),
        ));
    }
    let findings = group_by(seen)
        .into_iter()
        .map(|(id, subnets, (sp, nat, problem, dests))| {
            let mut resources = vec![id.clone(), table_id(sp)];
            resources.extend(subnets.iter().cloned());
            CHECK.finding(
                format!(
                    "{} {dests} to NAT gateway {id}, which {problem}.",
                    subjects(&subnets, "routes", "route")
                ),
                resources,
                vec![
                    ev(
                        &id,
                        format!(
                            "State {}, ConnectivityType {}",
                            nat.state,
                            nat.connectivity_type
                                .as_deref()
                                .unwrap_or("public (default)")
                        ),
                    ),
                    table_evidence(sp),
                ],
                format!(
                    "Route {} through an available public NAT gateway in a public subnet.",
                    table_id(sp)
                ),
            )
        })
        .collect();
    if !any {
        return match route_unknown(cx) {
            Some(why) => Outcome::unknown(why),
            None => Outcome::na("no task subnet routes a needed destination to a NAT gateway"),
        };
    }
    Outcome::from_findings(findings, route_unknown(cx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_with_an_available_nat_gateway() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    #[test]
    fn fails_when_the_nat_gateway_is_private() {
        let mut snap = healthy_nat();
        for n in snap.network.nat_gateways.values_mut() {
            n.connectivity_type = Some("private".into());
        }
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
