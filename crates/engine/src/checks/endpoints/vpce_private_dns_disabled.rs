use crate::checks::{ev, group_by, na_unless_endpoints_unknown, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::path::{EndpointProblem, EndpointUse};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-PRIVATE-DNS-DISABLED",
    title: "A needed interface endpoint has private DNS disabled",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "For each destination the task reaches only through an interface endpoint (no internet path), \
           reads the endpoint's PrivateDnsEnabled (ec2:DescribeVpcEndpoints).",
    why: "Fargate always connects to the default regional names (api.ecr.<region>.amazonaws.com, \
          <account>.dkr.ecr…, logs.<region>…); there is no setting to point it at an endpoint-specific \
          name. Without private DNS those names resolve to public addresses and the connection times out.",
    fix: "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-… --private-dns-enabled",
    docs: &["https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut any = false;
    let mut seen = Vec::new();
    for sp in &cx.paths {
        for p in &sp.paths {
            if p.route.hop.aims_at_internet() {
                continue;
            }
            let EndpointUse::Interface {
                endpoint, problems, ..
            } = &p.endpoint
            else {
                continue;
            };
            any = true;
            if problems.contains(&EndpointProblem::PrivateDnsDisabled) {
                seen.push((
                    endpoint.id.clone(),
                    sp.subnet.id.clone(),
                    (*endpoint, p.dest.host.clone()),
                ));
            }
        }
    }
    if !any {
        return na_unless_endpoints_unknown(cx, "the task relies on no interface endpoint");
    }
    let findings = group_by(seen)
        .into_iter()
        .map(|(id, subnets, (endpoint, host))| {
            let mut resources = vec![id.clone()];
            resources.extend(subnets.iter().cloned());
            CHECK.finding(
                format!(
                    "{id} ({}) has private DNS disabled, so {host} resolves to public addresses, which {} cannot reach.",
                    endpoint.service_name,
                    subnets.join(", ")
                ),
                resources,
                vec![ev(&id, "PrivateDnsEnabled: false")],
                format!("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {id} --private-dns-enabled"),
            )
        })
        .collect();
    Outcome::from_findings(findings, None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{healthy_endpoints, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_with_private_dns() {
        assert_eq!(status(&CHECK, &healthy_endpoints()), CheckStatus::Pass);
    }

    #[test]
    fn fails_when_an_interface_endpoint_has_private_dns_off() {
        let mut snap = healthy_endpoints();
        for e in snap.network.vpc_endpoints.values_mut() {
            if e.endpoint_type == "Interface" {
                e.private_dns_enabled = false;
            }
        }
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
