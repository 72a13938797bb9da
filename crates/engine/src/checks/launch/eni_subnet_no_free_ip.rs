use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "ENI-SUBNET-NO-FREE-IP",
    title: "A task subnet has no free IPv4 address",
    severity: Severity::Error,
    group: "Launch and task definition",
    what: "Reads AvailableIpAddressCount of every task subnet (ec2:DescribeSubnets). Fails at 0; warns \
           when fewer addresses are free than the service's desired count (a rolling deployment may \
           need up to twice that).",
    why: "Every Fargate task takes one ENI and one IPv4 address in its subnet. Without a free address \
          ECS cannot create the ENI: 'Unexpected EC2 error while attempting to Create Network Interface \
          ... in subnet', tasks stuck in PROVISIONING, CloudTrail InsufficientFreeAddressesInSubnet.",
    fix: "Free addresses (delete ENIs in state 'available' that nothing uses), or add larger subnets:\n  \
          aws ec2 describe-network-interfaces --filters Name=subnet-id,Values=subnet-… Name=status,Values=available",
    docs: &["https://docs.aws.amazon.com/AmazonECS/latest/developerguide/failed-to-start-error.html"],
    needs: Needs::TargetOnly,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if cx.subnets.is_empty() {
        return crate::checks::no_subnets(cx);
    }
    let wanted = cx.target.desired_count.unwrap_or(1).max(1);
    let mut findings = Vec::new();
    let mut unknown = None;
    let mut v6_only = Vec::new();
    for s in &cx.subnets {
        // AvailableIpAddressCount counts IPv4 addresses; a task in an IPv6-only subnet takes an
        // address of its /64, which does not run out.
        if s.ipv6_only() {
            v6_only.push(s.id.as_str());
            continue;
        }
        let Some(free) = s.available_ip_address_count else {
            unknown = Some(format!("AvailableIpAddressCount of {} is unknown", s.id));
            continue;
        };
        let evidence = vec![ev(
            &s.id,
            format!(
                "AvailableIpAddressCount {free}, CidrBlock {}",
                s.cidr_label()
            ),
        )];
        if free == 0 {
            findings.push(CHECK.finding(
                format!("{} ({}) has no free IPv4 address: a task placed there cannot get its network interface.", s.id, s.cidr_label()),
                vec![s.id.clone()],
                evidence,
                format!("Release unused ENIs in {} or give the service additional, larger subnets.", s.id),
            ));
        } else if free < wanted {
            findings.push(CHECK.finding_at(
                Severity::Warning,
                format!(
                    "{} has only {free} free IPv4 address(es) for {wanted} task(s) about to start.",
                    s.id
                ),
                vec![s.id.clone()],
                evidence,
                "Add subnets or use larger ones before scaling or deploying.".into(),
            ));
        }
    }
    if findings.is_empty() && unknown.is_none() && v6_only.len() == cx.subnets.len() {
        return Outcome::pass_because(format!(
            "{} IPv6-only: a task takes an address of the subnet's IPv6 block, which does not run out",
            if v6_only.len() == 1 { format!("{} is", v6_only[0]) } else { format!("{} are", v6_only.join(", ")) }
        ));
    }
    Outcome::from_findings(findings, unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;

    #[test]
    fn a_subnet_without_free_addresses_fails() {
        let mut snap = testkit::healthy_nat();
        let s = testkit::subnets(&snap)[0].clone();
        snap.network
            .subnets
            .get_mut(&s)
            .unwrap()
            .available_ip_address_count = Some(0);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], s);
    }

    #[test]
    fn free_addresses_pass() {
        assert_eq!(
            testkit::status(&CHECK, &testkit::healthy_nat()),
            CheckStatus::Pass
        );
    }

    #[test]
    fn ipv6_only_subnets_do_not_run_out() {
        // AvailableIpAddressCount counts IPv4 addresses, which an IPv6-only subnet has none of.
        let mut snap = testkit::healthy_nat();
        testkit::ipv6_only_subnets(&mut snap);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Pass, "{out:?}");
        assert!(out.detail.unwrap().contains("IPv6-only"));
    }
}
