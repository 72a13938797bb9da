//! Secrets, parameters, log configuration and environment files.

pub(super) mod envfile_not_found;
pub(super) mod log_config_invalid;
pub(super) mod log_group_missing;
pub(super) mod sec_sm_not_found;
pub(super) mod sec_ssm_not_found;
