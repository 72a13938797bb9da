//! Table-driven tests of the failure-message classifier over the real strings of
//! `shared/reference/fargate-start-failures.md` Appendix A (copied verbatim, `<…>` placeholders
//! included), plus concrete-address, truncated, curly-quote, upper-case and unmatched variants.
//!
//! Each row: message, expected kind, resource, first candidate, address kind. Every rule of
//! `fd_engine::classify::RULES` must be exercised by at least one row, and every candidate must
//! be a check ID of `shared/spec/checks.md`.

use std::collections::BTreeSet;
use std::net::IpAddr;

use fd_engine::classify::{
    classify, match_key, network_candidates, normalize, AddressKind, Candidates, ClassifyContext,
    Kind, Resource, RULES,
};
use ipnet::IpNet;
use proptest::prelude::*;

use AddressKind::{InsideVpc, Public, S3};
use Kind::*;
use Resource as R;

type Row = (
    &'static str,
    Kind,
    Resource,
    Option<&'static str>,
    Option<AddressKind>,
);

/// VPC 10.0.0.0/16 + 172.16.0.0/16 (secondary) + an IPv6 block; two S3 ranges of us-east-1.
fn ctx() -> ClassifyContext {
    let nets = |l: &[&str]| l.iter().map(|s| s.parse::<IpNet>().unwrap()).collect();
    ClassifyContext {
        vpc_cidrs: nets(&["10.0.0.0/16", "172.16.0.0/16", "2600:1f18:1234:5600::/56"]),
        s3_cidrs: nets(&["52.216.0.0/15", "52.219.0.0/16"]),
    }
}

const TABLE: &[Row] = &[
    // ---- A.1 headings of the ECS "CannotPullContainer task errors" page --------------------
    ("The task can’t pull the image. Check that the role has the permissions to pull images from the registry.",
        AccessDenied, R::Registry, Some("IAM-EXEC-ECR"), None),
    ("The task cannot pull ‘image-name’ from the Amazon ECR repository ‘repository URI’. There is a connection issue between the task and Amazon ECR. Check your task network configuration.",
        NetworkTimeout, R::Registry, Some("VPCE-ECR-DKR-MISSING"), None),
    ("The task can’t pull the image. Check your network configuration",
        NetworkTimeout, R::Registry, Some("VPCE-ECR-DKR-MISSING"), None),
    ("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref",
        NotFound, R::Registry, Some("ECR-IMAGE-NOT-FOUND"), None),
    ("API error (500): Get https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/: net/http: request canceled while waiting for connection",
        NetworkTimeout, R::Registry, Some("VPCE-ECR-DKR-MISSING"), None),
    ("API error",
        Unspecified, R::Registry, Some("NET-ROUTE-NO-DEFAULT"), None),
    ("write /var/lib/docker/tmp/GetImageBlob111111111: no space left on device",
        DiskFull, R::Image, Some("IMG-TOO-LARGE"), None),
    ("ERROR: toomanyrequests: Too Many Requests or You have reached your pull rate limit.",
        RateLimit, R::Registry, None, None),
    ("Error response from daemon: Get url: net/http: request canceled while waiting for connection",
        NetworkTimeout, R::Registry, Some("VPCE-ECR-DKR-MISSING"), None),
    ("ref pull has been retried 1 time(s): failed to copy: httpReaderSeeker: failed open: unexpected status code",
        Unspecified, R::S3Layers, Some("VPCE-S3-POLICY-DENIES-LAYER-BUCKET"), None),
    ("pull access denied",
        AccessDenied, R::Registry, Some("ECR-REPO-NOT-FOUND"), None),
    ("pull command failed: panic: runtime error: invalid memory address or nil pointer dereference",
        NetworkTimeout, R::S3Layers, Some("NET-SG-TASK-EGRESS-S3-PREFIXLIST"), None),
    ("error pulling image conf/error pulling image configuration",
        Unspecified, R::Registry, Some("VPCE-S3-GATEWAY-MISSING"), None),
    ("Context canceled",
        NetworkTimeout, R::Unknown, Some("NET-ROUTE-NO-DEFAULT"), None),
    ("CannotPullContainerError: API error (404): repository 111122223333.dkr.ecr.us-east-1.amazonaws.com/<repo>/<image> not found",
        NotFound, R::Registry, Some("ECR-REPO-NOT-FOUND"), None),
    ("You have reached your pull rate limit. You may increase the limit by authenticating and upgrading: https://www.docker.com/increase-rate-limits.",
        RateLimit, R::Registry, None, None),
    // ---- A.2 EC2-agent hint prefixes, with the raw errors they are added to -----------------
    ("The task can’t pull the image. Check that the role has the permissions to pull images from the registry. denied: User: arn:aws:sts::111122223333:assumed-role/ecsTaskExecutionRole/abc is not authorized to perform: ecr:BatchGetImage on resource: arn:aws:ecr:us-east-1:111122223333:repository/app",
        AccessDenied, R::Registry, Some("IAM-EXEC-ECR"), None),
    ("The task can’t pull the image. Check whether the image exists. denied: requested access to the resource is denied",
        NotFound, R::Registry, Some("ECR-REPO-NOT-FOUND"), None),
    ("The task can’t pull the image. Check your network configuration. request canceled while waiting for connection",
        NetworkTimeout, R::Registry, Some("VPCE-ECR-DKR-MISSING"), None),
    // ---- A.3 ResourceInitializationError --------------------------------------------------------
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.<region>.amazonaws.com/\": dial tcp <ip>:443: i/o timeout. Please check your task network configuration.",
        NetworkTimeout, R::EcrAuth, Some("VPCE-ECR-API-MISSING"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.<region>.amazonaws.com/\": dial tcp <ip>:443: i/o timeout.",
        NetworkTimeout, R::EcrAuth, Some("VPCE-ECR-API-MISSING"), None),
    ("… unable to retrieve ecr registry auth: service call has been retried 1 time(s): operation error ECR: GetAuthorizationToken, https response error StatusCode: 400, RequestID: <id>, api error AccessDeniedException: User: arn:aws:sts::<acct>:assumed-role/<role>/<id> is not authorized to perform: ecr:GetAuthorizationToken …",
        AccessDenied, R::EcrAuth, Some("IAM-EXEC-ECR"), None),
    ("… execution resource retrieval failed: unable to get registry auth from asm: service call has been retried 5 time(s): asm fetching secret from the service for <secret>: RequestError: …",
        NetworkTimeout, R::RepositoryCredentials, Some("VPCE-SECRETSMANAGER-MISSING"), None),
    ("… execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret <arn> from secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded. Please check your task network configuration.",
        NetworkTimeout, R::SecretsManager, Some("VPCE-SECRETSMANAGER-MISSING"), None),
    ("… unable to retrieve secret from asm: There is a connection issue between the task and AWS Secrets Manager. Check your task network configuration. failed to fetch secret <arn> from secrets manager: operation error Secrets Manager: GetSecretValue, https response error StatusCode: 0, RequestID: , canceled, context deadline exceeded.",
        NetworkTimeout, R::SecretsManager, Some("VPCE-SECRETSMANAGER-MISSING"), None),
    ("… unable to retrieve secret from asm: service call has been retried 1 time(s): AccessDeniedException",
        AccessDenied, R::SecretsManager, Some("IAM-EXEC-SECRETS"), None),
    ("… unable to retrieve secret from asm: service call has been retried 1 time(s): invalid character '\\'' looking for beginning of value",
        InvalidContent, R::SecretsManager, None, None),
    ("The task can't retrieve the secret with ARN '<secretARN>' from AWS Secrets Manager. Check whether the secret exists in the specified Region.",
        NotFound, R::SecretsManager, Some("SEC-SM-NOT-FOUND"), None),
    ("… execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context deadline exceeded. Please check your task network configuration.",
        NetworkTimeout, R::Ssm, Some("VPCE-SSM-MISSING"), None),
    ("… unable to retrieve secrets from ssm: The task cannot pull secrets from AWS Systems Manager. There is a connection issue between the task and AWS Systems Manager Parameter Store. Check your task network configuration. … operation error SSM: GetParameters, https response error StatusCode: 0, RequestID: , canceled, context deadline exceeded",
        NetworkTimeout, R::Ssm, Some("VPCE-SSM-MISSING"), None),
    ("… unable to retrieve secrets from ssm: service call has been retried 1 time(s): AccessDeniedException: User: … is not authorized to perform: ssm:GetParameters on resource: arn:aws:ssm:<region>:<acct>:parameter/<name> because no identity-based policy allows the ssm:GetParameters action",
        AccessDenied, R::Ssm, Some("IAM-EXEC-SECRETS"), None),
    ("… unable to retrieve secrets from ssm: service call has been retried 1 time(s): invalid ssm parameters: <name>",
        NotFound, R::Ssm, Some("SEC-SSM-NOT-FOUND"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed",
        NetworkTimeout, R::Unknown, Some("NET-ROUTE-NO-DEFAULT"), None),
    ("ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. Check your network configuration. : signal: killed",
        NetworkTimeout, R::Logs, Some("VPCE-LOGS-MISSING"), None),
    ("ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: ResourceNotFoundException: The specified log group does not exist. : exit status 1",
        NotFound, R::Logs, Some("LOG-GROUP-MISSING"), None),
    ("ResourceInitializationError: failed to validate logger args: … AccessDeniedException: … not authorized to perform: logs:CreateLogGroup",
        AccessDenied, R::Logs, Some("IAM-EXEC-LOGS"), None),
    ("ResourceInitializationError: failed to validate logger args: unable to get awslogs driver arguments: awslogs-region is required",
        InvalidConfig, R::Logs, Some("LOG-CONFIG-INVALID"), None),
    ("ResourceInitializationError: failed to initialize logging driver: <reason>",
        Unspecified, R::Logs, Some("VPCE-LOGS-MISSING"), None),
    ("ResourceInitializationError: failed to download env files: file download command: non-empty error stream: RequestCanceled: request context cancelled caused by: context deadline exceeded",
        NetworkTimeout, R::EnvFiles, Some("VPCE-S3-GATEWAY-MISSING"), None),
    ("ResourceInitializationError: failed to download env files: service call has been retried 1 time(s): operation error S3: HeadObject, https response error StatusCode: 403, api error Forbidden: Forbidden.",
        AccessDenied, R::EnvFiles, Some("IAM-EXEC-ENVFILES"), None),
    ("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: mounting fs-<id>.efs.<region>.amazonaws.com:/<dir> failed, reason given by server: No such file or directory' : unsuccessful EFS utils command execution; code: 32",
        NotFound, R::Efs, Some("EFS-FS-NOT-FOUND"), None),
    // ---- A.4 CannotPullContainerError -----------------------------------------------------------
    ("CannotPullContainerError: The task cannot pull <uri> from the registry <uri>. There is a connection issue between the task and the registry. Check your task network configuration. : failed to copy: httpReadSeeker: failed open: failed to do request: Get <uri>: dial tcp <S3-ip>:443: i/o timeout",
        NetworkTimeout, R::S3Layers, Some("VPCE-S3-GATEWAY-MISSING"), None),
    ("CannotPullContainerError: context canceled",
        NetworkTimeout, R::Registry, Some("VPCE-ECR-DKR-MISSING"), None),
    ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to pull and unpack image \"<uri>\": failed to resolve reference: unexpected status code 403 Forbidden",
        AccessDenied, R::Registry, Some("IAM-EXEC-ECR"), None),
    ("CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/<repo>: failed to do request: Head \"https://registry-1.docker.io/v2/<repo>/manifests/latest\": dial tcp <ip>:443: i/o timeout",
        NetworkTimeout, R::Registry, Some("REG-INTERNET-REQUIRED"), None),
    ("CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/amd64'",
        PlatformMismatch, R::Image, Some("IMG-ARCH-MISMATCH"), None),
    ("CannotPullContainerError: pull image manifest has been retried 7 time(s): image Manifest does not contain descriptor matching platform 'linux/amd64'",
        PlatformMismatch, R::Image, Some("IMG-ARCH-MISMATCH"), None),
    ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to unpack image on snapshotter overlayfs: failed to extract layer sha256:<…>: failed to get stream processor for application/vnd.in-toto+json: no processor for media-type: unknown",
        AttestationManifest, R::Image, None, None),
    ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to extract layer sha256:<…>: write /var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/<…>: no space left on device: unknown",
        DiskFull, R::Image, Some("IMG-TOO-LARGE"), None),
    ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to extract layer sha256:<…>: hcsshim::ImportLayer - failed failed in Win32: There is not enough space on the disk. (0x70)",
        DiskFull, R::Image, Some("IMG-TOO-LARGE"), None),
    ("error pulling image configuration: Get https://prod-us-east-1-starport-layer-bucket.s3.amazonaws.com/<…>",
        Unspecified, R::S3Layers, Some("VPCE-S3-GATEWAY-MISSING"), None),
    // ---- A.5 launch and placement ---------------------------------------------------------------
    ("Unexpected EC2 error while attempting to Create Network Interface with public IP assignment enabled in subnet '<subnet-id>'",
        NoFreeIp, R::Subnet, Some("ENI-SUBNET-NO-FREE-IP"), None),
    ("InternalError: <reason>",
        InternalError, R::Subnet, None, None),
    ("The selected task definition is not compatible with the selected compute strategy",
        InvalidConfig, R::TaskDefinition, None, None),
    ("service <name> was unable to place a task. Reason: Capacity is unavailable at this time. Please try again later or in a different availability zone.",
        CapacityUnavailable, R::Capacity, Some("CAP-SINGLE-AZ"), None),
    ("service <name> was unable to place a task. Reason: Internal error.",
        UnsupportedAz, R::Capacity, Some("CAP-AZ-UNSUPPORTED"), None),
    ("… Reason: You've reached the limit on the number of tasks you can run concurrently",
        QuotaExceeded, R::Capacity, None, None),
    ("… You’ve reached the limit on the number of vCPUs you can run concurrently",
        QuotaExceeded, R::Capacity, None, None),
    ("… The requested CPU configuration is above your limit.",
        QuotaExceeded, R::Capacity, None, None),
    ("… The requested MEMORY configuration is above your limit.",
        QuotaExceeded, R::Capacity, None, None),
    ("service <name> was unable to place tasks in your cluster because the tasks provisioning capacity limit was exceeded.",
        QuotaExceeded, R::Capacity, None, None),
    ("service <name> is unable to consistently start tasks successfully.",
        ServiceSummary, R::Unknown, None, None),
    ("service <name> deployment failed: tasks failed to start.",
        ServiceSummary, R::Unknown, None, None),
    ("ECS was unable to assume the role '<arn>' that was provided for this task. Please verify that the role being passed has the proper trust relationship and permissions and that your IAM user has permissions to pass this role.",
        CannotAssumeRole, R::Role, Some("IAM-EXEC-TRUST"), None),
    ("CannotPullContainerError: invalid reference format",
        InvalidConfig, R::Image, Some("IMG-REF-INVALID"), None),
    ("CannotPullContainerError: Error response from daemon: invalid reference format: repository name must be lowercase",
        InvalidConfig, R::Image, Some("IMG-REF-INVALID"), None),
    ("Task failed to start: Timeout waiting for network interface provisioning to complete.",
        InternalError, R::Subnet, Some("ENI-SUBNET-NO-FREE-IP"), None),
    ("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \"fs-0123456789abcdef0.efs.us-east-1.amazonaws.com\" - check that your file system ID is correct, and ensure that the VPC has an EFS mount target for this file system ID.",
        DnsFailure, R::Efs, Some("EFS-MOUNT-TARGET-MISSING"), None),
    ("Unable to assume the service linked role. Please verify that the ECS service linked role exists.",
        CannotAssumeRole, R::Role, Some("IAM-SLR-MISSING"), None),
    ("Fargate requires task definition to have execution role ARN to support ECR images.",
        MissingExecutionRole, R::TaskDefinition, Some("LAUNCH-TASKDEF-NO-EXECROLE"), None),
    ("… to support log driver awslogs.",
        MissingExecutionRole, R::TaskDefinition, Some("LAUNCH-TASKDEF-NO-EXECROLE"), None),
    ("When you are specifying container secrets, you must also specify a value for 'executionRoleArn'.",
        MissingExecutionRole, R::TaskDefinition, Some("LAUNCH-TASKDEF-NO-EXECROLE"), None),
    ("No Fargate configuration exists for given values.",
        TaskSizeInvalid, R::TaskDefinition, Some("PLAT-TASKSIZE-INVALID"), None),
    ("Invalid 'cpu' setting for task.",
        TaskSizeInvalid, R::TaskDefinition, Some("PLAT-TASKSIZE-INVALID"), None),
    ("PlatformTaskDefinitionIncompatibilityException",
        PlatformIncompatible, R::TaskDefinition, Some("PLAT-PV-INCOMPATIBLE"), None),
    ("PlatformUnknownException",
        PlatformIncompatible, R::TaskDefinition, Some("PLAT-PV-INCOMPATIBLE"), None),
    ("The Systems Manager parameter name specified for secret <X> is invalid",
        InvalidConfig, R::Ssm, Some("SEC-SSM-NOT-FOUND"), None),
    // ---- provisioning and capacity: AWS's texts as AWS spells them ------------------------------
    // Sources (the texts are quoted as found; none is composed here):
    // - stopped-task error codes (TaskFailedToStart category):
    //   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html
    //   and its Fargate user guide version
    //   https://docs.aws.amazon.com/AmazonECS/latest/userguide/stopped-task-error-codes.html
    // - the two network interface provisioning time-outs, verbatim in
    //   https://repost.aws/knowledge-center/ecs-fargate-network-interface-errors ("Timeout
    //   waiting for network interface provisioning to complete", "Network interface provision
    //   complete error timeout wait for network interface provision"); the first one is also
    //   the stoppedReason (stopCode TaskFailedToStart) of real tasks in public code and tests
    //   that retry ECS and AWS Batch tasks, next to "Timeout waiting for EphemeralStorage
    //   provisioning to complete." and "Rate limit exceeded while preparing network interface to
    //   be attached to instance" (observed, not in AWS's documentation pages)
    // - RunTask's capacity failure: https://repost.aws/knowledge-center/ecs-fargate-runtask-capacity
    // - `TaskFailedToStart: RESOURCE:*` (RESOURCE:CPU, RESOURCE:MEMORY):
    //   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/api_failures_messages.html;
    //   RESOURCE:ENI: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-event-messages.html
    //   (and, on Fargate, user reports of tasks stuck in PROVISIONING; research notes
    //   ENI-SUBNET-NO-FREE-IP)
    // - compute strategy, Unexpected EC2 error, InternalError (A.5 above):
    //   https://docs.aws.amazon.com/AmazonECS/latest/developerguide/failed-to-start-error.html
    ("Timeout waiting for network interface provisioning to complete.",
        InternalError, R::Subnet, Some("ENI-SUBNET-NO-FREE-IP"), None),
    ("Network interface provision complete error timeout wait for network interface provision.",
        InternalError, R::Subnet, Some("ENI-SUBNET-NO-FREE-IP"), None),
    ("Timeout waiting for EphemeralStorage provisioning to complete.",
        InternalError, R::Capacity, None, None),
    // Throttled ENI creation: AWS-side and transient, not the registry's pull rate limit.
    ("Rate limit exceeded while preparing network interface to be attached to instance",
        InternalError, R::Subnet, None, None),
    ("Capacity is unavailable at this time. Please try again later or in a different availability zone",
        CapacityUnavailable, R::Capacity, Some("CAP-SINGLE-AZ"), None),
    ("TaskFailedToStart: RESOURCE:ENI",
        NoFreeIp, R::Subnet, Some("ENI-SUBNET-NO-FREE-IP"), None),
    ("RESOURCE:ENI",
        NoFreeIp, R::Subnet, Some("ENI-SUBNET-NO-FREE-IP"), None),
    ("TaskFailedToStart: RESOURCE:CPU",
        CapacityUnavailable, R::Capacity, None, None),
    ("TaskFailedToStart: RESOURCE:MEMORY",
        CapacityUnavailable, R::Capacity, None, None),
    // ---- A.6 brief strings not verbatim in AWS docs ----------------------------------------------
    ("CannotPullContainerError: manifest unknown",
        NotFound, R::Registry, Some("ECR-IMAGE-NOT-FOUND"), None),
    ("CannotPullContainerError: no matching manifest for linux/arm64 in the manifest list entries",
        PlatformMismatch, R::Image, Some("IMG-ARCH-MISMATCH"), None),
    ("InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request.",
        NoFreeIp, R::Subnet, Some("ENI-SUBNET-NO-FREE-IP"), None),
    // ---- concrete addresses: the `dial tcp <ip>:443` rule -----------------------------------------
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.eu-west-2.amazonaws.com/\": dial tcp 172.16.54.241:443: i/o timeout. Please check your task network configuration.",
        NetworkTimeout, R::EcrAuth, Some("NET-SG-ENDPOINT-INGRESS"), Some(InsideVpc)),
    ("ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 44.213.79.104:443: i/o timeout.",
        NetworkTimeout, R::EcrAuth, Some("NET-ROUTE-NO-DEFAULT"), Some(Public)),
    ("ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 10.0.66.95:443: i/o timeout.",
        NetworkTimeout, R::EcrAuth, Some("NET-SG-ENDPOINT-INGRESS"), Some(InsideVpc)),
    ("CannotPullContainerError: The task cannot pull 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:latest from the registry 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:latest. There is a connection issue between the task and the registry. Check your task network configuration. : failed to copy: httpReadSeeker: failed open: failed to do request: Get \"https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/abcd/sha256\": dial tcp 52.219.41.3:443: i/o timeout",
        NetworkTimeout, R::S3Layers, Some("VPCE-S3-GATEWAY-MISSING"), Some(S3)),
    // 16.15.180.104 is not in the context's S3 ranges: httpReadSeeker alone says "S3".
    ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get <uri>: dial tcp 16.15.180.104:443: i/o timeout",
        NetworkTimeout, R::S3Layers, Some("VPCE-S3-GATEWAY-MISSING"), Some(S3)),
    // No S3 word at all: the address is in the S3 prefix list, so it is the layer download.
    ("CannotPullContainerError: context canceled: dial tcp 52.216.10.20:443: i/o timeout",
        NetworkTimeout, R::S3Layers, Some("VPCE-S3-GATEWAY-MISSING"), Some(S3)),
    ("CannotPullContainerError: failed to do request: Head \"https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/latest\": dial tcp [2600:1f18:1234:5601::10]:443: i/o timeout",
        NetworkTimeout, R::Registry, Some("NET-SG-ENDPOINT-INGRESS"), Some(InsideVpc)),
    ("CannotPullContainerError: failed to do request: Head \"https://111122223333.dkr.ecr.us-east-1.amazonaws.com/v2/app/manifests/latest\": dial tcp 3.227.250.11:443: i/o timeout",
        NetworkTimeout, R::Registry, Some("NET-ROUTE-NO-DEFAULT"), Some(Public)),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: failed to fetch secret arn:aws:secretsmanager:us-east-1:111122223333:secret:db from secrets manager: RequestError: send request failed caused by: Post \"https://secretsmanager.us-east-1.amazonaws.com/\": dial tcp 10.0.3.17:443: connect: connection refused",
        NetworkTimeout, R::SecretsManager, Some("NET-SG-ENDPOINT-INGRESS"), Some(InsideVpc)),
    // ---- truncated (Fargate cuts long reasons) -----------------------------------------------------
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf from secrets manager: RequestCanceled: request context canceled caused by: context deadli",
        NetworkTimeout, R::SecretsManager, Some("VPCE-SECRETSMANAGER-MISSING"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 10.0.1.",
        NetworkTimeout, R::EcrAuth, Some("VPCE-ECR-API-MISSING"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry au",
        Unspecified, R::EcrAuth, Some("VPCE-ECR-API-MISSING"), None),
    ("ResourceInitializationError: unable to pull secrets or registry au",
        Unspecified, R::Unknown, Some("NET-ROUTE-NO-DEFAULT"), None),
    ("ResourceInitializationErr",
        Unspecified, R::Unknown, Some("NET-DNS-VPC-RESOLUTION-DISABLED"), None),
    ("CannotPullContainerError: The task cannot pull 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:latest from the regi",
        Unspecified, R::Registry, Some("VPCE-ECR-DKR-MISSING"), None),
    ("ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log gro",
        Unspecified, R::Logs, Some("VPCE-LOGS-MISSING"), None),
    ("ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition.",
        NotFound, R::Logs, Some("LOG-GROUP-MISSING"), None),
    ("ResourceInitializationError: failed to download env fi",
        Unspecified, R::EnvFiles, Some("ENVFILE-NOT-FOUND"), None),
    ("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: Connection timed out' : unsuccessful EFS utils command execution; code: 32",
        NetworkTimeout, R::Efs, Some("EFS-NFS-BLOCKED"), None),
    ("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS vol",
        Unspecified, R::Efs, Some("EFS-FS-NOT-FOUND"), None),
    ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed op",
        Unspecified, R::S3Layers, Some("VPCE-S3-GATEWAY-MISSING"), None),
    // ---- curly quotes, case, layout ---------------------------------------------------------------
    ("The task can’t pull the image. Check whether the image exists.",
        NotFound, R::Registry, Some("ECR-REPO-NOT-FOUND"), None),
    ("CANNOTPULLCONTAINERERROR: CONTEXT CANCELED",
        NetworkTimeout, R::Registry, Some("VPCE-ECR-DKR-MISSING"), None),
    ("ResourceInitializationError: failed to validate logger args:\n  create stream has been retried 1 times:\n  ResourceNotFoundException: The specified log group does not exist.",
        NotFound, R::Logs, Some("LOG-GROUP-MISSING"), None),
    ("CannotPullContainerError: image Manifest does not contain descriptor matching platform “windows/amd64”",
        PlatformMismatch, R::Image, Some("IMG-OS-MISMATCH"), None),
    // ---- more variants seen in the wild -----------------------------------------------------------
    ("CannotPullContainerError: failed to resolve reference \"111122223333.dkr.ecr.us-east-1.amazonaws.com/app:v9\": 111122223333.dkr.ecr.us-east-1.amazonaws.com/app:v9: not found",
        NotFound, R::Registry, Some("ECR-IMAGE-NOT-FOUND"), None),
    ("CannotPullContainerError: pull access denied for app, repository does not exist or may require 'docker login': denied: requested access to the resource is denied",
        AccessDenied, R::Registry, Some("ECR-REPO-NOT-FOUND"), None),
    ("CannotPullContainerError: ref pull has been retried 1 time(s): failed to copy: httpReadSeeker: failed open: unexpected status code https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/x: 403 Forbidden",
        AccessDenied, R::S3Layers, Some("VPCE-S3-POLICY-DENIES-LAYER-BUCKET"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching secret from the service for dockerhub-creds: AccessDeniedException: User is not authorized to perform: secretsmanager:GetSecretValue",
        AccessDenied, R::RepositoryCredentials, Some("IAM-EXEC-PRIVREG"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to get registry auth from asm: service call has been retried 1 time(s): asm fetching secret from the service for dockerhub-creds: ResourceNotFoundException: Secrets Manager can't find the specified secret.",
        NotFound, R::RepositoryCredentials, Some("REG-CREDS-MISSING"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to get registry auth from asm: service call has b",
        Unspecified, R::RepositoryCredentials, Some("VPCE-SECRETSMANAGER-MISSING"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has b",
        Unspecified, R::SecretsManager, Some("VPCE-SECRETSMANAGER-MISSING"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has b",
        Unspecified, R::Ssm, Some("VPCE-SSM-MISSING"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 1 time(s): Access to KMS is not allowed",
        AccessDenied, R::SecretsManager, Some("IAM-EXEC-SECRETS"), None),
    ("ResourceInitializationError: failed to invoke EFS utils commands to set up EFS volumes: stderr: b'mount.nfs4: access denied by server while mounting 127.0.0.1:/'",
        AccessDenied, R::Efs, Some("EFS-IAM-DENIED"), None),
    ("ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp: lookup api.ecr.us-east-1.amazonaws.com on 10.0.0.2:53: no such host",
        DnsFailure, R::EcrAuth, Some("NET-DNS-VPC-RESOLUTION-DISABLED"), None),
    ("CannotStartContainerError: Error response from daemon: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"/app\": exec format error: unknown",
        PlatformMismatch, R::Image, Some("IMG-ARCH-MISMATCH"), None),
    ("CannotPullContainerError: a Windows container image operating system \"linux\" cannot be used on this platform",
        PlatformMismatch, R::Image, Some("IMG-OS-MISMATCH"), None),
    ("Error response from daemon: toomanyrequests: You have reached your pull rate limit.",
        RateLimit, R::Registry, None, None),
    // ---- not a start failure ----------------------------------------------------------------------
    ("Essential container in task exited",
        NotAStartFailure, R::Container, None, None),
    ("EssentialContainerExited",
        NotAStartFailure, R::Container, None, None),
    ("OutOfMemoryError: Container killed due to memory usage",
        NotAStartFailure, R::Container, None, None),
    ("Task failed ELB health checks in (target-group arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/abc)",
        NotAStartFailure, R::Container, None, None),
    ("Task stopped by user",
        NotAStartFailure, R::Container, None, None),
    // ---- unmatched ---------------------------------------------------------------------------------
    ("The flux capacitor declined to cooperate.",
        Unknown, R::Unknown, None, None),
    ("DockerTimeoutError: Could not transition to started; timed out after waiting 3m0s",
        Unknown, R::Unknown, None, None),
    ("",
        Unknown, R::Unknown, None, None),
];

#[test]
fn table() {
    let ctx = ctx();
    let mut failures = Vec::new();
    for (i, (msg, kind, resource, first, addr)) in TABLE.iter().enumerate() {
        let c = classify(msg, &ctx);
        let got = (
            c.kind,
            c.resource,
            c.candidates.first().copied(),
            c.address.map(|a| a.1),
        );
        if got != (*kind, *resource, *first, *addr) {
            failures.push(format!(
                "row {i}: {msg:?}\n   expected {:?}\n   got      {got:?} (rule {:?})\n   summary: {}",
                (kind, resource, first, addr),
                c.rule,
                c.summary
            ));
        }
        assert!(!c.summary.is_empty(), "row {i}: empty summary");
    }
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        TABLE.len(),
        failures.join("\n")
    );
}

#[test]
fn table_is_large_and_exercises_every_rule() {
    assert!(TABLE.len() >= 40);
    let ctx = ctx();
    let used: BTreeSet<&str> = TABLE
        .iter()
        .filter_map(|row| classify(row.0, &ctx).rule)
        .collect();
    let unused: Vec<&str> = RULES
        .iter()
        .map(|r| r.id)
        .filter(|id| !used.contains(id))
        .collect();
    assert!(unused.is_empty(), "rules with no row in TABLE: {unused:?}");
}

#[test]
fn rules_are_well_formed() {
    let mut seen = BTreeSet::new();
    for r in RULES {
        assert!(seen.insert(r.id), "duplicate rule id {}", r.id);
        assert!(!r.all.is_empty(), "rule {} has no needles", r.id);
        for group in r.all {
            assert!(!group.is_empty(), "rule {} has an empty group", r.id);
            let keys: Vec<String> = group.iter().map(|n| match_key(n)).collect();
            for (needle, key) in group.iter().zip(&keys) {
                assert!(!key.is_empty(), "rule {}: needle {needle:?} is empty", r.id);
                // A needle that contains another of its group is dead: the shorter one already
                // matches every message it matches (often two spellings of the same words).
                for (other, other_key) in group.iter().zip(&keys) {
                    assert!(
                        needle == other || !key.contains(other_key.as_str()),
                        "rule {}: needle {needle:?} is redundant with {other:?} (keys {key:?} ⊇ {other_key:?})",
                        r.id
                    );
                }
            }
        }
        match r.candidates {
            Candidates::Fixed(_) => assert!(!r.summary.is_empty(), "rule {} has no summary", r.id),
            Candidates::NetworkPath { .. } => {
                assert_eq!(r.kind, Kind::NetworkTimeout, "rule {}", r.id)
            }
        }
    }
}

/// The check IDs the tool implements (tests/docs.rs pins them to `shared/spec/checks.md`): a
/// candidate must name a check that exists, or it could never be explained.
fn check_ids() -> BTreeSet<&'static str> {
    fd_engine::checks::ALL.iter().map(|c| c.id).collect()
}

const ALL_RESOURCES: &[Resource] = &[
    R::EcrAuth,
    R::Registry,
    R::S3Layers,
    R::RepositoryCredentials,
    R::SecretsManager,
    R::Ssm,
    R::Logs,
    R::EnvFiles,
    R::Efs,
    R::Image,
    R::Role,
    R::TaskDefinition,
    R::Subnet,
    R::Capacity,
    R::Container,
    R::Unknown,
];

#[test]
fn every_candidate_is_a_check_id() {
    let mut all: Vec<&str> = Vec::new();
    for r in RULES {
        match r.candidates {
            Candidates::Fixed(list) => all.extend(list),
            Candidates::NetworkPath { then } => all.extend(then),
        }
    }
    for &res in ALL_RESOURCES {
        all.extend(res.endpoint_checks());
        for addr in [
            None,
            Some(InsideVpc),
            Some(S3),
            Some(Public),
            Some(AddressKind::PrivateOutsideVpc),
        ] {
            for public_registry in [false, true] {
                let list = network_candidates(res, addr, public_registry);
                assert!(!list.is_empty(), "{res:?} {addr:?}");
                let unique: BTreeSet<_> = list.iter().collect();
                assert_eq!(unique.len(), list.len(), "duplicates: {list:?}");
                all.extend(list);
            }
        }
    }
    let unknown: BTreeSet<&str> = all
        .into_iter()
        .filter(|id| !check_ids().contains(id))
        .collect();
    assert!(
        unknown.is_empty(),
        "not check IDs of checks.md: {unknown:?}"
    );
}

#[test]
fn address_rule_follows_the_context() {
    let msg = |ip: &str| {
        format!("ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp {ip}:443: i/o timeout.")
    };
    let empty = ClassifyContext::default();
    // VPC CIDRs unknown: a private address is taken as inside the VPC.
    let c = classify(&msg("10.9.8.7"), &empty);
    assert_eq!(c.address, Some(("10.9.8.7".parse().unwrap(), InsideVpc)));
    // Known and not containing it: a private address elsewhere (peering, TGW).
    let c = classify(&msg("192.168.4.4"), &ctx());
    assert_eq!(c.address.unwrap().1, AddressKind::PrivateOutsideVpc);
    assert_eq!(c.candidates[0], "NET-ROUTE-OPAQUE");
    // Public, and the ECR API endpoint check is among the candidates.
    let c = classify(&msg("44.213.79.104"), &ctx());
    assert_eq!(c.address.unwrap().1, Public);
    assert!(c.candidates.contains(&"VPCE-ECR-API-MISSING"));
    assert!(c.candidates.contains(&"VPCE-PRIVATE-DNS-DISABLED"));
    assert!(c.summary.contains("public address"), "{}", c.summary);
    // Inside: "not a missing NAT".
    let c = classify(&msg("10.0.66.95"), &ctx());
    assert!(
        c.summary.contains("endpoint path is broken"),
        "{}",
        c.summary
    );
    assert!(
        c.summary.contains("api.ecr.us-east-1.amazonaws.com"),
        "{}",
        c.summary
    );
    assert_eq!(c.host.as_deref(), Some("api.ecr.us-east-1.amazonaws.com"));
    assert_eq!(c.family, Some("ResourceInitializationError"));
    // A truncated address (no ":port" yet) is not misread.
    let c = classify(&msg("10.0.66.9").replace(":443: i/o timeout.", ""), &ctx());
    assert_eq!(c.address, None);
}

#[test]
fn s3_cidrs_are_used_only_outside_the_vpc() {
    let msg = "CannotPullContainerError: context canceled: dial tcp 52.219.41.3:443: i/o timeout";
    let c = classify(msg, &ctx());
    assert_eq!(c.address.unwrap().1, S3);
    assert!(c.candidates.contains(&"VPCE-S3-POLICY-DENIES-LAYER-BUCKET"));
    let c = classify(msg, &ClassifyContext::default());
    assert_eq!(c.address.unwrap().1, Public);
    assert_eq!(c.resource, R::Registry);
}

#[test]
fn both_generations_give_the_same_answer() {
    let old = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 10.0.66.95:443: i/o timeout. Please check your task network configuration.";
    let new = "ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 10.0.66.95:443: i/o timeout.";
    let (a, b) = (classify(old, &ctx()), classify(new, &ctx()));
    assert_eq!(a.kind, b.kind);
    assert_eq!(a.resource, b.resource);
    assert_eq!(a.address, b.address);
    assert_eq!(a.candidates, b.candidates);
}

#[test]
fn curly_quotes_match_like_straight_ones() {
    let curly = "The task can’t pull the image. Check that the role has the permissions to pull images from the registry.";
    let straight = curly.replace('’', "'");
    assert_eq!(classify(curly, &ctx()), classify(&straight, &ctx()));
    assert_eq!(normalize("‘a’ “b”  \n c…"), "'a' \"b\" c...");
}

#[test]
fn normalize_splits_camel_case_and_keeps_identifiers() {
    for (raw, words) in [
        ("EphemeralStorage", "ephemeral storage"),
        (
            "ResourceInitializationError: failed to initialize logging driver",
            "resource initialization error: failed to initialize logging driver",
        ),
        ("AccessDeniedException", "access denied exception"),
        ("GetAuthorizationToken,", "get authorization token,"),
        ("AWSServiceRoleForECS", "aws service role for ecs"),
        ("ECRImage", "ecr image"),
        ("IPv4 and IPv6", "ipv4 and ipv6"),
        ("IPv4Address", "ipv4 address"),
        ("ECR ARNs ENIs", "ecr arns enis"),
        ("20 GiB", "20 gib"),
        ("NFSv4", "nfsv4"),
        ("RESOURCE:ENI", "resource:eni"),
        ("service-linked role", "service linked role"),
        ("EPHEMERAL_STORAGE", "ephemeral storage"),
        ("a  -  b\t\nc", "a b c"),
        (
            "arn:aws:iam::111122223333:role/ecsTaskExecutionRole",
            "arn:aws:iam::111122223333:role/ecstaskexecutionrole",
        ),
        (
            "Get \"https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/x\"",
            "get \"https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/x\"",
        ),
        ("ssm:GetParameters", "ssm:getparameters"),
    ] {
        assert_eq!(normalize(raw), words, "{raw:?}");
    }
}

/// AWS's spelling, the words of our notes, and other spacing give one key, so one rule.
#[test]
fn every_spelling_of_the_same_words_matches_the_same_rule() {
    let key = match_key("EphemeralStorage");
    for spelling in [
        "ephemeral storage",
        "Ephemeral Storage",
        "ephemeral-storage",
        "EPHEMERAL_STORAGE",
        "ephemeralstorage",
    ] {
        assert_eq!(match_key(spelling), key, "{spelling:?}");
    }
    // The real message and the same words spelled as in our notes lead to the same rule.
    let real = classify(
        "Timeout waiting for EphemeralStorage provisioning to complete.",
        &ctx(),
    );
    let words = classify(
        "timeout waiting for ephemeral storage provisioning to complete",
        &ctx(),
    );
    assert_eq!(real.rule, Some("storage-provisioning-timeout"));
    assert_eq!(real.rule, words.rule);
    assert_eq!(real.kind, InternalError);
    assert!(
        real.summary.contains("ephemeral storage"),
        "{}",
        real.summary
    );
    // Run together in lower case, as Knowledge Center titles quote family names.
    let c = classify("cannotpullcontainererror: context canceled", &ctx());
    assert_eq!((c.kind, c.resource), (NetworkTimeout, R::Registry));
}

#[test]
fn families() {
    let f = |m: &str| classify(m, &ctx()).family;
    assert_eq!(
        f("service web was unable to place a task. Reason: ResourceInitializationError: unable to pull secrets or registry auth: pull command failed: : signal: killed"),
        Some("ResourceInitializationError")
    );
    assert_eq!(
        f("The task can’t pull the image. Check your network configuration"),
        Some("CannotPullContainerError")
    );
    assert_eq!(f("ResourceInitializationError: failed to validate logger args: ResourceNotFoundException: The specified log group does not exist."), Some("ResourceInitializationError"));
    assert_eq!(f("Unexpected EC2 error while attempting to Create Network Interface with public IP assignment enabled in subnet 'subnet-1'"), Some("TaskFailedToStart"));
    assert_eq!(
        f("DockerTimeoutError: Could not transition to started"),
        Some("DockerTimeoutError")
    );
    assert_eq!(f("ContainerRuntimeTimeoutError: Could not transition to running; timed out after waiting 1m"), Some("ContainerRuntimeTimeoutError"));
    assert_eq!(
        f("service web was unable to place a task. Reason: Internal error."),
        None
    );
}

#[test]
fn unknown_is_said_plainly() {
    let c = classify("The flux capacitor declined to cooperate.", &ctx());
    assert_eq!(c.kind, Unknown);
    assert!(c.candidates.is_empty());
    assert_eq!(c.rule, None);
    assert!(c.summary.contains("no classifier rule"), "{}", c.summary);
    let c = classify(
        "DockerTimeoutError: Could not transition to started",
        &ctx(),
    );
    assert!(
        c.summary.starts_with("DockerTimeoutError:"),
        "{}",
        c.summary
    );
    assert!(c.is_start_failure());
    assert!(!classify("Essential container in task exited", &ctx()).is_start_failure());
}

#[test]
fn rate_limit_names_the_future_check_in_the_summary() {
    let c = classify(
        "toomanyrequests: You have reached your pull rate limit.",
        &ctx(),
    );
    assert!(c.summary.contains("REG-DOCKERHUB-RATELIMIT"));
    assert!(c.candidates.is_empty());
}

#[test]
fn logs_connection_issue_still_lists_the_missing_group_last() {
    let c = classify("ResourceInitializationError: failed to validate logger args: The task cannot find the Amazon CloudWatch log group defined in the task definition. There is a connection issue between the task and Amazon CloudWatch. Check your network configuration. : signal: killed", &ctx());
    assert_eq!(c.candidates.first(), Some(&"VPCE-LOGS-MISSING"));
    assert_eq!(c.candidates.last(), Some(&"LOG-GROUP-MISSING"));
}

const OLD_GEN: &str = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 10.0.66.95:443: i/o timeout. Please check your task network configuration.";
const NEW_GEN: &str = "ResourceInitializationError: unable to pull secrets or registry auth: The task cannot pull registry auth from Amazon ECR: There is a connection issue between the task and Amazon ECR. Check your task network configuration. operation error ECR: GetAuthorizationToken, exceeded maximum number of attempts, 3, https response error StatusCode: 0, RequestID: , request send failed, Post \"https://api.ecr.us-east-1.amazonaws.com/\": dial tcp 10.0.66.95:443: i/o timeout.";
const SM_OLD: &str = "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:us-east-1:111122223333:secret:db from secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded. Please check your task network configuration.";

/// Every cut of these messages after their resource is named keeps the resource, and is either
/// the network failure or "cause not stated": never another cause.
#[test]
fn truncation_keeps_the_resource() {
    for (msg, marker, resource) in [
        (OLD_GEN, "unable to retrieve ecr registry", R::EcrAuth),
        (NEW_GEN, "registry auth from amazon ecr", R::EcrAuth),
        (SM_OLD, "secret from asm", R::SecretsManager),
    ] {
        let lower = msg.to_lowercase();
        let from = lower.find(marker).unwrap() + marker.len();
        for cut in from..=msg.len() {
            if !msg.is_char_boundary(cut) {
                continue;
            }
            let c = classify(&msg[..cut], &ctx());
            assert_eq!(c.resource, resource, "cut at {cut}: {:?}", &msg[..cut]);
            assert!(
                matches!(c.kind, Unspecified | NetworkTimeout),
                "cut at {cut}: {:?} → {:?}",
                &msg[..cut],
                c.kind
            );
            assert_eq!(c.family, Some("ResourceInitializationError"));
        }
    }
}

proptest! {
    #[test]
    fn never_panics_and_is_deterministic(s in any::<String>(), ip in any::<[u8; 4]>()) {
        let ctx = ctx();
        let a = classify(&s, &ctx);
        prop_assert_eq!(&a, &classify(&s, &ctx));
        prop_assert!(!a.summary.is_empty());
        let ip = IpAddr::from(ip);
        let with_ip = format!("CannotPullContainerError: {s} dial tcp {ip}:443: i/o timeout");
        let c = classify(&with_ip, &ctx);
        prop_assert!(c.address.is_some());
    }

    #[test]
    fn normalizing_keeps_the_match_key(s in any::<String>()) {
        let words = normalize(&s);
        prop_assert_eq!(match_key(&words), match_key(&s));
        prop_assert!(!words.starts_with(' ') && !words.ends_with(' ') && !words.contains("  "));
    }

    #[test]
    fn every_table_prefix_classifies(row in 0..TABLE.len(), frac in 0.0f64..1.0) {
        let msg = TABLE[row].0;
        let mut cut = (msg.len() as f64 * frac) as usize;
        while !msg.is_char_boundary(cut) {
            cut -= 1;
        }
        let c = classify(&msg[..cut], &ctx());
        prop_assert!(!c.summary.is_empty());
        prop_assert!(c.candidates.iter().all(|id| check_ids().contains(id)));
    }
}
