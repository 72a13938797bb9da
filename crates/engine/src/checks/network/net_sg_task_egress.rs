use crate::checks::{sg_findings, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::path::Hop;
use crate::report::Severity;
use fd_snapshot::Op;

pub static CHECK: Check = Check {
    id: "NET-SG-TASK-EGRESS",
    title: "The task's security groups do not allow TCP 443 to the destination",
    severity: Severity::Error,
    group: "Network path",
    what: "For every destination and subnet, evaluates the egress rules of all the task's security groups \
           (ec2:DescribeSecurityGroups) for TCP 443 towards where the traffic goes: the interface \
           endpoint's network interfaces (by address or by its security groups), or every public address \
           for a NAT or internet gateway path. S3 through the gateway endpoint is NET-SG-TASK-EGRESS-S3-PREFIXLIST.",
    why: "Security groups are stateful: only the outbound rule is needed, but it is needed. A group whose \
          default allow-all egress was removed blocks the pull and the auth call: timeouts with \
          'CannotPullContainerError' or 'ResourceInitializationError ... i/o timeout'.",
    fix: "aws ec2 authorize-security-group-egress --group-id sg-… --ip-permissions \
          'IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges=[{CidrIp=0.0.0.0/0}]'\n(or, for endpoints only, \
          UserIdGroupPairs=[{GroupId=sg-of-endpoints}])",
    docs: &[
        "https://repost.aws/knowledge-center/ecs-fargate-tasks-pending-state",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/verify-connectivity.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if let Some(why) = cx.unreadable(Op::Ec2DescribeSecurityGroups) {
        return Outcome::unknown(why);
    }
    if let Some((_, why)) = cx.unread_groups.first() {
        return Outcome::unknown(why.clone());
    }
    if cx.task_groups.is_empty() && !cx.missing_groups.is_empty() {
        return Outcome::na("none of the task's security groups exists (see ENI-CONFIG-INVALID)");
    }
    sg_findings(
        &CHECK,
        cx,
        |p| !matches!(p.route.hop, Hop::GatewayEndpoint { .. }),
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, healthy_nat, run, status};
    use crate::report::CheckStatus;

    #[test]
    fn passes_when_egress_allows_443() {
        assert_eq!(status(&CHECK, &healthy_nat()), CheckStatus::Pass);
    }

    #[test]
    fn fails_without_any_egress_rule() {
        let mut snap = healthy_nat();
        let groups = testkit::task_groups(&snap);
        for g in &groups {
            snap.network
                .security_groups
                .get_mut(g)
                .unwrap()
                .egress
                .clear();
        }
        let out = run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail, "{:?}", out.detail);
        assert!(out.findings[0].resources.iter().any(|r| groups.contains(r)));
    }
}
