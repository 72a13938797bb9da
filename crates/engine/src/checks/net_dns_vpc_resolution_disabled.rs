use super::{ev, Check, Outcome};
use crate::context::Cx;
use crate::report::Severity;

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
    run,
};

fn run(cx: &Cx) -> Outcome {
    let Some(vpc) = cx.vpc else {
        return Outcome::na(
            cx.network_missing()
                .unwrap_or_else(|| "the task's VPC is not known".into()),
        );
    };
    match vpc.enable_dns_support {
        Some(true) => Outcome::pass(),
        None => Outcome::unknown(
            cx.unreadable("ec2", "DescribeVpcAttribute")
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
