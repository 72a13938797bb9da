//! Fail-safe: a denied, throttled, failing, silent or dropped AWS call never turns into `pass`
//! and never hangs the run. The real binary runs against moto through a fault-injecting proxy
//! (`tests/common/fault.rs`) that breaks one operation at a time, in the protocol of its service
//! (EC2 and IAM query XML, JSON `__type`, S3 and Route 53 REST-XML, EFS REST-JSON).
//!
//! The tables are driven by the calls themselves: a clean run through the proxy records every
//! operation the collector makes for a scenario, then each one is broken in turn. For each row:
//! - the proxy must have served the fault (else the row tests nothing);
//! - a read of the target itself (the service, its task definition) ends the run with exit 2,
//!   naming the call;
//! - every check that reads the operation's data ([`DEPENDS`]) and said `pass` is now
//!   `unknown`, saying why; one that said `fail` or `warn` is `unknown`, or keeps its verdict
//!   and says the call could not be read (the verdict holds whatever the data says); never
//!   `pass` on what it could not read. Where a dependent check's verdict does not rest on the
//!   data in a scenario, the row lists it in [`UNAFFECTED`], with the reason;
//! - every other check says exactly what it said before (status and detail);
//! - no warning or error appears that the clean run did not have, and one that went away
//!   belongs to a check that is now `unknown`;
//! - a clean pass becomes exit 3; a clean failure (exit 1) stays 1 or becomes 3, never 0, and
//!   stays 1 where [`STAYS_FAILED`] says the error is certain anyway;
//! - a row without any effect (same exit code, same statuses) must be listed in [`NO_EFFECT`]
//!   with the reason (NAT gateways for a task in public subnets), and a listed row must indeed
//!   have none.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::fault::{Fault, FaultProxy};
use common::*;
use serde_json::Value;

/// The target's own reads: without them there is nothing to diagnose.
const TARGET_OPS: &[&str] = &["ecs:DescribeServices", "ecs:DescribeTaskDefinition"];

/// Reads of the target's context that no check consumes: the report names them in `unread`.
const CONTEXT_OPS: &[&str] = &["ecs:ListTasks", "ecs:DescribeTasks"];

// ---------------------------------------------------------------------------------------------
// Which checks read which call's data. Derived by reading the collector (which snapshot field
// each operation fills) and the engine (which checks read that field, directly or through the
// shared path, role and EFS evaluations in `context.rs`). Issue 13 will have the checks declare
// their inputs; this table will then come from there.
// ---------------------------------------------------------------------------------------------

/// Checks that read the route a subnet's traffic takes (`Cx::paths[..].route`): whether there is
/// one, what its target is, and whether the endpoints must stand in for it.
const ROUTE: &[&str] = &[
    "NET-ROUTE-BLACKHOLE",
    "NET-NAT-NOT-AVAILABLE",
    "NET-NAT-IN-PRIVATE-SUBNET",
    "NET-PUBLIC-NO-PUBLICIP",
    "NET-ROUTE-NO-DEFAULT",
    "NET-ROUTE-OPAQUE",
    "NET-PUBLICIP-NO-IGW-ROUTE",
    "VPCE-S3-GATEWAY-MISSING",
    "VPCE-ECR-API-MISSING",
    "VPCE-ECR-DKR-MISSING",
    "VPCE-LOGS-MISSING",
    "VPCE-SECRETSMANAGER-MISSING",
    "VPCE-SSM-MISSING",
    // The subnets a path crosses (the NAT gateway's) follow from its route.
    "NET-NACL-PATH",
];

/// Checks about the endpoints a task uses (`Cx::paths[..].endpoint`, `via_interface`): not
/// applicable when no path uses one, which is only known when the endpoints and routes are.
const ENDPOINT_USE: &[&str] = &[
    "VPCE-NOT-USABLE",
    "VPCE-PRIVATE-DNS-DISABLED",
    "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
    "NET-SG-ENDPOINT-INGRESS",
    "VPCE-POLICY-DENIES",
    "VPCE-S3-POLICY-DENIES-ENVFILES",
    "VPCE-S3-POLICY-DENIES-LAYER-BUCKET",
    "VPCE-S3-NOT-ASSOCIATED",
];

/// Checks that read the path of a name a private hosted zone or Resolver rule may answer
/// (`PathEval::zone_addresses`, or a route that could carry a private answer): the route and
/// endpoint checks, and the task's egress to the answered addresses.
const ANSWERED_PATHS: &[&[&str]] = &[ROUTE, ENDPOINT_USE, &["NET-SG-TASK-EGRESS"]];

fn reads_answered_path(id: &str) -> bool {
    ANSWERED_PATHS.iter().any(|g| g.contains(&id))
}

/// Checks that read the task's security groups (`Cx::task_groups`, the paths' SG verdicts).
const TASK_GROUPS: &[&str] = &[
    "ENI-CONFIG-INVALID",
    "NET-SG-TASK-EGRESS",
    "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
    "NET-SG-ENDPOINT-INGRESS",
    "EFS-NFS-BLOCKED",
    "NET-IPV6-ONLY",
];

/// Checks that need the task's subnets at all (`Cx::network_missing`, `gate_paths`,
/// `vpc_missing`): every network check.
const SUBNETS: &[&str] = &[
    "CAP-AZ-UNSUPPORTED",
    "CAP-SINGLE-AZ",
    "ENI-CONFIG-INVALID",
    "ENI-SUBNET-NO-FREE-IP",
    "EFS-MOUNT-TARGET-MISSING",
    "EFS-NFS-BLOCKED",
    "NET-DNS-CUSTOM-DHCP",
    "NET-DNS-RESOLVER-OVERRIDES",
    "NET-DNS-VPC-RESOLUTION-DISABLED",
    "NET-IPV6-ONLY",
    "NET-SG-TASK-EGRESS",
    "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
    "REG-INTERNET-REQUIRED",
    "VPCE-CROSS-REGION",
];

/// The permission checks: they evaluate a role's policies (`Cx::exec_role`, `Cx::task_role`).
const ROLE_POLICIES: &[&str] = &[
    "IAM-EXEC-ECR",
    "IAM-EXEC-LOGS",
    "IAM-EXEC-SECRETS",
    "IAM-EXEC-PRIVREG",
    "IAM-EXEC-ENVFILES",
    "ECR-REPO-POLICY",
    "IAM-GUARDRAILS",
    "EFS-IAM-DENIED",
];

/// Operation → the checks that read its data. A check not listed for an operation must say
/// exactly what it said before when that operation fails.
const DEPENDS: &[(&str, &[&[&str]])] = &[
    // ECS: the running tasks' digests (`Target::deployed_digests`) and stopped tasks.
    ("ecs:ListTasks", &[&["ECR-IMAGE-DIGEST-GONE"]]),
    ("ecs:DescribeTasks", &[&["ECR-IMAGE-DIGEST-GONE"]]),
    // `network.availability_zones`: the zone type of a subnet's zone.
    ("ec2:DescribeAvailabilityZones", &[&["CAP-AZ-UNSUPPORTED"]]),
    // `network.vpcs` (CIDRs, DHCP options ID): the VPC checks, and EFS names resolving in it.
    (
        "ec2:DescribeVpcs",
        &[&[
            "NET-DNS-VPC-RESOLUTION-DISABLED",
            "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
            "NET-DNS-CUSTOM-DHCP",
            "EFS-MOUNT-TARGET-MISSING",
        ]],
    ),
    // `Vpc::enable_dns_support` / `enable_dns_hostnames`.
    (
        "ec2:DescribeVpcAttribute",
        &[&[
            "NET-DNS-VPC-RESOLUTION-DISABLED",
            "NET-DNS-PRIVATEDNS-NEEDS-HOSTNAMES",
            "EFS-MOUNT-TARGET-MISSING",
        ]],
    ),
    // `network.dhcp_options`: the VPC's DNS servers.
    ("ec2:DescribeDhcpOptions", &[&["NET-DNS-CUSTOM-DHCP"]]),
    // `network.subnets`: every network check, through the paths and the subnet gates.
    (
        "ec2:DescribeSubnets",
        &[SUBNETS, ROUTE, ENDPOINT_USE, TASK_GROUPS],
    ),
    // `network.route_tables`: the route of every path, and so whether endpoints are used.
    ("ec2:DescribeRouteTables", &[ROUTE, ENDPOINT_USE]),
    // `network.peering_connections` (the peer VPC's CIDRs, status): whether a route into a
    // peering connection reaches an address a private zone answers (`Hop::PeerVpc`), and the
    // SG and NACL verdicts on that address.
    (
        "ec2:DescribeVpcPeeringConnections",
        &[ROUTE, ENDPOINT_USE, &["NET-SG-TASK-EGRESS"]],
    ),
    // `network.internet_gateways`: an IGW hop, and a NAT gateway's upstream.
    ("ec2:DescribeInternetGateways", &[ROUTE, ENDPOINT_USE]),
    // `network.nat_gateways`: a NAT hop (state, connectivity, subnet).
    ("ec2:DescribeNatGateways", &[ROUTE, ENDPOINT_USE]),
    // `network.vpc_endpoints`: which destinations go to an endpoint, and so which need a route
    // and what the task's egress must allow.
    (
        "ec2:DescribeVpcEndpoints",
        &[ENDPOINT_USE, ROUTE, &["NET-SG-TASK-EGRESS"]],
    ),
    // `network.network_interfaces`: interface endpoints' ENIs (the addresses a path goes to).
    (
        "ec2:DescribeNetworkInterfaces",
        &[&[
            "NET-SG-TASK-EGRESS",
            "NET-SG-ENDPOINT-INGRESS",
            "NET-NACL-PATH",
        ]],
    ),
    // `network.security_groups`: the task's groups, endpoint and mount-target groups.
    ("ec2:DescribeSecurityGroups", &[TASK_GROUPS]),
    // `network.network_acls`: the ACLs of every subnet a path (or the NFS path) crosses.
    (
        "ec2:DescribeNetworkAcls",
        &[&["NET-NACL-PATH", "EFS-NFS-BLOCKED"]],
    ),
    // `network.prefix_lists` (and their entries): prefix-list routes, S3's addresses, and
    // prefix-list security group rules.
    (
        "ec2:DescribeManagedPrefixLists",
        &[
            ROUTE,
            &[
                "NET-SG-TASK-EGRESS",
                "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
                "VPCE-S3-NOT-ASSOCIATED",
            ],
        ],
    ),
    (
        "ec2:GetManagedPrefixListEntries",
        &[
            ROUTE,
            &[
                "NET-SG-TASK-EGRESS",
                "NET-SG-TASK-EGRESS-S3-PREFIXLIST",
                "VPCE-S3-NOT-ASSOCIATED",
            ],
        ],
    ),
    // `ecr.repositories` (existence, encryption, URI). ECR-IMAGE-NOT-FOUND is decided by the
    // image lookups (an image that was found proves its repository).
    (
        "ecr:DescribeRepositories",
        &[&[
            "ECR-REPO-NOT-FOUND",
            "ECR-PULL-THROUGH",
            "ECR-KMS-KEY-UNUSABLE",
            "ECR-REPO-POLICY",
            "IMG-TOO-LARGE",
        ]],
    ),
    // `Repository::policy`: the repository policy the execution role's pull is judged against.
    ("ecr:GetRepositoryPolicy", &[&["ECR-REPO-POLICY"]]),
    // `ecr.images` (digest, size): whether the tag exists is also proven by BatchGetImage's
    // manifest, so ECR-IMAGE-NOT-FOUND does not rest on this call alone.
    (
        "ecr:DescribeImages",
        &[&["IMG-TOO-LARGE", "ECR-IMAGE-DIGEST-GONE"]],
    ),
    // `Image::platforms`, `foreign_layers`, platform sizes: the manifest.
    (
        "ecr:BatchGetImage",
        &[&[
            "IMG-ARCH-MISMATCH",
            "IMG-OS-MISMATCH",
            "IMG-TOO-LARGE",
            "IMG-WINDOWS-FOREIGN-LAYERS",
        ]],
    ),
    // `ecr.pull_through_rules`.
    (
        "ecr:DescribePullThroughCacheRules",
        &[&["ECR-PULL-THROUGH"]],
    ),
    // `iam.roles` (the role, its trust policy, boundary) and the service-linked role.
    (
        "iam:GetRole",
        &[
            &["IAM-EXEC-MISSING", "IAM-EXEC-TRUST", "IAM-SLR-MISSING"],
            ROLE_POLICIES,
        ],
    ),
    // `Role::attached_policies`, `inline_policies` and their documents.
    ("iam:ListAttachedRolePolicies", &[ROLE_POLICIES]),
    ("iam:ListRolePolicies", &[ROLE_POLICIES]),
    ("iam:GetRolePolicy", &[ROLE_POLICIES]),
    ("iam:GetPolicy", &[ROLE_POLICIES]),
    ("iam:GetPolicyVersion", &[ROLE_POLICIES]),
    // `resources.secrets` (existence, deletion, KMS key).
    (
        "secretsmanager:DescribeSecret",
        &[&[
            "SEC-SM-NOT-FOUND",
            "REG-CREDS-MISSING",
            "IAM-EXEC-SECRETS",
            "IAM-EXEC-PRIVREG",
        ]],
    ),
    // `Secret::resource_policy`.
    (
        "secretsmanager:GetResourcePolicy",
        &[&["IAM-EXEC-SECRETS", "IAM-EXEC-PRIVREG"]],
    ),
    // `resources.parameters` (existence, ARN, KMS key).
    (
        "ssm:DescribeParameters",
        &[&["SEC-SSM-NOT-FOUND", "IAM-EXEC-SECRETS"]],
    ),
    // `resources.log_groups`. IAM-EXEC-LOGS judges the group's ARN, built from its name.
    ("logs:DescribeLogGroups", &[&["LOG-GROUP-MISSING"]]),
    // `resources.kms_keys` (key manager, state) and `KmsKey::policy`: kms:Decrypt of a
    // customer managed key.
    (
        "kms:DescribeKey",
        &[&[
            "ECR-KMS-KEY-UNUSABLE",
            "IAM-EXEC-SECRETS",
            "IAM-EXEC-PRIVREG",
        ]],
    ),
    (
        "kms:GetKeyPolicy",
        &[&[
            "ECR-KMS-KEY-UNUSABLE",
            "IAM-EXEC-SECRETS",
            "IAM-EXEC-PRIVREG",
        ]],
    ),
    // `efs.file_systems` (state, mount targets, policy hang off it).
    (
        "efs:DescribeFileSystems",
        &[&[
            "EFS-FS-NOT-FOUND",
            "EFS-IAM-DENIED",
            "EFS-MOUNT-TARGET-MISSING",
            "EFS-NFS-BLOCKED",
        ]],
    ),
    // `FileSystem::mount_targets`.
    (
        "efs:DescribeMountTargets",
        &[&["EFS-MOUNT-TARGET-MISSING", "EFS-NFS-BLOCKED"]],
    ),
    // `MountTarget::security_groups`.
    (
        "efs:DescribeMountTargetSecurityGroups",
        &[&["EFS-NFS-BLOCKED"]],
    ),
    // `efs.access_points`.
    (
        "efs:DescribeAccessPoints",
        &[&["EFS-ACCESS-POINT-NOT-FOUND"]],
    ),
    // `FileSystem::policy`.
    ("efs:DescribeFileSystemPolicy", &[&["EFS-IAM-DENIED"]]),
    // `s3.objects`.
    ("s3:HeadObject", &[&["ENVFILE-NOT-FOUND"]]),
    // `s3.buckets` (the bucket's Region; its policy is read after it).
    (
        "s3:GetBucketLocation",
        &[&["ENVFILE-NOT-FOUND", "IAM-EXEC-ENVFILES"]],
    ),
    // `S3Bucket::policy`.
    ("s3:GetBucketPolicy", &[&["IAM-EXEC-ENVFILES"]]),
    // `dns.private_zones`, `resolver_rules`, `firewall_rule_groups` and what hangs off them.
    // A zone that answers a name moves its path to the zone's addresses; zones or rules that
    // could not be read leave undecided a path that only a private answer could give a way out.
    (
        "route53:ListHostedZonesByVPC",
        &[
            &["NET-DNS-RESOLVER-OVERRIDES"],
            ROUTE,
            ENDPOINT_USE,
            &["NET-SG-TASK-EGRESS"],
        ],
    ),
    (
        "route53:ListResourceRecordSets",
        &[
            &["NET-DNS-RESOLVER-OVERRIDES"],
            ROUTE,
            ENDPOINT_USE,
            &["NET-SG-TASK-EGRESS"],
        ],
    ),
    (
        "route53resolver:ListResolverRuleAssociations",
        &[
            &["NET-DNS-RESOLVER-OVERRIDES"],
            ROUTE,
            ENDPOINT_USE,
            &["NET-SG-TASK-EGRESS"],
        ],
    ),
    (
        "route53resolver:GetResolverRule",
        &[
            &["NET-DNS-RESOLVER-OVERRIDES"],
            ROUTE,
            ENDPOINT_USE,
            &["NET-SG-TASK-EGRESS"],
        ],
    ),
    (
        "route53resolver:ListFirewallRuleGroupAssociations",
        &[&["NET-DNS-RESOLVER-OVERRIDES"]],
    ),
    (
        "route53resolver:ListFirewallRules",
        &[&["NET-DNS-RESOLVER-OVERRIDES"]],
    ),
    (
        "route53resolver:ListFirewallDomains",
        &[&["NET-DNS-RESOLVER-OVERRIDES"]],
    ),
    (
        "route53resolver:ListFirewallDomainLists",
        &[&["NET-DNS-RESOLVER-OVERRIDES"]],
    ),
    // `Snapshot::account_id`, when no ARN names the account.
    (
        "sts:GetCallerIdentity",
        &[&["IAM-SLR-MISSING", "EFS-FS-NOT-FOUND"], ROLE_POLICIES],
    ),
];

/// Rows (scenario, operation) whose failure changes nothing, and why: the configuration does
/// not use what the call reads. An unlisted row without effect fails, and so does a listed
/// row that has an effect.
const NO_EFFECT: &[(&str, &str, &str)] = &[
    (
        "efs-healthy",
        "ec2:DescribeAvailabilityZones",
        "the subnets are in standard zones (us-east-1a/b): a zone type is needed only for a \
         Local or Wavelength Zone name",
    ),
    (
        "secrets-readable",
        "ec2:DescribeAvailabilityZones",
        "the subnets are in standard zones (us-east-1a/b): a zone type is needed only for a \
         Local or Wavelength Zone name",
    ),
    (
        "efs-healthy",
        "ec2:DescribeManagedPrefixLists",
        "no route or security group rule names a prefix list and there is no S3 gateway \
         endpoint: S3 is reached through the NAT gateway like any public address",
    ),
    (
        "efs-healthy",
        "ec2:GetManagedPrefixListEntries",
        "no route or security group rule names a prefix list and there is no S3 gateway \
         endpoint: S3 is reached through the NAT gateway like any public address",
    ),
    (
        "secrets-readable",
        "ec2:DescribeManagedPrefixLists",
        "no route or security group rule names a prefix list and there is no S3 gateway \
         endpoint: S3 is reached through the internet gateway like any public address",
    ),
    (
        "secrets-readable",
        "ec2:GetManagedPrefixListEntries",
        "no route or security group rule names a prefix list and there is no S3 gateway \
         endpoint: S3 is reached through the internet gateway like any public address",
    ),
    (
        "efs-healthy",
        "ec2:DescribeNetworkInterfaces",
        "no interface endpoint: no path is judged on an endpoint's ENI addresses",
    ),
    (
        "secrets-readable",
        "ec2:DescribeNatGateways",
        "public subnets: no route names a NAT gateway",
    ),
];

/// Rows (scenario, operation, why) of a scenario that fails anyway whose failure must stand
/// with the operation broken (exit 1, not 3): the error holds whatever the unread data says.
const STAYS_FAILED: &[(&str, &str, &str)] = &[
    (
        "phz-shadow",
        "route53resolver:ListFirewallRuleGroupAssociations",
        "a private hosted zone without the ECR and Logs records shadows them: an error with or \
         without a DNS Firewall rule, since a firewall can only block more",
    ),
    (
        "peering-default-route",
        "ec2:DescribeVpcPeeringConnections",
        "0.0.0.0/0 goes to a peering connection: peering is not transitive, so public \
         addresses are never reached through it, whatever the connection's peer and status",
    ),
];

/// Scenarios whose task paths are judged on the names' public addresses whatever the private
/// hosted zones and Resolver rules are: the listed DNS reads failing leaves the path checks as
/// they were (a route that carries the public addresses, or no route a private answer could
/// use), NET-DNS-RESOLVER-OVERRIDES unknown (a zone or rule that redirects a name is its
/// finding) and NET-ROUTE-OPAQUE unknown (a private answer could lie beyond a hop).
const PUBLIC_PATHS: &[(&str, &[&str], &str)] = &[
    (
        "efs-healthy",
        DNS_LISTS,
        "0.0.0.0/0 goes to an available NAT gateway, which carries every public address",
    ),
    (
        "secrets-readable",
        DNS_LISTS,
        "0.0.0.0/0 goes to the attached internet gateway and the task has a public IP",
    ),
    (
        "phz-shadow",
        DNS_LISTS,
        "0.0.0.0/0 goes to an available NAT gateway, which carries every public address",
    ),
    (
        "phz-with-records",
        &["route53:ListHostedZonesByVPC"],
        "0.0.0.0/0 goes to an available NAT gateway, which carries every public address",
    ),
    (
        "resolver-forward-aws",
        &[
            "route53resolver:ListResolverRuleAssociations",
            "route53resolver:GetResolverRule",
        ],
        "0.0.0.0/0 goes to an available NAT gateway, which carries every public address",
    ),
];

/// The reads that say whether a private hosted zone or Resolver rule answers a name.
const DNS_LISTS: &[&str] = &[
    "route53:ListHostedZonesByVPC",
    "route53resolver:ListResolverRuleAssociations",
];

/// Rows (scenario, operation, checks, why) where checks that read the operation's data keep
/// their verdict, because in this configuration it does not rest on that data. Each listed
/// check must then say exactly what it said before.
const UNAFFECTED: &[(&str, &str, &[&str], &str)] = &[
    (
        "peering-default-route",
        "ec2:DescribeVpcPeeringConnections",
        &[
            "VPCE-ECR-API-MISSING",
            "VPCE-ECR-DKR-MISSING",
            "VPCE-LOGS-MISSING",
            "VPCE-S3-GATEWAY-MISSING",
            "NET-ROUTE-BLACKHOLE",
            "NET-NACL-PATH",
            "NET-SG-TASK-EGRESS",
        ],
        "public addresses never cross a peering connection: whatever the connection is, the \
         0.0.0.0/0 route into it is no way out, so the endpoints are still missing and there is \
         no routed path whose network ACLs or egress could matter",
    ),
    (
        "hub-endpoints-peering",
        "ec2:DescribeVpcPeeringConnections",
        &["NET-SG-TASK-EGRESS"],
        "the task's security group allows all egress: the hub's addresses are allowed whichever \
         way they are routed",
    ),
    (
        "hub-endpoints-peering",
        "route53:ListHostedZonesByVPC",
        &["NET-SG-TASK-EGRESS"],
        "the task's security group allows all egress: whatever address a zone answers is allowed",
    ),
    (
        "efs-healthy",
        "ec2:DescribeInternetGateways",
        &[
            "NET-ROUTE-BLACKHOLE",
            "NET-NAT-NOT-AVAILABLE",
            "NET-ROUTE-NO-DEFAULT",
            "NET-NACL-PATH",
        ],
        "the task subnets route 0.0.0.0/0 to a NAT gateway: the internet gateway is only the \
         NAT subnet's upstream, which NET-NAT-IN-PRIVATE-SUBNET judges (and is unknown)",
    ),
    (
        "secrets-readable",
        "ec2:DescribeInternetGateways",
        &["NET-PUBLICIP-NO-IGW-ROUTE"],
        "it asks only whether the route's target is an internet gateway (igw-…); whether that \
         gateway is attached is NET-ROUTE-NO-DEFAULT's question (unknown)",
    ),
    (
        "efs-healthy",
        "ec2:DescribeVpcEndpoints",
        &[
            "NET-ROUTE-BLACKHOLE",
            "NET-NAT-NOT-AVAILABLE",
            "NET-NAT-IN-PRIVATE-SUBNET",
            "NET-ROUTE-NO-DEFAULT",
            "NET-SG-TASK-EGRESS",
            "NET-NACL-PATH",
        ],
        "the route (0.0.0.0/0 to an available NAT gateway) carries every destination, the \
         task's egress allows all traffic and the default network ACLs allow all: an endpoint \
         could only add a way, whose own checks (VPCE-*) are unknown",
    ),
    (
        "secrets-readable",
        "ec2:DescribeVpcEndpoints",
        &[
            "NET-ROUTE-BLACKHOLE",
            "NET-PUBLIC-NO-PUBLICIP",
            "NET-PUBLICIP-NO-IGW-ROUTE",
            "NET-ROUTE-NO-DEFAULT",
            "NET-SG-TASK-EGRESS",
            "NET-NACL-PATH",
        ],
        "the route (0.0.0.0/0 to the attached internet gateway, with a public IP) carries every \
         destination, the task's egress allows all traffic and the default network ACLs allow \
         all: an endpoint could only add a way, whose own checks (VPCE-*) are unknown",
    ),
    (
        "efs-healthy",
        "ec2:DescribeNetworkAcls",
        &["EFS-NFS-BLOCKED"],
        "each task subnet has its own mount target: NFS traffic stays inside the subnet and \
         crosses no network ACL",
    ),
    (
        "efs-healthy",
        "iam:GetPolicy",
        &["EFS-IAM-DENIED"],
        "the task role has only an inline policy: the managed policy read is the execution \
         role's (AmazonECSTaskExecutionRolePolicy)",
    ),
    (
        "efs-healthy",
        "iam:GetPolicyVersion",
        &["EFS-IAM-DENIED"],
        "the task role has only an inline policy: the managed policy read is the execution \
         role's (AmazonECSTaskExecutionRolePolicy)",
    ),
];

/// warn and fail finding IDs.
fn problem_ids(json: &Value) -> BTreeSet<String> {
    findings(json)
        .iter()
        .filter(|f| f["severity"] == "error" || f["severity"] == "warning")
        .filter_map(|f| f["id"].as_str().map(str::to_string))
        .collect()
}

/// Every check's status and detail, by ID.
fn checks(json: &Value) -> BTreeMap<String, (String, String)> {
    target(json)["checks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            (
                c["id"].as_str().unwrap_or_default().to_string(),
                (
                    c["status"].as_str().unwrap_or_default().to_string(),
                    c["detail"].as_str().unwrap_or_default().to_string(),
                ),
            )
        })
        .collect()
}

/// What the report says about check `id`: its detail and its findings' messages and evidence.
fn said_about(json: &Value, id: &str) -> String {
    let mut s = checks(json)
        .get(id)
        .map(|c| c.1.clone())
        .unwrap_or_default();
    for f in findings(json).iter().filter(|f| f["id"] == id) {
        s.push('\n');
        s.push_str(&f.to_string());
    }
    s
}

/// Where the report names `op` as the reason something is not known.
fn named_as_unknown(json: &Value, op: &str) -> bool {
    let t = target(json);
    let in_checks =
        t["checks"].as_array().into_iter().flatten().any(|c| {
            c["status"] == "unknown" && c["detail"].as_str().is_some_and(|d| d.contains(op))
        });
    let in_unread = t["unread"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|u| u.as_str().is_some_and(|u| u.contains(op)));
    in_checks || in_unread
}

/// The checks that read `op`'s data (`None`: `op` is not in [`DEPENDS`]).
fn dependents(op: &str) -> Option<Vec<&'static str>> {
    DEPENDS
        .iter()
        .find(|(o, _)| *o == op)
        .map(|(_, groups)| groups.iter().flat_map(|g| g.iter().copied()).collect())
}

/// What is wrong with one row: `op` broken in `scenario`, `clean` the report without faults.
#[allow(clippy::too_many_arguments)]
fn judge(
    scenario: &str,
    op: &str,
    served: usize,
    clean_code: i32,
    clean: &Value,
    code: i32,
    json: &Value,
    stderr: &str,
) -> Vec<String> {
    if served == 0 {
        return vec!["the fault was never served".into()];
    }
    if TARGET_OPS.contains(&op) {
        return if code != 2 || !stderr.contains(op) {
            vec![format!("exit {code}, stderr: {}", stderr.trim())]
        } else {
            vec![]
        };
    }
    if code == 2 || json.is_null() {
        return vec![format!(
            "exit {code} (could not diagnose), stderr: {}",
            stderr.trim()
        )];
    }
    let (before, after) = (checks(clean), checks(json));
    let statuses = |c: &BTreeMap<String, (String, String)>| {
        c.iter()
            .map(|(k, v)| (k.clone(), v.0.clone()))
            .collect::<Vec<_>>()
    };
    let stays = STAYS_FAILED
        .iter()
        .find(|(s, o, _)| *s == scenario && *o == op);
    // A failure that stands is judged below (it must say what it could not read), not as "no
    // effect".
    let unchanged = stays.is_none() && code == clean_code && statuses(&before) == statuses(&after);
    let listed = NO_EFFECT
        .iter()
        .find(|(s, o, _)| *s == scenario && *o == op);
    match (unchanged, listed) {
        (true, Some(_)) => return vec![],
        (true, None) => {
            return vec![
                "no effect (same exit code, same statuses), and the row is not listed in \
                 NO_EFFECT with the reason"
                    .into(),
            ]
        }
        (false, Some((_, _, why))) => {
            return vec![format!(
                "listed in NO_EFFECT ({why}), but the run changed: exit {clean_code} -> {code}"
            )]
        }
        (false, None) => {}
    }
    let mut problems = Vec::new();
    // Exit code: a clean pass becomes incomplete; a clean failure stays a failure or becomes
    // incomplete; never a pass.
    let codes_ok = match (clean_code, stays) {
        (1, Some(_)) => code == 1,
        (0, _) => code == 3,
        _ => code == 1 || code == 3,
    };
    if !codes_ok {
        problems.push(match stays {
            Some((_, _, why)) => format!("exit {clean_code} -> {code}, wanted 1: {why}"),
            None => format!("exit {clean_code} -> {code}"),
        });
    }
    let failure_says_it = stays.is_some()
        && findings(json)
            .iter()
            .any(|f| f["severity"] == "error" && f.to_string().contains(op));
    if !named_as_unknown(json, op) && !failure_says_it {
        problems.push(if CONTEXT_OPS.contains(&op) {
            "the report does not say the target's tasks could not be read".into()
        } else {
            "no unknown check names the call".into()
        });
    }
    let deps = dependents(op).unwrap_or_else(|| {
        problems.push(format!(
            "{op} is not in DEPENDS: say which checks read its data"
        ));
        Vec::new()
    });
    let public_paths = PUBLIC_PATHS
        .iter()
        .find(|(s, ops, _)| *s == scenario && ops.contains(&op));
    let unaffected = |id: &str| {
        UNAFFECTED
            .iter()
            .find(|(s, o, c, _)| *s == scenario && *o == op && c.contains(&id))
            .map(|(_, _, _, why)| *why)
            .or_else(|| {
                public_paths
                    .filter(|_| reads_answered_path(id) && id != "NET-ROUTE-OPAQUE")
                    .map(|(_, _, why)| *why)
            })
    };
    for (id, (was, was_detail)) in &before {
        let Some((now, now_detail)) = after.get(id) else {
            problems.push(format!("{id} is no longer listed"));
            continue;
        };
        if !deps.contains(&id.as_str()) {
            if (was, was_detail) != (now, now_detail) {
                problems.push(format!(
                    "{id} does not read {op} (DEPENDS) but changed: {was} -> {now} ({now_detail})"
                ));
            }
            continue;
        }
        if let Some(why) = unaffected(id) {
            // On public paths a check that was not applicable because a zone's answer took the
            // name elsewhere judges the public path instead: it passes or stays not applicable
            // (never fails or warns: that would be a new finding, counted below).
            let judged_public = public_paths.is_some()
                && matches!(
                    (was.as_str(), now.as_str()),
                    ("not_applicable", "pass") | ("pass", "not_applicable")
                );
            if (was, was_detail) != (now, now_detail) && !judged_public {
                problems.push(format!(
                    "{id} is listed in UNAFFECTED ({why}) but changed: {was} -> {now} ({now_detail})"
                ));
            }
            continue;
        }
        let ok = match (was.as_str(), now.as_str()) {
            (_, "unknown") => {
                // It says what it could not read.
                if now_detail.is_empty() {
                    problems.push(format!("{id} is unknown without saying why"));
                }
                true
            }
            ("not_applicable", "not_applicable") => true,
            ("fail" | "warn", n) if n == was => {
                // The verdict holds whatever the unread data says: the check must say what
                // it could not read.
                if !said_about(json, id).contains(op) {
                    problems.push(format!(
                        "{id} keeps {was} without saying that {op} could not be read"
                    ));
                }
                true
            }
            _ => false,
        };
        if !ok {
            problems.push(format!(
                "{id} reads {op} (DEPENDS): {was} -> {now}, wanted unknown ({now_detail})"
            ));
        }
    }
    // New warnings count like new errors; a finding that went away belongs to a check that is
    // now unknown.
    let (was_ids, now_ids) = (problem_ids(clean), problem_ids(json));
    let new: Vec<_> = now_ids.difference(&was_ids).collect();
    if !new.is_empty() {
        problems.push(format!("new warn/fail findings: {new:?}"));
    }
    for gone in was_ids.difference(&now_ids) {
        if after.get(gone).map(|c| c.0.as_str()) != Some("unknown") {
            problems.push(format!(
                "the {gone} finding went away but the check is not unknown"
            ));
        }
    }
    problems
}

/// Breaks every operation of a clean `service` run of `scenario` in turn with `fault`, and
/// returns one line per operation that did not behave. The clean run must exit `clean_code`
/// (0, or 1 for a scenario that is broken anyway).
fn table_expecting(
    scenario: &str,
    clean_code: i32,
    fault: Fault,
    only: Option<&[&str]>,
) -> Vec<String> {
    let moto = Moto::start();
    moto.seed(scenario);
    let proxy = FaultProxy::start(&moto.endpoint);
    let args = ["service", "--cluster", "prod", "web"];
    let (code, clean, stderr) = moto.run_via(&proxy.endpoint, &[], &args);
    assert_eq!(
        code,
        clean_code,
        "{scenario}: the clean run must exit {clean_code}\n{stderr}\n{}",
        summary(&clean)
    );
    let ops: BTreeSet<String> = proxy.seen().into_iter().collect();
    assert!(
        ops.iter().all(|o| !o.ends_with(":Unknown")),
        "the proxy could not name an operation: {ops:?}"
    );
    for o in only.unwrap_or_default() {
        assert!(
            ops.contains(*o),
            "{scenario}: the clean run made no {o}: {ops:?}"
        );
    }
    // The tables name only rows that exist.
    for (s, o, _) in NO_EFFECT {
        assert!(
            *s != scenario || ops.contains(*o),
            "NO_EFFECT lists {o} for {s}, which the clean run does not make: {ops:?}"
        );
    }
    for (s, o, _, _) in UNAFFECTED {
        assert!(
            *s != scenario || ops.contains(*o),
            "UNAFFECTED lists {o} for {s}, which the clean run does not make: {ops:?}"
        );
    }
    for (s, dns_ops, _) in PUBLIC_PATHS {
        for o in dns_ops.iter() {
            assert!(
                *s != scenario || ops.contains(*o),
                "PUBLIC_PATHS lists {o} for {s}, which the clean run does not make: {ops:?}"
            );
        }
    }
    let mut problems = Vec::new();
    for op in &ops {
        if only.is_some_and(|o| !o.contains(&op.as_str())) {
            continue;
        }
        proxy.clear();
        proxy.set(op, fault);
        let (code, json, stderr) =
            moto.run_via(&proxy.endpoint, &[("FD_CALL_TIMEOUT", "2")], &args);
        let found = judge(
            scenario,
            op,
            proxy.served(op),
            clean_code,
            &clean,
            code,
            &json,
            &stderr,
        );
        if !found.is_empty() {
            problems.push(format!(
                "{scenario}: {op} {fault:?}:\n  - {}\n{}",
                found.join("\n  - "),
                if json.is_null() {
                    String::new()
                } else {
                    short(&json)
                }
            ));
        }
    }
    problems
}

fn table(scenario: &str, fault: Fault, only: Option<&[&str]>) -> Vec<String> {
    table_expecting(scenario, 0, fault, only)
}

/// The statuses that are not `pass`/`not_applicable`, with their details.
fn short(json: &Value) -> String {
    let mut s = format!("  verdict {}\n", verdict(json));
    for (id, (st, d)) in checks(json) {
        if st != "pass" && st != "not_applicable" {
            s.push_str(&format!("    {id} {st}: {d}\n"));
        }
    }
    s
}

fn assert_table(problems: Vec<String>) {
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_call_denied_efs_env_files_phz() {
    // ECS, EC2, IAM, ECR, Logs, EFS, S3, Route 53: every protocol but JSON-secrets.
    assert_table(table("efs-healthy", Fault::Deny, None));
}

#[test]
fn every_call_denied_secrets_and_parameters() {
    assert_table(table("secrets-readable", Fault::Deny, None));
}

#[test]
fn every_call_denied_private_hosted_zone_records() {
    assert_table(table(
        "phz-with-records",
        Fault::Deny,
        Some(&[
            "route53:ListHostedZonesByVPC",
            "route53:ListResourceRecordSets",
        ]),
    ));
}

#[test]
fn every_call_denied_resolver_rules_and_dns_firewall() {
    // A FORWARD rule on the VPC: its association, the rule, and the DNS Firewall listing.
    assert_table(table(
        "resolver-forward-aws",
        Fault::Deny,
        Some(&[
            "route53resolver:ListResolverRuleAssociations",
            "route53resolver:GetResolverRule",
            "route53resolver:ListFirewallRuleGroupAssociations",
        ]),
    ));
}

#[test]
fn every_call_denied_shadowing_private_zone() {
    // A scenario that fails anyway (exit 1): a zone that shadows the ECR and Logs names. With
    // the DNS Firewall listing denied the error still stands (STAYS_FAILED); the other DNS
    // reads may leave it unknown, never pass.
    assert_table(table_expecting(
        "phz-shadow",
        1,
        Fault::Deny,
        Some(&[
            "route53:ListHostedZonesByVPC",
            "route53resolver:ListResolverRuleAssociations",
            "route53resolver:ListFirewallRuleGroupAssociations",
        ]),
    ));
}

#[test]
fn every_call_denied_default_route_into_peering() {
    // Fails anyway (exit 1): 0.0.0.0/0 into a peering connection. With the connection unread
    // the error stands (STAYS_FAILED).
    assert_table(table_expecting(
        "peering-default-route",
        1,
        Fault::Deny,
        Some(&["ec2:DescribeVpcPeeringConnections"]),
    ));
}

#[test]
fn every_call_denied_hub_endpoints_over_peering() {
    // Centralised endpoints in a peered hub VPC, reached by the addresses a shared private zone
    // answers: without the connection, the zones or their records, that path is undecided.
    assert_table(table(
        "hub-endpoints-peering",
        Fault::Deny,
        Some(&[
            "ec2:DescribeVpcPeeringConnections",
            "route53:ListHostedZonesByVPC",
            "route53:ListResourceRecordSets",
        ]),
    ));
}

#[test]
fn every_call_denied_customer_managed_key() {
    // A secret encrypted with a customer managed key: the key and its policy are read.
    assert_table(table(
        "secrets-cmk",
        Fault::Deny,
        Some(&["kms:DescribeKey", "kms:GetKeyPolicy"]),
    ));
}

/// One operation of every protocol, for the faults other than a denial.
const ONE_PER_PROTOCOL: &[&str] = &[
    "ec2:DescribeNetworkAcls",
    "iam:ListAttachedRolePolicies",
    "ecr:DescribeImages",
    "logs:DescribeLogGroups",
    "efs:DescribeMountTargets",
    "s3:HeadObject",
    "route53:ListHostedZonesByVPC",
    "ecs:DescribeServices",
];

#[test]
fn permanent_throttling() {
    assert_table(table(
        "efs-healthy",
        Fault::Throttle,
        Some(ONE_PER_PROTOCOL),
    ));
}

#[test]
fn server_errors() {
    assert_table(table(
        "efs-healthy",
        Fault::ServerError,
        Some(ONE_PER_PROTOCOL),
    ));
}

#[test]
fn dropped_connections() {
    assert_table(table("efs-healthy", Fault::Drop, Some(ONE_PER_PROTOCOL)));
}

#[test]
fn calls_that_never_answer_time_out() {
    // FD_CALL_TIMEOUT=2: each hung call gives up after 2 s per attempt.
    assert_table(table(
        "efs-healthy",
        Fault::Hang,
        Some(&[
            "ec2:DescribeNetworkAcls",
            "efs:DescribeMountTargets",
            "ecs:DescribeServices",
        ]),
    ));
}

#[test]
fn a_burst_of_throttling_is_retried_away() {
    // With the SDK's standard retries (AWS_MAX_ATTEMPTS=3), one throttled answer per operation
    // changes nothing: same verdict, no unknown.
    let moto = Moto::start();
    moto.seed("efs-healthy");
    let proxy = FaultProxy::start(&moto.endpoint);
    let args = ["service", "--cluster", "prod", "web"];
    let env = [("AWS_MAX_ATTEMPTS", "3"), ("AWS_RETRY_MODE", "standard")];
    let (code, _, _) = moto.run_via(&proxy.endpoint, &env, &args);
    assert_eq!(code, 0);
    for op in proxy.seen().into_iter().collect::<BTreeSet<_>>() {
        proxy.set(&op, Fault::ThrottleBurst(1));
    }
    let (code, json, stderr) = moto.run_via(&proxy.endpoint, &env, &args);
    assert_eq!(code, 0, "{stderr}\n{}", summary(&json));
    assert_eq!(verdict(&json), "pass");
}

#[test]
fn an_endpoint_that_never_answers_is_exit_2() {
    let moto = Moto::start();
    moto.seed("healthy-nat");
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.set_all(Fault::Hang);
    let (code, json, stderr) = moto.run_via(
        &proxy.endpoint,
        &[("FD_CALL_TIMEOUT", "2")],
        &["service", "--cluster", "prod", "web"],
    );
    assert_eq!(code, 2, "{stderr}\n{}", summary(&json));
    assert!(stderr.contains("ecs:DescribeServices"), "{stderr}");
}

#[test]
fn the_run_deadline_ends_a_slow_collection() {
    let moto = Moto::start();
    moto.seed("healthy-nat");
    let proxy = FaultProxy::start(&moto.endpoint);
    proxy.set("ec2:DescribeNetworkAcls", Fault::Hang);
    let started = std::time::Instant::now();
    let (code, json, stderr) = moto.run_via(
        &proxy.endpoint,
        &[("FD_CALL_TIMEOUT", "30"), ("FD_DEADLINE", "3")],
        &["service", "--cluster", "prod", "web"],
    );
    // It ends at the deadline, not at the call's own 30 s timeout.
    assert!(started.elapsed() < std::time::Duration::from_secs(20));
    // What was read is diagnosed; the hung read is unknown, naming the deadline.
    assert_eq!(code, 3, "{stderr}\n{}", summary(&json));
    let nacl = &checks(&json)["NET-NACL-PATH"];
    assert_eq!(nacl.0, "unknown", "{}", summary(&json));
    assert!(nacl.1.contains("deadline"), "{}", nacl.1);
    // Everything else was read: the route checks still decide.
    assert_eq!(checks(&json)["NET-ROUTE-NO-DEFAULT"].0, "pass");
}

#[test]
fn least_privilege_user_missing_one_permission() {
    // moto's own IAM enforcement: the tool runs as a user whose policy allows every read but
    // ec2:DescribeNetworkAcls. The NACL check is unknown and names the call; nothing passes
    // that needed it; the run still diagnoses everything else.
    let moto = Moto::start();
    let seed = moto.seed("least-privilege-no-nacls");
    moto.enforce_iam();
    let (code, json, stderr) = moto.run_via(
        &moto.endpoint,
        &[
            ("AWS_ACCESS_KEY_ID", s(&seed, "access_key_id")),
            ("AWS_SECRET_ACCESS_KEY", s(&seed, "secret_access_key")),
        ],
        &["service", "--cluster", "prod", "web"],
    );
    assert_eq!(code, 3, "{stderr}\n{}", summary(&json));
    assert_eq!(check_status(&json, "NET-NACL-PATH"), "unknown");
    assert!(
        named_as_unknown(&json, "ec2:DescribeNetworkAcls"),
        "{}",
        summary(&json)
    );
    assert!(error_ids(&json).is_empty(), "{}", summary(&json));
}

#[test]
fn a_scan_goes_on_when_services_or_task_definitions_cannot_be_read() {
    // Fleet of 12 services (two DescribeServices batches) and one broken one. Each read about
    // the services themselves, denied, makes the services it covered incomplete (exit 3 with
    // the call named in each target), never an aborted scan (exit 2).
    let moto = Moto::start();
    moto.seed_with("fleet", &[("FD_SEED_SERVICES", "12")]);
    let proxy = FaultProxy::start(&moto.endpoint);
    let args = ["scan", "--cluster", "prod"];
    for op in ["ecs:DescribeServices", "ecs:DescribeTaskDefinition"] {
        proxy.clear();
        proxy.set(op, Fault::Deny);
        let (code, json, stderr) = moto.run_via(&proxy.endpoint, &[], &args);
        assert!(proxy.served(op) > 0, "{op}: the fault was never served");
        assert_eq!(code, 3, "{op}: {stderr}\n{}", summary(&json));
        let targets = json["targets"].as_array().expect("targets");
        assert_eq!(targets.len(), 13, "{op}");
        for t in targets {
            assert_eq!(t["verdict"], "incomplete", "{op}: {}", t["name"]);
            assert!(
                t.to_string().contains(op),
                "{op}: target {} does not name the call",
                t["name"]
            );
            let checks = t["checks"].as_array().unwrap();
            if op == "ecs:DescribeServices" {
                // Nothing about the service is known but its name.
                assert!(
                    checks.iter().all(|c| c["status"] == "unknown"),
                    "{op}: a check of {} decided without its service",
                    t["name"]
                );
            } else {
                // What the task definition says (the image, the roles) is unknown.
                for id in [
                    "IAM-EXEC-ECR",
                    "ECR-IMAGE-NOT-FOUND",
                    "NET-ROUTE-NO-DEFAULT",
                ] {
                    let c = checks.iter().find(|c| c["id"] == id).expect(id);
                    assert_eq!(c["status"], "unknown", "{op}: {id} of {}", t["name"]);
                }
            }
        }
    }
}
