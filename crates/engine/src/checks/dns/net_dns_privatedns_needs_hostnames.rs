use crate::checks::{ev, na_unless_endpoints_unknown, vpc_missing, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::path::{EndpointProblem, EndpointUse};
use crate::report::Severity;
use fd_snapshot::Op;

pub static CHECK: Check = Check {
    id: "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
    title: "Endpoints rely on private DNS, but the VPC's DNS attributes are off",
    severity: Severity::Error,
    group: "Network path",
    what: "For each interface endpoint the task relies on (its destination has no internet path) that \
           has private DNS enabled, reads the VPC attributes enableDnsSupport and enableDnsHostnames \
           (ec2:DescribeVpcAttribute); both must be true.",
    why: "Private DNS of an interface endpoint is a private hosted zone, which works only when both \
          attributes are on. Otherwise api.ecr.<region>.amazonaws.com and the registry name resolve to \
          public addresses, the traffic takes the (missing) internet path and times out: the telltale \
          is a public IP in 'dial tcp <ip>:443: i/o timeout'.",
    fix: "aws ec2 modify-vpc-attribute --vpc-id vpc-… --enable-dns-hostnames '{\"Value\":true}'\n  \
          aws ec2 modify-vpc-attribute --vpc-id vpc-… --enable-dns-support '{\"Value\":true}'",
    docs: &[
        "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html#interface-endpoint-private-dns",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/verify-connectivity.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(vpc) = cx.vpc else {
        return vpc_missing(cx);
    };
    let mut endpoints: Vec<String> = Vec::new();
    let mut attrs = None;
    let mut relied = false;
    for sp in &cx.paths {
        for p in &sp.paths {
            if p.route.hop.aims_at_internet() {
                continue;
            }
            if let EndpointUse::Interface {
                endpoint, problems, ..
            } = &p.endpoint
            {
                if endpoint.private_dns_enabled {
                    relied = true;
                }
                for pr in problems {
                    if let EndpointProblem::VpcDnsAttributesOff { support, hostnames } = pr {
                        attrs = Some((*support, *hostnames));
                        if !endpoints.contains(&endpoint.id) {
                            endpoints.push(endpoint.id.clone());
                        }
                    }
                }
            }
        }
    }
    if !relied {
        return na_unless_endpoints_unknown(
            cx,
            "the task relies on no interface endpoint with private DNS",
        );
    }
    let Some((support, hostnames)) = attrs else {
        if vpc.enable_dns_support.is_none() || vpc.enable_dns_hostnames.is_none() {
            return Outcome::unknown(
                cx.unreadable(Op::Ec2DescribeVpcAttribute)
                    .unwrap_or_else(|| format!("the DNS attributes of {} were not read", vpc.id)),
            );
        }
        return Outcome::pass();
    };
    let off: Vec<&str> = [
        (!support).then_some("enableDnsSupport"),
        (!hostnames).then_some("enableDnsHostnames"),
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut resources = vec![vpc.id.clone()];
    resources.extend(endpoints.iter().cloned());
    Outcome::from_findings(
        vec![CHECK.finding(
            format!(
                "Endpoints {} have private DNS enabled, but {} has {} = false, so their private names do not resolve: the task reaches for the public endpoints instead.",
                endpoints.join(", "),
                vpc.id,
                off.join(" and ")
            ),
            resources,
            vec![ev(&vpc.id, format!("enableDnsSupport: {support}, enableDnsHostnames: {hostnames}"))],
            off.iter()
                .map(|a| {
                    let flag = if *a == "enableDnsSupport" { "--enable-dns-support" } else { "--enable-dns-hostnames" };
                    format!("aws ec2 modify-vpc-attribute --vpc-id {} {flag} '{{\"Value\":true}}'", vpc.id)
                })
                .collect::<Vec<_>>()
                .join("; "),
        )],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{healthy_endpoints, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_with_both_dns_attributes_on() {
        assert_eq!(status(&CHECK, &healthy_endpoints()), CheckStatus::Pass);
    }

    #[test]
    fn fails_when_dns_hostnames_is_off() {
        let mut snap = healthy_endpoints();
        for v in snap.network.vpcs.values_mut() {
            v.enable_dns_hostnames = Some(false);
        }
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
    }
}
