use crate::checks::{sg_findings, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::path::Hop;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
    title: "Layers go through the S3 gateway endpoint, but task egress does not allow the S3 prefix list",
    severity: Severity::Error,
    group: "Network path",
    what: "When image layers reach S3 through the gateway endpoint (the pl-… route), evaluates the task's \
           security group egress for TCP 443 to the S3 managed prefix list (com.amazonaws.<region>.s3) or \
           to CIDRs covering all of its ranges (0.0.0.0/0 counts).",
    why: "A restricted egress that allows only the interface endpoints' security group lets the ECR auth \
          and manifest calls through, then blocks the layer download from S3: 'CannotPullContainerError: \
          ... failed to copy: httpReadSeeker: failed open: ... dial tcp 52.x.x.x:443: i/o timeout'.",
    fix: "aws ec2 authorize-security-group-egress --group-id sg-… --ip-permissions \
          'IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=pl-…}]'   (the com.amazonaws.<region>.s3 list)",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html#ecr-setting-up-s3-gateway",
        "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
    ],
    needs: Needs::Ipv4Paths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let via_gateway = cx
        .paths
        .iter()
        .flat_map(|sp| &sp.paths)
        .any(|p| matches!(p.route.hop, Hop::GatewayEndpoint { .. }));
    if !via_gateway {
        return Outcome::na("no destination goes through an S3 gateway endpoint");
    }
    sg_findings(
        &CHECK,
        cx,
        |p| matches!(p.route.hop, Hop::GatewayEndpoint { .. }),
        true,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{assert_fails_naming_a_subnet, assert_passes, fixture};

    /// Collected from the moto scenario of the same name.
    #[test]
    fn fails_on_sg_no_s3_prefix_list() {
        assert_fails_naming_a_subnet(&CHECK, "sg-no-s3-prefix-list");
    }

    #[test]
    fn passes_on_healthy_endpoints() {
        assert_passes(&CHECK, &fixture("healthy-endpoints"));
    }
}
