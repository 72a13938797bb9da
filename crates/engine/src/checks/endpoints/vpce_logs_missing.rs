use crate::checks::{missing_interface_endpoint, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::dest::Service;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-LOGS-MISSING",
    title: "awslogs is used, but no logs interface endpoint and no internet path",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "For a task definition with the awslogs log driver, when a task subnet has no route to a NAT or internet gateway, looks for an interface endpoint com.amazonaws.<region>.logs in the VPC.",
    why: "The log driver creates the log stream before the container starts. Without a path to CloudWatch Logs the task stops with 'ResourceInitializationError: failed to validate logger args: ... There is a connection issue between the task and Amazon CloudWatch'.",
    fix: "Create the interface endpoint with private DNS in the task subnets (one per AZ), with a security \
          group that accepts TCP 443 from the tasks:\n  aws ec2 create-vpc-endpoint --vpc-id vpc-… \
          --vpc-endpoint-type Interface --service-name com.amazonaws.<region>.logs --subnet-ids subnet-… \
          --security-group-ids sg-… --private-dns-enabled",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
        "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/cloudwatch-logs-and-interface-VPC.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    missing_interface_endpoint(&CHECK, Service::Logs, cx)
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
