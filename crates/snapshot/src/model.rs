use std::collections::BTreeMap;

use ipnet::{IpNet, Ipv4Net};
use serde::{Deserialize, Serialize};

use crate::keyed::Keyed;
use crate::read::{ApiCall, FieldOrigin, Provided};

/// Everything one diagnosis run read, for one Region of one account.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Must equal [`crate::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The Region the tasks run in (`us-east-1`).
    pub region: String,
    /// The account that was read, when known (STS or an ARN).
    #[serde(default)]
    pub account_id: Option<String>,
    /// RFC 3339 time of collection, for the reader's information only.
    #[serde(default)]
    pub collected_at: Option<String>,
    /// What to diagnose: tasks, services, or not-yet-launched (preflight) tasks.
    pub targets: Vec<Target>,
    #[serde(default)]
    pub ecs: EcsData,
    #[serde(default)]
    pub network: NetworkData,
    /// Execution roles and their policies.
    #[serde(default)]
    pub iam: IamData,
    /// ECR repositories and images the task definitions refer to.
    #[serde(default)]
    pub ecr: EcrData,
    /// Secrets Manager secrets, SSM parameters, log groups and KMS keys the tasks refer to.
    #[serde(default)]
    pub resources: ResourceData,
    /// EFS file systems, their mount targets and access points, that task volumes use.
    #[serde(default)]
    pub efs: EfsData,
    /// S3 objects (`environmentFiles`) and their buckets.
    #[serde(default)]
    pub s3: S3Data,
    /// Route 53 private hosted zones associated with the tasks' VPCs.
    #[serde(default)]
    pub dns: DnsData,
    /// The outcome of every API call the collector made (successes included): the read log of
    /// the facts that came from AWS.
    #[serde(default)]
    pub calls: Vec<ApiCall>,
    /// The facts that came from a file (that will create them) or an event (that carried
    /// them) instead of an AWS call: their keyed lookups are never answered from `calls`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provided: Vec<Provided>,
}

// ---------------------------------------------------------------------------------------------
// Targets
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Task,
    Service,
    Preflight,
}

impl TargetKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Task => "task",
            TargetKind::Service => "service",
            TargetKind::Preflight => "preflight",
        }
    }
}

/// One thing to diagnose: a task, a service (the configuration its next task will meet), or a
/// task about to be launched.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    pub kind: TargetKind,
    /// Cluster name or ARN as given.
    pub cluster: String,
    /// Task ID, service name, or the task definition for a preflight.
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// Task definition ARN (or `family:revision`); its body is in [`EcsData::task_definitions`].
    /// `None` when the target itself could not be read.
    #[serde(default)]
    pub task_definition: Option<String>,
    /// `LATEST`, `1.4.0`, `1.3.0` …; `None` means the ECS default (`LATEST`).
    #[serde(default)]
    pub platform_version: Option<String>,
    #[serde(default)]
    pub launch_type: Option<String>,
    /// The awsvpc configuration the task uses (or will use).
    #[serde(default)]
    pub network_configuration: Option<AwsVpcConfiguration>,
    /// `overrides.executionRoleArn` of a task.
    #[serde(default)]
    pub execution_role_override: Option<String>,
    /// Tasks about to start (service desired count), for free-IP checks.
    #[serde(default)]
    pub desired_count: Option<u32>,
    /// Task: `lastStatus`. Service: `status`.
    #[serde(default)]
    pub status: Option<String>,
    /// The availability zone a task was placed in, when known.
    #[serde(default)]
    pub availability_zone: Option<String>,
    /// The task ENI, when the task has one.
    #[serde(default)]
    pub eni_id: Option<String>,
    /// The task's private IPv4 address, when it has one.
    #[serde(default)]
    pub private_ip: Option<String>,
    /// The stopped reason of the task, or of the most recent stopped task of a service.
    #[serde(default)]
    pub stopped_reason: Option<String>,
    #[serde(default)]
    pub stop_code: Option<String>,
    /// `containers[].reason` of the task.
    #[serde(default)]
    pub container_reasons: Vec<ContainerReason>,
    /// Recent stopped tasks of a service (their reasons), newest first.
    #[serde(default)]
    pub stopped_tasks: Vec<StoppedTask>,
    /// Recent service events, newest first.
    #[serde(default)]
    pub events: Vec<ServiceEvent>,
    /// The image digests the service's running tasks were started with (ECS pins a service's
    /// tasks to the digest resolved at deployment): new tasks of the deployment pull them. Or
    /// why the running tasks could not be read (see [`RunningDigests`]).
    #[serde(default)]
    pub deployed_digests: RunningDigests,
    /// Parts of the target that could not be read, with the call and the reason ("stopped
    /// tasks: ecs:ListTasks was denied (…)"): the diagnosis is incomplete without them.
    #[serde(default)]
    pub unread: Vec<String>,
    /// The target's own description could not be read (a service of a `scan` whose
    /// DescribeServices failed): nothing about it is known but its name, and every check is
    /// `unknown` for it. A single-target run ends with exit 2 instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description_unread: Option<CallUnread>,
    /// The fields of this target that a file or an event gave rather than an AWS call (the
    /// stopped reason of a task that may be gone when the API is read). A field not listed
    /// came from the calls that read the target.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<FieldOrigin>,
}

impl Target {
    /// The file or event that gave `field` (`stopped_reason`) of this target, if one did.
    pub fn origin_of(&self, field: &str) -> Option<&crate::Origin> {
        self.origins
            .iter()
            .find(|o| o.field == field)
            .map(|o| &o.origin)
    }
}

/// A read that did not answer (denied, throttled, failed, not modelled, past the deadline).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallUnread {
    /// `service:Operation`.
    pub call: String,
    pub reason: String,
}

impl std::fmt::Display for CallUnread {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} failed ({})", self.call, self.reason)
    }
}

/// What the running tasks of a service say about the digests its deployment is pinned to: the
/// digests, or why the tasks could not be read. A reader cannot take the list without handling
/// "could not be read", which is not "no digests" (a task, a preflight, and a service without a
/// running task have none, and that is [`RunningDigests::Found`] with an empty list).
///
/// In a snapshot file the found list is the plain array it always was (snapshots written before
/// the unreadable case was recorded load unchanged); the unreadable case is written as a lookup,
/// like [`Fetched::Unreadable`]: `{"lookup": "unreadable", "call": "ecs:ListTasks", "reason": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunningDigests {
    Found(Vec<DeployedDigest>),
    /// `ecs:ListTasks` or `ecs:DescribeTasks` for the running tasks did not answer (denied,
    /// throttled, failed).
    Unreadable {
        /// `service:Operation`.
        call: String,
        reason: String,
    },
}

impl Default for RunningDigests {
    fn default() -> Self {
        RunningDigests::Found(Vec::new())
    }
}

impl RunningDigests {
    /// The digests, when they were read.
    pub fn found(&self) -> Option<&[DeployedDigest]> {
        match self {
            RunningDigests::Found(v) => Some(v),
            RunningDigests::Unreadable { .. } => None,
        }
    }
}

impl From<Vec<DeployedDigest>> for RunningDigests {
    fn from(v: Vec<DeployedDigest>) -> Self {
        RunningDigests::Found(v)
    }
}

/// The file form of [`RunningDigests::Unreadable`] (the `Fetched` tag, `"lookup"`).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "lookup", deny_unknown_fields)]
enum UnreadableDigests {
    Unreadable { call: String, reason: String },
}

impl Serialize for RunningDigests {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            RunningDigests::Found(v) => v.serialize(s),
            RunningDigests::Unreadable { call, reason } => UnreadableDigests::Unreadable {
                call: call.clone(),
                reason: reason.clone(),
            }
            .serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for RunningDigests {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
        use serde::de::{MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RunningDigests;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a list of deployed digests, or {\"lookup\": \"unreadable\", \"call\": …, \"reason\": …}",
                )
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                Vec::<DeployedDigest>::deserialize(SeqAccessDeserializer::new(seq))
                    .map(RunningDigests::Found)
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                let UnreadableDigests::Unreadable { call, reason } =
                    UnreadableDigests::deserialize(MapAccessDeserializer::new(map))?;
                Ok(RunningDigests::Unreadable { call, reason })
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeployedDigest {
    pub container: String,
    /// The image as the container definition names it.
    pub image: String,
    /// `sha256:…`.
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsVpcConfiguration {
    pub subnets: Vec<String>,
    #[serde(default)]
    pub security_groups: Vec<String>,
    /// `assignPublicIp == ENABLED`.
    #[serde(default)]
    pub assign_public_ip: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerReason {
    pub container: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoppedTask {
    pub arn: String,
    #[serde(default)]
    pub stopped_reason: Option<String>,
    #[serde(default)]
    pub stop_code: Option<String>,
    #[serde(default)]
    pub container_reasons: Vec<ContainerReason>,
    #[serde(default)]
    pub subnet_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceEvent {
    #[serde(default)]
    pub created_at: Option<String>,
    pub message: String,
}

// ---------------------------------------------------------------------------------------------
// ECS
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcsData {
    /// Keyed by the task definition reference the targets use; read with
    /// [`Snapshot::task_definition`].
    #[serde(default)]
    pub task_definitions: Keyed<TaskDefinition>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaskDefinition {
    #[serde(default)]
    pub arn: Option<String>,
    pub family: String,
    #[serde(default)]
    pub revision: Option<i32>,
    #[serde(default)]
    pub execution_role_arn: Option<String>,
    #[serde(default)]
    pub task_role_arn: Option<String>,
    #[serde(default)]
    pub network_mode: Option<String>,
    #[serde(default)]
    pub requires_compatibilities: Vec<String>,
    /// Task-level CPU units as ECS stores them (`"256"`, `"1024"`, or `"1 vCPU"`).
    #[serde(default)]
    pub cpu: Option<String>,
    /// Task-level memory as ECS stores it (`"512"`, `"2048"`, or `"2 GB"`).
    #[serde(default)]
    pub memory: Option<String>,
    /// `runtimePlatform.cpuArchitecture` (`X86_64`, `ARM64`); `None` means X86_64.
    #[serde(default)]
    pub cpu_architecture: Option<String>,
    /// `runtimePlatform.operatingSystemFamily` (`LINUX`, `WINDOWS_SERVER_2022_CORE` …).
    #[serde(default)]
    pub operating_system_family: Option<String>,
    /// `ephemeralStorage.sizeInGiB`.
    #[serde(default)]
    pub ephemeral_storage_gib: Option<i32>,
    /// `volumes[]`.
    #[serde(default)]
    pub volumes: Vec<Volume>,
    /// `proxyConfiguration.type` (`APPMESH`), when set.
    #[serde(default)]
    pub proxy_configuration: Option<String>,
    /// `inferenceAccelerators[].deviceName`.
    #[serde(default)]
    pub inference_accelerators: Vec<String>,
    pub containers: Vec<ContainerDefinition>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Volume {
    pub name: String,
    pub kind: VolumeKind,
}

/// What backs a task volume.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum VolumeKind {
    /// `efsVolumeConfiguration`.
    Efs(EfsVolume),
    /// `fsxWindowsFileServerVolumeConfiguration`.
    FsxWindows { file_system_id: String },
    /// `dockerVolumeConfiguration` (not supported on Fargate).
    Docker {
        #[serde(default)]
        driver: Option<String>,
    },
    /// A bind mount (`host` with or without `sourcePath`), or task-level ephemeral storage.
    Bind {
        #[serde(default)]
        source_path: Option<String>,
    },
    /// `configuredAtLaunch`: the volume (EBS) is configured by the service or RunTask.
    ConfiguredAtLaunch,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EfsVolume {
    pub file_system_id: String,
    #[serde(default)]
    pub root_directory: Option<String>,
    /// `transitEncryption == ENABLED`.
    #[serde(default)]
    pub transit_encryption: bool,
    #[serde(default)]
    pub transit_encryption_port: Option<i32>,
    /// `authorizationConfig.accessPointId`.
    #[serde(default)]
    pub access_point_id: Option<String>,
    /// `authorizationConfig.iam == ENABLED`.
    #[serde(default)]
    pub iam: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContainerDefinition {
    pub name: String,
    pub image: String,
    #[serde(default)]
    pub essential: Option<bool>,
    /// `repositoryCredentials.credentialsParameter` (a Secrets Manager secret ARN or name).
    #[serde(default)]
    pub repository_credentials: Option<String>,
    #[serde(default)]
    pub secrets: Vec<SecretRef>,
    #[serde(default)]
    pub log_configuration: Option<LogConfiguration>,
    /// `environmentFiles[].value` (S3 object ARNs).
    #[serde(default)]
    pub environment_files: Vec<String>,
    /// `mountPoints[]`.
    #[serde(default)]
    pub mount_points: Vec<MountPoint>,
    /// `firelensConfiguration.type` (`fluentbit`, `fluentd`), when set.
    #[serde(default)]
    pub firelens: Option<String>,
    /// `credentialSpecs[]` (gMSA).
    #[serde(default)]
    pub credential_specs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MountPoint {
    pub source_volume: String,
    #[serde(default)]
    pub container_path: Option<String>,
    #[serde(default)]
    pub read_only: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecretRef {
    pub name: String,
    pub value_from: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogConfiguration {
    pub log_driver: String,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    #[serde(default)]
    pub secret_options: Vec<SecretRef>,
}

// ---------------------------------------------------------------------------------------------
// Network (EC2)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkData {
    #[serde(default)]
    pub availability_zones: Keyed<AvailabilityZone>,
    #[serde(default)]
    pub vpcs: Keyed<Vpc>,
    #[serde(default)]
    pub dhcp_options: Keyed<DhcpOptions>,
    #[serde(default)]
    pub subnets: Keyed<Subnet>,
    #[serde(default)]
    pub route_tables: Keyed<RouteTable>,
    #[serde(default)]
    pub internet_gateways: Keyed<InternetGateway>,
    #[serde(default)]
    pub nat_gateways: Keyed<NatGateway>,
    #[serde(default)]
    pub vpc_endpoints: Keyed<VpcEndpoint>,
    #[serde(default)]
    pub network_interfaces: Keyed<NetworkInterface>,
    #[serde(default)]
    pub security_groups: Keyed<SecurityGroup>,
    #[serde(default)]
    pub network_acls: Keyed<NetworkAcl>,
    #[serde(default)]
    pub prefix_lists: Keyed<PrefixList>,
    /// VPC peering connections that a route of the targets' route tables names
    /// (`DescribeVpcPeeringConnections`, by ID).
    #[serde(default, skip_serializing_if = "Keyed::is_empty")]
    pub peering_connections: Keyed<PeeringConnection>,
}

/// Keyed by zone name (`us-east-1a`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AvailabilityZone {
    pub name: String,
    /// The zone ID (`use1-az4`): the same physical zone in every account.
    pub zone_id: String,
    #[serde(default)]
    pub zone_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vpc {
    pub id: String,
    pub cidr_blocks: Vec<Ipv4Net>,
    #[serde(default)]
    pub ipv6_cidr_blocks: Vec<IpNet>,
    /// `None` when the VPC has no DHCP options set (`default` in some emulators), which means
    /// AmazonProvidedDNS.
    #[serde(default)]
    pub dhcp_options_id: Option<String>,
    /// `enableDnsSupport`; `None` when DescribeVpcAttribute could not be read.
    #[serde(default)]
    pub enable_dns_support: Option<bool>,
    /// `enableDnsHostnames`; `None` when DescribeVpcAttribute could not be read.
    #[serde(default)]
    pub enable_dns_hostnames: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DhcpOptions {
    pub id: String,
    /// The `domain-name-servers` values (`AmazonProvidedDNS` or IP addresses).
    #[serde(default)]
    pub domain_name_servers: Vec<String>,
}

/// A subnet. It has an IPv4 CIDR block, or IPv6 CIDR blocks, or both (dual-stack); an
/// IPv6-only subnet (`Ipv6Native`) has no IPv4 block. A snapshot whose subnet has neither is
/// refused when it is loaded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SubnetFields")]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    /// The IPv4 CIDR block; `None` for an IPv6-only subnet.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cidr_block: Option<Ipv4Net>,
    pub availability_zone: String,
    pub availability_zone_id: Option<String>,
    pub available_ip_address_count: Option<u32>,
    pub map_public_ip_on_launch: bool,
    pub ipv6_native: bool,
    /// The subnet's IPv6 CIDR blocks.
    pub ipv6_cidr_blocks: Vec<IpNet>,
    /// `enableDns64`.
    pub enable_dns64: bool,
}

impl Subnet {
    /// True when tasks in the subnet get no IPv4 address (`Ipv6Native`, no IPv4 block).
    pub fn ipv6_only(&self) -> bool {
        self.ipv6_native || self.cidr_block.is_none()
    }

    /// The addresses a task in the subnet sends from, as security group and network ACL rules
    /// see them: the IPv4 block, or for an IPv6-only subnet its (first) IPv6 block.
    pub fn task_net(&self) -> IpNet {
        match (
            self.ipv6_only(),
            self.cidr_block,
            self.ipv6_cidr_blocks.first(),
        ) {
            (false, Some(v4), _) | (true, Some(v4), None) => IpNet::V4(v4),
            (_, _, Some(v6)) => *v6,
            // Refused by the loader and never built by the collector; the empty IPv6 net is
            // covered by no rule but `::/0`, so nothing passes on it by accident.
            (_, None, None) => IpNet::V6(ipnet::Ipv6Net::default()),
        }
    }

    /// "10.0.1.0/24", "2600:1f18::/64", or both.
    pub fn cidr_label(&self) -> String {
        let mut parts: Vec<String> = self.cidr_block.iter().map(|c| c.to_string()).collect();
        if self.ipv6_only() || parts.is_empty() {
            parts.extend(self.ipv6_cidr_blocks.iter().map(|c| c.to_string()));
        }
        parts.join(", ")
    }
}

/// [`Subnet`] as written in a snapshot, checked before it becomes one.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubnetFields {
    id: String,
    vpc_id: String,
    #[serde(default)]
    cidr_block: Option<Ipv4Net>,
    availability_zone: String,
    #[serde(default)]
    availability_zone_id: Option<String>,
    #[serde(default)]
    available_ip_address_count: Option<u32>,
    #[serde(default)]
    map_public_ip_on_launch: bool,
    #[serde(default)]
    ipv6_native: bool,
    #[serde(default)]
    ipv6_cidr_blocks: Vec<IpNet>,
    #[serde(default)]
    enable_dns64: bool,
}

impl TryFrom<SubnetFields> for Subnet {
    type Error = String;
    fn try_from(f: SubnetFields) -> Result<Self, String> {
        if f.cidr_block.is_none() && !f.ipv6_cidr_blocks.iter().any(|c| c.addr().is_ipv6()) {
            return Err(format!(
                "subnet {} has neither `cidr_block` (IPv4) nor an IPv6 block in `ipv6_cidr_blocks`",
                f.id
            ));
        }
        Ok(Subnet {
            id: f.id,
            vpc_id: f.vpc_id,
            cidr_block: f.cidr_block,
            availability_zone: f.availability_zone,
            availability_zone_id: f.availability_zone_id,
            available_ip_address_count: f.available_ip_address_count,
            map_public_ip_on_launch: f.map_public_ip_on_launch,
            ipv6_native: f.ipv6_native,
            ipv6_cidr_blocks: f.ipv6_cidr_blocks,
            enable_dns64: f.enable_dns64,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// True when this is the VPC's main route table.
    #[serde(default)]
    pub main: bool,
    /// Subnets explicitly associated with this table.
    #[serde(default)]
    pub subnet_associations: Vec<String>,
    pub routes: Vec<Route>,
}

/// A route's destination: a CIDR or a managed prefix list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RouteDestination {
    Cidr(IpNet),
    PrefixList(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub destination: RouteDestination,
    /// The target ID as AWS gives it: `local`, `igw-…`, `nat-…`, `vpce-…`, `tgw-…`, `pcx-…`,
    /// `vgw-…`, `eni-…`, `i-…`, `eigw-…`, `lgw-…`, `cagw-…`, or a core network ARN.
    pub target: String,
    /// `active` or `blackhole`.
    #[serde(default = "active")]
    pub state: String,
    /// `CreateRouteTable`, `CreateRoute`, `EnableVgwRoutePropagation`.
    #[serde(default)]
    pub origin: Option<String>,
}

fn active() -> String {
    "active".to_string()
}

/// A VPC peering connection: it carries traffic only between the two VPCs' CIDR blocks
/// (peering is not transitive: never to the peer's internet, NAT or virtual private gateway).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeeringConnection {
    pub id: String,
    /// `active`, `pending-acceptance`, `deleted`, `rejected`, `failed`, `expired` …
    pub status: String,
    pub requester: PeerVpc,
    pub accepter: PeerVpc,
}

/// One side of a peering connection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerVpc {
    pub vpc_id: String,
    #[serde(default)]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    /// The CIDR blocks (IPv4 and IPv6) of that VPC that the connection carries.
    #[serde(default)]
    pub cidr_blocks: Vec<IpNet>,
}

impl PeeringConnection {
    /// The side that is not `vpc_id`.
    pub fn peer_of(&self, vpc_id: &str) -> &PeerVpc {
        if self.requester.vpc_id == vpc_id {
            &self.accepter
        } else {
            &self.requester
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InternetGateway {
    pub id: String,
    /// VPCs this gateway is attached to (attachment state `available`/`attached`).
    #[serde(default)]
    pub attached_vpcs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NatGateway {
    pub id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    /// `pending`, `failed`, `available`, `deleting`, `deleted`.
    pub state: String,
    /// `public` or `private`; `None` when the API omitted it (AWS's default is `public`).
    #[serde(default)]
    pub connectivity_type: Option<String>,
    #[serde(default)]
    pub public_ips: Vec<String>,
    #[serde(default)]
    pub private_ips: Vec<String>,
    #[serde(default)]
    pub failure_message: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VpcEndpoint {
    pub id: String,
    pub vpc_id: String,
    /// `com.amazonaws.us-east-1.ecr.dkr`.
    pub service_name: String,
    /// `Interface`, `Gateway`, `GatewayLoadBalancer`.
    pub endpoint_type: String,
    /// `available`, `pending`, `pendingAcceptance`, `rejected`, `failed`, `deleted` …
    pub state: String,
    #[serde(default)]
    pub private_dns_enabled: bool,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub network_interface_ids: Vec<String>,
    #[serde(default)]
    pub route_table_ids: Vec<String>,
    /// The endpoint policy document (JSON text).
    #[serde(default)]
    pub policy_document: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkInterface {
    pub id: String,
    pub subnet_id: String,
    #[serde(default)]
    pub private_ip: Option<String>,
    #[serde(default)]
    pub public_ip: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default)]
    pub interface_type: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityGroup {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    pub vpc_id: String,
    #[serde(default)]
    pub ingress: Vec<SgRule>,
    #[serde(default)]
    pub egress: Vec<SgRule>,
}

/// One security group rule, flattened: one peer per rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SgRule {
    /// `-1` (all), `tcp`, `udp`, `icmp`, or a protocol number as a string.
    pub protocol: String,
    /// Absent for all-traffic rules.
    #[serde(default)]
    pub from_port: Option<i32>,
    #[serde(default)]
    pub to_port: Option<i32>,
    pub peer: SgPeer,
    #[serde(default)]
    pub description: Option<String>,
    /// `sgr-…`, when known.
    #[serde(default)]
    pub rule_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum SgPeer {
    Cidr(IpNet),
    SecurityGroup(String),
    PrefixList(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub subnet_associations: Vec<String>,
    pub entries: Vec<NaclEntry>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NaclEntry {
    pub rule_number: i32,
    pub egress: bool,
    /// `-1` (all), or a protocol number as a string (`6` TCP, `17` UDP).
    pub protocol: String,
    /// `allow` or `deny`.
    pub action: String,
    pub cidr: IpNet,
    #[serde(default)]
    pub port_from: Option<i32>,
    #[serde(default)]
    pub port_to: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefixList {
    pub id: String,
    /// `com.amazonaws.us-east-1.s3` for AWS-managed lists.
    pub name: String,
    /// `None` when the entries could not be read.
    #[serde(default)]
    pub cidrs: Option<Vec<IpNet>>,
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IamData {
    /// Keyed by the role ARN exactly as the task definition (or override) gives it. A role that
    /// does not exist is absent, with a `GetRole` call of outcome `not_found` scoped to the ARN.
    #[serde(default)]
    pub roles: Keyed<Role>,
    /// The account's ECS service-linked role `AWSServiceRoleForECS` (`None`: not looked up).
    #[serde(default)]
    pub service_linked_role: Option<Fetched<ServiceLinkedRole>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLinkedRole {
    pub arn: String,
    #[serde(default)]
    pub trust_policy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    pub arn: String,
    pub name: String,
    /// The trust (assume-role) policy, URL-decoded JSON text.
    #[serde(default)]
    pub trust_policy: Option<String>,
    /// Managed policies attached to the role; `None` when ListAttachedRolePolicies failed.
    #[serde(default)]
    pub attached_policies: Option<Vec<ManagedPolicy>>,
    /// Inline policies; `None` when ListRolePolicies failed.
    #[serde(default)]
    pub inline_policies: Option<Vec<InlinePolicy>>,
    /// The permissions boundary, if the role has one.
    #[serde(default)]
    pub permissions_boundary: Option<ManagedPolicy>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManagedPolicy {
    pub arn: String,
    #[serde(default)]
    pub name: Option<String>,
    /// The default version's document, URL-decoded JSON text; `None` when it could not be read.
    #[serde(default)]
    pub document: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InlinePolicy {
    pub name: String,
    /// URL-decoded JSON text; `None` when GetRolePolicy failed.
    #[serde(default)]
    pub document: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// ECR
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EcrData {
    /// Keyed by repository ARN (`arn:aws:ecr:<region>:<account>:repository/<name>`). A missing
    /// repository is absent, with a `DescribeRepositories` call of outcome `not_found` scoped
    /// to the ARN.
    #[serde(default)]
    pub repositories: Keyed<Repository>,
    /// Keyed by the image reference exactly as the container definition gives it. A missing tag
    /// or digest is absent, with a `DescribeImages` call of outcome `not_found` scoped to it.
    #[serde(default)]
    pub images: Keyed<Image>,
    /// Pull-through cache rules of the registry, keyed by `<account>:<region>` (read only for
    /// images whose repository does not exist yet: a pull-through rule creates it on first pull).
    #[serde(default)]
    pub pull_through_rules: BTreeMap<String, Fetched<Vec<PullThroughRule>>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PullThroughRule {
    /// `ecrRepositoryPrefix` (`docker-hub`, `ROOT` …).
    pub prefix: String,
    /// `upstreamRegistryUrl` (`registry-1.docker.io`).
    #[serde(default)]
    pub upstream_url: Option<String>,
    #[serde(default)]
    pub credential_arn: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repository {
    pub arn: String,
    pub name: String,
    pub registry_id: String,
    pub region: String,
    #[serde(default)]
    pub uri: Option<String>,
    /// The repository policy JSON; `None` when the repository has none (or it could not be
    /// read: see `calls`).
    #[serde(default)]
    pub policy: Option<String>,
    /// `AES256` or `KMS`.
    #[serde(default)]
    pub encryption_type: Option<String>,
    #[serde(default)]
    pub kms_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Image {
    pub repository_arn: String,
    /// The tag or `sha256:` digest the container definition asks for.
    pub reference: String,
    #[serde(default)]
    pub digest: Option<String>,
    #[serde(default)]
    pub manifest_media_type: Option<String>,
    /// Platforms the image offers: from a manifest list / OCI index, or from the config blob of
    /// a single-platform image. `None` when they could not be determined.
    #[serde(default)]
    pub platforms: Option<Vec<ImagePlatform>>,
    /// `imageSizeInBytes` (compressed) of what the task pulls; `None` when ECR did not report
    /// it (a manifest list whose platform image could not be read).
    #[serde(default)]
    pub size_bytes: Option<i64>,
    /// Layers with a foreign media type (`…foreign.diff.tar.gzip`: Windows base layers pulled
    /// from Microsoft's registry, not ECR); `None` when the manifest was not read.
    #[serde(default)]
    pub foreign_layers: Option<Vec<String>>,
}

impl Image {
    /// The platform image a task on `os`/`architecture` pulls from a manifest list, if this is
    /// one and it offers that platform.
    pub fn platform_image(&self, os: &str, architecture: &str) -> Option<&ImagePlatform> {
        self.platforms
            .as_ref()?
            .iter()
            .find(|p| p.os == os && p.architecture == architecture)
    }

    /// The compressed size of what a task on `os`/`architecture` pulls: the platform image of a
    /// manifest list, or the image itself.
    pub fn pulled_size(&self, os: &str, architecture: &str) -> Option<i64> {
        match self.platform_image(os, architecture) {
            Some(p) => p.size_bytes,
            None => self.size_bytes,
        }
    }

    /// The foreign layers of what a task on `os`/`architecture` pulls (see [`Image::pulled_size`]).
    pub fn pulled_foreign_layers(&self, os: &str, architecture: &str) -> Option<&Vec<String>> {
        match self.platform_image(os, architecture) {
            Some(p) => p.foreign_layers.as_ref(),
            None => self.foreign_layers.as_ref(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImagePlatform {
    /// `linux`, `windows`.
    pub os: String,
    /// `amd64`, `arm64`, …
    pub architecture: String,
    #[serde(default)]
    pub variant: Option<String>,
    /// The platform image's digest in the manifest list.
    #[serde(default)]
    pub digest: Option<String>,
    /// `imageSizeInBytes` of the platform image (DescribeImages by its digest), when read.
    #[serde(default)]
    pub size_bytes: Option<i64>,
    /// Foreign layers of the platform image's manifest (BatchGetImage by its digest), when read.
    #[serde(default)]
    pub foreign_layers: Option<Vec<String>>,
}

// ---------------------------------------------------------------------------------------------
// Secrets, parameters, log groups, KMS keys
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceData {
    /// Keyed by the secret ID the task refers to ([`crate::refs::secret_id`] of the
    /// `valueFrom` or `credentialsParameter`). Missing: absent + `DescribeSecret` `not_found`.
    #[serde(default)]
    pub secrets: Keyed<Secret>,
    /// Keyed by the `valueFrom` exactly as given (a name or an ARN). Missing: absent +
    /// `DescribeParameters` `not_found` scoped to it.
    #[serde(default)]
    pub parameters: Keyed<Parameter>,
    /// Keyed by `<region>:<log group name>`. Missing: absent + `DescribeLogGroups`
    /// `not_found` scoped to the key.
    #[serde(default)]
    pub log_groups: Keyed<LogGroup>,
    /// Keyed by the key ID, alias or ARN as referenced.
    #[serde(default)]
    pub kms_keys: Keyed<KmsKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Secret {
    pub arn: String,
    pub name: String,
    #[serde(default)]
    pub kms_key_id: Option<String>,
    /// Scheduled for deletion (DeletedDate set): unusable.
    #[serde(default)]
    pub deleted: bool,
    #[serde(default)]
    pub resource_policy: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Parameter {
    pub name: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// `String`, `StringList`, `SecureString`.
    #[serde(default)]
    pub parameter_type: Option<String>,
    #[serde(default)]
    pub key_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogGroup {
    pub name: String,
    pub region: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub kms_key_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    pub arn: String,
    /// `AWS` or `CUSTOMER`.
    #[serde(default)]
    pub key_manager: Option<String>,
    #[serde(default)]
    pub key_state: Option<String>,
    #[serde(default)]
    pub policy: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Lookups: found, absent, or unreadable — by construction
// ---------------------------------------------------------------------------------------------

/// The outcome of looking one thing up. A reader cannot get the value without handling
/// "absent" (AWS said it does not exist) and "unreadable" (the call was denied, throttled,
/// failed or timed out) separately.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "lookup", deny_unknown_fields)]
pub enum Fetched<T> {
    Found {
        value: T,
    },
    /// The call answered that it does not exist.
    Absent {
        /// `service:Operation`.
        call: String,
        #[serde(default)]
        detail: Option<String>,
    },
    /// The call did not answer: denied, throttled, failed.
    Unreadable {
        call: String,
        reason: String,
    },
}

impl<T> Fetched<T> {
    pub fn found(value: T) -> Self {
        Fetched::Found { value }
    }
    /// As a lookup: found, missing (the call said it does not exist) or unknown (why).
    pub fn lookup(&self) -> crate::Found<'_, T> {
        match self {
            Fetched::Found { value } => crate::Found::Yes(value),
            Fetched::Absent { .. } => crate::Found::Missing,
            Fetched::Unreadable { call, reason } => {
                crate::Found::Unknown(format!("{call} failed: {reason}"))
            }
        }
    }
    pub fn value(&self) -> Option<&T> {
        match self {
            Fetched::Found { value } => Some(value),
            _ => None,
        }
    }
    /// The same lookup with its value transformed.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fetched<U> {
        match self {
            Fetched::Found { value } => Fetched::Found { value: f(value) },
            Fetched::Absent { call, detail } => Fetched::Absent { call, detail },
            Fetched::Unreadable { call, reason } => Fetched::Unreadable { call, reason },
        }
    }
    pub fn as_ref(&self) -> Fetched<&T> {
        match self {
            Fetched::Found { value } => Fetched::Found { value },
            Fetched::Absent { call, detail } => Fetched::Absent {
                call: call.clone(),
                detail: detail.clone(),
            },
            Fetched::Unreadable { call, reason } => Fetched::Unreadable {
                call: call.clone(),
                reason: reason.clone(),
            },
        }
    }
}

// ---------------------------------------------------------------------------------------------
// EFS
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EfsData {
    /// Keyed by the `fileSystemId` a volume names.
    #[serde(default)]
    pub file_systems: BTreeMap<String, Fetched<FileSystem>>,
    /// Keyed by the `accessPointId` a volume names.
    #[serde(default)]
    pub access_points: BTreeMap<String, Fetched<AccessPoint>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileSystem {
    pub id: String,
    #[serde(default)]
    pub arn: Option<String>,
    /// `creating`, `available`, `updating`, `deleting`, `deleted`, `error`.
    pub life_cycle_state: String,
    /// Its mount targets (`DescribeMountTargets`, and `DescribeMountTargetSecurityGroups` for
    /// each).
    pub mount_targets: Fetched<Vec<MountTarget>>,
    /// The file system policy (`DescribeFileSystemPolicy`); absent: EFS's default policy.
    pub policy: Fetched<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MountTarget {
    pub id: String,
    pub subnet_id: String,
    /// The mount target's VPC: the file system's DNS name resolves to it only inside that VPC.
    #[serde(default)]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub availability_zone: Option<String>,
    #[serde(default)]
    pub availability_zone_id: Option<String>,
    #[serde(default)]
    pub ip_address: Option<String>,
    #[serde(default)]
    pub network_interface_id: Option<String>,
    pub life_cycle_state: String,
    /// Its security groups (their rules are in `network.security_groups`).
    pub security_groups: Fetched<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessPoint {
    pub id: String,
    pub file_system_id: String,
    pub life_cycle_state: String,
    #[serde(default)]
    pub root_directory: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// S3 (environment files)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Data {
    /// Keyed by the object ARN an `environmentFiles` entry names (`HeadObject`; never
    /// `GetObject`: an env file's content is a secret).
    #[serde(default)]
    pub objects: BTreeMap<String, Fetched<S3Object>>,
    /// Keyed by bucket name (`GetBucketLocation`).
    #[serde(default)]
    pub buckets: BTreeMap<String, Fetched<S3Bucket>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Object {
    pub bucket: String,
    pub key: String,
    #[serde(default)]
    pub size_bytes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct S3Bucket {
    pub name: String,
    /// The bucket's Region (`GetBucketLocation`; an empty constraint is `us-east-1`).
    pub region: String,
    /// `GetBucketPolicy`; absent: no bucket policy.
    pub policy: Fetched<String>,
}

// ---------------------------------------------------------------------------------------------
// DNS (Route 53)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsData {
    /// Private hosted zones associated with a VPC (`ListHostedZonesByVPC`), keyed by VPC ID.
    #[serde(default)]
    pub private_zones: BTreeMap<String, Fetched<Vec<HostedZone>>>,
    /// Route 53 Resolver rules associated with a VPC (`ListResolverRuleAssociations`, then
    /// `GetResolverRule` for each), keyed by VPC ID.
    #[serde(default)]
    pub resolver_rules: BTreeMap<String, Fetched<Vec<ResolverRuleAssociation>>>,
    /// Route 53 Resolver DNS Firewall rule groups associated with a VPC
    /// (`ListFirewallRuleGroupAssociations`), with their rules (`ListFirewallRules`) and the
    /// domains of each rule's list (`ListFirewallDomains`), keyed by VPC ID.
    #[serde(default)]
    pub firewall_rule_groups: BTreeMap<String, Fetched<Vec<FirewallRuleGroupAssociation>>>,
}

/// A Resolver rule associated with a VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolverRuleAssociation {
    /// `rslvr-rrassoc-…`.
    pub id: String,
    /// `rslvr-rr-…`.
    pub rule_id: String,
    /// `CREATING`, `COMPLETE`, `DELETING`, `FAILED`, `OVERRIDDEN`.
    #[serde(default)]
    pub status: Option<String>,
    /// The rule itself (`GetResolverRule`).
    pub rule: Fetched<ResolverRule>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResolverRule {
    /// Lower case, without the trailing dot; `.` (every name) is kept as `.`.
    pub domain_name: String,
    /// `FORWARD`, `SYSTEM`, `RECURSIVE` or `DELEGATE`.
    pub rule_type: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Where a FORWARD rule sends the queries (`ip:port`).
    #[serde(default)]
    pub target_ips: Vec<String>,
}

/// A DNS Firewall rule group associated with a VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallRuleGroupAssociation {
    /// `rslvr-frgassoc-…`.
    pub id: String,
    /// `rslvr-frg-…`.
    pub rule_group_id: String,
    #[serde(default)]
    pub name: Option<String>,
    /// Groups are evaluated from the lowest priority number up.
    pub priority: i32,
    /// `COMPLETE`, `DELETING`, `UPDATING`.
    #[serde(default)]
    pub status: Option<String>,
    /// The group's rules (`ListFirewallRules`).
    pub rules: Fetched<Vec<FirewallRule>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FirewallRule {
    #[serde(default)]
    pub name: Option<String>,
    /// Rules of a group are evaluated from the lowest priority number up.
    pub priority: i32,
    /// `ALLOW`, `BLOCK` or `ALERT`.
    pub action: String,
    /// `rslvr-fdl-…`; `None` for a rule that inspects something other than a domain list.
    #[serde(default)]
    pub domain_list_id: Option<String>,
    /// `ManagedOwnerName` of an AWS managed domain list (a threat list whose domains cannot be
    /// listed); `None` for the account's own lists.
    #[serde(default)]
    pub domain_list_managed_by: Option<String>,
    /// The DNS query type the rule applies to (`A`, `AAAA`, `TXT` …); `None`: every type.
    #[serde(default)]
    pub qtype: Option<String>,
    /// The list's domains (`ListFirewallDomains`), lower case, without the trailing dot
    /// (`example.com`, `*.example.com`, `*`).
    pub domains: Fetched<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostedZone {
    /// `Z…` (without `/hostedzone/`).
    pub id: String,
    /// The zone name, without the trailing dot (`us-east-1.amazonaws.com`).
    pub name: String,
    /// The names of the zone's A, AAAA and CNAME records (`ListResourceRecordSets`; aliases are
    /// A or AAAA), lower case, without the trailing dot; read only for a zone that covers a name
    /// the task needs.
    pub records: Fetched<Vec<String>>,
    /// What those records answer, by record name: the addresses of plain A/AAAA records, or
    /// the name a CNAME or alias record points to. `None` in snapshots written before the
    /// values were read: what such a zone's names resolve to is then unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<BTreeMap<String, RecordAnswer>>,
}

/// What a private hosted zone answers for one name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordAnswer {
    /// Addresses of A and AAAA records with values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<std::net::IpAddr>,
    /// The name a CNAME record or an alias (A/AAAA) record points to, lower case, without the
    /// trailing dot (`vpce-0abc-xyz.api.ecr.us-east-1.vpce.amazonaws.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// API call outcomes
// ---------------------------------------------------------------------------------------------

impl Snapshot {
    /// The first recorded failure (denied, throttled, failed) of `op`, if any.
    /// A check that needs the data of that call says `unknown` with this reason.
    pub fn call_failure(&self, op: crate::Op) -> Option<&ApiCall> {
        self.calls.iter().find(|c| c.is(op) && c.failed())
    }

    /// The recorded outcome of `op` for the one resource `key` (the last one, if several).
    /// Lookups of named resources (a role, a repository, a secret) record their scope, so that
    /// "not found" can be told from "could not be read".
    pub fn call_for(&self, op: crate::Op, key: &str) -> Option<&ApiCall> {
        self.calls
            .iter()
            .rev()
            .find(|c| c.is(op) && c.scope.as_ref().is_some_and(|s| s.is_key(key)))
    }

    /// The recorded outcome of `op` for exactly `scope` (the last one, if several): an inline
    /// policy of a role is `Scope::Part { of: role, part: name }`.
    pub fn call_scoped(&self, op: crate::Op, scope: &crate::Scope) -> Option<&ApiCall> {
        self.calls
            .iter()
            .rev()
            .find(|c| c.is(op) && c.scope.as_ref() == Some(scope))
    }

    /// A new, empty snapshot for `region`.
    pub fn new(region: impl Into<String>) -> Self {
        Snapshot {
            schema_version: crate::SCHEMA_VERSION,
            region: region.into(),
            ..Default::default()
        }
    }
}
