use crate::checks::{
    dest_list, group_by, route_unknown, table_evidence, table_id, Check, Needs, Outcome,
};
use crate::context::Cx;
use crate::net::path::{Hop, PathEval};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-ROUTE-BLACKHOLE",
    title: "The matching route's target is gone",
    severity: Severity::Error,
    group: "Network path",
    what: "For every task subnet and destination, looks at the route that carries the traffic and \
           fails when its state is blackhole, when it points to a NAT gateway that is deleted or does \
           not exist, or to an internet gateway that is not attached to the VPC.",
    why: "A route whose target is gone drops every packet: image pulls and ECR auth time out exactly as \
          if there were no route. It typically follows a deleted NAT gateway (to save cost) or a \
          detached internet gateway; the route table still looks right at a glance.",
    fix: "Replace the route's target with a working gateway:\n  aws ec2 replace-route --route-table-id \
          rtb-… --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-…",
    docs: &["https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: Some(&crate::checks::ENDPOINTS_INSTEAD),
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut seen = Vec::new();
    for sp in &cx.paths {
        let dead: Vec<&PathEval> = sp
            .paths
            .iter()
            .filter(|p| !p.via_interface && matches!(p.route.hop, Hop::Blackhole { .. }))
            .collect();
        let Some(first) = dead.first() else { continue };
        let Hop::Blackhole { route, target, why } = &first.route.hop else {
            continue;
        };
        seen.push((
            (table_id(sp), route.clone()),
            sp.subnet.id.clone(),
            (sp, target.clone(), why.clone(), dest_list(&dead)),
        ));
    }
    let findings = group_by(seen)
        .into_iter()
        .map(|((rtb, route), subnets, (sp, target, why, dests))| {
            let mut resources = vec![rtb.clone(), target];
            resources.extend(subnets.iter().cloned());
            CHECK.finding(
                format!(
                    "Route {route} in {rtb} (used by {}) leads nowhere: {why}. Traffic to {dests} is dropped.",
                    subnets.join(", ")
                ),
                resources,
                vec![table_evidence(sp)],
                format!("Point the route in {rtb} at a working NAT gateway or internet gateway (aws ec2 replace-route --route-table-id {rtb} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-…), or delete it."),
            )
        })
        .collect();
    Outcome::from_findings(findings, route_unknown(cx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{assert_fails_naming_a_subnet, assert_passes, fixture};

    /// Collected from the moto scenario of the same name.
    #[test]
    fn fails_on_blackhole_deleted_nat() {
        assert_fails_naming_a_subnet(&CHECK, "blackhole-deleted-nat");
    }

    #[test]
    fn passes_on_healthy_endpoints() {
        assert_passes(&CHECK, &fixture("healthy-endpoints"));
    }
}
