use super::{ev, gate_paths, Check, Outcome};
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
    run,
};

fn run(cx: &Cx) -> Outcome {
    if let Some(o) = gate_paths(cx) {
        return o;
    }
    let mut any = false;
    let mut findings = Vec::new();
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
            if !problems.contains(&EndpointProblem::PrivateDnsDisabled) {
                continue;
            }
            if findings
                .iter()
                .any(|f: &crate::report::Finding| f.resources[0] == endpoint.id)
            {
                continue;
            }
            findings.push(CHECK.finding(
                format!(
                    "{} ({}) has private DNS disabled, so {} resolves to public addresses, which {} cannot reach.",
                    endpoint.id, endpoint.service_name, p.dest.host, sp.subnet.id
                ),
                vec![endpoint.id.clone(), sp.subnet.id.clone()],
                vec![ev(&endpoint.id, "PrivateDnsEnabled: false")],
                format!("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --private-dns-enabled", endpoint.id),
            ));
        }
    }
    if !any {
        return Outcome::na("the task relies on no interface endpoint");
    }
    Outcome::from_findings(findings, None)
}
