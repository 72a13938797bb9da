//! EFS volumes: file systems, access points, mount targets, NFS reachability and EFS authorization.

pub(super) mod efs_access_point_not_found;
pub(super) mod efs_fs_not_found;
pub(super) mod efs_iam_denied;
pub(super) mod efs_mount_target_missing;
pub(super) mod efs_nfs_blocked;
