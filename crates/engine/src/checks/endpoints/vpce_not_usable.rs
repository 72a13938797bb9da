use crate::checks::{ev, na_unless_endpoints_unknown, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::path::{EndpointProblem, EndpointUse};
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-NOT-USABLE",
    title: "A needed VPC endpoint is not available, or not in the task's Availability Zone",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "For each interface endpoint the task relies on (no internet path for that destination), \
           reads its State and SubnetIds (ec2:DescribeVpcEndpoints). Fails when the state is not \
           available (pending, pendingAcceptance, rejected, failed, deleted) or it has no subnet; warns \
           when none of its subnets is in the task subnet's Availability Zone.",
    why: "An endpoint that is not available has no working network interfaces: connections to it fail. \
          An endpoint without a subnet in the task's zone still works through the other zones' \
          interfaces, but a zone outage cuts the task off and the traffic pays cross-zone charges.",
    fix: "Wait for or re-create the endpoint, and add a subnet in each task zone:\n  aws ec2 \
          modify-vpc-endpoint --vpc-endpoint-id vpce-… --add-subnet-ids subnet-in-task-az",
    docs: &["https://docs.aws.amazon.com/vpc/latest/privatelink/create-interface-endpoint.html"],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut any = false;
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut seen: Vec<(String, String)> = Vec::new();
    for sp in &cx.paths {
        for p in &sp.paths {
            if p.route.hop.aims_at_internet() {
                continue;
            }
            let EndpointUse::Interface {
                endpoint,
                problems,
                other_az_only,
            } = &p.endpoint
            else {
                continue;
            };
            any = true;
            let key = (endpoint.id.clone(), sp.subnet.id.clone());
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            for pr in problems {
                let msg = match pr {
                    EndpointProblem::NotAvailable(state) => {
                        format!("is in state {state}, not available")
                    }
                    EndpointProblem::NoSubnets => {
                        "has no subnet, so it has no network interface".into()
                    }
                    _ => continue,
                };
                findings.push(CHECK.finding(
                    format!("{} ({}), which {} needs for {}, {msg}.", endpoint.id, endpoint.service_name, sp.subnet.id, p.dest.host),
                    vec![endpoint.id.clone(), sp.subnet.id.clone()],
                    vec![ev(&endpoint.id, format!("State {}, SubnetIds [{}]", endpoint.state, endpoint.subnet_ids.join(", ")))],
                    format!("Make {} available with a subnet in each task Availability Zone, or re-create it.", endpoint.id),
                ));
            }
            if let (Err(why), true) = (other_az_only, problems.is_empty()) {
                unknown = Some(why.clone());
            }
            if *other_az_only == Ok(true) && problems.is_empty() {
                findings.push(CHECK.finding_at(
                    Severity::Warning,
                    format!(
                        "{} ({}) has no subnet in {} ({}); tasks there reach it across zones and lose it when another zone fails.",
                        endpoint.id, endpoint.service_name, sp.subnet.availability_zone, sp.subnet.id
                    ),
                    vec![endpoint.id.clone(), sp.subnet.id.clone()],
                    vec![ev(&endpoint.id, format!("SubnetIds [{}]", endpoint.subnet_ids.join(", ")))],
                    format!("aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --add-subnet-ids <a subnet in {}>", endpoint.id, sp.subnet.availability_zone),
                ));
            }
        }
    }
    if !any {
        return na_unless_endpoints_unknown(cx, "the task relies on no interface endpoint");
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{healthy_endpoints, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_with_available_endpoints() {
        assert_eq!(status(&CHECK, &healthy_endpoints()), CheckStatus::Pass);
    }

    #[test]
    fn fails_when_an_interface_endpoint_is_not_available() {
        let mut snap = healthy_endpoints();
        for e in snap.network.vpc_endpoints.values_mut() {
            if e.endpoint_type == "Interface" {
                e.state = "pendingAcceptance".into();
            }
        }
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
