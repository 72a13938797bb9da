//! The failure-message classifier: one message in (a task's `stoppedReason`, a
//! `containers[].reason`, a service event, a `RunTask` failure reason), a [`Classification`] out:
//! the message family, what went wrong ([`Kind`]), what was being fetched ([`Resource`]), the
//! address of `dial tcp <ip>:443` and what it means ([`AddressKind`]), and the check IDs of
//! `shared/spec/checks.md` that could explain it, most likely first.
//!
//! Sources: `shared/reference/fargate-start-failures.md` §0 (message families, prefix → cause
//! table, the address rule) and Appendix A (verbatim strings, which `tests/classify.rs` uses as
//! its table).
//!
//! # How matching works
//!
//! AWS writes the same words in several spellings: run together in CamelCase
//! (`Timeout waiting for EphemeralStorage provisioning to complete.`, `AccessDeniedException`,
//! `GetAuthorizationToken`), as words (`ephemeral storage`), hyphenated (`service-linked role`),
//! lower case and run together (Knowledge Center titles quote `cannotpullcontainererror`), or in
//! capitals. So the message is normalised before matching ([`normalize`]: straight quotes,
//! CamelCase split into words, lower case, `-` and `_` read as spaces, whitespace collapsed;
//! ARNs, URLs and host names are left whole), and rules match on its [`match_key`], the
//! normalised words without spaces. Every needle is keyed the same way, once, so a needle may be
//! written as words or as AWS spells it, and matches every spelling: `"EphemeralStorage
//! provision"` matches `EphemeralStorage provisioning`, `ephemeral storage provisioning` and
//! `ephemeral-storage provisioning`. Other punctuation is kept (`logs:`, `i/o timeout`, `(403)`,
//! `RESOURCE:ENI`).
//!
//! Then [`RULES`] is tried **in order** and the first rule whose every needle group matches wins.
//! A needle group matches when the message contains at least one of its needles. Needles are
//! short, robust substrings, never whole messages, so that both generations of Fargate text
//! (`unable to retrieve ecr registry auth: … RequestError` and `The task cannot pull registry
//! auth from Amazon ECR: There is a connection issue …`) and truncated messages (Fargate cuts
//! long reasons, e.g. `… context deadli`) still match. Hosts, `dial tcp` addresses and family
//! names are read from the message with its punctuation and spacing intact (lower case).
//!
//! The order of [`RULES`] is the precedence:
//! 1. self-contained launch and placement messages (role, task size, ENI, capacity, ...);
//! 2. image content (platform, attestation manifest, disk, rate limit);
//! 3. invalid configuration or content;
//! 4. access denied, per resource (an explicit denial is decisive);
//! 5. decisive "not found" (e.g. `The specified log group does not exist`);
//! 6. DNS failures, then network failures per resource (S3 layers before the registry, since a
//!    layer download message also names the registry);
//! 7. ambiguous "not found" (`failed to resolve ref`, `cannot find the … log group`, which AWS
//!    also prints on network failures, so it comes after the network rules);
//! 8. "resource known, cause not stated" fallbacks (a message cut before its cause);
//! 9. not a start failure (the container ran and exited);
//! 10. the bare `ResourceInitializationError` family.
//!
//! To add a message: add a row at the right precedence, with needles taken from the real text
//! (any spelling: they are normalised), then add the real message to the table in
//! `tests/classify.rs` (a test fails if a rule is never exercised there, if a needle is made
//! redundant by another of its group, or if a candidate is not a check ID of `checks.md`).
//!
//! Network rules do not list candidates: [`Candidates::NetworkPath`] derives them from the
//! resource and the address (see [`network_candidates`]): an address inside the VPC means the
//! interface endpoint's private DNS resolved and the endpoint path is broken; an S3 address means
//! the image layer download failed; a public address means the internet path is missing or
//! private DNS is not in effect.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::OnceLock;

use ipnet::IpNet;
use serde::Serialize;

/// What the classifier needs to know besides the message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClassifyContext {
    /// The CIDR blocks of the task's VPC (IPv4 and IPv6). When empty (not known), a private
    /// address (RFC 1918, 100.64.0.0/10, link-local, IPv6 ULA) is assumed to be inside the VPC.
    pub vpc_cidrs: Vec<IpNet>,
    /// The S3 ranges of the region (entries of the `com.amazonaws.<region>.s3` managed prefix
    /// list). May be empty: the host name and `httpReadSeeker` still reveal an S3 download.
    pub s3_cidrs: Vec<IpNet>,
}

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// No connection: `i/o timeout`, `context deadline exceeded`, `context canceled`,
    /// `StatusCode: 0`, `request canceled while waiting for connection`, "connection issue".
    NetworkTimeout,
    /// The endpoint's name did not resolve (`no such host`, `dial tcp: lookup …`).
    DnsFailure,
    /// An explicit denial: `AccessDeniedException`, `not authorized to perform`, 403, `denied:`.
    AccessDenied,
    /// The repository, image, secret, parameter, log group or EFS path does not exist.
    NotFound,
    /// The image has no manifest for the task's platform (`descriptor matching platform`).
    PlatformMismatch,
    /// Registry pull rate limit (`toomanyrequests`).
    RateLimit,
    /// ECS could not assume the execution role (or the service-linked role).
    CannotAssumeRole,
    /// The task definition needs an execution role and has none.
    MissingExecutionRole,
    /// The subnet has no free IP address for the task's ENI.
    NoFreeIp,
    /// `Capacity is unavailable at this time`.
    CapacityUnavailable,
    /// `Reason: Internal error.`: a subnet in an Availability Zone where Fargate does not run.
    UnsupportedAz,
    /// An account quota (concurrent tasks, vCPUs, tasks in PROVISIONING).
    QuotaExceeded,
    /// `InternalError: <reason>` at task start (AWS side, often the ENI).
    InternalError,
    /// No space left in the task's ephemeral storage while unpacking the image.
    DiskFull,
    /// The image index holds an attestation manifest (`application/vnd.in-toto+json`) that the
    /// platform's containerd cannot process.
    AttestationManifest,
    /// The task definition uses a feature the platform version lacks
    /// (`PlatformTaskDefinitionIncompatibilityException`).
    PlatformIncompatible,
    /// Task cpu/memory is not a Fargate combination.
    TaskSizeInvalid,
    /// A configuration value is rejected (log driver options, parameter name, launch type vs
    /// capacity provider).
    InvalidConfig,
    /// A fetched value has the wrong content (a secret that is not the expected JSON).
    InvalidContent,
    /// A service-level summary (`unable to consistently start tasks`): the cause is in the
    /// stopped tasks' reasons.
    ServiceSummary,
    /// Not a start failure: the container started and exited, was stopped, or was killed.
    NotAStartFailure,
    /// The message names what failed but not why (often because it was truncated).
    Unspecified,
    /// No rule matched.
    Unknown,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::NetworkTimeout => "network_timeout",
            Kind::DnsFailure => "dns_failure",
            Kind::AccessDenied => "access_denied",
            Kind::NotFound => "not_found",
            Kind::PlatformMismatch => "platform_mismatch",
            Kind::RateLimit => "rate_limit",
            Kind::CannotAssumeRole => "cannot_assume_role",
            Kind::MissingExecutionRole => "missing_execution_role",
            Kind::NoFreeIp => "no_free_ip",
            Kind::CapacityUnavailable => "capacity_unavailable",
            Kind::UnsupportedAz => "unsupported_az",
            Kind::QuotaExceeded => "quota_exceeded",
            Kind::InternalError => "internal_error",
            Kind::DiskFull => "disk_full",
            Kind::AttestationManifest => "attestation_manifest",
            Kind::PlatformIncompatible => "platform_incompatible",
            Kind::TaskSizeInvalid => "task_size_invalid",
            Kind::InvalidConfig => "invalid_config",
            Kind::InvalidContent => "invalid_content",
            Kind::ServiceSummary => "service_summary",
            Kind::NotAStartFailure => "not_a_start_failure",
            Kind::Unspecified => "unspecified",
            Kind::Unknown => "unknown",
        }
    }
}

/// What the task was fetching or setting up when it failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Resource {
    /// The ECR authorization token (`ecr:GetAuthorizationToken` on `api.ecr.<region>`).
    EcrAuth,
    /// The image registry: manifest and config (`<acct>.dkr.ecr.<region>` or another registry).
    Registry,
    /// Image layers, downloaded from S3 (`prod-<region>-starport-layer-bucket`).
    S3Layers,
    /// The `repositoryCredentials` secret of a private registry (Secrets Manager).
    RepositoryCredentials,
    /// `secrets[].valueFrom` in Secrets Manager.
    SecretsManager,
    /// `secrets[].valueFrom` in SSM Parameter Store.
    Ssm,
    /// The awslogs log group / stream (CloudWatch Logs).
    Logs,
    /// `environmentFiles` in S3.
    EnvFiles,
    /// An EFS volume.
    Efs,
    /// The image content itself (platform, size, media types).
    Image,
    /// The execution role (or the ECS service-linked role).
    Role,
    /// The task definition (size, platform version features, execution role).
    TaskDefinition,
    /// The subnet / task ENI.
    Subnet,
    /// Fargate capacity, Availability Zones and quotas.
    Capacity,
    /// The running container (for messages that are not start failures).
    Container,
    Unknown,
}

impl Resource {
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::EcrAuth => "ecr_auth",
            Resource::Registry => "registry",
            Resource::S3Layers => "s3_layers",
            Resource::RepositoryCredentials => "repository_credentials",
            Resource::SecretsManager => "secrets_manager",
            Resource::Ssm => "ssm",
            Resource::Logs => "logs",
            Resource::EnvFiles => "env_files",
            Resource::Efs => "efs",
            Resource::Image => "image",
            Resource::Role => "role",
            Resource::TaskDefinition => "task_definition",
            Resource::Subnet => "subnet",
            Resource::Capacity => "capacity",
            Resource::Container => "container",
            Resource::Unknown => "unknown",
        }
    }

    /// A phrase for summaries: "reaching <this>".
    pub fn describe(self) -> &'static str {
        match self {
            Resource::EcrAuth => "the ECR API (api.ecr.<region>, registry auth token)",
            Resource::Registry => "the image registry",
            Resource::S3Layers => "Amazon S3 (image layers in prod-<region>-starport-layer-bucket)",
            Resource::RepositoryCredentials => {
                "AWS Secrets Manager (the repositoryCredentials secret)"
            }
            Resource::SecretsManager => "AWS Secrets Manager (secrets)",
            Resource::Ssm => "SSM Parameter Store (secrets)",
            Resource::Logs => "CloudWatch Logs (awslogs)",
            Resource::EnvFiles => "Amazon S3 (environment files)",
            Resource::Efs => "the EFS file system (NFS, TCP 2049)",
            Resource::Image => "the image",
            Resource::Role => "the execution role",
            Resource::TaskDefinition => "the task definition",
            Resource::Subnet => "the subnet",
            Resource::Capacity => "Fargate capacity",
            Resource::Container => "the container",
            Resource::Unknown => "an AWS endpoint",
        }
    }

    /// A shorter phrase, for when the host is shown next to it.
    fn short_name(self) -> &'static str {
        match self {
            Resource::EcrAuth => "the ECR API",
            Resource::S3Layers => "Amazon S3 (image layers)",
            Resource::RepositoryCredentials => "AWS Secrets Manager (repositoryCredentials)",
            Resource::SecretsManager => "AWS Secrets Manager",
            Resource::Ssm => "SSM Parameter Store",
            Resource::Logs => "CloudWatch Logs",
            Resource::EnvFiles => "Amazon S3 (environment files)",
            Resource::Efs => "the EFS file system",
            other => other.describe(),
        }
    }

    /// The `VPCE-*-MISSING` checks for the endpoints this resource is fetched through.
    pub fn endpoint_checks(self) -> &'static [&'static str] {
        match self {
            Resource::EcrAuth => &["VPCE-ECR-API-MISSING"],
            Resource::Registry => &["VPCE-ECR-DKR-MISSING", "VPCE-S3-GATEWAY-MISSING"],
            Resource::S3Layers | Resource::EnvFiles => &["VPCE-S3-GATEWAY-MISSING"],
            Resource::RepositoryCredentials | Resource::SecretsManager => {
                &["VPCE-SECRETSMANAGER-MISSING"]
            }
            Resource::Ssm => &["VPCE-SSM-MISSING"],
            Resource::Logs => &["VPCE-LOGS-MISSING"],
            Resource::Unknown => &[
                "VPCE-ECR-API-MISSING",
                "VPCE-ECR-DKR-MISSING",
                "VPCE-S3-GATEWAY-MISSING",
                "VPCE-SECRETSMANAGER-MISSING",
                "VPCE-SSM-MISSING",
                "VPCE-LOGS-MISSING",
            ],
            _ => &[],
        }
    }
}

/// Where the address of `dial tcp <ip>:<port>` lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressKind {
    /// Inside a VPC CIDR: private DNS resolved an interface endpoint, the endpoint path is broken.
    InsideVpc,
    /// An S3 address (S3 prefix list, S3 host name, or `httpReadSeeker`): layer download.
    S3,
    /// A public address: no endpoint with private DNS in effect; the internet path is missing.
    Public,
    /// Private (RFC 1918, 100.64/10, link-local, ULA) but outside the VPC's CIDRs: the traffic
    /// leaves the VPC through peering, a transit gateway or a VPN.
    PrivateOutsideVpc,
}

impl AddressKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AddressKind::InsideVpc => "inside_vpc",
            AddressKind::S3 => "s3",
            AddressKind::Public => "public",
            AddressKind::PrivateOutsideVpc => "private_outside_vpc",
        }
    }
}

/// The result of [`classify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// `CannotPullContainerError`, `ResourceInitializationError`, `TaskFailedToStart`, …: the
    /// family named first in the text, else the family the matched rule implies.
    pub family: Option<&'static str>,
    pub kind: Kind,
    pub resource: Resource,
    /// The address of `dial tcp <ip>:<port>` and what it means.
    pub address: Option<(IpAddr, AddressKind)>,
    /// The host the task was reaching, from a URL in the message (`Post "https://api.ecr…"`) or
    /// a DNS lookup (`lookup <host>`).
    pub host: Option<String>,
    /// Check IDs of `checks.md` that could explain the message, most likely first. May be empty
    /// when no check covers the cause (the summary then names it).
    pub candidates: Vec<&'static str>,
    /// The [`Rule::id`] that matched (`None`: no rule matched).
    pub rule: Option<&'static str>,
    /// One sentence for the user.
    pub summary: String,
}

impl Classification {
    /// Whether the message describes a failure to start (rather than a container that ran and
    /// exited, or a service-level summary).
    pub fn is_start_failure(&self) -> bool {
        !matches!(self.kind, Kind::NotAStartFailure | Kind::ServiceSummary)
    }
}

/// Where a rule's candidates come from.
#[derive(Debug, Clone, Copy)]
pub enum Candidates {
    /// These check IDs, in this order.
    Fixed(&'static [&'static str]),
    /// A network failure: candidates derived from the resource and the `dial tcp` address by
    /// [`network_candidates`], followed by `then`.
    NetworkPath { then: &'static [&'static str] },
}

/// One classifier rule. See the module documentation for precedence.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Stable short name, reported in [`Classification::rule`].
    pub id: &'static str,
    /// Every group must match; a group matches when the message contains at least one of its
    /// needles, both compared by their [`match_key`] (so any spelling of the same words).
    pub all: &'static [&'static [&'static str]],
    /// The family when the text does not name one.
    pub family: Option<&'static str>,
    pub kind: Kind,
    /// `Resource::Unknown` here means "infer it from the host in the message".
    pub resource: Resource,
    pub candidates: Candidates,
    /// The summary (network rules compose theirs from the resource and the address).
    pub summary: &'static str,
}

// -------------------------------------------------------------------------------------------
// Needles
// -------------------------------------------------------------------------------------------

/// A connection that never completed (both SDK generations, Docker and containerd wording,
/// truncated forms).
const NET: &[&str] = &[
    "i/o timeout",
    "context deadl", // "context deadline exceeded", also when cut ("context deadli")
    "deadline exceeded",
    "context cancel", // "context canceled" and "context cancelled"
    "request cancel", // "request canceled while waiting for connection", "RequestCanceled: request context canceled"
    "requesterror",
    "send request failed",
    "request send failed",
    "statuscode: 0",
    "dial tcp",
    "connection issue",
    "connection refused",
    "connection reset",
    "connection timed out",
    "network is unreachable",
    "no route to host",
    "tls handshake timeout",
    "waiting for connection",
    "check your task network configuration",
    "check your network configuration",
    "signal: killed",
];

/// An explicit denial.
const DENIED: &[&str] = &[
    "AccessDenied", // also "access denied"
    "not authorized to perform",
    "forbidden",
    "status code 403",
    "statuscode: 403",
    "(403)",
    "denied:",
    "unauthorized",
    "access to kms is not allowed",
    "check that the role has the permissions",
];

const ECR_AUTH: &[&str] = &[
    "retrieve ecr registry",
    "registry auth from amazon ecr",
    "getauthorizationtoken",
    "api.ecr.",
];
const REPO_CREDS: &[&str] = &[
    "registry auth from asm",
    "asm fetching secret",
    "repositoryCredentials", // also "repository credentials"
];
const SECRETS_MANAGER: &[&str] = &[
    "secret from asm",
    "secrets from asm",
    "Secrets Manager", // also "secretsmanager:GetSecretValue"
    "failed to fetch secret",
    "getsecretvalue",
];
const SSM: &[&str] = &[
    "from ssm",
    "systems manager",
    "ssm:getparameter",
    "operation error ssm",
    "invalid ssm parameter",
    "parameter store",
];
const LOGS: &[&str] = &[
    "logger args",
    "logging driver",
    "log group",
    "log stream",
    "cloudwatch",
    "awslogs",
    "logs:",
];
const ENV_FILES: &[&str] = &[
    "download env", // "failed to download env files", also when cut ("… env fi")
    "env file",
    "environment file",
];
const EFS: &[&str] = &["efs utils", "efs volume", ".efs.", "mount.nfs", "efs mount"];
const S3_LAYERS: &[&str] = &["httpreadseeker", "httpreaderseeker", "starport"];
const REGISTRY: &[&str] = &[
    "cannotpullcontainer",
    "pull the image",
    "pull image",
    "pulling image",
    "ref pull",
    "pull access denied",
    "from the registry",
    "from the amazon ecr repository",
    "between the task and the registry",
    ".dkr.ecr.",
    "error response from daemon",
    "failed to resolve ref",
    "manifest",
    "ecr:batchgetimage",
    "ecr:getdownloadurlforlayer",
    "docker.io",
];

const CPE: Option<&str> = Some("CannotPullContainerError");
const RIE: Option<&str> = Some("ResourceInitializationError");

const fn rule(
    id: &'static str,
    all: &'static [&'static [&'static str]],
    family: Option<&'static str>,
    kind: Kind,
    resource: Resource,
    candidates: Candidates,
    summary: &'static str,
) -> Rule {
    Rule {
        id,
        all,
        family,
        kind,
        resource,
        candidates,
        summary,
    }
}

const fn ids(list: &'static [&'static str]) -> Candidates {
    Candidates::Fixed(list)
}

const PATH: Candidates = Candidates::NetworkPath { then: &[] };

/// The rules, in precedence order (first match wins).
pub static RULES: &[Rule] = &[
    // ---- 1. launch and placement ------------------------------------------------------------
    rule(
        "exec-role-required",
        &[&[
            "requires task definition to have execution role",
            "execution role arn to support",
            "to support log driver",
            "to support ecr images",
            "must also specify a value for 'executionrolearn'",
        ]],
        None,
        Kind::MissingExecutionRole,
        Resource::TaskDefinition,
        ids(&["LAUNCH-TASKDEF-NO-EXECROLE"]),
        "the task definition has no execution role, but it needs one (private ECR image, awslogs, secrets or repositoryCredentials)",
    ),
    rule(
        "service-linked-role",
        &[&["service-linked role"]],
        None,
        Kind::CannotAssumeRole,
        Resource::Role,
        ids(&["IAM-SLR-MISSING"]),
        "ECS could not assume its service-linked role AWSServiceRoleForECS: create it (aws iam create-service-linked-role --aws-service-name ecs.amazonaws.com)",
    ),
    rule(
        "assume-role",
        &[&[
            "unable to assume the role",
            "unable to assume role",
            "not authorized to perform: sts:assumerole",
        ]],
        None,
        Kind::CannotAssumeRole,
        Resource::Role,
        ids(&["IAM-EXEC-TRUST", "IAM-EXEC-MISSING"]),
        "ECS could not assume the execution role: its trust policy does not allow ecs-tasks.amazonaws.com, the role does not exist, or the caller may not pass it (iam:PassRole)",
    ),
    rule(
        "task-size",
        &[&[
            "no fargate configuration exists",
            "invalid 'cpu' setting",
            "invalid 'memory' setting",
        ]],
        None,
        Kind::TaskSizeInvalid,
        Resource::TaskDefinition,
        ids(&["PLAT-TASKSIZE-INVALID"]),
        "the task's cpu/memory is not a valid Fargate combination",
    ),
    rule(
        "platform-version",
        &[&["platformtaskdefinitionincompat", "platformunknown"]],
        None,
        Kind::PlatformIncompatible,
        Resource::TaskDefinition,
        ids(&["PLAT-PV-INCOMPATIBLE"]),
        "the task definition uses a feature the platform version does not support (EFS, environment files, JSON-key secrets, ARM64 or more than 20 GiB storage need 1.4.0), or the platform version does not exist",
    ),
    rule(
        "compute-strategy",
        &[&["not compatible with the selected compute strategy"]],
        None,
        Kind::InvalidConfig,
        Resource::TaskDefinition,
        ids(&[]),
        "the task definition's compatibilities do not match the launch type or capacity provider (e.g. an EC2-only task definition on Fargate); no check covers this yet",
    ),
    rule(
        "eni-no-free-ip",
        &[&[
            "unexpected ec2 error",
            "insufficientfreeaddressesinsubnet",
            "enough free addresses",
            "not enough ip addresses",
        ]],
        Some("TaskFailedToStart"),
        Kind::NoFreeIp,
        Resource::Subnet,
        ids(&["ENI-SUBNET-NO-FREE-IP"]),
        "Fargate could not create the task's network interface: the subnet has no free IP address",
    ),
    rule(
        "capacity-unavailable",
        &[&["capacity is unavailable"]],
        None,
        Kind::CapacityUnavailable,
        Resource::Capacity,
        ids(&["CAP-SINGLE-AZ"]),
        "Fargate had no capacity in that Availability Zone at that moment; spreading the service over several AZs (subnets) avoids it",
    ),
    rule(
        "az-internal-error",
        &[&["reason: internal error"]],
        None,
        Kind::UnsupportedAz,
        Resource::Capacity,
        ids(&["CAP-AZ-UNSUPPORTED"]),
        "ECS could not place the task (\"Internal error.\"): typically a subnet in an Availability Zone where Fargate does not run",
    ),
    rule(
        // "Timeout waiting for network interface provisioning to complete." and "Network
        // interface provision complete error timeout wait for network interface provision."
        "eni-provisioning-timeout",
        &[&["timeout", "timed out"], &["network interface provision"]],
        Some("TaskFailedToStart"),
        Kind::InternalError,
        Resource::Subnet,
        ids(&["ENI-SUBNET-NO-FREE-IP", "IAM-SLR-MISSING", "ENI-CONFIG-INVALID"]),
        "Fargate timed out provisioning the task's network interface: usually transient (retry); if it repeats, check the subnet's free addresses, the ECS service-linked role and the account's network interface quota",
    ),
    rule(
        // "Rate limit exceeded while preparing network interface to be attached to instance"
        "eni-rate-limit",
        &[&["rate limit exceeded"], &["network interface"]],
        Some("TaskFailedToStart"),
        Kind::InternalError,
        Resource::Subnet,
        ids(&[]),
        "ECS was throttled (an EC2 API rate limit) while preparing the task's network interface: transient, not the configuration; retry with backoff, and start fewer tasks at once; no check covers this",
    ),
    rule(
        // "Timeout waiting for EphemeralStorage provisioning to complete."
        "storage-provisioning-timeout",
        &[&["timeout", "timed out"], &["EphemeralStorage provision"]],
        Some("TaskFailedToStart"),
        Kind::InternalError,
        Resource::Capacity,
        ids(&[]),
        "Fargate timed out provisioning the task's ephemeral storage: an AWS-side failure, not the configuration; retry (and report it to AWS Support if it repeats); no check covers this",
    ),
    rule(
        // "TaskFailedToStart: RESOURCE:ENI"
        "resource-eni",
        &[&["RESOURCE:ENI"]],
        Some("TaskFailedToStart"),
        Kind::NoFreeIp,
        Resource::Subnet,
        ids(&["ENI-SUBNET-NO-FREE-IP", "ENI-CONFIG-INVALID"]),
        "no network interface could be had for the task (RESOURCE:ENI): on Fargate the subnet has run out of free addresses (CreateNetworkInterface fails with InsufficientFreeAddressesInSubnet); on EC2 capacity the container instances have no network interface attachment left",
    ),
    rule(
        // "TaskFailedToStart: RESOURCE:CPU", "TaskFailedToStart: RESOURCE:MEMORY"
        "instance-resources",
        &[&["RESOURCE:CPU", "RESOURCE:MEMORY"]],
        Some("TaskFailedToStart"),
        Kind::CapacityUnavailable,
        Resource::Capacity,
        ids(&[]),
        "no container instance had the CPU or memory the task asks for (RESOURCE:CPU / RESOURCE:MEMORY): the task was placed on EC2 capacity, not on Fargate; check the launch type or capacity provider strategy, or the instance type of the capacity provider's Auto Scaling group; no check covers this",
    ),
    rule(
        "internal-error",
        &[&["internalerror:"]],
        Some("InternalError"),
        Kind::InternalError,
        Resource::Subnet,
        ids(&[]),
        "an AWS-side internal error while setting up the task (often its network interface); retry, and check the subnet; no check covers this",
    ),
    rule(
        "quota",
        &[&[
            "reached the limit on the number of",
            "configuration is above your limit",
            "provisioning capacity limit",
        ]],
        None,
        Kind::QuotaExceeded,
        Resource::Capacity,
        ids(&[]),
        "an account quota was hit (concurrent Fargate tasks or vCPUs, or tasks in PROVISIONING): request an increase in Service Quotas or start fewer tasks at once; no check covers this yet",
    ),
    rule(
        "service-summary",
        &[&[
            "unable to consistently start tasks",
            "tasks failed to start",
            "circuit breaker",
        ]],
        None,
        Kind::ServiceSummary,
        Resource::Unknown,
        ids(&[]),
        "a service-level summary, not a cause: the cause is in the stoppedReason of the service's stopped tasks",
    ),
    // ---- 2. image content ----------------------------------------------------------------------
    rule(
        "platform-mismatch-windows",
        &[
            &["descriptor matching platform", "no matching manifest for"],
            &["windows"],
        ],
        CPE,
        Kind::PlatformMismatch,
        Resource::Image,
        ids(&["IMG-OS-MISMATCH", "IMG-ARCH-MISMATCH"]),
        "the image has no manifest for the Windows platform the task asks for: a Linux image on a Windows task, or the wrong Windows version/architecture",
    ),
    rule(
        "os-mismatch",
        &[&["cannot be used on this platform"]],
        CPE,
        Kind::PlatformMismatch,
        Resource::Image,
        ids(&["IMG-OS-MISMATCH"]),
        "the image's operating system does not match the task's (runtimePlatform.operatingSystemFamily)",
    ),
    rule(
        "platform-mismatch",
        &[&[
            "descriptor matching platform",
            "no matching manifest for",
            "exec format error",
        ]],
        CPE,
        Kind::PlatformMismatch,
        Resource::Image,
        ids(&["IMG-ARCH-MISMATCH", "IMG-OS-MISMATCH"]),
        "the image has no manifest for the task's platform: build it for the task's CPU architecture (runtimePlatform.cpuArchitecture, default X86_64), or change the architecture",
    ),
    rule(
        "attestation-manifest",
        &[&["in-toto", "no processor for media-type"]],
        CPE,
        Kind::AttestationManifest,
        Resource::Image,
        ids(&[]),
        "the image index contains an attestation manifest (application/vnd.in-toto+json) that Fargate cannot unpack: push without provenance/SBOM attestations (docker buildx --provenance=false); no check covers this yet",
    ),
    rule(
        "disk-full",
        &[&["no space left on device", "not enough space on the disk"]],
        CPE,
        Kind::DiskFull,
        Resource::Image,
        ids(&["IMG-TOO-LARGE"]),
        "the image does not fit in the task's ephemeral storage: raise ephemeralStorage.sizeInGiB or shrink the image",
    ),
    rule(
        "rate-limit",
        &[&["toomanyrequests", "rate limit"]],
        CPE,
        Kind::RateLimit,
        Resource::Registry,
        ids(&[]),
        "the registry rate-limited the pull (REG-DOCKERHUB-RATELIMIT: Docker Hub anonymous pulls): authenticate with repositoryCredentials or mirror the image to ECR; no check covers this yet",
    ),
    // ---- 3. invalid configuration or content -------------------------------------------------
    rule(
        "image-reference-invalid",
        &[&["invalid reference format", "repository name must be lowercase"]],
        CPE,
        Kind::InvalidConfig,
        Resource::Image,
        ids(&["IMG-REF-INVALID"]),
        "the container's image is not a valid image reference (empty, spaces, upper case in the repository, a bad tag or digest)",
    ),
    rule(
        "secret-content",
        &[
            SECRETS_MANAGER,
            &[
                "invalid character",
                "looking for beginning of value",
                "cannot unmarshal",
                "json key",
                "unexpected end of json",
            ],
        ],
        RIE,
        Kind::InvalidContent,
        Resource::SecretsManager,
        ids(&[]),
        "a Secrets Manager secret referenced with a JSON key is not valid JSON or lacks the key; no check covers this yet",
    ),
    rule(
        "ssm-name-invalid",
        &[&["parameter name specified for secret"]],
        None,
        Kind::InvalidConfig,
        Resource::Ssm,
        ids(&["SEC-SSM-NOT-FOUND"]),
        "a secret's valueFrom is not a valid SSM parameter name or ARN (a parameter in another region needs its full ARN)",
    ),
    rule(
        "awslogs-options",
        &[
            LOGS,
            &["is required", "unable to get awslogs driver arguments", "unknown log opt"],
        ],
        RIE,
        Kind::InvalidConfig,
        Resource::Logs,
        ids(&["LOG-CONFIG-INVALID"]),
        "the awslogs options in the task definition are invalid (e.g. awslogs-region missing)",
    ),
    // ---- 4. access denied ------------------------------------------------------------------------
    rule(
        "ecr-auth-denied",
        &[ECR_AUTH, DENIED],
        RIE,
        Kind::AccessDenied,
        Resource::EcrAuth,
        ids(&["IAM-EXEC-ECR", "VPCE-POLICY-DENIES", "IAM-GUARDRAILS"]),
        "access denied getting the ECR auth token: the execution role cannot call ecr:GetAuthorizationToken, or an endpoint policy or guardrail denies it",
    ),
    rule(
        "repo-creds-denied",
        &[REPO_CREDS, DENIED],
        RIE,
        Kind::AccessDenied,
        Resource::RepositoryCredentials,
        ids(&["IAM-EXEC-PRIVREG", "VPCE-POLICY-DENIES", "IAM-GUARDRAILS"]),
        "access denied reading the repositoryCredentials secret: the execution role cannot read it (secretsmanager:GetSecretValue, kms:Decrypt)",
    ),
    rule(
        "secret-denied",
        &[SECRETS_MANAGER, DENIED],
        RIE,
        Kind::AccessDenied,
        Resource::SecretsManager,
        ids(&["IAM-EXEC-SECRETS", "VPCE-POLICY-DENIES", "IAM-GUARDRAILS"]),
        "access denied reading a Secrets Manager secret: the execution role lacks secretsmanager:GetSecretValue or kms:Decrypt on a customer key, or a resource/endpoint policy denies it",
    ),
    rule(
        "ssm-denied",
        &[SSM, DENIED],
        RIE,
        Kind::AccessDenied,
        Resource::Ssm,
        ids(&["IAM-EXEC-SECRETS", "VPCE-POLICY-DENIES", "IAM-GUARDRAILS"]),
        "access denied reading SSM parameters: the execution role lacks ssm:GetParameters (or kms:Decrypt for a SecureString with a customer key)",
    ),
    rule(
        "logs-denied",
        &[LOGS, DENIED],
        RIE,
        Kind::AccessDenied,
        Resource::Logs,
        ids(&["IAM-EXEC-LOGS", "VPCE-POLICY-DENIES", "IAM-GUARDRAILS"]),
        "access denied on CloudWatch Logs: the execution role lacks logs:CreateLogStream/PutLogEvents (logs:CreateLogGroup with awslogs-create-group)",
    ),
    rule(
        "env-files-denied",
        &[ENV_FILES, DENIED],
        RIE,
        Kind::AccessDenied,
        Resource::EnvFiles,
        ids(&[
            "IAM-EXEC-ENVFILES",
            "ENVFILE-NOT-FOUND",
            "VPCE-S3-POLICY-DENIES-ENVFILES",
            "IAM-GUARDRAILS",
        ]),
        "access denied downloading environment files from S3 (S3 also answers 403 for a missing object when the role may not list the bucket): the execution role needs s3:GetObject and s3:GetBucketLocation, and the bucket and S3 endpoint policies must allow it",
    ),
    rule(
        "efs-denied",
        &[EFS, DENIED],
        RIE,
        Kind::AccessDenied,
        Resource::Efs,
        ids(&["EFS-IAM-DENIED", "EFS-ACCESS-POINT-NOT-FOUND"]),
        "access denied mounting the EFS volume (file system policy, access point or IAM authorization)",
    ),
    rule(
        "layers-denied",
        &[S3_LAYERS, DENIED],
        CPE,
        Kind::AccessDenied,
        Resource::S3Layers,
        ids(&["VPCE-S3-POLICY-DENIES-LAYER-BUCKET", "IAM-EXEC-ECR"]),
        "access denied downloading image layers from S3: the S3 gateway endpoint policy does not allow the starport layer bucket",
    ),
    rule(
        "pull-access-denied",
        &[&["pull access denied"]],
        CPE,
        Kind::AccessDenied,
        Resource::Registry,
        ids(&[
            "ECR-REPO-NOT-FOUND",
            "REG-CREDS-MISSING",
            "IAM-EXEC-ECR",
            "ECR-REPO-POLICY",
        ]),
        "pull access denied: the repository does not exist, or the registry needs credentials the task does not have",
    ),
    rule(
        "image-exists-hint",
        &[&[
            "check whether the image exists",
            "requested access to the resource is denied",
        ]],
        CPE,
        Kind::NotFound,
        Resource::Registry,
        ids(&[
            "ECR-REPO-NOT-FOUND",
            "ECR-IMAGE-NOT-FOUND",
            "ECR-REPO-POLICY",
            "IAM-EXEC-ECR",
        ]),
        "the registry refused the image: it does not exist (repository or tag), or the role may not see it",
    ),
    rule(
        "registry-denied",
        &[REGISTRY, DENIED],
        CPE,
        Kind::AccessDenied,
        Resource::Registry,
        ids(&[
            "IAM-EXEC-ECR",
            "ECR-REPO-POLICY",
            "VPCE-POLICY-DENIES",
            "IAM-GUARDRAILS",
            "REG-CREDS-MISSING",
        ]),
        "access denied pulling the image: the execution role lacks ecr:BatchGetImage/GetDownloadUrlForLayer, or the repository or endpoint policy denies it",
    ),
    // ---- 5. decisive "not found" ---------------------------------------------------------------
    rule(
        "repo-creds-not-found",
        &[
            REPO_CREDS,
            &["resourcenotfoundexception", "can't find the specified secret"],
        ],
        RIE,
        Kind::NotFound,
        Resource::RepositoryCredentials,
        ids(&["REG-CREDS-MISSING"]),
        "the repositoryCredentials secret does not exist",
    ),
    rule(
        "secret-not-found",
        &[
            SECRETS_MANAGER,
            &[
                "resourcenotfoundexception",
                "can't find the specified secret",
                "check whether the secret exists",
            ],
        ],
        Some("ResourceNotFoundException"),
        Kind::NotFound,
        Resource::SecretsManager,
        ids(&["SEC-SM-NOT-FOUND"]),
        "a referenced Secrets Manager secret does not exist (in that region, or with that ARN suffix)",
    ),
    rule(
        "ssm-not-found",
        &[
            SSM,
            &["invalid ssm parameter", "ParameterNotFound"],
        ],
        RIE,
        Kind::NotFound,
        Resource::Ssm,
        ids(&["SEC-SSM-NOT-FOUND"]),
        "a referenced SSM parameter does not exist (or is in another region)",
    ),
    rule(
        "log-group-does-not-exist",
        &[
            LOGS,
            &["log group does not exist", "resourcenotfoundexception"],
        ],
        RIE,
        Kind::NotFound,
        Resource::Logs,
        ids(&["LOG-GROUP-MISSING"]),
        "the awslogs log group does not exist and awslogs-create-group is not set",
    ),
    // ---- 6. DNS, then network ------------------------------------------------------------------
    rule(
        "efs-dns",
        &[EFS, &["failed to resolve", "could not resolve", "no such host"]],
        RIE,
        Kind::DnsFailure,
        Resource::Efs,
        ids(&[
            "EFS-MOUNT-TARGET-MISSING",
            "EFS-FS-NOT-FOUND",
            "NET-DNS-VPC-RESOLUTION-DISABLED",
            "NET-DNS-RESOLVER-OVERRIDES",
        ]),
        "the EFS file system's name did not resolve: the file system resolves only to a mount target in the task's own Availability Zone (or VPC DNS is off, or a private hosted zone shadows it)",
    ),
    rule(
        "dns",
        &[&["no such host", "dial tcp: lookup", "server misbehaving", "dial udp"]],
        None,
        Kind::DnsFailure,
        Resource::Unknown,
        ids(&[
            "NET-DNS-VPC-RESOLUTION-DISABLED",
            "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
            "VPCE-PRIVATE-DNS-DISABLED",
            "NET-DNS-CUSTOM-DHCP",
            "NET-DNS-RESOLVER-OVERRIDES",
        ]),
        "the endpoint's DNS name did not resolve: VPC DNS resolution, private DNS of the endpoint, custom DHCP options, or a private hosted zone that shadows the name",
    ),
    rule(
        "pull-panic-s3",
        &[&["pull command failed"], &["nil pointer", "panic:"]],
        CPE,
        Kind::NetworkTimeout,
        Resource::S3Layers,
        ids(&[
            "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
            "VPCE-S3-NOT-ASSOCIATED",
            "VPCE-S3-GATEWAY-MISSING",
            "NET-NACL-PATH",
        ]),
        "the pull crashed (nil pointer dereference), which AWS ties to the task not reaching Amazon S3: the S3 prefix list in the task's egress rules, and the S3 gateway endpoint's route",
    ),
    rule(
        "layers-network",
        &[S3_LAYERS, NET],
        CPE,
        Kind::NetworkTimeout,
        Resource::S3Layers,
        PATH,
        "",
    ),
    rule(
        "ecr-auth-network",
        &[ECR_AUTH, NET],
        RIE,
        Kind::NetworkTimeout,
        Resource::EcrAuth,
        PATH,
        "",
    ),
    rule(
        "repo-creds-network",
        &[REPO_CREDS, NET],
        RIE,
        Kind::NetworkTimeout,
        Resource::RepositoryCredentials,
        PATH,
        "",
    ),
    rule(
        "secret-network",
        &[SECRETS_MANAGER, NET],
        RIE,
        Kind::NetworkTimeout,
        Resource::SecretsManager,
        PATH,
        "",
    ),
    rule(
        "ssm-network",
        &[SSM, NET],
        RIE,
        Kind::NetworkTimeout,
        Resource::Ssm,
        PATH,
        "",
    ),
    rule(
        "logs-network",
        &[LOGS, NET],
        RIE,
        Kind::NetworkTimeout,
        Resource::Logs,
        // "The task cannot find the Amazon CloudWatch log group … There is a connection issue":
        // despite the wording it is a network failure, rarely a missing group.
        Candidates::NetworkPath {
            then: &["LOG-GROUP-MISSING"],
        },
        "",
    ),
    rule(
        "env-files-network",
        &[ENV_FILES, NET],
        RIE,
        Kind::NetworkTimeout,
        Resource::EnvFiles,
        PATH,
        "",
    ),
    rule(
        "efs-network",
        &[EFS, NET],
        RIE,
        Kind::NetworkTimeout,
        Resource::Efs,
        PATH,
        "",
    ),
    rule(
        "registry-network",
        &[REGISTRY, NET],
        CPE,
        Kind::NetworkTimeout,
        Resource::Registry,
        PATH,
        "",
    ),
    rule(
        "pull-killed",
        &[&["pull command failed"], &["signal: killed"]],
        RIE,
        Kind::NetworkTimeout,
        Resource::Unknown,
        PATH,
        "",
    ),
    rule(
        "network",
        &[NET],
        None,
        Kind::NetworkTimeout,
        Resource::Unknown,
        PATH,
        "",
    ),
    // ---- 7. ambiguous "not found" ----------------------------------------------------------
    rule(
        "log-group-cannot-find",
        &[&["cannot find the amazon cloudwatch log group", "cannot find the log group"]],
        RIE,
        Kind::NotFound,
        Resource::Logs,
        ids(&["LOG-GROUP-MISSING", "VPCE-LOGS-MISSING"]),
        "the awslogs log group was not found (AWS prints the same words on network failures, so check the logs endpoint path too)",
    ),
    rule(
        "efs-not-found",
        &[EFS, &["no such file or directory", "not found", "does not exist"]],
        RIE,
        Kind::NotFound,
        Resource::Efs,
        ids(&[
            "EFS-FS-NOT-FOUND",
            "EFS-ACCESS-POINT-NOT-FOUND",
            "TD-FEATURE-NOT-CHECKED",
        ]),
        "the EFS file system, access point or root directory does not exist (a missing rootDirectory cannot be seen without mounting: create it, or use an access point that creates it)",
    ),
    rule(
        "repository-not-found",
        &[
            REGISTRY,
            &["repository"],
            &["not found", "does not exist", "name unknown"],
        ],
        CPE,
        Kind::NotFound,
        Resource::Registry,
        ids(&["ECR-REPO-NOT-FOUND", "ECR-IMAGE-NOT-FOUND"]),
        "the image's repository was not found (wrong account, region or name in the image URI)",
    ),
    rule(
        "image-not-found",
        &[
            REGISTRY,
            &[
                "not found",
                "manifest unknown",
                "failed to resolve ref",
                "does not exist",
                "name unknown",
            ],
        ],
        CPE,
        Kind::NotFound,
        Resource::Registry,
        ids(&["ECR-IMAGE-NOT-FOUND", "ECR-REPO-NOT-FOUND"]),
        "the image (tag or digest) was not found in the repository",
    ),
    // ---- 8. resource known, cause not stated ---------------------------------------------------
    rule(
        "ecr-auth",
        &[ECR_AUTH],
        RIE,
        Kind::Unspecified,
        Resource::EcrAuth,
        ids(&[
            "VPCE-ECR-API-MISSING",
            "NET-ROUTE-NO-DEFAULT",
            "NET-SG-TASK-EGRESS",
            "NET-SG-ENDPOINT-INGRESS",
            "IAM-EXEC-ECR",
            "VPCE-POLICY-DENIES",
        ]),
        "getting the ECR auth token failed, and the message (possibly truncated) does not say why: usually the network path to api.ecr, sometimes the execution role",
    ),
    rule(
        "repo-creds",
        &[REPO_CREDS],
        RIE,
        Kind::Unspecified,
        Resource::RepositoryCredentials,
        ids(&[
            "VPCE-SECRETSMANAGER-MISSING",
            "IAM-EXEC-PRIVREG",
            "REG-CREDS-MISSING",
            "NET-ROUTE-NO-DEFAULT",
            "NET-SG-TASK-EGRESS",
        ]),
        "reading the repositoryCredentials secret failed, and the message (possibly truncated) does not say why",
    ),
    rule(
        "secret",
        &[SECRETS_MANAGER],
        RIE,
        Kind::Unspecified,
        Resource::SecretsManager,
        ids(&[
            "VPCE-SECRETSMANAGER-MISSING",
            "IAM-EXEC-SECRETS",
            "SEC-SM-NOT-FOUND",
            "NET-ROUTE-NO-DEFAULT",
            "NET-SG-TASK-EGRESS",
        ]),
        "reading a Secrets Manager secret failed, and the message (possibly truncated) does not say why",
    ),
    rule(
        "ssm",
        &[SSM],
        RIE,
        Kind::Unspecified,
        Resource::Ssm,
        ids(&[
            "VPCE-SSM-MISSING",
            "IAM-EXEC-SECRETS",
            "SEC-SSM-NOT-FOUND",
            "NET-ROUTE-NO-DEFAULT",
            "NET-SG-TASK-EGRESS",
        ]),
        "reading SSM parameters failed, and the message (possibly truncated) does not say why",
    ),
    rule(
        "logs",
        &[LOGS],
        RIE,
        Kind::Unspecified,
        Resource::Logs,
        ids(&[
            "VPCE-LOGS-MISSING",
            "LOG-GROUP-MISSING",
            "IAM-EXEC-LOGS",
            "NET-ROUTE-NO-DEFAULT",
            "NET-SG-TASK-EGRESS",
            "NET-DNS-VPC-RESOLUTION-DISABLED",
        ]),
        "setting up the awslogs log driver failed, and the message (possibly truncated) does not say why",
    ),
    rule(
        "env-files",
        &[ENV_FILES],
        RIE,
        Kind::Unspecified,
        Resource::EnvFiles,
        ids(&[
            "ENVFILE-NOT-FOUND",
            "IAM-EXEC-ENVFILES",
            "VPCE-S3-POLICY-DENIES-ENVFILES",
            "VPCE-S3-GATEWAY-MISSING",
            "VPCE-S3-NOT-ASSOCIATED",
            "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
            "NET-ROUTE-NO-DEFAULT",
        ]),
        "downloading environment files from S3 failed, and the message (possibly truncated) does not say why",
    ),
    rule(
        "efs",
        &[EFS],
        RIE,
        Kind::Unspecified,
        Resource::Efs,
        ids(&[
            "EFS-FS-NOT-FOUND",
            "EFS-MOUNT-TARGET-MISSING",
            "EFS-NFS-BLOCKED",
            "EFS-IAM-DENIED",
            "EFS-ACCESS-POINT-NOT-FOUND",
            "PLAT-PV-INCOMPATIBLE",
        ]),
        "mounting the EFS volume failed, and the message (possibly truncated) does not say why",
    ),
    rule(
        "layers-status",
        &[S3_LAYERS, &["status code"]],
        CPE,
        Kind::Unspecified,
        Resource::S3Layers,
        ids(&[
            "VPCE-S3-POLICY-DENIES-LAYER-BUCKET",
            "IAM-EXEC-ECR",
            "VPCE-S3-GATEWAY-MISSING",
            "VPCE-S3-NOT-ASSOCIATED",
            "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
        ]),
        "copying image layers from S3 got an unexpected HTTP status: usually the S3 gateway endpoint policy refusing the starport layer bucket",
    ),
    rule(
        "layers",
        &[S3_LAYERS],
        CPE,
        Kind::Unspecified,
        Resource::S3Layers,
        ids(&[
            "VPCE-S3-GATEWAY-MISSING",
            "VPCE-S3-NOT-ASSOCIATED",
            "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
            "VPCE-S3-POLICY-DENIES-LAYER-BUCKET",
            "NET-NACL-PATH",
            "IAM-EXEC-ECR",
        ]),
        "downloading image layers from S3 failed, and the message (possibly truncated) does not say why",
    ),
    rule(
        "image-config",
        &[&["error pulling image conf"]],
        CPE,
        Kind::Unspecified,
        Resource::Registry,
        ids(&[
            "VPCE-S3-GATEWAY-MISSING",
            "VPCE-S3-NOT-ASSOCIATED",
            "NET-ROUTE-NO-DEFAULT",
            "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
        ]),
        "pulling the image configuration failed: a network failure (for ECR, the config blob comes from S3) or a registry rate limit (REG-DOCKERHUB-RATELIMIT)",
    ),
    rule(
        "registry",
        &[REGISTRY],
        CPE,
        Kind::Unspecified,
        Resource::Registry,
        ids(&[
            "VPCE-ECR-DKR-MISSING",
            "VPCE-S3-GATEWAY-MISSING",
            "NET-ROUTE-NO-DEFAULT",
            "IAM-EXEC-ECR",
            "ECR-IMAGE-NOT-FOUND",
            "ECR-REPO-NOT-FOUND",
        ]),
        "pulling the image failed, and the message (possibly truncated) does not say why",
    ),
    rule(
        "pull-secrets-or-auth",
        &[&["unable to pull secrets", "execution resource retrieval failed"]],
        RIE,
        Kind::Unspecified,
        Resource::Unknown,
        ids(&[
            "NET-ROUTE-NO-DEFAULT",
            "VPCE-ECR-API-MISSING",
            "VPCE-SECRETSMANAGER-MISSING",
            "VPCE-SSM-MISSING",
            "NET-SG-TASK-EGRESS",
            "IAM-EXEC-ECR",
            "IAM-EXEC-SECRETS",
        ]),
        "fetching secrets or the registry auth token failed, and the message (possibly truncated) does not say which or why",
    ),
    rule(
        "api-error",
        &[&["api error"]],
        CPE,
        Kind::Unspecified,
        Resource::Registry,
        ids(&[
            "NET-ROUTE-NO-DEFAULT",
            "ECR-REPO-POLICY",
            "IAM-EXEC-ECR",
            "ECR-IMAGE-NOT-FOUND",
            "VPCE-S3-POLICY-DENIES-LAYER-BUCKET",
        ]),
        "the registry API returned an error the message does not detail: usually a connection issue with the ECR endpoint",
    ),
    // ---- 9. not a start failure ------------------------------------------------------------------
    rule(
        "not-a-start-failure",
        &[&[
            "essential container in task exited",
            "essentialcontainerexited",
            "exit code",
            "outofmemory",
            "killed due to memory",
            "stopped by user",
            "userinitiated",
            "scaling activity initiated",
            "SpotInterruption",
            "terminationnotice",
            "health checks",
        ]],
        None,
        Kind::NotAStartFailure,
        Resource::Container,
        ids(&[]),
        "not a start failure: the task started and then stopped (container exit, health check, scaling or interruption); read the container's exit code and logs",
    ),
    // ---- 10. the bare family -------------------------------------------------------------------
    rule(
        "resource-initialization",
        &[&["resourceinitialization"]],
        RIE,
        Kind::Unspecified,
        Resource::Unknown,
        ids(&[
            "NET-DNS-VPC-RESOLUTION-DISABLED",
            "NET-ROUTE-NO-DEFAULT",
            "NET-SG-TASK-EGRESS",
            "NET-NACL-PATH",
        ]),
        "ResourceInitializationError without detail (possibly truncated): Fargate could not set up what the task needs (secrets, auth token, logs, volumes); a VPC without DNS resolution is a common cause",
    ),
];

/// Families, by the earliest needle in the message (`needle`, `name`).
pub static FAMILIES: &[(&str, &str)] = &[
    ("cannotpullcontainer", "CannotPullContainerError"),
    ("resourceinitialization", "ResourceInitializationError"),
    ("cannotstartcontainer", "CannotStartContainerError"),
    ("cannotinspectcontainer", "CannotInspectContainerError"),
    ("cannotcreatevolume", "CannotCreateVolumeError"),
    ("cannotstopcontainer", "CannotStopContainerError"),
    ("containerruntimetimeout", "ContainerRuntimeTimeoutError"),
    ("containerruntimeerror", "ContainerRuntimeError"),
    ("dockertimeout", "DockerTimeoutError"),
    ("outofmemoryerror", "OutOfMemoryError"),
    ("spotinterruption", "SpotInterruptionError"),
    ("internalerror", "InternalError"),
    ("taskfailedtostart", "TaskFailedToStart"),
    ("essentialcontainerexited", "EssentialContainerExited"),
    (
        "platformtaskdefinitionincompat",
        "PlatformTaskDefinitionIncompatibilityException",
    ),
    ("platformunknown", "PlatformUnknownException"),
    ("resourcenotfoundexception", "ResourceNotFoundException"),
    ("clientexception", "ClientException"),
    ("invalidparameterexception", "InvalidParameterException"),
];

// -------------------------------------------------------------------------------------------
// Classification
// -------------------------------------------------------------------------------------------

/// Classifies one failure message. Pure and total: any string gives a classification
/// ([`Kind::Unknown`] with an honest summary when no rule matches).
pub fn classify(message: &str, ctx: &ClassifyContext) -> Classification {
    let text = plain(message);
    let key = match_key(message);
    let family_in_text = find_family(&text);
    let host = extract_host(&text);
    let host_kind = host
        .as_deref()
        .and_then(|h| host_kind(h, false))
        .or_else(|| host_kind(&text, true));
    let ip = dial_address(&text);

    let Some(rule) = first_match(&key) else {
        let summary = if text.is_empty() {
            "empty message: nothing to classify".to_string()
        } else if let Some(f) = family_in_text {
            format!(
                "{f}: no classifier rule matches this message, so it points to no check; read it as written"
            )
        } else {
            "unrecognised message: no classifier rule matches it, so it points to no check; read it as written"
                .to_string()
        };
        let address = ip.map(|ip| (ip, address_kind(ip, ctx, &text, host_kind)));
        return Classification {
            family: family_in_text,
            kind: Kind::Unknown,
            resource: Resource::Unknown,
            address,
            host,
            candidates: Vec::new(),
            rule: None,
            summary,
        };
    };

    let address = ip.map(|ip| (ip, address_kind(ip, ctx, &text, host_kind)));
    let mut resource = rule.resource;
    if resource == Resource::Unknown {
        resource = host_kind.map_or(Resource::Unknown, HostKind::resource);
    }
    if rule.kind == Kind::NetworkTimeout
        && matches!(resource, Resource::Registry | Resource::Unknown)
        && matches!(address, Some((_, AddressKind::S3)))
    {
        resource = Resource::S3Layers;
    }
    let public_registry = host_kind == Some(HostKind::PublicRegistry);

    let (candidates, summary) = match rule.candidates {
        Candidates::Fixed(list) => {
            let summary = match (&host, rule.kind) {
                (Some(h), Kind::DnsFailure) => format!("{} ({h})", rule.summary),
                _ => rule.summary.to_string(),
            };
            (dedup(list.iter().copied()), summary)
        }
        Candidates::NetworkPath { then } => {
            let mut list = network_candidates(resource, address.map(|a| a.1), public_registry);
            list.extend_from_slice(then);
            let summary =
                network_summary(&text, resource, host.as_deref(), address, public_registry);
            (dedup(list), summary)
        }
    };

    Classification {
        family: family_in_text.or(rule.family),
        kind: rule.kind,
        resource,
        address,
        host,
        candidates,
        rule: Some(rule.id),
        summary,
    }
}

impl Rule {
    /// Whether every needle group matches `message` (any spelling: see [`match_key`]). The
    /// classifier itself uses needle keys computed once; this computes them on each call.
    pub fn matches(&self, message: &str) -> bool {
        let key = match_key(message);
        self.all
            .iter()
            .all(|group| group.iter().any(|needle| key.contains(&match_key(needle))))
    }
}

/// A rule with the [`match_key`] of each needle, group by group.
type KeyedRule = (&'static Rule, Vec<Vec<String>>);

/// [`RULES`] with every needle turned into its [`match_key`] once.
fn keyed_rules() -> &'static [KeyedRule] {
    static KEYED: OnceLock<Vec<KeyedRule>> = OnceLock::new();
    KEYED.get_or_init(|| {
        RULES
            .iter()
            .map(|rule| {
                let groups = rule
                    .all
                    .iter()
                    .map(|group| group.iter().map(|needle| match_key(needle)).collect())
                    .collect();
                (rule, groups)
            })
            .collect()
    })
}

fn first_match(key: &str) -> Option<&'static Rule> {
    keyed_rules()
        .iter()
        .find(|(_, groups)| {
            groups
                .iter()
                .all(|group| group.iter().any(|needle| key.contains(needle.as_str())))
        })
        .map(|(rule, _)| *rule)
}

/// Curly quotes to straight ones, `…` to `...`.
fn straighten(c: char) -> Option<char> {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '`' => Some('\''),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => Some('"'),
        '\u{2026}' => None,
        c => Some(c),
    }
}

/// Lower case, straight quotes, collapsed whitespace, punctuation kept: the text that hosts,
/// `dial tcp` addresses and family names are read from.
fn plain(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut space = false;
    for c in message.chars() {
        let Some(c) = straighten(c) else {
            out.push_str("...");
            space = false;
            continue;
        };
        if c.is_whitespace() {
            if !space && !out.is_empty() {
                out.push(' ');
            }
            space = true;
            continue;
        }
        space = false;
        out.extend(c.to_lowercase());
    }
    while out.ends_with(' ') {
        out.pop();
    }
    out
}

/// The message as words: CamelCase split (`EphemeralStorage` → `ephemeral storage`,
/// `ResourceInitializationError` → `resource initialization error`, `AWSServiceRoleForECS` →
/// `aws service role for ecs`, `IPv4Address` → `ipv4 address`), lower case, straight quotes,
/// `-` and `_` read as spaces, whitespace collapsed. Other punctuation is kept (`logs:`,
/// `i/o timeout`, `(403)`).
///
/// Acronyms stay whole when what follows is not a word: `IPv4`, `IPv6`, `ARNs`, `ENIs`, `GiB`,
/// `NFSv4`. Identifiers (a token with `:`, `/`, `.` or `@` between two letters or digits: ARNs,
/// URLs, host names, image references, IAM actions) are only lowered, never split, so
/// `arn:aws:iam::111122223333:role/ecsTaskExecutionRole` and `prod-us-east-1-starport-layer-bucket.s3.amazonaws.com`
/// read as written.
pub fn normalize(message: &str) -> String {
    let text: String = message
        .chars()
        .flat_map(|c| match straighten(c) {
            Some(c) => vec![c],
            None => vec!['.', '.', '.'],
        })
        .collect();
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for token in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        if is_identifier(token) {
            out.extend(token.chars().flat_map(char::to_lowercase));
        } else {
            split_words(token, &mut out);
        }
    }
    // "-" and "_" at a token's edge (" - ", "foo_") leave no double or trailing spaces.
    let mut collapsed = String::with_capacity(out.len());
    for c in out.chars() {
        if c == ' ' && (collapsed.is_empty() || collapsed.ends_with(' ')) {
            continue;
        }
        collapsed.push(c);
    }
    while collapsed.ends_with(' ') {
        collapsed.pop();
    }
    collapsed
}

/// The key rules match on: [`normalize`], then without spaces, so that every spelling of the
/// same words gives the same key: `EphemeralStorage`, `ephemeral storage`, `ephemeral-storage`,
/// `EPHEMERAL_STORAGE` and `ephemeralstorage` (AWS writes all of these, e.g. Knowledge Center
/// titles quote `cannotpullcontainererror`) are all `ephemeralstorage`. Needles are keyed the
/// same way, once, so a rule written as words matches every spelling.
pub fn match_key(message: &str) -> String {
    normalize(message).chars().filter(|&c| c != ' ').collect()
}

/// A token holding an identifier whose letters must not be split: `:`, `/`, `.` or `@` between
/// two letters or digits (ARNs, URLs, hosts, paths, image references, `ssm:GetParameters`).
fn is_identifier(token: &str) -> bool {
    let chars: Vec<char> = token.chars().collect();
    chars.windows(3).any(|w| {
        matches!(w[1], ':' | '/' | '.' | '@')
            && (w[0].is_alphanumeric() || w[0] == ':' || w[0] == '/')
            && (w[2].is_alphanumeric() || w[2] == '/' || w[2] == ':')
    })
}

/// Appends `token` lower-cased, with a space at each CamelCase word boundary and for `-`/`_`.
fn split_words(token: &str, out: &mut String) {
    let chars: Vec<char> = token.chars().collect();
    let mut lower_run = 0usize; // length of the run of lower-case letters just before `c`
    for (i, &c) in chars.iter().enumerate() {
        if c == '-' || c == '_' {
            out.push(' ');
            lower_run = 0;
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let next2 = chars.get(i + 2).copied();
        let lower = |c: Option<char>| c.is_some_and(char::is_lowercase);
        let starts_word = c.is_uppercase()
            && match prev {
                // getAuthorization, EphemeralStorage; not GiB or iOS (one lower-case letter).
                Some(p) if p.is_lowercase() => lower_run >= 2,
                // ECRImage, AWSService; not IPv4, ARNs or NFSv4 (no word follows).
                Some(p) if p.is_uppercase() => lower(next) && lower(next2),
                // IPv4Address, S3Bucket, EC2Instance.
                Some(p) if p.is_ascii_digit() => lower(next),
                _ => false,
            };
        if starts_word {
            out.push(' ');
        }
        lower_run = if c.is_lowercase() { lower_run + 1 } else { 0 };
        out.extend(c.to_lowercase());
    }
}

/// The candidate checks of a network failure, from what was being fetched and where the
/// `dial tcp` address lies (`None`: no address in the message).
pub fn network_candidates(
    resource: Resource,
    address: Option<AddressKind>,
    public_registry: bool,
) -> Vec<&'static str> {
    const ENDPOINT_PATH: &[&str] = &[
        "NET-SG-ENDPOINT-INGRESS",
        "NET-SG-TASK-EGRESS",
        "NET-NACL-PATH",
        "VPCE-NOT-USABLE",
        "VPCE-POLICY-DENIES",
    ];
    const S3_PATH: &[&str] = &[
        "VPCE-S3-GATEWAY-MISSING",
        "VPCE-S3-NOT-ASSOCIATED",
        "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
        "NET-NACL-PATH",
    ];
    const INTERNET_PATH: &[&str] = &[
        "NET-ROUTE-NO-DEFAULT",
        "NET-PUBLIC-NO-PUBLICIP",
        "NET-NAT-NOT-AVAILABLE",
        "NET-NAT-IN-PRIVATE-SUBNET",
        "NET-ROUTE-BLACKHOLE",
    ];
    const PRIVATE_DNS: &[&str] = &[
        "VPCE-PRIVATE-DNS-DISABLED",
        "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
    ];
    const OUTSIDE_VPC: &[&str] = &[
        "NET-ROUTE-OPAQUE",
        "NET-SG-TASK-EGRESS",
        "NET-NACL-PATH",
        "NET-DNS-CUSTOM-DHCP",
    ];
    let layer_policy: &[&str] = if matches!(resource, Resource::S3Layers | Resource::Registry) {
        &["VPCE-S3-POLICY-DENIES-LAYER-BUCKET"]
    } else {
        &[]
    };

    let mut v: Vec<&'static str> = Vec::new();
    if resource == Resource::Efs {
        // EFS mount targets live in the VPC: the mount target in the task's zone and NFS to it.
        v.extend(["EFS-NFS-BLOCKED", "EFS-MOUNT-TARGET-MISSING"]);
        return v;
    }
    match address {
        Some(AddressKind::InsideVpc) => v.extend(ENDPOINT_PATH),
        Some(AddressKind::S3) => {
            v.extend(S3_PATH);
            v.extend(layer_policy);
            v.push("NET-ROUTE-NO-DEFAULT");
        }
        Some(AddressKind::PrivateOutsideVpc) => v.extend(OUTSIDE_VPC),
        Some(AddressKind::Public) | None if public_registry => {
            v.push("REG-INTERNET-REQUIRED");
            v.extend(INTERNET_PATH);
            v.extend(["NET-SG-TASK-EGRESS", "NET-NACL-PATH"]);
        }
        Some(AddressKind::Public) => {
            v.extend(INTERNET_PATH);
            v.extend(resource.endpoint_checks());
            v.extend(PRIVATE_DNS);
            v.extend(["NET-SG-TASK-EGRESS", "NET-NACL-PATH"]);
        }
        None => match resource {
            Resource::S3Layers | Resource::EnvFiles => {
                v.extend(S3_PATH);
                v.extend(layer_policy);
                v.extend(["NET-ROUTE-NO-DEFAULT", "NET-SG-TASK-EGRESS"]);
            }
            _ => {
                // Without an address both the endpoint path and the internet path are suspects.
                // With a known resource its endpoint comes first; with none, the route does.
                if resource != Resource::Unknown {
                    v.extend(resource.endpoint_checks());
                }
                v.extend(INTERNET_PATH);
                v.extend([
                    "NET-SG-TASK-EGRESS",
                    "NET-SG-ENDPOINT-INGRESS",
                    "NET-NACL-PATH",
                    "VPCE-NOT-USABLE",
                ]);
                v.extend(PRIVATE_DNS);
                v.push("NET-DNS-VPC-RESOLUTION-DISABLED");
                if resource == Resource::Unknown {
                    v.extend(resource.endpoint_checks());
                }
            }
        },
    }
    dedup(v)
}

fn network_summary(
    text: &str,
    resource: Resource,
    host: Option<&str>,
    address: Option<(IpAddr, AddressKind)>,
    public_registry: bool,
) -> String {
    let what = if ["timeout", "deadl", "timed out", "cancel", "killed"]
        .iter()
        .any(|n| text.contains(n))
    {
        "network timeout"
    } else {
        "network connection failure"
    };
    let target = match (resource, host) {
        (Resource::Registry | Resource::Unknown, Some(h)) => h.to_string(),
        (_, Some(h)) => format!("{} ({h})", resource.short_name()),
        (_, None) => resource.describe().to_string(),
    };
    let why = match address {
        Some((ip, AddressKind::InsideVpc)) => format!(
            " from inside the VPC: {ip} is a VPC address, so private DNS resolved an interface endpoint and the endpoint path is broken (endpoint security group, task egress, network ACLs, endpoint state or policy), not a missing NAT"
        ),
        Some((ip, AddressKind::S3)) => format!(
            ": {ip} is an Amazon S3 address, so the download from S3 failed: check the S3 gateway endpoint and its route-table association, the S3 prefix list in the task's egress rules, network ACLs and the endpoint policy"
        ),
        Some((ip, AddressKind::PrivateOutsideVpc)) => format!(
            ": {ip} is private but outside the VPC's CIDRs, so the traffic leaves the VPC (peering, transit gateway, VPN), and that path must route and allow TCP 443"
        ),
        Some((ip, AddressKind::Public)) if public_registry => format!(
            ": {ip} is a public registry address and public registries have no VPC endpoint, so the subnet needs an internet path (NAT gateway, or internet gateway with a public IP)"
        ),
        Some((ip, AddressKind::Public)) => format!(
            ": {ip} is a public address, so no interface endpoint with private DNS is in effect, and the internet path (internet gateway with a public IP, or NAT gateway) is missing or blocked"
        ),
        None if public_registry => ": public registries have no VPC endpoint, so the subnet needs an internet path (NAT gateway, or internet gateway with a public IP)".to_string(),
        None if matches!(resource, Resource::S3Layers | Resource::EnvFiles) => ": check the S3 gateway endpoint and its route-table association, the S3 prefix list in the task's egress rules and network ACLs".to_string(),
        None if resource == Resource::Efs => ": check that the task's security group and the network ACLs allow NFS (TCP 2049) to the mount targets".to_string(),
        None => ": the message names no address (it may be truncated), so both the VPC endpoint path and the internet path are suspects".to_string(),
    };
    format!("{what} reaching {target}{why}")
}

fn dedup<I: IntoIterator<Item = &'static str>>(items: I) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for i in items {
        if !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

fn find_family(text: &str) -> Option<&'static str> {
    FAMILIES
        .iter()
        .filter_map(|(needle, name)| text.find(needle).map(|pos| (pos, needle.len(), *name)))
        // earliest position; on a tie the longer needle
        .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))
        .map(|(_, _, name)| name)
}

// -------------------------------------------------------------------------------------------
// Hosts and addresses
// -------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HostKind {
    EcrApi,
    EcrRegistry,
    S3,
    SecretsManager,
    Ssm,
    Logs,
    /// A registry with no VPC endpoint (Docker Hub, ghcr.io, ECR Public, ...).
    PublicRegistry,
}

impl HostKind {
    fn resource(self) -> Resource {
        match self {
            HostKind::EcrApi => Resource::EcrAuth,
            HostKind::EcrRegistry | HostKind::PublicRegistry => Resource::Registry,
            HostKind::S3 => Resource::S3Layers,
            HostKind::SecretsManager => Resource::SecretsManager,
            HostKind::Ssm => Resource::Ssm,
            HostKind::Logs => Resource::Logs,
        }
    }
}

/// Host needles, in order. The last field says whether the needle is also specific enough to
/// be looked for in the whole message (when no host could be extracted).
static HOSTS: &[(&str, HostKind, bool)] = &[
    ("starport-layer-bucket", HostKind::S3, true),
    ("s3.amazonaws.com", HostKind::S3, true),
    (".s3.", HostKind::S3, true),
    (".s3-", HostKind::S3, true),
    ("api.ecr.", HostKind::EcrApi, true),
    (".dkr.ecr.", HostKind::EcrRegistry, true),
    ("secretsmanager.", HostKind::SecretsManager, false),
    ("ssm.", HostKind::Ssm, false),
    ("logs.", HostKind::Logs, false),
    ("docker.io", HostKind::PublicRegistry, true),
    ("ghcr.io", HostKind::PublicRegistry, true),
    ("quay.io", HostKind::PublicRegistry, true),
    ("gcr.io", HostKind::PublicRegistry, true),
    ("public.ecr.aws", HostKind::PublicRegistry, true),
    ("mcr.microsoft.com", HostKind::PublicRegistry, true),
    ("registry.gitlab.com", HostKind::PublicRegistry, true),
];

fn host_kind(text: &str, whole_message: bool) -> Option<HostKind> {
    if !whole_message && (text.starts_with("s3.") || text.starts_with("s3-")) {
        return Some(HostKind::S3);
    }
    HOSTS
        .iter()
        .find(|(needle, _, scan)| (*scan || !whole_message) && text.contains(needle))
        .map(|(_, kind, _)| *kind)
}

/// The host of the URL nearest before `dial tcp` (else the last URL), or of `lookup <host>`.
fn extract_host(text: &str) -> Option<String> {
    let dial = text.find("dial tcp").unwrap_or(text.len());
    let mut urls: Vec<usize> = ["https://", "http://"]
        .iter()
        .flat_map(|scheme| text.match_indices(scheme).map(|(i, s)| i + s.len()))
        .collect();
    urls.sort_unstable();
    let start = urls
        .iter()
        .rev()
        .find(|&&i| i <= dial)
        .or_else(|| urls.first())
        .copied()
        .or_else(|| text.find("lookup ").map(|i| i + "lookup ".len()))?;
    let host: String = text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && !"/:\"',;?)@".contains(*c))
        .collect();
    let host = host.trim_end_matches('.').to_string();
    (host.contains('.') && host.len() > 3).then_some(host)
}

/// The address of the first `dial tcp <ip>:<port>` (IPv4, or bracketed IPv6).
fn dial_address(text: &str) -> Option<IpAddr> {
    for (i, needle) in text.match_indices("dial tcp") {
        let rest = &text[i + needle.len()..];
        let rest = rest
            .strip_prefix('4')
            .or_else(|| rest.strip_prefix('6'))
            .unwrap_or(rest);
        let Some(rest) = rest.strip_prefix(' ') else {
            continue; // "dial tcp: lookup …" names no address
        };
        if let Some(v6) = rest.strip_prefix('[') {
            if let Some(end) = v6.find(']') {
                let addr = v6[..end].split('%').next().unwrap_or_default();
                if let Ok(ip) = addr.parse::<Ipv6Addr>() {
                    return Some(IpAddr::V6(ip));
                }
            }
            continue;
        }
        // Require the ":port" separator, so that a truncated "10.0.66.9" is not misread.
        let token = rest.split(' ').next().unwrap_or_default();
        if let Some((addr, _port)) = token.split_once(':') {
            if let Ok(ip) = addr.parse::<Ipv4Addr>() {
                return Some(IpAddr::V4(ip));
            }
        }
    }
    None
}

fn address_kind(
    ip: IpAddr,
    ctx: &ClassifyContext,
    text: &str,
    host_kind: Option<HostKind>,
) -> AddressKind {
    if ctx.vpc_cidrs.iter().any(|net| net.contains(&ip)) {
        return AddressKind::InsideVpc;
    }
    let private = is_private(ip);
    if private && ctx.vpc_cidrs.is_empty() {
        // VPC CIDRs unknown: a private answer is almost always an interface endpoint in the VPC.
        return AddressKind::InsideVpc;
    }
    if ctx.s3_cidrs.iter().any(|net| net.contains(&ip))
        || (!private
            && (host_kind == Some(HostKind::S3)
                || S3_LAYERS.iter().any(|needle| text.contains(needle))))
    {
        return AddressKind::S3;
    }
    if private {
        AddressKind::PrivateOutsideVpc
    } else {
        AddressKind::Public
    }
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_private() || v4.is_link_local() || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => {
            let first = v6.segments()[0];
            (first & 0xfe00) == 0xfc00 || (first & 0xffc0) == 0xfe80
        }
    }
}
