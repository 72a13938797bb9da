use crate::checks::{missing_interface_endpoint, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::dest::Service;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-ECR-API-MISSING",
    title: "Private ECR image on platform 1.4.0, but no ecr.api interface endpoint and no internet path",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "For a private Amazon ECR image on platform 1.4.0 or LATEST (not 1.3.0), when a task subnet has no route to a NAT or internet gateway, looks for an interface endpoint com.amazonaws.<region>.ecr.api in the VPC.",
    why: "From platform 1.4.0 the ECR auth token (GetAuthorizationToken at api.ecr.<region>.amazonaws.com) is fetched over the task's ENI; 1.3.0 used a Fargate-owned interface, which is why it 'worked before'. Without the endpoint: 'ResourceInitializationError: unable to pull secrets or registry auth: ... unable to retrieve ecr registry auth ... i/o timeout'.",
    fix: "Create the interface endpoint with private DNS in the task subnets (one per AZ), with a security \
          group that accepts TCP 443 from the tasks:\n  aws ec2 create-vpc-endpoint --vpc-id vpc-… \
          --vpc-endpoint-type Interface --service-name com.amazonaws.<region>.ecr.api --subnet-ids subnet-… \
          --security-group-ids sg-… --private-dns-enabled",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/platform-linux-fargate.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    missing_interface_endpoint(&CHECK, Service::EcrApi, cx)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{assert_fails_naming_a_subnet, assert_passes, fixture};

    /// Collected from the moto scenario of the same name.
    #[test]
    fn fails_on_mixed_subnets() {
        assert_fails_naming_a_subnet(&CHECK, "mixed-subnets");
    }

    #[test]
    fn passes_on_healthy_endpoints() {
        assert_passes(&CHECK, &fixture("healthy-endpoints"));
    }
}
