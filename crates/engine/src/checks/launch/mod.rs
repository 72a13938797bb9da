//! Launch and task definition: the task's size, platform version, zones, IP addresses, execution role presence, and what no check covers.

pub(super) mod cap_arm64_unsupported;
pub(super) mod cap_az_unsupported;
pub(super) mod cap_single_az;
pub(super) mod eni_config_invalid;
pub(super) mod eni_subnet_no_free_ip;
pub(super) mod iam_slr_missing;
pub(super) mod launch_taskdef_no_execrole;
pub(super) mod plat_pv_incompatible;
pub(super) mod plat_tasksize_invalid;
pub(super) mod td_feature_not_checked;
