use super::{ev, gate_paths, Check, Outcome};
use crate::context::Cx;
use crate::net::path::Eval;
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
    run,
};

fn run(cx: &Cx) -> Outcome {
    if let Some(o) = gate_paths(cx) {
        return o;
    }
    let mut findings: Vec<Finding> = Vec::new();
    let mut unknown = None;
    for sp in &cx.paths {
        for p in &sp.paths {
            match &p.nacl {
                Eval::Ok => {}
                Eval::Unknown(why) => unknown = Some(why.clone()),
                Eval::Issue(issues) => {
                    for i in issues {
                        let dir = if i.egress { "outbound" } else { "inbound" };
                        let blocked_by = i.rule.clone().unwrap_or_else(|| "the implicit deny (*): no rule allows it".into());
                        let ports = if i.ports.0 == i.ports.1 { format!("port {}", i.ports.0) } else { format!("ports {}-{}", i.ports.0, i.ports.1) };
                        let msg = format!(
                            "{} of {} ({}) blocks the {} {dir} TCP {ports} {} {} for {} from {}: {blocked_by}.",
                            i.acl,
                            i.subnet,
                            i.role,
                            i.leg,
                            if i.egress { "to" } else { "from" },
                            i.remote,
                            p.dest.describe(),
                            sp.subnet.id
                        );
                        if findings.iter().any(|f| f.resources[0] == i.acl && f.message.contains(&format!("{} {dir}", i.leg))) {
                            continue;
                        }
                        let flag = if i.egress { "--egress" } else { "--ingress" };
                        findings.push(CHECK.finding(
                            msg,
                            vec![i.acl.clone(), i.subnet.clone(), sp.subnet.id.clone()],
                            vec![ev(&i.acl, format!("{blocked_by}; {} leg {dir} {ports} {} {}", i.leg, if i.egress { "to" } else { "from" }, i.remote))],
                            format!(
                                "aws ec2 create-network-acl-entry --network-acl-id {} {flag} --rule-number <lower than the blocking rule> --protocol tcp --port-range From={},To={} --cidr-block {} --rule-action allow",
                                i.acl, i.ports.0, i.ports.1, i.remote
                            ),
                        ));
                    }
                }
            }
        }
    }
    Outcome::from_findings(findings, unknown)
}
