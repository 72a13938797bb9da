use crate::checks::{ev, vpc_missing, Check, Found, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-DNS-CUSTOM-DHCP",
    title: "The VPC's DHCP options use custom DNS servers",
    severity: Severity::Warning,
    group: "Network path",
    what: "Reads the VPC's DHCP options set (ec2:DescribeVpcs DhcpOptionsId, ec2:DescribeDhcpOptions \
           domain-name-servers) and warns when AmazonProvidedDNS is not among the servers.",
    why: "VPC endpoints' private DNS names exist only in the Amazon-provided resolver. Custom DNS servers \
          must forward the AWS service names (or amazonaws.com) to it, and must be reachable on TCP and \
          UDP 53 — none of which can be verified from configuration. If they do not, ECR and secrets \
          resolve to public addresses or not at all.",
    fix: "Use AmazonProvidedDNS, or forward *.amazonaws.com to the VPC resolver (VPC CIDR base + 2) from \
          your DNS servers:\n  aws ec2 create-dhcp-options --dhcp-configurations \
          'Key=domain-name-servers,Values=AmazonProvidedDNS' && aws ec2 associate-dhcp-options --dhcp-options-id dopt-… --vpc-id vpc-…",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/DHCPOptionSet.html",
    ],
    needs: Needs::TargetOnly,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(vpc) = cx.vpc else {
        return vpc_missing(cx);
    };
    let Some(id) = &vpc.dhcp_options_id else {
        return Outcome::pass_because(format!(
            "{} has no DHCP options set: AmazonProvidedDNS",
            vpc.id
        ));
    };
    let opts = match cx.snap.dhcp_options(id) {
        Found::Yes(opts) => opts,
        // The VPC names it, so "not found" is a race or a broken snapshot: undecided as well.
        Found::Missing => {
            return Outcome::unknown(format!("DHCP options {id} are not in the snapshot"))
        }
        Found::Unknown(why) => return Outcome::unknown(why),
    };
    if opts.domain_name_servers.is_empty()
        || opts
            .domain_name_servers
            .iter()
            .any(|s| s.eq_ignore_ascii_case("AmazonProvidedDNS"))
    {
        return Outcome::pass_because(format!("{id} uses AmazonProvidedDNS"));
    }
    Outcome::from_findings(
        vec![CHECK.finding(
            format!(
                "{} uses DHCP options {id} with custom DNS servers {}: whether they resolve the AWS service and endpoint names cannot be verified from configuration.",
                vpc.id,
                opts.domain_name_servers.join(", ")
            ),
            vec![id.clone(), vpc.id.clone()],
            vec![ev(id, format!("domain-name-servers: {}", opts.domain_name_servers.join(", ")))],
            "Make sure the DNS servers forward amazonaws.com queries to the VPC resolver and that the task's security groups and NACLs allow TCP and UDP 53 to them, or switch to AmazonProvidedDNS.".into(),
        )],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_with_the_amazon_provided_dns() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    #[test]
    fn warns_on_custom_dns_servers() {
        let mut snap = healthy_nat();
        for d in snap.network.dhcp_options.values_mut() {
            d.domain_name_servers = vec!["10.0.0.2".into()];
        }
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Warn, "{:?}", out.detail);
    }
}
