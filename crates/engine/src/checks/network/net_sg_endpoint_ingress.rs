use crate::checks::{na_unless_endpoints_unknown, sg_findings, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-SG-ENDPOINT-INGRESS",
    title: "An interface endpoint's security groups do not accept TCP 443 from the task",
    severity: Severity::Error,
    group: "Network path",
    what: "For every interface endpoint the task uses, evaluates the ingress rules of the endpoint's \
           security groups for TCP 443 from the task: a rule referencing one of the task's security \
           groups, or CIDRs covering the whole task subnet.",
    why: "The endpoint's network interfaces filter inbound traffic with their own groups. A common trap \
          is an endpoint created with the VPC's default group, which accepts traffic only from itself: \
          the task's private DNS lookup succeeds (a 10.x address in 'dial tcp 10.x.x.x:443: i/o \
          timeout') and the connection then times out.",
    fix: "aws ec2 authorize-security-group-ingress --group-id sg-of-endpoint --ip-permissions \
          'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-of-task}]'",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    if !cx
        .paths
        .iter()
        .flat_map(|sp| &sp.paths)
        .any(|p| p.via_interface)
    {
        return na_unless_endpoints_unknown(cx, "the task uses no interface endpoint");
    }
    sg_findings(&CHECK, cx, |p| p.via_interface, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::{ApiCall, CallOutcome};

    #[test]
    fn unreadable_endpoints_are_unknown_not_not_applicable() {
        let mut snap = testkit::healthy_endpoints();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        snap.network.vpc_endpoints.clear();
        snap.calls.push(ApiCall {
            outcome: CallOutcome::Denied,
            error_code: Some("UnauthorizedOperation".into()),
            ..ApiCall::of(fd_snapshot::Op::Ec2DescribeVpcEndpoints, None)
        });
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown, "{:?}", out.detail);
        // With a NAT gateway and no endpoints at all, it is really not applicable.
        assert_eq!(
            testkit::status(&CHECK, &testkit::healthy_nat()),
            CheckStatus::NotApplicable
        );
    }
}
