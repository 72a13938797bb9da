//! The image and its registry: references, repositories, tags and digests, manifests, pull-through cache rules, repository policies.

pub(super) mod ecr_image_digest_gone;
pub(super) mod ecr_image_not_found;
pub(super) mod ecr_kms_key_unusable;
pub(super) mod ecr_pull_through;
pub(super) mod ecr_repo_not_found;
pub(super) mod ecr_repo_policy;
pub(super) mod img_arch_mismatch;
pub(super) mod img_os_mismatch;
pub(super) mod img_ref_invalid;
pub(super) mod img_too_large;
pub(super) mod img_windows_foreign_layers;
pub(super) mod reg_creds_missing;
pub(super) mod reg_internet_required;
