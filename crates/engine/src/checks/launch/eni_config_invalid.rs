use std::collections::BTreeSet;

use crate::checks::{ev, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::Op;

pub static CHECK: Check = Check {
    id: "ENI-CONFIG-INVALID",
    title: "The task's subnets or security groups are missing or in different VPCs",
    severity: Severity::Error,
    group: "Launch and task definition",
    what: "Reads the awsvpc configuration (subnets, security groups) of the task, service or \
           preflight and looks every ID up with ec2:DescribeSubnets and ec2:DescribeSecurityGroups. \
           Fails when a subnet or security group does not exist, when there is no subnet, when the \
           subnets are in more than one VPC, when a security group belongs to another VPC than the \
           subnets, or when there are more than 5 security groups.",
    why: "ECS creates the task's elastic network interface in one of the subnets with the given \
          security groups. An ID that no longer exists, or a group from another VPC, makes RunTask or \
          the service scheduler fail with InvalidParameterException, or the service never places a \
          task (a subnet deleted after the service was created is the classic case).",
    fix: "Point the service at existing subnets and security groups of one VPC:\n  \
          aws ecs update-service --cluster C --service S --network-configuration \
          'awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-1],assignPublicIp=DISABLED}'",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-task-networking.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html",
    ],
    needs: Needs::TargetOnly,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(net) = cx.netcfg else {
        return Outcome::na("the target has no awsvpc network configuration");
    };
    let mut findings = Vec::new();
    if net.subnets.is_empty() {
        findings.push(CHECK.finding(
            "The awsvpc configuration names no subnet; a Fargate task needs at least one.".into(),
            vec![cx.target.arn.clone().unwrap_or_else(|| cx.target.name.clone())],
            vec![],
            "Give the service or task at least one subnet (preferably two or more in different AZs).".into(),
        ));
    }
    if let Some(why) = cx
        .subnets_unreadable()
        .or_else(|| cx.unread_subnets.first().map(|(_, why)| why.clone()))
    {
        return Outcome::from_findings(findings, Some(why));
    }
    if !cx.missing_subnets.is_empty() {
        findings.push(CHECK.finding(
            format!(
                "Subnet(s) {} of the awsvpc configuration do not exist (ec2:DescribeSubnets returned nothing for them).",
                cx.missing_subnets.join(", ")
            ),
            cx.missing_subnets.clone(),
            cx.missing_subnets.iter().map(|s| ev(s, "not found by ec2:DescribeSubnets")).collect(),
            "Replace the missing subnet IDs in the service's or task's network configuration with existing subnets.".into(),
        ));
    }
    let vpcs: BTreeSet<&str> = cx.subnets.iter().map(|s| s.vpc_id.as_str()).collect();
    if vpcs.len() > 1 {
        findings.push(
            CHECK.finding(
                format!(
                "The subnets are in different VPCs ({}); all subnets of a task must be in one VPC.",
                vpcs.iter().copied().collect::<Vec<_>>().join(", ")
            ),
                cx.subnets.iter().map(|s| s.id.clone()).collect(),
                cx.subnets
                    .iter()
                    .map(|s| ev(&s.id, format!("VpcId {}", s.vpc_id)))
                    .collect(),
                "Use subnets of a single VPC.".into(),
            ),
        );
    }
    let sg_unknown = cx
        .unreadable(Op::Ec2DescribeSecurityGroups)
        .or_else(|| cx.unread_groups.first().map(|(_, why)| why.clone()));
    // Groups AWS said do not exist; not while any group read failed (the answer that said so
    // may be contradicted by the one that failed).
    if sg_unknown.is_none() && !cx.missing_groups.is_empty() {
        findings.push(CHECK.finding(
            format!(
                "Security group(s) {} do not exist (ec2:DescribeSecurityGroups returned nothing for them).",
                cx.missing_groups.join(", ")
            ),
            cx.missing_groups.clone(),
            cx.missing_groups.iter().map(|g| ev(g, "not found by ec2:DescribeSecurityGroups")).collect(),
            "Replace the missing security group IDs with existing groups of the subnets' VPC.".into(),
        ));
    }
    if let Some(vpc) = vpcs.iter().next().filter(|_| vpcs.len() == 1) {
        let foreign: Vec<_> = cx.task_groups.iter().filter(|g| g.vpc_id != *vpc).collect();
        if !foreign.is_empty() {
            findings.push(
                CHECK.finding(
                    format!(
                        "Security group(s) {} belong to another VPC than the subnets ({vpc}).",
                        foreign
                            .iter()
                            .map(|g| g.id.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    foreign
                        .iter()
                        .map(|g| g.id.clone())
                        .chain(std::iter::once(vpc.to_string()))
                        .collect(),
                    foreign
                        .iter()
                        .map(|g| ev(&g.id, format!("VpcId {}", g.vpc_id)))
                        .collect(),
                    format!("Use security groups of {vpc}."),
                ),
            );
        }
    }
    if net.security_groups.len() > 5 {
        findings.push(CHECK.finding(
            format!(
                "{} security groups are given; an ENI accepts at most 5 by default.",
                net.security_groups.len()
            ),
            net.security_groups.clone(),
            vec![],
            "Merge the rules into at most 5 security groups (or raise the 'Security groups per network interface' quota).".into(),
        ));
    }
    Outcome::from_findings(findings, sg_unknown)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::{ApiCall, CallOutcome};

    /// What the collector records for a subnet it read but cannot model (IPv6-only).
    fn not_modelled(subnet: &str) -> ApiCall {
        let mut c = ApiCall::of(Op::Ec2DescribeSubnets, Some(subnet.into()));
        c.outcome = CallOutcome::Failed;
        c.error_code = Some("NotModelled".into());
        c.message = Some("the subnet has no IPv4 CIDR block (IPv6-only)".into());
        c
    }

    #[test]
    fn an_ipv6_only_task_subnet_is_unknown_not_missing() {
        let mut snap = testkit::healthy_nat();
        let id = testkit::subnets(&snap)[0].clone();
        snap.network.subnets.remove(&id);
        snap.calls.push(not_modelled(&id));
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown, "{:?}", out.findings);
        assert!(out.detail.unwrap().contains("IPv6-only"));
    }

    #[test]
    fn another_subnet_that_cannot_be_modelled_does_not_matter() {
        let mut snap = testkit::healthy_nat();
        snap.calls.push(not_modelled("subnet-0ipv6only"));
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        let cx = Cx::new(&snap, &snap.targets[0]);
        assert_eq!(cx.network_missing(), None);
    }
}
