use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::path::{Eval, NaclIssue};
use crate::report::{Finding, Severity};

pub static CHECK: Check = Check {
    id: "NET-NACL-PATH",
    title: "A network ACL blocks the request or the return traffic",
    severity: Severity::Error,
    group: "Network path",
    what: "Network ACLs are stateless, so for every destination the request (TCP 443 out) and its return \
           (TCP to the task's ephemeral ports, 32768–60999 on Linux, 49152–65535 on Windows) are \
           evaluated separately, rule by rule in ascending order with the implicit deny, on every subnet \
           boundary the packets cross: the task subnet, the interface endpoint's subnets, and the NAT \
           gateway's subnet (whose return from the internet uses ports 1024–65535). Traffic that stays \
           inside one subnet is not filtered.",
    why: "A NACL that allows 443 out but not the ephemeral ports back in lets the TCP handshake go out \
          and drops the answer: the pull times out although every route and security group looks right.",
    fix: "Add allow rules with a lower number than any matching deny, for example on the task subnet's \
          NACL:\n  aws ec2 create-network-acl-entry --network-acl-id acl-… --ingress --rule-number 100 \
          --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow",
    docs: &[
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/verify-connectivity.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    // One finding per blocking rule and direction, naming every destination and task subnet
    // it cuts off.
    let mut groups: Vec<(&NaclIssue, Vec<String>, Vec<String>)> = Vec::new();
    let mut unknown = None;
    for sp in &cx.paths {
        for p in &sp.paths {
            match &p.nacl {
                Eval::Ok => {}
                Eval::Unknown(why) => unknown = Some(why.clone()),
                Eval::Issue(issues) => {
                    for i in issues {
                        let same = |g: &NaclIssue| {
                            g.acl == i.acl
                                && g.egress == i.egress
                                && g.leg == i.leg
                                && g.rule == i.rule
                                && g.remote_label == i.remote_label
                        };
                        let idx = match groups.iter().position(|(g, _, _)| same(g)) {
                            Some(idx) => idx,
                            None => {
                                groups.push((i, Vec::new(), Vec::new()));
                                groups.len() - 1
                            }
                        };
                        let (_, dests, subnets) = &mut groups[idx];
                        let d = p.dest.describe();
                        if !dests.contains(&d) {
                            dests.push(d);
                        }
                        if !subnets.contains(&sp.subnet.id) {
                            subnets.push(sp.subnet.id.clone());
                        }
                    }
                }
            }
        }
    }
    let findings: Vec<Finding> = groups
        .into_iter()
        .map(|(i, dests, subnets)| {
            let dir = if i.egress { "outbound" } else { "inbound" };
            let towards = if i.egress { "to" } else { "from" };
            let blocked_by = i.rule.clone().unwrap_or_else(|| "the implicit deny (*): no rule allows it".into());
            let ports = if i.ports.0 == i.ports.1 { format!("port {}", i.ports.0) } else { format!("ports {}-{}", i.ports.0, i.ports.1) };
            let mut resources = vec![i.acl.clone(), i.subnet.clone()];
            resources.extend(subnets.iter().filter(|s| **s != i.subnet).cloned());
            let flag = if i.egress { "--egress" } else { "--ingress" };
            CHECK.finding(
                format!(
                    "{} (the network ACL of {}) blocks the {} traffic ({dir} TCP {ports} {towards} {}) of {} for {}: {blocked_by}.",
                    i.acl,
                    if i.role == "task subnet" { format!("task subnet {}", subnets.join(", ")) } else { format!("{} {}", i.role, i.subnet) },
                    i.leg,
                    i.remote_label,
                    subnets.join(", "),
                    dests.join(", ")
                ),
                resources,
                vec![ev(&i.acl, format!("{blocked_by}; blocked example: {dir} {ports} {towards} {}", i.remote))],
                format!(
                    "aws ec2 create-network-acl-entry --network-acl-id {} {flag} --rule-number <lower than any matching deny> --protocol tcp --port-range From={},To={} --cidr-block <{}> --rule-action allow",
                    i.acl, i.ports.0, i.ports.1, i.remote_label
                ),
            )
        })
        .collect();
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{assert_fails_naming_a_subnet, assert_passes, fixture};

    /// Collected from the moto scenario of the same name.
    #[test]
    fn fails_on_nacl_no_return() {
        assert_fails_naming_a_subnet(&CHECK, "nacl-no-return");
    }

    #[test]
    fn passes_on_healthy_nat() {
        assert_passes(&CHECK, &fixture("healthy-nat"));
    }
}
