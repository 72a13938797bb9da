use crate::checks::{ev, group_by, subjects, Check, Needs, Outcome};
use crate::context::Cx;
use crate::net::efs::MountTargetUse;
use crate::report::Severity;

pub static CHECK: Check = Check {
    id: "EFS-MOUNT-TARGET-MISSING",
    title: "The task cannot resolve an EFS mount target in its Availability Zone",
    severity: Severity::Error,
    group: "EFS volumes",
    what: "Per task subnet and EFS volume: looks for an available mount target of the file system \
           (elasticfilesystem:DescribeMountTargets) in the subnet's VPC and Availability Zone, by \
           zone ID; and, since the mount helper resolves the file system's DNS name, that the VPC \
           has both enableDnsSupport and enableDnsHostnames on.",
    why: "The file system's DNS name resolves only to the mount target in the client's own zone. A \
          task placed in a zone without one cannot resolve it: 'ResourceInitializationError: failed \
          to invoke EFS utils commands to set up EFS volumes: stderr: Failed to resolve \
          \"fs-….efs.<region>.amazonaws.com\"'. With several subnets, only the tasks placed in the \
          uncovered zones fail: an intermittent failure.",
    fix: "Create a mount target in each Availability Zone the service uses (one per zone), with a \
          security group that accepts NFS (TCP 2049) from the tasks:\n  \
          aws efs create-mount-target --file-system-id fs-… --subnet-id subnet-… --security-groups sg-…",
    docs: &[
        "https://docs.aws.amazon.com/efs/latest/ug/accessing-fs.html",
        "https://docs.aws.amazon.com/efs/latest/ug/manage-fs-access.html",
    ],
    needs: Needs::NfsPaths,
    explains: &[],
    alternatives: None,
    run,
};

fn run(cx: &Cx) -> Outcome {
    let mut unknown = None;
    let mut missing = Vec::new();
    for p in &cx.nfs_paths {
        match &p.target {
            MountTargetUse::Found(_) | MountTargetUse::NoFileSystem => {}
            MountTargetUse::Unknown(why) => unknown = Some(why.clone()),
            MountTargetUse::Missing { elsewhere } => missing.push((
                p.file_system_id.clone(),
                p.subnet.id.clone(),
                (p, elsewhere),
            )),
        }
    }
    let mut findings = dns_attributes(cx, &mut unknown);
    let per_zone: Vec<_> = group_by(missing)
        .into_iter()
        .map(|(fs, subnets, (p, elsewhere))| {
            let zones: Vec<String> = subnets
                .iter()
                .filter_map(|s| cx.snap.subnet(s).evidence())
                .map(|s| {
                    format!(
                        "{} ({})",
                        s.availability_zone,
                        s.availability_zone_id.as_deref().unwrap_or("zone ID unknown")
                    )
                })
                .collect();
            let have: Vec<String> = elsewhere
                .iter()
                .map(|mt| {
                    format!(
                        "{} in {} ({}, {})",
                        mt.id,
                        mt.subnet_id,
                        mt.availability_zone.as_deref().unwrap_or("?"),
                        mt.life_cycle_state
                    )
                })
                .collect();
            let mut resources = subnets.clone();
            resources.push(fs.clone());
            let groups = cx.netcfg.map(|n| n.security_groups.join(" ")).unwrap_or_default();
            CHECK.finding(
                format!(
                    "{} in {} where EFS file system {fs} (volume {}) has no available mount target: tasks placed there cannot mount it.",
                    subjects(&subnets, "is", "are"),
                    zones.join(", "),
                    p.volume
                ),
                resources,
                vec![ev(
                    &fs,
                    if have.is_empty() {
                        "mount targets: none".to_string()
                    } else {
                        format!("mount targets: {}", have.join("; "))
                    },
                )],
                subnets
                    .iter()
                    .map(|s| format!("aws efs create-mount-target --file-system-id {fs} --subnet-id {s} --security-groups <sg accepting TCP 2049 from {groups}>"))
                    .collect::<Vec<_>>()
                    .join("; "),
            )
        })
        .collect();
    findings.extend(per_zone);
    Outcome::from_findings(findings, unknown)
}

/// The EFS DNS name resolves only with both VPC DNS attributes on (EFS user guide, "Mounting on
/// Amazon EC2 with a DNS name").
fn dns_attributes(cx: &Cx, unknown: &mut Option<String>) -> Vec<crate::report::Finding> {
    let Some(vpc) = cx.vpc else {
        *unknown = Some(
            cx.unreadable(fd_snapshot::Op::Ec2DescribeVpcs)
                .unwrap_or_else(|| "the task's VPC is not in the snapshot".into()),
        );
        return vec![];
    };
    let off: Vec<&str> = [
        ("enableDnsSupport", vpc.enable_dns_support),
        ("enableDnsHostnames", vpc.enable_dns_hostnames),
    ]
    .into_iter()
    .filter_map(|(name, v)| match v {
        Some(false) => Some(name),
        Some(true) => None,
        None => {
            *unknown = Some(
                cx.unreadable(fd_snapshot::Op::Ec2DescribeVpcAttribute)
                    .unwrap_or_else(|| format!("{name} of {} was not read", vpc.id)),
            );
            None
        }
    })
    .collect();
    if off.is_empty() {
        return vec![];
    }
    let fss: Vec<&str> = cx
        .needs
        .efs
        .iter()
        .map(|e| e.config.file_system_id.as_str())
        .collect();
    vec![CHECK.finding(
        format!(
            "{} has {} off: the task cannot resolve the DNS name of EFS file system {}.",
            vpc.id,
            off.join(" and "),
            fss.join(", ")
        ),
        vec![vpc.id.clone()],
        vec![ev(&vpc.id, format!("{}: false", off.join(", ")))],
        off.iter()
            .map(|a| {
                let flag = if *a == "enableDnsSupport" {
                    "--enable-dns-support"
                } else {
                    "--enable-dns-hostnames"
                };
                format!(
                    "aws ec2 modify-vpc-attribute --vpc-id {} {flag} '{{\"Value\":true}}'",
                    vpc.id
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
    )]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::{self, efs_file_system, efs_volume};
    use crate::report::CheckStatus;

    #[test]
    fn names_only_the_uncovered_subnet() {
        let mut snap = testkit::healthy_nat();
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::NotApplicable);
        let subnets = testkit::subnets(&snap);
        let sg = testkit::task_groups(&snap)[0].clone();
        efs_volume(&mut snap, "fs-1", None, false);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Unknown);
        efs_file_system(&mut snap, "fs-1", &[(&subnets[0], &sg)]);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings.len(), 1);
        assert_eq!(out.findings[0].resources[0], subnets[1]);
        assert!(!out.findings[0].resources.contains(&subnets[0]));
        efs_file_system(&mut snap, "fs-1", &[(&subnets[0], &sg), (&subnets[1], &sg)]);
        assert_eq!(testkit::status(&CHECK, &snap), CheckStatus::Pass);
        // DNS hostnames off: the file system's name does not resolve; the VPC is named first.
        let vpc = testkit::found(snap.subnet(&subnets[0])).vpc_id.clone();
        snap.network
            .vpcs
            .get_mut(&vpc)
            .expect("vpc")
            .enable_dns_hostnames = Some(false);
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], vpc);
    }

    #[test]
    fn a_mount_target_in_another_vpc_does_not_count() {
        let mut snap = testkit::healthy_nat();
        let subnets = testkit::subnets(&snap);
        let sg = testkit::task_groups(&snap)[0].clone();
        efs_volume(&mut snap, "fs-1", None, false);
        efs_file_system(&mut snap, "fs-1", &[(&subnets[0], &sg), (&subnets[1], &sg)]);
        if let Some(fd_snapshot::Fetched::Found { value }) = snap.efs.file_systems.get_mut("fs-1") {
            if let fd_snapshot::Fetched::Found { value: mts } = &mut value.mount_targets {
                mts[1].vpc_id = Some("vpc-peered".into());
            }
        }
        let out = testkit::run(&CHECK, &snap);
        assert_eq!(out.status, CheckStatus::Fail);
        assert_eq!(out.findings[0].resources[0], subnets[1]);
    }
}
