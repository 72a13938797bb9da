use crate::checks::{missing_interface_endpoint, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::dest::Service;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "VPCE-SECRETSMANAGER-MISSING",
    title: "Secrets Manager is used, but no secretsmanager interface endpoint and no internet path",
    severity: Severity::Error,
    group: "VPC endpoints",
    what: "For Secrets Manager secrets, secretOptions or repositoryCredentials on platform 1.4.0, when a task subnet has no route to a NAT or internet gateway, looks for an interface endpoint com.amazonaws.<region>.secretsmanager in the VPC.",
    why: "The platform fetches the secrets over the task's ENI before the containers start. Without a path: 'ResourceInitializationError: unable to pull secrets or registry auth: ... unable to retrieve secret from asm: There is a connection issue between the task and AWS Secrets Manager'.",
    fix: "Create the interface endpoint with private DNS in the task subnets (one per AZ), with a security \
          group that accepts TCP 443 from the tasks:\n  aws ec2 create-vpc-endpoint --vpc-id vpc-… \
          --vpc-endpoint-type Interface --service-name com.amazonaws.<region>.secretsmanager --subnet-ids subnet-… \
          --security-group-ids sg-… --private-dns-enabled",
    docs: &[
        "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/vpc-endpoints.html",
        "https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html",
    ],
    needs: Needs::TaskDefinition,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    missing_interface_endpoint(&CHECK, Service::SecretsManager, cx)
}
