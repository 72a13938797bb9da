//! The NFS path from a task to its EFS file system: per task subnet and EFS volume, the mount
//! target in the subnet's Availability Zone (EFS's DNS name resolves only to the mount target
//! in the client's zone), then TCP 2049 through the task's security groups (egress), the mount
//! target's security groups (ingress), and the network ACLs of both subnets in both directions
//! (stateless: the request on 2049, the return to the task's ephemeral ports). The route is
//! always the VPC's `local` route, so there is no route to judge.

use fd_snapshot::needs::TaskNeeds;
use fd_snapshot::{Fetched, Found, MountTarget, SecurityGroup, Snapshot, Subnet};
use ipnet::IpNet;

use super::path::{leg, run_legs, sg_unknown, task_ephemeral_ports, Eval, NaclIssue, SgIssue};
use super::sg::{self, Peer, SgDecision};

/// NFS.
pub const NFS_PORT: u16 = 2049;

/// The mount target a task in one subnet uses.
#[derive(Debug, Clone)]
pub enum MountTargetUse<'a> {
    /// The file system or its mount targets could not be read.
    Unknown(String),
    /// The file system does not exist (EFS-FS-NOT-FOUND's finding).
    NoFileSystem,
    /// No `available` mount target in the subnet's zone; the ones elsewhere.
    Missing {
        elsewhere: Vec<&'a MountTarget>,
    },
    Found(&'a MountTarget),
}

#[derive(Debug, Clone)]
pub struct NfsPath<'a> {
    pub subnet: &'a Subnet,
    pub volume: String,
    pub file_system_id: String,
    pub target: MountTargetUse<'a>,
    /// Task security groups: egress TCP 2049 to the mount target.
    pub task_egress: Eval<SgIssue>,
    /// Mount target security groups: ingress TCP 2049 from the task.
    pub target_ingress: Eval<SgIssue>,
    pub nacl: Eval<Vec<NaclIssue>>,
}

/// Every (task subnet, EFS volume) pair.
pub fn evaluate_all<'a>(
    snap: &'a Snapshot,
    needs: &TaskNeeds,
    subnets: &[&'a Subnet],
    task_groups: &[&'a SecurityGroup],
    task_group_ids: &[String],
    windows: bool,
) -> Vec<NfsPath<'a>> {
    let mut out = Vec::new();
    for subnet in subnets {
        for e in &needs.efs {
            let fs_id = &e.config.file_system_id;
            let target = mount_target(snap, subnet, fs_id);
            let (task_egress, target_ingress, nacl) = match &target {
                MountTargetUse::Found(mt) => {
                    flows(snap, subnet, mt, task_groups, task_group_ids, windows)
                }
                _ => (Eval::Ok, Eval::Ok, Eval::Ok),
            };
            out.push(NfsPath {
                subnet,
                volume: e.volume.clone(),
                file_system_id: fs_id.clone(),
                target,
                task_egress,
                target_ingress,
                nacl,
            });
        }
    }
    out
}

fn same_zone(subnet: &Subnet, mt: &MountTarget) -> bool {
    if mt.subnet_id == subnet.id {
        return true;
    }
    match (&subnet.availability_zone_id, &mt.availability_zone_id) {
        (Some(a), Some(b)) => a == b,
        _ => mt.availability_zone.as_deref() == Some(subnet.availability_zone.as_str()),
    }
}

fn mount_target<'a>(snap: &'a Snapshot, subnet: &Subnet, fs_id: &str) -> MountTargetUse<'a> {
    let fs = match snap.efs.file_systems.get(fs_id) {
        Some(Fetched::Found { value }) => value,
        Some(Fetched::Absent { .. }) => return MountTargetUse::NoFileSystem,
        Some(Fetched::Unreadable { call, reason }) => {
            return MountTargetUse::Unknown(format!("{call} failed for {fs_id}: {reason}"))
        }
        None => {
            return MountTargetUse::Unknown(format!(
                "EFS file system {fs_id} was not read (not in the snapshot)"
            ))
        }
    };
    let targets = match &fs.mount_targets {
        Fetched::Found { value } => value,
        Fetched::Absent { .. } => return MountTargetUse::Missing { elsewhere: vec![] },
        Fetched::Unreadable { call, reason } => {
            return MountTargetUse::Unknown(format!("{call} failed for {fs_id}: {reason}"))
        }
    };
    // Available, and in the task's VPC: the file system's name resolves only to a mount target
    // of the client's own VPC (a peered VPC's mount target needs its IP address instead).
    let usable = |mt: &&MountTarget| {
        mt.life_cycle_state.eq_ignore_ascii_case("available")
            && mt.vpc_id.as_deref().is_none_or(|v| v == subnet.vpc_id)
    };
    match targets
        .iter()
        .filter(usable)
        .find(|mt| same_zone(subnet, mt))
    {
        Some(mt) => MountTargetUse::Found(mt),
        None => MountTargetUse::Missing {
            elsewhere: targets.iter().collect(),
        },
    }
}

fn flows<'a>(
    snap: &'a Snapshot,
    subnet: &Subnet,
    mt: &MountTarget,
    task_groups: &[&'a SecurityGroup],
    task_group_ids: &[String],
    windows: bool,
) -> (Eval<SgIssue>, Eval<SgIssue>, Eval<Vec<NaclIssue>>) {
    let mt_net: Option<IpNet> = mt
        .ip_address
        .as_deref()
        .and_then(|ip| ip.parse::<std::net::IpAddr>().ok())
        .map(IpNet::from)
        .or_else(|| {
            // Absent or unreadable, the subnet leaves the address unknown (see `nacl` below).
            match snap.subnet(&mt.subnet_id) {
                Found::Yes(s) => Some(s.task_net()),
                Found::Missing | Found::Unknown(_) => None,
            }
        });
    let mt_groups: Result<&Vec<String>, String> = match &mt.security_groups {
        Fetched::Found { value } => Ok(value),
        Fetched::Absent { call, .. } => Err(format!("{call}: {} has no security groups", mt.id)),
        Fetched::Unreadable { call, reason } => {
            Err(format!("{call} failed for {}: {reason}", mt.id))
        }
    };

    let task_egress = match (sg_unknown(snap), &mt_groups, mt_net) {
        (Some(why), _, _) => Eval::Unknown(why),
        _ if task_groups.is_empty() => Eval::Unknown(
            "the task's security groups are not known (none in its network configuration, or \
             none of them could be found)"
                .into(),
        ),
        (None, groups, net) => {
            let peer = Peer {
                nets: net.into_iter().collect(),
                groups: groups.as_ref().map(|g| g.to_vec()).unwrap_or_default(),
                prefix_lists: vec![],
            };
            match sg::evaluate(task_groups, true, NFS_PORT, &peer, snap) {
                SgDecision::Allowed(_) => Eval::Ok,
                SgDecision::Unknown(why) => Eval::Unknown(why),
                SgDecision::Denied { .. } if groups.is_err() => {
                    Eval::Unknown(groups.clone().err().unwrap_or_default())
                }
                // No address to judge the rules by: neither the mount target's nor its subnet's.
                SgDecision::Denied { .. } if net.is_none() => Eval::Unknown(format!(
                    "the address of mount target {} and its subnet {} are not known",
                    mt.id, mt.subnet_id
                )),
                SgDecision::Denied { uncovered } => Eval::Issue(SgIssue {
                    groups: task_group_ids.to_vec(),
                    endpoint: Some(mt.id.clone()),
                    uncovered,
                    wanted: format!(
                        "TCP 2049 (NFS) to the mount target {} ({}, security groups {})",
                        mt.id,
                        mt.ip_address.as_deref().unwrap_or("address unknown"),
                        groups.as_ref().map(|g| g.join(", ")).unwrap_or_default()
                    ),
                }),
            }
        }
    };

    let target_ingress = match (sg_unknown(snap), &mt_groups) {
        (Some(why), _) => Eval::Unknown(why),
        (None, Err(why)) => Eval::Unknown(why.clone()),
        (None, Ok(ids)) => {
            let mut groups: Vec<&SecurityGroup> = Vec::new();
            let mut unread = None;
            for g in ids.iter() {
                match snap.security_group(g) {
                    Found::Yes(sg) => groups.push(sg),
                    Found::Missing => {
                        unread.get_or_insert_with(|| {
                            format!(
                                "a security group of mount target {} ({}) is not in the snapshot",
                                mt.id,
                                ids.join(", ")
                            )
                        });
                    }
                    Found::Unknown(why) => {
                        unread.get_or_insert(why);
                    }
                }
            }
            if let Some(why) = unread {
                Eval::Unknown(why)
            } else {
                let peer = Peer {
                    nets: vec![subnet.task_net()],
                    groups: task_group_ids.to_vec(),
                    prefix_lists: vec![],
                };
                match sg::evaluate(&groups, false, NFS_PORT, &peer, snap) {
                    SgDecision::Allowed(_) => Eval::Ok,
                    SgDecision::Unknown(why) => Eval::Unknown(why),
                    SgDecision::Denied { .. } if task_group_ids.is_empty() => Eval::Unknown(
                        "the task's security groups are not known, and the mount target's rules \
                         do not accept its subnet by address"
                            .into(),
                    ),
                    SgDecision::Denied { uncovered } => Eval::Issue(SgIssue {
                        groups: ids.to_vec(),
                        endpoint: Some(mt.id.clone()),
                        uncovered,
                        wanted: format!(
                            "TCP 2049 (NFS) from the task (its security groups {}, or its subnets' CIDRs)",
                            task_group_ids.join(", "),
                        ),
                    }),
                }
            }
        }
    };

    let nacl = match mt_net {
        None => Eval::Unknown(format!(
            "the address of mount target {} and its subnet {} are not known",
            mt.id, mt.subnet_id
        )),
        // Traffic inside one subnet does not cross its network ACL.
        Some(_) if mt.subnet_id == subnet.id => Eval::Ok,
        Some(addr) => {
            let task_net = subnet.task_net();
            let eph = task_ephemeral_ports(windows);
            let mt_label = format!("the mount target {} ({addr}) in {}", mt.id, mt.subnet_id);
            let task_label = format!("the task subnet {} ({})", subnet.id, subnet.cidr_label());
            let nfs = (NFS_PORT, NFS_PORT);
            run_legs(
                snap,
                vec![
                    leg(
                        &mt_label,
                        &subnet.id,
                        "task subnet",
                        true,
                        "request",
                        addr,
                        nfs,
                    ),
                    leg(
                        &mt_label,
                        &subnet.id,
                        "task subnet",
                        false,
                        "return",
                        addr,
                        eph,
                    ),
                    leg(
                        &task_label,
                        &mt.subnet_id,
                        "mount target subnet",
                        false,
                        "request",
                        task_net,
                        nfs,
                    ),
                    leg(
                        &task_label,
                        &mt.subnet_id,
                        "mount target subnet",
                        true,
                        "return",
                        task_net,
                        eph,
                    ),
                ],
            )
        }
    };
    (task_egress, target_ingress, nacl)
}
