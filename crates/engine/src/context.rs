//! Everything the checks need about one target, resolved once: its task definition, platform
//! version, subnets and security groups, the destinations it must reach, and the evaluated
//! network path from every subnet to every destination.

use fd_snapshot::needs::TaskNeeds;
use fd_snapshot::{
    AwsVpcConfiguration, SecurityGroup, Snapshot, Subnet, Target, TaskDefinition, Vpc,
};
use fd_snapshot::{Found, Op};

use crate::net::dest::{self, Destination};
use crate::net::dns::VpcDns;
use crate::net::efs::{self, NfsPath};
use crate::net::path::{self, PathEval, PathInput};
use crate::net::route::{self, TableChoice};
use crate::platform::PlatformVersion;
use crate::roles::{self, Need, RoleView};

pub struct SubnetPaths<'a> {
    pub subnet: &'a Subnet,
    pub table: Option<TableChoice<'a>>,
    pub paths: Vec<PathEval<'a>>,
}

pub struct Cx<'a> {
    pub snap: &'a Snapshot,
    pub target: &'a Target,
    pub td: Option<&'a TaskDefinition>,
    pub pv: PlatformVersion,
    pub netcfg: Option<&'a AwsVpcConfiguration>,
    pub subnets: Vec<&'a Subnet>,
    /// Subnets of the configuration that AWS said do not exist.
    pub missing_subnets: Vec<String>,
    /// Subnets of the configuration that could not be read: (ID, why).
    pub unread_subnets: Vec<(String, String)>,
    pub task_groups: Vec<&'a SecurityGroup>,
    /// Security groups of the configuration that AWS said do not exist.
    pub missing_groups: Vec<String>,
    /// Security groups of the configuration that could not be read: (ID, why). The network
    /// paths then take the task's groups as unknown (an unread group may allow the flow).
    pub unread_groups: Vec<(String, String)>,
    pub vpc: Option<&'a Vpc>,
    /// What the VPC resolver does with names (the task's VPC), read once.
    pub dns: Option<VpcDns<'a>>,
    /// What the task needs and from whom: the one walk over its task definition.
    pub needs: TaskNeeds,
    pub dests: Vec<Destination>,
    /// The evaluated paths of the task subnets where tasks get an IPv4 address (IPv4-only and
    /// dual-stack): every IPv4 network check reads these.
    pub paths: Vec<SubnetPaths<'a>>,
    /// The same for IPv6-only subnets (no IPv4 address on the task): only NET-IPV6-ONLY reads
    /// them, by the IPv6 routes.
    pub v6_paths: Vec<SubnetPaths<'a>>,
    /// Per task subnet × EFS volume: the NFS path to the mount target in the subnet's zone.
    pub nfs_paths: Vec<NfsPath<'a>>,
    /// The execution role, its policies parsed once.
    pub exec_role: RoleView<'a>,
    /// The task role, its policies parsed once.
    pub task_role: RoleView<'a>,
    /// Every call the execution role must be allowed.
    pub exec_needs: Vec<Need>,
    /// Every call the task role must be allowed for EFS IAM authorization.
    pub efs_needs: Vec<Need>,
}

impl<'a> Cx<'a> {
    pub fn new(snap: &'a Snapshot, target: &'a Target) -> Self {
        let td = target
            .task_definition
            .as_ref()
            .and_then(|k| snap.task_definition(k).evidence());
        let pv = PlatformVersion::new(target.platform_version.as_deref(), td);
        let netcfg = target.network_configuration.as_ref();
        let (mut subnets, mut missing_subnets, mut unread_subnets) =
            (Vec::new(), Vec::new(), Vec::new());
        let (mut task_groups, mut missing_groups, mut unread_groups) =
            (Vec::new(), Vec::new(), Vec::new());
        if let Some(n) = netcfg {
            for s in &n.subnets {
                match snap.subnet(s) {
                    Found::Yes(sub) => subnets.push(sub),
                    Found::Missing => missing_subnets.push(s.clone()),
                    Found::Unknown(why) => unread_subnets.push((s.clone(), why)),
                }
            }
            for g in &n.security_groups {
                match snap.security_group(g) {
                    Found::Yes(sg) => task_groups.push(sg),
                    Found::Missing => missing_groups.push(g.clone()),
                    Found::Unknown(why) => unread_groups.push((g.clone(), why)),
                }
            }
        }
        // Absent or unreadable, a VPC that is not there makes the VPC checks unknown
        // (`checks::vpc_missing` says why).
        let vpc = subnets.first().and_then(|s| snap.vpc(&s.vpc_id).evidence());
        let dns = subnets.first().map(|s| VpcDns::of(snap, &s.vpc_id));
        let needs = td
            .map(|t| TaskNeeds::of(t, target.execution_role_override.as_deref(), &snap.region))
            .unwrap_or_default();
        let dests = dest::destinations(&needs, &pv, &snap.region, &snap.s3);
        // With a group unread, the paths cannot be judged on the others alone.
        let path_groups: Vec<&SecurityGroup> = if unread_groups.is_empty() {
            task_groups.clone()
        } else {
            Vec::new()
        };
        let group_ids: Vec<String> = path_groups.iter().map(|g| g.id.clone()).collect();
        let (v6_paths, paths): (Vec<_>, Vec<_>) = subnets
            .iter()
            .map(|subnet| {
                let table = route::table_for_subnet(&snap.network, subnet);
                let input = PathInput {
                    snapshot: snap,
                    subnet,
                    table,
                    task_groups: &path_groups,
                    task_group_ids: &group_ids,
                    windows: pv.windows,
                    dns: dns.as_ref(),
                };
                SubnetPaths {
                    subnet,
                    table,
                    paths: dests.iter().map(|d| path::evaluate(&input, d)).collect(),
                }
            })
            .partition(|sp: &SubnetPaths| sp.subnet.ipv6_only());
        let nfs_paths =
            efs::evaluate_all(snap, &needs, &subnets, &path_groups, &group_ids, pv.windows);
        let exec_role = roles::load(snap, needs.execution_role.as_deref(), "execution role");
        let task_role = roles::load(snap, needs.task_role.as_deref(), "task role");
        let exec_needs = roles::execution_needs(snap, &needs, pv.legacy);
        let efs_needs = roles::efs_needs(snap, &needs);
        Cx {
            snap,
            target,
            td,
            pv,
            netcfg,
            subnets,
            missing_subnets,
            unread_subnets,
            task_groups,
            missing_groups,
            unread_groups,
            vpc,
            dns,
            needs,
            dests,
            paths,
            v6_paths,
            nfs_paths,
            exec_role,
            task_role,
            exec_needs,
            efs_needs,
        }
    }

    /// The execution role the task uses: the task's override, else the task definition's.
    pub fn execution_role(&self) -> Option<&str> {
        self.needs.execution_role.as_deref()
    }

    /// The image platform the task pulls, as manifest lists name it: (`linux`|`windows`,
    /// `amd64`|`arm64`).
    pub fn platform(&self) -> (&'static str, &'static str) {
        let os = if self.pv.windows { "windows" } else { "linux" };
        let arch = match self.td.and_then(|t| t.cpu_architecture.as_deref()) {
            Some("ARM64") => "arm64",
            _ => "amd64",
        };
        (os, arch)
    }

    pub fn assign_public_ip(&self) -> bool {
        self.netcfg.is_some_and(|n| n.assign_public_ip)
    }

    /// Why a check that needs `service:operation` cannot be decided, if that call failed.
    pub fn unreadable(&self, op: fd_snapshot::Op) -> Option<String> {
        self.snap.call_failure(op).map(|c| c.describe_failure())
    }

    /// Why the target's subnets cannot be judged, if a subnet read failed. A subnet the
    /// collector read but cannot model (an IPv6-only subnet: error code `NotModelled`, scoped to
    /// that subnet) counts only for the targets that use it.
    pub fn subnets_unreadable(&self) -> Option<String> {
        let own = |scope: Option<&fd_snapshot::Scope>| {
            self.netcfg.is_some_and(|n| {
                n.subnets
                    .iter()
                    .any(|s| scope.is_some_and(|sc| sc.is_only(s, Some("subnet-id"))))
            })
        };
        self.snap
            .calls
            .iter()
            .filter(|c| c.is(Op::Ec2DescribeSubnets) && c.failed())
            .find(|c| c.error_code.as_deref() != Some("NotModelled") || own(c.scope.as_ref()))
            .map(|c| c.describe_failure())
    }

    /// Why the task definition is not available, if it is not.
    pub fn td_missing(&self) -> Option<String> {
        if self.td.is_some() {
            return None;
        }
        Some(match &self.target.task_definition {
            Some(k) => match self.snap.task_definition(k) {
                // `td` is this same lookup: not reached while `td` is `None`.
                Found::Yes(_) => format!("task definition {k} could not be used"),
                Found::Missing => format!("task definition {k} does not exist"),
                Found::Unknown(why) => why,
            },
            None => match self.unreadable(Op::EcsDescribeTaskDefinition) {
                Some(why) => why,
                None => "the target's task definition is not known".into(),
            },
        })
    }

    /// Why the network checks cannot run, if they cannot (no awsvpc configuration, subnets
    /// unreadable).
    pub fn network_missing(&self) -> Option<String> {
        if self.netcfg.is_none() {
            return Some("the target has no awsvpc network configuration".into());
        }
        if let Some(why) = self.subnets_unreadable() {
            return Some(why);
        }
        // A subnet that could not be read may be the one that breaks the task.
        if let Some((_, why)) = self.unread_subnets.first() {
            return Some(why.clone());
        }
        if self.subnets.is_empty() {
            return Some("none of the target's subnets could be found".into());
        }
        None
    }
}
