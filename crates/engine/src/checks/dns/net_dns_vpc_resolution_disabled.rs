use crate::checks::{ev, vpc_missing, Check, Needs, Outcome};
use crate::context::Cx;
use crate::report::Severity;
use fd_snapshot::Op;

pub static CHECK: Check = Check {
    id: "NET-DNS-VPC-RESOLUTION-DISABLED",
    title: "DNS resolution is disabled in the task's VPC",
    severity: Severity::Error,
    group: "Network path",
    what: "Reads the VPC attribute enableDnsSupport (ec2:DescribeVpcAttribute).",
    why: "With DNS resolution off the task cannot resolve any AWS endpoint name (ECR, S3, Logs, Secrets \
          Manager), so every pull and secret fetch fails. AWS: 'A common cause for this error is using a \
          VPC that doesn't have DNS resolution enabled' (ResourceInitializationError).",
    fix: "aws ec2 modify-vpc-attribute --vpc-id vpc-… --enable-dns-support '{\"Value\":true}'",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html",
        "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html",
    ],
    needs: Needs::TargetOnly,
    explains: &["NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES"],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(vpc) = cx.vpc else {
        return vpc_missing(cx);
    };
    match vpc.enable_dns_support {
        Some(true) => Outcome::pass(),
        None => Outcome::unknown(
            cx.unreadable(Op::Ec2DescribeVpcAttribute)
                .unwrap_or_else(|| format!("enableDnsSupport of {} was not read", vpc.id)),
        ),
        Some(false) => Outcome::from_findings(
            vec![CHECK.finding(
                format!("{} has enableDnsSupport = false: the task cannot resolve ECR, S3, Logs or Secrets Manager names.", vpc.id),
                vec![vpc.id.clone()],
                vec![ev(&vpc.id, "enableDnsSupport: false")],
                format!("aws ec2 modify-vpc-attribute --vpc-id {} --enable-dns-support '{{\"Value\":true}}'", vpc.id),
            )],
            None,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit;
    use crate::report::CheckStatus;
    use fd_snapshot::{ApiCall, CallOutcome};

    #[test]
    fn dns_support_off_fails_and_an_unreadable_vpc_is_unknown() {
        let mut snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        for v in snap.network.vpcs.values_mut() {
            v.enable_dns_support = Some(false);
        }
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Fail);
        // ec2:DescribeVpcs denied: the real error must not turn into "not applicable".
        snap.network.vpcs.clear();
        snap.calls.push(ApiCall {
            outcome: CallOutcome::Denied,
            error_code: Some("UnauthorizedOperation".into()),
            ..ApiCall::of(fd_snapshot::Op::Ec2DescribeVpcs, None)
        });
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Unknown);
        assert!(out.detail.unwrap().contains("ec2:DescribeVpcs was denied"));
    }
}
