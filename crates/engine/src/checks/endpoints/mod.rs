//! VPC endpoints: the interface and gateway endpoints a task without an internet path needs, and their policies.

pub(super) mod vpce_cross_region;
pub(super) mod vpce_ecr_api_missing;
pub(super) mod vpce_ecr_dkr_missing;
pub(super) mod vpce_logs_missing;
pub(super) mod vpce_not_usable;
pub(super) mod vpce_policy_denies;
pub(super) mod vpce_private_dns_disabled;
pub(super) mod vpce_s3_gateway_missing;
pub(super) mod vpce_s3_not_associated;
pub(super) mod vpce_s3_policy_denies_envfiles;
pub(super) mod vpce_s3_policy_denies_layer_bucket;
pub(super) mod vpce_secretsmanager_missing;
pub(super) mod vpce_ssm_missing;
