//! EFS: the file systems and access points the task volumes name, with each file system's
//! mount targets (and their security groups) and its file system policy, mapped into
//! [`m::EfsData`]. A Fargate task mounts EFS in its own Region, so one client is enough.
//!
//! Calls and their scopes:
//! - `DescribeFileSystems`, `DescribeMountTargets`, `DescribeFileSystemPolicy`: the file
//!   system ID;
//! - `DescribeMountTargetSecurityGroups`: the mount target ID;
//! - `DescribeAccessPoints`: the access point ID.
//!
//! `FileSystemNotFound`, `AccessPointNotFound` and `PolicyNotFound` (no policy: EFS's default
//! policy applies) are `Absent`; a denied or failed call is `Unreadable`.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_efs::types as t;
use aws_sdk_efs::Client;
use fd_snapshot::{self as m, CallOutcome, Fetched};
use fd_snapshot::{Op, Scope};
use futures::stream::{self, StreamExt};

use crate::calls::{fetched, CallFailure, Recorder};

const CONCURRENCY: usize = 4;

/// Reads `file_systems` and `access_points` (IDs as the task definitions give them).
pub(crate) async fn collect_efs(
    client: &Client,
    rec: &Recorder,
    file_systems: &BTreeSet<String>,
    access_points: &BTreeSet<String>,
) -> m::EfsData {
    let fs_fut = stream::iter(file_systems)
        .map(|id| async move { (id.clone(), file_system(client, rec, id).await) })
        .buffer_unordered(CONCURRENCY)
        .collect::<BTreeMap<_, _>>();
    let ap_fut = stream::iter(access_points)
        .map(|id| async move { (id.clone(), access_point(client, rec, id).await) })
        .buffer_unordered(CONCURRENCY)
        .collect::<BTreeMap<_, _>>();
    let (file_systems, access_points) = futures::join!(fs_fut, ap_fut);
    m::EfsData {
        file_systems,
        access_points,
    }
}

/// The subnets and security groups of the mount targets read: the far end of the task's NFS
/// path, which the network data must hold too.
pub(crate) fn mount_target_network(efs: &m::EfsData) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut subnets = BTreeSet::new();
    let mut groups = BTreeSet::new();
    let targets = efs
        .file_systems
        .values()
        .filter_map(Fetched::value)
        .filter_map(|fs| fs.mount_targets.value())
        .flatten();
    for mt in targets {
        subnets.insert(mt.subnet_id.clone());
        groups.extend(mt.security_groups.value().into_iter().flatten().cloned());
    }
    (subnets, groups)
}

fn not_found(message: &str) -> CallFailure {
    CallFailure {
        outcome: CallOutcome::NotFound,
        code: None,
        message: Some(message.to_string()),
        transport: None,
    }
}

/// DescribeFileSystems; then, for a file system that exists, its mount targets and its policy,
/// concurrently.
async fn file_system(client: &Client, rec: &Recorder, id: &str) -> Fetched<m::FileSystem> {
    let scope = Some(Scope::key(id));
    let described = rec
        .call_judged(
            Op::EfsDescribeFileSystems,
            scope.clone(),
            client.describe_file_systems().file_system_id(id).send(),
            |out| {
                out.file_systems()
                    .is_empty()
                    .then(|| not_found("DescribeFileSystems returned no file system"))
            },
        )
        .await;
    let out = match described {
        Ok(out) => out,
        Err(f) => return fetched(Op::EfsDescribeFileSystems, Err(f)),
    };
    let Some(description) = out.file_systems().first() else {
        return fetched(
            Op::EfsDescribeFileSystems,
            Err(not_found("DescribeFileSystems returned no file system")),
        );
    };
    let policy = async {
        let result = rec
            .call(
                Op::EfsDescribeFileSystemPolicy,
                scope.clone(),
                client
                    .describe_file_system_policy()
                    .file_system_id(id)
                    .send(),
            )
            .await
            .and_then(|out| {
                out.policy()
                    .filter(|p| !p.is_empty())
                    .map(str::to_string)
                    .ok_or_else(|| not_found("DescribeFileSystemPolicy returned no policy"))
            });
        fetched(Op::EfsDescribeFileSystemPolicy, result)
    };
    let (mount_targets, policy) = futures::join!(mount_targets(client, rec, id), policy);
    Fetched::found(map_file_system(description, mount_targets, policy))
}

/// DescribeMountTargets (every page), then DescribeMountTargetSecurityGroups for each.
async fn mount_targets(
    client: &Client,
    rec: &Recorder,
    file_system_id: &str,
) -> Fetched<Vec<m::MountTarget>> {
    let stream = client
        .describe_mount_targets()
        .file_system_id(file_system_id)
        .into_paginator()
        .send();
    let (pages, failure) = rec
        .pages(
            Op::EfsDescribeMountTargets,
            Some(Scope::key(file_system_id)),
            stream,
        )
        .await;
    if let Some(f) = failure {
        return fetched(Op::EfsDescribeMountTargets, Err(f));
    }
    let descriptions: Vec<&t::MountTargetDescription> =
        pages.iter().flat_map(|p| p.mount_targets()).collect();
    // `buffered` keeps EFS's order.
    let targets = stream::iter(descriptions)
        .map(|d| async move {
            let id = d.mount_target_id();
            let groups = rec
                .call(
                    Op::EfsDescribeMountTargetSecurityGroups,
                    Some(Scope::key(id)),
                    client
                        .describe_mount_target_security_groups()
                        .mount_target_id(id)
                        .send(),
                )
                .await
                .map(|out| out.security_groups().to_vec());
            map_mount_target(d, fetched(Op::EfsDescribeMountTargetSecurityGroups, groups))
        })
        .buffered(CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    Fetched::found(targets.into_iter().flatten().collect())
}

/// DescribeAccessPoints by ID.
async fn access_point(client: &Client, rec: &Recorder, id: &str) -> Fetched<m::AccessPoint> {
    let result = rec
        .call_judged(
            Op::EfsDescribeAccessPoints,
            Some(Scope::key(id)),
            client.describe_access_points().access_point_id(id).send(),
            |out| {
                out.access_points()
                    .is_empty()
                    .then(|| not_found("DescribeAccessPoints returned no access point"))
            },
        )
        .await
        .and_then(|out| {
            out.access_points()
                .first()
                .and_then(|a| map_access_point(a, id))
                .ok_or_else(|| not_found("DescribeAccessPoints returned no access point"))
        });
    fetched(Op::EfsDescribeAccessPoints, result)
}

// ---------------------------------------------------------------------------------------------
// Mapping (pure)
// ---------------------------------------------------------------------------------------------

fn owned(s: Option<&str>) -> Option<String> {
    s.filter(|s| !s.is_empty()).map(str::to_string)
}

pub(crate) fn map_file_system(
    fs: &t::FileSystemDescription,
    mount_targets: Fetched<Vec<m::MountTarget>>,
    policy: Fetched<String>,
) -> m::FileSystem {
    m::FileSystem {
        id: fs.file_system_id().to_string(),
        arn: owned(fs.file_system_arn()),
        life_cycle_state: fs.life_cycle_state().as_str().to_string(),
        mount_targets,
        policy,
    }
}

/// `None` for a mount target without an ID or subnet (nothing to check it by).
pub(crate) fn map_mount_target(
    mt: &t::MountTargetDescription,
    security_groups: Fetched<Vec<String>>,
) -> Option<m::MountTarget> {
    Some(m::MountTarget {
        id: owned(Some(mt.mount_target_id()))?,
        subnet_id: owned(Some(mt.subnet_id()))?,
        vpc_id: owned(mt.vpc_id()),
        availability_zone: owned(mt.availability_zone_name()),
        availability_zone_id: owned(mt.availability_zone_id()),
        ip_address: owned(mt.ip_address()),
        network_interface_id: owned(mt.network_interface_id()),
        life_cycle_state: mt.life_cycle_state().as_str().to_string(),
        security_groups,
    })
}

/// `id` is the access point ID asked for, used when the answer leaves it out.
pub(crate) fn map_access_point(a: &t::AccessPointDescription, id: &str) -> Option<m::AccessPoint> {
    Some(m::AccessPoint {
        id: owned(a.access_point_id()).unwrap_or_else(|| id.to_string()),
        file_system_id: owned(a.file_system_id())?,
        life_cycle_state: a
            .life_cycle_state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        root_directory: a.root_directory().and_then(|r| owned(r.path())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mount_target_description() -> t::MountTargetDescription {
        t::MountTargetDescription::builder()
            .mount_target_id("fsmt-1")
            .file_system_id("fs-1")
            .subnet_id("subnet-9")
            .life_cycle_state(t::LifeCycleState::Available)
            .ip_address("10.0.9.10")
            .network_interface_id("eni-9")
            .availability_zone_name("us-east-1b")
            .availability_zone_id("use1-az2")
            .build()
            .expect("mount target")
    }

    #[test]
    fn mount_target_mapping() {
        let groups = Fetched::found(vec!["sg-efs".to_string()]);
        let m = map_mount_target(&mount_target_description(), groups.clone()).expect("mapped");
        assert_eq!(m.id, "fsmt-1");
        assert_eq!(m.subnet_id, "subnet-9");
        assert_eq!(m.availability_zone.as_deref(), Some("us-east-1b"));
        assert_eq!(m.availability_zone_id.as_deref(), Some("use1-az2"));
        assert_eq!(m.ip_address.as_deref(), Some("10.0.9.10"));
        assert_eq!(m.network_interface_id.as_deref(), Some("eni-9"));
        assert_eq!(m.life_cycle_state, "available");
        assert_eq!(m.security_groups, groups);
    }

    #[test]
    fn file_system_mapping_and_its_network() {
        let fs = t::FileSystemDescription::builder()
            .owner_id("123456789012")
            .creation_token("t")
            .file_system_id("fs-1")
            .file_system_arn("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-1")
            .creation_time(aws_smithy_types::DateTime::from_secs(0))
            .life_cycle_state(t::LifeCycleState::Creating)
            .number_of_mount_targets(1)
            .size_in_bytes(t::FileSystemSize::builder().value(0).build())
            .performance_mode(t::PerformanceMode::GeneralPurpose)
            .set_tags(Some(vec![]))
            .build()
            .expect("file system");
        let mt = map_mount_target(
            &mount_target_description(),
            Fetched::found(vec!["sg-efs".to_string()]),
        )
        .expect("mapped");
        let policy: Fetched<String> = Fetched::Absent {
            call: Op::EfsDescribeFileSystemPolicy.to_string(),
            detail: Some("PolicyNotFound: none".into()),
        };
        let m = map_file_system(&fs, Fetched::found(vec![mt]), policy.clone());
        assert_eq!(m.id, "fs-1");
        assert_eq!(m.life_cycle_state, "creating");
        assert_eq!(m.policy, policy);
        assert!(m.arn.is_some());

        let mut efs = m::EfsData::default();
        efs.file_systems.insert("fs-1".into(), Fetched::found(m));
        efs.file_systems.insert(
            "fs-gone".into(),
            Fetched::Absent {
                call: Op::EfsDescribeFileSystems.to_string(),
                detail: None,
            },
        );
        let (subnets, groups) = mount_target_network(&efs);
        assert_eq!(subnets, BTreeSet::from(["subnet-9".to_string()]));
        assert_eq!(groups, BTreeSet::from(["sg-efs".to_string()]));
    }

    #[test]
    fn access_point_mapping() {
        let a = t::AccessPointDescription::builder()
            .access_point_id("fsap-1")
            .file_system_id("fs-1")
            .life_cycle_state(t::LifeCycleState::Available)
            .root_directory(t::RootDirectory::builder().path("/app").build())
            .build();
        let m = map_access_point(&a, "fsap-1").expect("mapped");
        assert_eq!(m.file_system_id, "fs-1");
        assert_eq!(m.life_cycle_state, "available");
        assert_eq!(m.root_directory.as_deref(), Some("/app"));
        let bare = t::AccessPointDescription::builder().build();
        assert_eq!(map_access_point(&bare, "fsap-1"), None);
    }
}
