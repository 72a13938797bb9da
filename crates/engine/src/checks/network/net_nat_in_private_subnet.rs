use crate::checks::{dest_list, ev, group_by, route_unknown, subjects, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::path::{Eval, Hop, PathEval};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-NAT-IN-PRIVATE-SUBNET",
    title: "The NAT gateway sits in a subnet without a route to an internet gateway",
    severity: Severity::Error,
    group: "Network path",
    what: "For each NAT gateway a task subnet routes through, finds the NAT gateway's own subnet and its \
           route table, and checks that 0.0.0.0/0 goes to an internet gateway attached to the VPC.",
    why: "A NAT gateway forwards traffic to the internet gateway of its own subnet's route table. Placed \
          in a private subnet (a common mix-up of the two subnets), it has no way out and every pull \
          times out, although the task subnet's route table looks correct.",
    fix: "Re-create the NAT gateway in a public subnet (or add the internet gateway route to its subnet's \
          table):\n  aws ec2 create-route --route-table-id rtb-of-nat-subnet --destination-cidr-block \
          0.0.0.0/0 --gateway-id igw-…",
    docs: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-scenarios.html",
        "https://repost.aws/knowledge-center/ecs-fargate-tasks-pending-state",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: Some(&crate::checks::ENDPOINTS_INSTEAD),
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut any = false;
    let mut seen = Vec::new();
    let mut unknown = None;
    for sp in &cx.paths {
        let via: Vec<&PathEval> = sp
            .paths
            .iter()
            .filter(|p| !p.via_interface && matches!(p.route.hop, Hop::Nat { nat: Some(_), .. }))
            .collect();
        let Some(Hop::Nat {
            id,
            nat: Some(nat),
            upstream,
        }) = via.first().map(|p| &p.route.hop)
        else {
            continue;
        };
        any = true;
        match upstream {
            Eval::Ok => {}
            Eval::Unknown(why) => unknown = Some(why.clone()),
            Eval::Issue(detail) => seen.push((
                id.clone(),
                sp.subnet.id.clone(),
                (*nat, detail.clone(), dest_list(&via)),
            )),
        }
    }
    let findings = group_by(seen)
        .into_iter()
        .map(|(id, subnets, (nat, issue, dests))| {
            let (nat_rtb, detail) = (issue.table, issue.detail);
            let mut resources = vec![id.clone(), nat.subnet_id.clone(), nat_rtb.clone()];
            resources.extend(subnets.iter().cloned());
            CHECK.finding(
                format!(
                    "{} {dests} to NAT gateway {id}, but the NAT gateway's subnet {} does not route to an internet gateway: {detail}.",
                    subjects(&subnets, "sends", "send"),
                    nat.subnet_id
                ),
                resources,
                vec![ev(&id, format!("SubnetId {}", nat.subnet_id)), ev(&nat_rtb, detail.clone())],
                format!("Add 0.0.0.0/0 -> an internet gateway to {nat_rtb} (aws ec2 create-route --route-table-id {nat_rtb} --destination-cidr-block 0.0.0.0/0 --gateway-id igw-…), or re-create {id} in a public subnet."),
            )
        })
        .collect();
    if !any {
        return match route_unknown(cx) {
            Some(why) => Outcome::unknown(why),
            None => Outcome::na("no task subnet routes a needed destination to a NAT gateway"),
        };
    }
    Outcome::from_findings(findings, unknown.or_else(|| route_unknown(cx)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{assert_fails_naming_a_subnet, assert_passes, fixture};

    /// Collected from the moto scenario of the same name.
    #[test]
    fn fails_on_nat_in_private_subnet() {
        assert_fails_naming_a_subnet(&CHECK, "nat-in-private-subnet");
    }

    #[test]
    fn passes_on_healthy_nat() {
        assert_passes(&CHECK, &fixture("healthy-nat"));
    }
}
